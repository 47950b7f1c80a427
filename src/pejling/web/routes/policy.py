"""URL patterns: The policy editor: versions, diff, YAML export and import, initiative follow-up and goal comments (each change a new version of the policy file).

Each view declares its access rule (`pejling.web.access`); tests/web/access_policy.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
