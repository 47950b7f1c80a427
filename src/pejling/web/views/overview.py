"""The overview of one municipality: every goal of its policies with its status, the latest
figure and its source, the deadline; filtered by theme and status (GET parameters)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.evaluation.texts import source_name
from pejling.formatting import fmt_value
from pejling.reference.municipalities import name_of
from pejling.report.texts import status_label
from pejling.web.access import allow
from pejling.web.goals import GoalRow, overview_rows, policy_titles, workspace
from pejling.web.roles import READERS

UNCERTAIN = "usikker"


def _matches(row: GoalRow, theme: str, status: str) -> bool:
    if theme and f"{row.policy_id}/{row.status.theme_id}" != theme:
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
    themes = list(
        dict.fromkeys((f"{r.policy_id}/{r.status.theme_id}", r.theme_title) for r in rows)
    )
    statuses = [
        (c.value, status_label(c, "da")) for c in dict.fromkeys(r.status.status for r in rows)
    ]
    statuses.append((UNCERTAIN, "Usikker vurdering"))
    shown = [(r, _cells(r)) for r in rows if _matches(r, theme, status)]
    policies: dict[str, list[tuple[GoalRow, dict[str, str]]]] = {}
    for r, c in shown:
        policies.setdefault(r.policy_id, []).append((r, c))
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
            "synthetic": any(r.synthetic for r, _c in shown),
        },
    )
