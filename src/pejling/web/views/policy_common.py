"""What the policy pages share: who edits, which policy a URL names, and the version lookups.

A policy belongs to the municipality in its file (`municipality:`); a URL naming a policy of
another municipality, or a national policy (scope national: every municipality's goals, not
one municipality's to edit), is not found (404), so no page shows or changes another
municipality's policy under the wrong code.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import resolve, reverse

from pejling.web.access import reaches, rule_of
from pejling.web.audit import record
from pejling.web.goals import workspace
from pejling.web.models import EventKind, PolicyVersion
from pejling.web.policy_versions import STALE, PolicyFile, SaveRefused, find, sync
from pejling.web.roles import Role
from pejling.workspace import Workspace

EDITORS = frozenset({Role.EDITOR, Role.ADMINISTRATOR})


def policy_of(code: int, policy_id: str, request: HttpRequest) -> tuple[Workspace, PolicyFile]:
    """The workspace and the municipality's policy file, its history brought up to date
    (a file changed outside the application becomes a version first); 404 when the policy
    is not this municipality's."""
    ws = workspace()
    sync(ws, request)
    found = find(ws, policy_id)
    if found is None or found.national or found.municipality != code:
        raise Http404("Politikken findes ikke i denne kommune.")
    return ws, found


def version_of(policy_id: str, number: int, code: int) -> PolicyVersion:
    """One stored version of the municipality's policy (404 when there is none).

    Why the municipality too: a policy's history is kept by its id, and a version recorded
    while the file said another municipality (a file changed outside the application, or an
    id used again) is that municipality's text, not this one's.
    """
    found: PolicyVersion | None = PolicyVersion.objects.filter(
        policy_id=policy_id, number=number, municipality=code
    ).first()
    if found is None:
        raise Http404("Versionen findes ikke.")
    return found


def may(request: HttpRequest, name: str, **kwargs: Any) -> bool:
    """Whether the user may open the page `name` (the view's own rule decides)."""
    url = reverse(name, kwargs=kwargs)
    rule = rule_of(resolve(url).func)
    return rule is not None and reaches(request.user, rule, kwargs.get("code"))


def author_name(user: Any) -> str:
    """How a user is named in a comment or a version list."""
    if user is None:
        return ""
    full = str(user.get_full_name()).strip() if hasattr(user, "get_full_name") else ""
    return full or str(user.get_username())


def audit_refusal(
    request: HttpRequest, code: int, policy_id: str, refused: SaveRefused, what: str
) -> None:
    """Record a refused save or import (`what`: "gemning" or "indlæsning") when it tried to
    change the policy's id, municipality or scope, or came from a file that changed meanwhile:
    an attempt to move a policy, or a lost edit, is worth finding in the audit log. A missing
    reason or a lint error is an ordinary correction and is not recorded.

    Why by message: `SaveRefused` carries only its Danish message (the kind of refusal lives
    in `policy_versions`, which decides it); these are its messages for those cases.
    """
    if refused.message == STALE:
        why = "filen var ændret, siden den blev åbnet"
    elif refused.message.startswith("Politikkens id kan ikke ændres"):
        why = "forsøgte at ændre politikkens id"
    elif refused.message.startswith("Politikkens kommune og omfang"):
        why = "forsøgte at ændre politikkens kommune eller omfang"
    else:
        return
    record(
        request,
        EventKind.POLICY_CHANGE,
        municipality=code,
        detail=f"afvist: {what} af {policy_id}: {why}"[:300],
    )
