"""Writing the audit log: logins, failed logins and logouts (from Django's signals) and the
views a page asks to record.

Why signals for logins: Django's and django-axes' login paths both send them, so every way of
logging in is recorded without wrapping the login view.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from pejling.web.models import AuditEvent, EventKind


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (behind a proxy: the proxy's, see
    docs/deployment.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest | None,
    kind: EventKind,
    *,
    username: str = "",
    municipality: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event (the user and path from the request when there is one)."""
    user: Any = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    event: AuditEvent = AuditEvent.objects.create(
        kind=kind,
        username=username or (user.get_username() if authenticated else ""),
        user=user if authenticated else None,
        municipality=municipality,
        path=(request.path[:300] if request is not None else ""),
        ip=client_ip(request),
        detail=detail[:300],
    )
    return event


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(request, AuditEvent.Kind.LOGIN, username=user.get_username())


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(request, AuditEvent.Kind.LOGOUT, username=user.get_username() if user else "")


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # the username tried, never the password (Django already masks it in `credentials`)
    record(request, AuditEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", "")))


def connect() -> None:
    """Connect the receivers (once; `dispatch_uid` makes a second call harmless)."""
    user_logged_in.connect(_logged_in, dispatch_uid="pejling-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="pejling-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="pejling-audit-login-failed")
