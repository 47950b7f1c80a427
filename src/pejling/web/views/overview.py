"""The overview of one municipality: every goal of its policies with its status, the trend, the
latest figure and its source, the deadline; filtered by theme, status and owner (the goal's
`responsible` in the policy) with GET parameters."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.evaluation.status import GoalStatus, GoalStatusCode
from pejling.evaluation.texts import source_name
from pejling.formatting import fmt_value
from pejling.reference.municipalities import name_of
from pejling.report.texts import status_label
from pejling.web.access import allow
from pejling.web.goals import GoalRow, overview_rows, policy_titles, workspace
from pejling.web.roles import READERS
from pejling.workspace import Workspace

UNCERTAIN = "usikker"
#: the owner filter's value for goals that name no responsible
NO_OWNER = "-"


@dataclass(frozen=True)
class Trend:
    """Which way the goal's figure moved from the baseline to the latest figure: a word (the
    text users read) and an arrow (a visual cue only; never colour alone)."""

    word: str
    arrow: str
    since: str


RISING = ("Stigende", "↑")
FALLING = ("Faldende", "↓")
UNCHANGED = ("Uændret", "→")
KEY_FIGURE_TRENDS = {
    GoalStatusCode.RISING: RISING,
    GoalStatusCode.FALLING: FALLING,
    GoalStatusCode.UNCHANGED: UNCHANGED,
}


def trend(s: GoalStatus) -> Trend | None:
    """The trend of a goal or key figure (None: no two figures to compare, or hidden ones).

    A key figure's trend is its status (decided by the evaluation, with its uncertainty); a
    goal's is the direction from its baseline to its latest figure as shown (figures equal
    when rounded as printed are unchanged), whatever the goal's good direction is: the status
    says whether the movement is good enough.
    """
    if s.suppressed or s.baseline is None or s.latest is None:
        return None
    since = s.baseline.period.label_da()
    if s.is_key_figure:
        found = KEY_FIGURE_TRENDS.get(s.status)
        return None if found is None else Trend(*found, since)
    if s.latest.period <= s.baseline.period:
        return None
    before, after = fmt_value(s.baseline.value, s.unit), fmt_value(s.latest.value, s.unit)
    if before == after:
        return Trend(*UNCHANGED, since)
    return Trend(*(RISING if s.latest.value > s.baseline.value else FALLING), since)


def owners(ws: Workspace) -> dict[tuple[str, str], str]:
    """The goals' owners (`responsible`) by (policy id, goal id)."""
    return {
        (lp.policy.id, g.id): " ".join(g.responsible.split())
        for lp in ws.load_policies()
        for t in lp.policy.themes
        for g in t.goals
        if g.responsible
    }


def _matches(row: GoalRow, theme: str, status: str, owner: str, owner_of: str) -> bool:
    if theme and f"{row.policy_id}/{row.status.theme_id}" != theme:
        return False
    if owner and (owner_of or NO_OWNER) != owner:
        return False
    if status == UNCERTAIN:
        return row.status.uncertain and row.status.is_verdict
    return not status or row.status.status.value == status


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _cells(row: GoalRow) -> dict[str, str]:
    s = row.status
    v = s.latest
    deadline = s.target_deadline or s.deadline
    return {
        "statement": "" if s.is_key_figure else _short(s.statement),
        "latest": "–" if v is None else f"{fmt_value(v.value, s.unit)} ({v.period.label_da()})",
        "source": source_name(v, "da") if v is not None else "",
        "deadline": deadline.label_da() if deadline and not s.is_key_figure else "–",
        "label": s.statement if s.is_key_figure else s.label,
    }


@allow(READERS, scoped=True)
def overview(request: HttpRequest, code: int) -> HttpResponse:
    """The municipality's goals (the same statuses as `pejling status`)."""
    ws = workspace()
    rows = overview_rows(ws, code)
    titles = policy_titles(ws)
    theme = request.GET.get("tema", "")
    status = request.GET.get("status", "")
    owner = request.GET.get("ansvarlig", "")
    owner_of = owners(ws)
    row_owner = {id(r): owner_of.get((r.policy_id, r.status.goal_id), "") for r in rows}
    owner_choices = sorted({o for o in row_owner.values() if o})
    if owner_choices and any(not o for o in row_owner.values()):
        owner_choices.append(NO_OWNER)
    themes = list(
        dict.fromkeys((f"{r.policy_id}/{r.status.theme_id}", r.theme_title) for r in rows)
    )
    statuses = [
        (c.value, status_label(c, "da")) for c in dict.fromkeys(r.status.status for r in rows)
    ]
    statuses.append((UNCERTAIN, "Usikker vurdering"))
    shown = [
        (r, {**_cells(r), "owner": row_owner[id(r)]}, trend(r.status))
        for r in rows
        if _matches(r, theme, status, owner, row_owner[id(r)])
    ]
    policies: dict[str, list[tuple[GoalRow, dict[str, str], Trend | None]]] = {}
    for r, c, t in shown:
        policies.setdefault(r.policy_id, []).append((r, c, t))
    return render(
        request,
        "web/overview.html",
        {
            "code": code,
            "name": name_of(code),
            "rows": shown,
            "policies": [(titles.get(pid, pid), items) for pid, items in policies.items()],
            "total": len(rows),
            "themes": [(key, f"{titles.get(key.split('/')[0], '')}: {t}") for key, t in themes],
            "statuses": statuses,
            "theme": theme,
            "status": status,
            "owners": [
                (o, "Ingen ansvarlig angivet" if o == NO_OWNER else o) for o in owner_choices
            ],
            "owner": owner,
            "synthetic": any(r.synthetic for r, _c, _t in shown),
        },
    )
