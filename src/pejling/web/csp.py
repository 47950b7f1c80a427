"""The Content-Security-Policy header: Django 6's own middleware where it exists, the same
policy from the same `SECURE_CSP` setting on Django 5.2.

Why both: Django 6 needs Python 3.12, and pejling supports 3.11, where the lock file resolves
Django 5.2 LTS. The policy is one setting either way; this fallback only writes the header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

try:  # Django ≥ 6.0
    from django.middleware.csp import ContentSecurityPolicyMiddleware as _Builtin
except ImportError:  # pragma: no cover - depends on the installed Django
    _Builtin = None

SELF = "'self'"
NONE = "'none'"

#: the whole policy: everything from this origin, no inline script or style, no eval, no frames
POLICY: dict[str, list[str]] = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "object-src": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
}


def header_value(policy: dict[str, list[str]]) -> str:
    """The header text of a policy: `default-src 'self'; script-src 'self'; …`."""
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class FallbackCSPMiddleware:
    """Sets `Content-Security-Policy` from `settings.SECURE_CSP` (Django 5.2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.value = header_value(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.value)
        return response


MIDDLEWARE = (
    "django.middleware.csp.ContentSecurityPolicyMiddleware"
    if _Builtin is not None
    else "pejling.web.csp.FallbackCSPMiddleware"
)
