"""A goal page: the facts and the verdict's reason, the sources, and the report's chart
(rendered in the browser by the vendored Vega from the same Vega-Lite spec), with its text
alternative and the figure table; the goal's initiatives and the history of its comments (both
from the policy file). Editors see links to write a comment, edit the policy and the follow-up;
readers see none. Every view is written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from pejling.evaluation.status import ValueAt
from pejling.evaluation.texts import source_name
from pejling.formatting import fmt_date, fmt_number, fmt_value
from pejling.reference.municipalities import name_of
from pejling.report.charts import chart_alt, goal_chart_spec
from pejling.report.model import ShownPoint
from pejling.report.render import figure_table
from pejling.report.texts import labels
from pejling.spec.policy import GoalComment, Initiative
from pejling.web.access import Rule, allow, reaches
from pejling.web.audit import record
from pejling.web.goals import goal_section, workspace
from pejling.web.models import AuditEvent
from pejling.web.roles import READERS, Role

#: who may change a municipality's policy (the editor's pages decide again; this only decides
#: whether the goal page shows the links)
EDITORS = Rule(frozenset({Role.EDITOR, Role.ADMINISTRATOR}), scoped=True)


@dataclass(frozen=True)
class Fact:
    """One line of the goal's facts."""

    label: str
    value: str
    source: str = ""


def _at(v: ValueAt | None, unit: str) -> str:
    return "–" if v is None else f"{fmt_value(v.value, unit)} ({v.period.label_da()})"


def _cell(p: ShownPoint | None, unit: str) -> str:
    if p is None:
        return ""
    if p.suppressed or p.value is None:
        return "skjult"
    text = fmt_value(p.value, unit)
    if p.interval:
        lo, hi = p.interval
        text += f" ({fmt_number(lo)}–{fmt_number(hi)})"
    if p.synthetic:
        text += " (syntetisk)"
    return text


def optional_url(name: str, **kwargs: Any) -> str | None:
    """The URL of a page another part of the application may not have built yet (None then),
    so that a page linking to it works before and after it lands."""
    try:
        url: str = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    return url


def may_edit(user: Any, code: int) -> bool:
    """Whether the user edits the municipality's policies (editor or administrator there)."""
    return reaches(user, EDITORS, code)


@dataclass(frozen=True)
class InitiativeRow:
    """One initiative as the goal page lists it, in Danish."""

    title: str
    owner: str
    partners: str
    status: str
    follow_up: str
    description: str


def initiative_status_da(initiative: Initiative) -> str:
    """'Planlagt', 'I gang', 'Gennemført', 'Stoppet' (the report's labels)."""
    return labels("da")[f"initiative_status_{initiative.status.value}"]


def _initiative(i: Initiative) -> InitiativeRow:
    return InitiativeRow(
        title=i.title,
        owner=i.owner or "–",
        partners=", ".join(i.partners) or "–",
        status=initiative_status_da(i),
        follow_up=fmt_date(i.follow_up) if isinstance(i.follow_up, date) else "–",
        description=" ".join((i.description or "").split()),
    )


def _comments(comments: list[GoalComment]) -> list[tuple[str, str, str]]:
    """(period, text, by), the newest period first."""
    newest = sorted(comments, key=lambda c: c.period, reverse=True)
    return [(c.period.label_da(), " ".join(c.text.split()), c.by or "–") for c in newest]


def _edit_links(request: HttpRequest, code: int, policy: str, anchor: str) -> list[tuple[str, str]]:
    """(text, URL) of the edit pages that exist, for an editor of the municipality only."""
    if not may_edit(request.user, code):
        return []
    wanted: list[tuple[str, str, dict[str, Any]]] = [
        ("Skriv kommentar", "web:goal_comment", {"code": code, "policy": policy, "anchor": anchor}),
        ("Redigér politikken", "web:policy_edit", {"code": code, "policy": policy}),
        ("Opfølgning", "web:followup", {"code": code}),
    ]
    found = [(text, optional_url(name, **kw)) for text, name, kw in wanted]
    return [(text, url) for text, url in found if url is not None]


@allow(READERS, scoped=True)
def goal(request: HttpRequest, code: int, policy: str, anchor: str) -> HttpResponse:
    """One goal of one of the municipality's policies."""
    found = goal_section(workspace(), code, policy, anchor)
    if found is None:
        raise Http404("Målet findes ikke i denne kommunes politikker.")
    report, section = found
    s = section.status
    municipality = report.municipality_name
    deadline = s.target_deadline or s.deadline
    facts = [
        Fact("Status", s.status_label("da")),
        Fact(
            "Udgangspunkt",
            _at(s.baseline, s.unit),
            source_name(s.baseline, "da") if s.baseline else "",
        ),
        Fact("Seneste tal", _at(s.latest, s.unit), source_name(s.latest, "da") if s.latest else ""),
        Fact("Måltal", fmt_value(s.target_value, s.unit) if s.target_value is not None else "–"),
        Fact("Frist", deadline.label_da() if deadline and not s.is_key_figure else "–"),
        Fact("Vurderet pr.", report.as_of.label_da()),
    ]
    table = figure_table(section, municipality, "da")
    rows = [
        (row.period.label_da(), [_cell(c, section.unit) for c in row.cells]) for row in table.rows
    ]
    record(request, AuditEvent.Kind.GOAL_VIEW, municipality=code, detail=f"{policy}/{anchor}")
    return render(
        request,
        "web/goal.html",
        {
            "code": code,
            "name": name_of(code),
            "policy": report.policy,
            "section": section,
            "status": s,
            "reason": s.reason("da"),
            "facts": facts,
            "spec": goal_chart_spec(section, municipality, "da"),
            "alt": chart_alt(section, municipality, "da"),
            "columns": [c.name for c in table.columns],
            "rows": rows,
            "sources": sorted({v.source_label for v in section.series if v.points}),
            "synthetic": section.synthetic,
            "initiatives": [_initiative(i) for i in section.initiatives],
            "comments": _comments(section.goal.comments if section.goal else []),
            "is_goal": section.goal is not None,
            "edit_links": _edit_links(request, code, policy, anchor),
        },
    )
