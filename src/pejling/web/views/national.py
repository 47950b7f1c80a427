"""The national comparison (national analysts and administrators at the national level only):
every municipality's own goals counted by status, each national policy's goals × municipalities
matrix, and one national goal across all municipalities with figure, status and rank. The same
statuses as `pejling status` (`pejling.web.views.national_model`); each view is audited.

The fair benchmark (`pejling benchmark`: observed against expected from the case mix) is not
computed here: it fits a model on person-level data per indicator (seconds, and not cached), so
the page points to the command and the national report instead.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pejling.evaluation.status import GOAL_CODES, GoalStatusCode
from pejling.national.status_model import NationalStatus, area_name
from pejling.reference.municipalities import municipalities
from pejling.web.access import allow
from pejling.web.audit import record
from pejling.web.goals import workspace
from pejling.web.models import AuditEvent
from pejling.web.views.national_access import NATIONAL_ROLES
from pejling.web.views.national_model import (
    COUNT_HEADERS,
    find_goal,
    goal_rows,
    municipal_counts,
    national_policies,
    national_policy,
    short_status,
)


def _summary(ns: NationalStatus) -> list[dict[str, object]]:
    """Per goal: its label, the nation's status and the counts of its own group."""
    out: list[dict[str, object]] = []
    for g in ns.goals:
        c = g.main.counts
        out.append(
            {
                "id": g.goal.id,
                "label": g.label,
                "statement": " ".join(g.goal.statement.split()),
                "national": short_status(g.main.national) if g.main.national else "–",
                "cells": [c.counts.get(code, 0) for code in GOAL_CODES] + [c.uncertain],
            }
        )
    return out


@allow(NATIONAL_ROLES, scoped=False, national=True)
def national(request: HttpRequest) -> HttpResponse:
    """Every municipality's goals counted by status, and the national policies' matrices."""
    ws = workspace()
    counts = municipal_counts(ws)
    statuses = national_policies(ws)
    policies = [
        {
            "status": ns,
            "summary": _summary(ns),
            "matrix": [
                (code, area_name(code), [short_status(g.main.rows[i]) for g in ns.goals])
                for i, code in enumerate(ns.codes)
            ],
        }
        for ns in statuses
    ]
    record(request, AuditEvent.Kind.NATIONAL_VIEW, detail="national sammenligning")
    return render(
        request,
        "web/national.html",
        {
            "counts": counts,
            "count_headers": COUNT_HEADERS,
            "all": len(municipalities()),
            "policies": policies,
            "synthetic": any(ns.synthetic for ns in statuses),
        },
    )


@allow(NATIONAL_ROLES, scoped=False, national=True)
def national_goal(request: HttpRequest, policy: str, goal: str) -> HttpResponse:
    """One national goal in every municipality: baseline, latest figure, status and rank."""
    ns = national_policy(workspace(), policy)
    found = find_goal(ns, goal) if ns is not None else None
    if ns is None or found is None:
        raise Http404("Det nationale mål findes ikke.")
    rows = goal_rows(ns, found)
    nat = found.main.national
    record(request, AuditEvent.Kind.NATIONAL_VIEW, detail=f"{policy}/{goal}")
    return render(
        request,
        "web/national_goal.html",
        {
            "ns": ns,
            "goal": found,
            "statement": " ".join(found.goal.statement.split()),
            "national": nat.status_label("da") if nat else "–",
            "rows": rows,
            "ranked": sum(1 for r in rows if r.rank is not None),
            "assessed": found.main.counts.assessed,
            "no_data": found.main.counts.counts.get(GoalStatusCode.NO_DATA, 0),
            "synthetic": ns.synthetic,
        },
    )
