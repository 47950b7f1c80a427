"""URL patterns: The policy editor: versions, diff, YAML export and import, initiative follow-up and goal comments (each change a new version of the policy file).

Each view declares its access rule (`pejling.web.access`); tests/web/access_policy.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from pejling.web.views import policy_edit, policy_followup, policy_history

P = "kommune/<int:code>/politik/<str:policy>/"

routes: list[URLPattern] = [
    path("kommune/<int:code>/politikker/", policy_history.policy_list, name="policy_list"),
    path(P + "rediger/", policy_edit.policy_edit, name="policy_edit"),
    path(P + "tjek/", policy_edit.policy_lint, name="policy_lint"),
    path(P + "versioner/", policy_history.policy_history, name="policy_history"),
    path(P + "versioner/<int:a>/<int:b>/", policy_history.policy_diff, name="policy_diff"),
    path(P + "versioner/<int:number>/yaml/", policy_history.policy_export, name="policy_export"),
    path(P + "indlaes/", policy_history.policy_import, name="policy_import"),
    path("kommune/<int:code>/opfoelgning/", policy_followup.followup, name="followup"),
    path(
        "kommune/<int:code>/maal/<str:policy>/<str:anchor>/kommentar/",
        policy_followup.goal_comment,
        name="goal_comment",
    ),
]
