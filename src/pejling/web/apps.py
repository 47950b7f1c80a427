"""The Django app of pejling's web application (models, templates, static files)."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Connects the audit log to Django's login signals when the app is ready."""

    name = "pejling.web"
    label = "web"
    verbose_name = "pejling"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pejling.web import audit

        audit.connect()
