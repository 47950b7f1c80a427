"""A goal page: the facts and the verdict's reason, the sources, and the report's chart
(rendered in the browser by the vendored Vega from the same Vega-Lite spec), with its text
alternative and the figure table. Every view is written to the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.evaluation.status import ValueAt
from pejling.evaluation.texts import source_name
from pejling.formatting import fmt_number, fmt_value
from pejling.reference.municipalities import name_of
from pejling.report.charts import chart_alt, goal_chart_spec
from pejling.report.model import ShownPoint
from pejling.report.render import figure_table
from pejling.web.access import allow
from pejling.web.audit import record
from pejling.web.goals import goal_section, workspace
from pejling.web.models import AuditEvent
from pejling.web.roles import READERS


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
        },
    )
