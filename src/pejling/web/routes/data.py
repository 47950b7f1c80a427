"""URL patterns: Data and reports: uploads, background jobs and their progress, the import log, generating and downloading reports, publishing the public site.

Each view declares its access rule (`pejling.web.access`); tests/web/access_data.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
