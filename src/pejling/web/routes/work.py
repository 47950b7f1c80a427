"""URL patterns: The personal worklist and the national comparison.

Each view declares its access rule (`pejling.web.access`); tests/web/access_work.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
