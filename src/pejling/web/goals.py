"""The workspace's goals and verdicts as the web shows them — read, never re-judged.

The overview reads `pejling.cli.status_data.status_of`, exactly what `pejling status` prints
(and from the same cache in `.pejling/cache/`), so the two cannot disagree. A goal page needs
the whole report model (series, chart, figure table); the workspace's reports are judged once
per process for a given fingerprint of the workspace (`pejling.cache.workspace_key`: policies,
settings, the store's file, pejling's code, today's date) and kept in memory until it changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from pejling.cache import workspace_key
from pejling.cli.status_data import MunicipalStatus, status_of
from pejling.evaluation.status import GoalStatus
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pejling.report.model import GoalSection, Report

LANG = "da"
_lock = threading.Lock()
_reports: dict[str, list[Report]] = {}


def workspace() -> Workspace:
    """The workspace the application serves (`PEJLING_WORKSPACE`)."""
    return Workspace.open(settings.PEJLING_WORKSPACE)


@dataclass(frozen=True)
class GoalRow:
    """One goal or key figure of the overview: its policy, theme title and verdict."""

    policy_id: str
    theme_title: str
    anchor: str
    status: GoalStatus
    synthetic: bool


def municipal_status(ws: Workspace) -> MunicipalStatus:
    """What `pejling status` prints for all municipal policies (cached like the command)."""
    result = status_of(ws, None, None, LANG)
    assert isinstance(result, MunicipalStatus)  # policy=None never gives the national matrix
    return result


def theme_titles(ws: Workspace) -> dict[tuple[str, str], str]:
    """Theme titles by (policy id, theme id)."""
    return {(lp.policy.id, t.id): t.title for lp in ws.load_policies() for t in lp.policy.themes}


def policy_titles(ws: Workspace) -> dict[str, str]:
    """Policy titles by policy id."""
    return {lp.policy.id: lp.policy.title for lp in ws.load_policies()}


def overview_rows(ws: Workspace, code: int) -> list[GoalRow]:
    """Every goal and key figure of the municipality's policies, in document order."""
    from pejling.report.model import section_anchor

    titles = theme_titles(ws)
    rows = []
    for policy in municipal_status(ws).policies:
        for s in policy.statuses:
            if s.municipality_code != code:
                continue
            rows.append(
                GoalRow(
                    policy.policy_id,
                    titles.get((policy.policy_id, s.theme_id), s.theme_id),
                    section_anchor(s.goal_id, s.is_key_figure),
                    s,
                    s.synthetic,
                )
            )
    return rows


def reports(ws: Workspace) -> list[Report]:
    """The workspace's municipal reports as `pejling status` judges them (memoised)."""
    from pejling.cli.app import workspace_reports

    digest = workspace_key("web-reports", ws).digest()
    with _lock:
        found = _reports.get(digest)
        if found is None:
            found = workspace_reports(ws, None, None, LANG)
            _reports.clear()  # one workspace state at a time
            _reports[digest] = found
    return found


def goal_section(
    ws: Workspace, code: int, policy_id: str, anchor: str
) -> tuple[Report, GoalSection] | None:
    """The report and section of one goal of the municipality (None: no such goal there)."""
    for report in reports(ws):
        if report.policy.id != policy_id or report.policy.municipality != code:
            continue
        for section in report.goals():
            if section.anchor == anchor:
                return report, section
    return None
