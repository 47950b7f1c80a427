"""Error pages in Danish, in the application's layout (one shape for every refusal)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.web.access import public


@public
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the user's role or municipality does not reach the page."""
    return render(
        request,
        "web/error.html",
        {"title": "Ingen adgang", "text": str(exception or "")},
        status=403,
    )


@public
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page (or goal, or municipality)."""
    return render(request, "web/error.html", {"title": "Siden findes ikke", "text": ""}, status=404)
