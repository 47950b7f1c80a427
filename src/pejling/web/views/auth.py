"""Logging in and out: Django's own views (password hashing, CSRF, session rotation), with
django-axes throttling failed attempts and the audit log recording each (`pejling.web.audit`).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from pejling.web.access import public

login = public(
    auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True)
)
#: POST only (Django refuses a GET, so a link or an image cannot log anyone out)
logout = public(auth_views.LogoutView.as_view())
