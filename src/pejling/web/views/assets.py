"""The application's own static files (CSS, the chart script, the vendored Vega bundle).

Why served by Django: the application must work from an installed package on a closed network
with nothing but gunicorn in front; the files are few and small enough for that. Behind a
reverse proxy, let it serve `/static/` from `pejling/web/static/` (docs/deployment.md).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.static import serve

from pejling.web.access import public


@public
def static(request: HttpRequest, path: str) -> HttpResponse:
    """One file under `pejling/web/static/` (path traversal is refused by `serve`)."""
    response = serve(request, path, document_root=str(settings.STATIC_ROOT))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
