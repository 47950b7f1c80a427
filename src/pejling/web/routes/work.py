"""URL patterns: The personal worklist, the national comparison and the administrators' users.

Each view declares its access rule (`pejling.web.access`); tests/web/access_work.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from pejling.web.views import national, users, worklist

routes: list[URLPattern] = [
    path("arbejdsliste/", worklist.worklist, name="worklist"),
    path("national/", national.national, name="national"),
    path("national/<str:policy>/<str:goal>/", national.national_goal, name="national_goal"),
    path("brugere/", users.users, name="users"),
]
