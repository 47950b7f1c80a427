"""The national comparison as the web shows it: `pejling status` for every municipality and for
each national policy, worded for a page — read, never re-judged.

Disclosure control: a national analyst sees what the published reports show. A status's figures
are hidden when the publication-wide control suppressed them (`GoalStatus.suppressed`) or when
they rest on fewer persons than the disclosure threshold; a hidden figure gives no rank, so a
rank cannot reveal it either.
"""

from __future__ import annotations

from dataclasses import dataclass

from pejling.cli.national_status import SHORT
from pejling.evaluation.status import GOAL_CODES, GoalStatus, GoalStatusCode, Reason, ValueAt
from pejling.formatting import fmt_value
from pejling.national.status_model import NationalGoal, NationalStatus, StatusCounts, area_name
from pejling.reference.municipalities import name_of
from pejling.web.goals import municipal_status, national_status
from pejling.workspace import Workspace

#: the status columns of a count table, in the order `pejling status` prints them
COUNT_HEADERS = [SHORT["da"][code] for code in GOAL_CODES]


@dataclass(frozen=True)
class MunicipalCounts:
    """How many of one municipality's own goals have each status."""

    code: int
    name: str
    counts: StatusCounts

    @property
    def cells(self) -> list[int]:
        """The counts in `COUNT_HEADERS` order, then the uncertain verdicts."""
        return [self.counts.counts.get(c, 0) for c in GOAL_CODES] + [self.counts.uncertain]


def municipal_counts(ws: Workspace) -> list[MunicipalCounts]:
    """Every municipality with own policies in the workspace, its goals' status counts (the
    statuses of `pejling status`), in code order."""
    by_code: dict[int, list[GoalStatus]] = {}
    for p in municipal_status(ws).policies:
        for s in p.statuses:
            by_code.setdefault(s.municipality_code, []).append(s)
    return [
        MunicipalCounts(code, name_of(code), StatusCounts.of([s for s in rows if s.is_goal]))
        for code, rows in sorted(by_code.items())
    ]


def national_policies(ws: Workspace) -> list[NationalStatus]:
    """What `pejling status <id>` shows for each national policy (cached like the command)."""
    return [n for pid in municipal_status(ws).national if (n := national_status(ws, pid))]


def national_policy(ws: Workspace, policy_id: str) -> NationalStatus | None:
    """One national policy's status (None: no national policy of that id)."""
    return national_status(ws, policy_id)


def short_status(s: GoalStatus) -> str:
    """The matrix's word: 'I risiko', 'Ikke på rette vej (usikker)'."""
    text = SHORT["da"].get(s.status, s.headline("da"))
    return text + (" (usikker)" if s.uncertain and s.is_verdict else "")


def hidden(s: GoalStatus, v: ValueAt | None, threshold: int) -> bool:
    """Whether a figure of this status must not be shown (see the module's docstring)."""
    if s.suppressed or s.reason_code is Reason.SUPPRESSED:
        return True
    return v is not None and v.persons is not None and v.persons < threshold


def shown(s: GoalStatus, v: ValueAt | None, threshold: int) -> str:
    """A figure as the page shows it: '55,3 % (2024)', 'skjult' or '–'."""
    if v is None:
        return "–"
    if hidden(s, v, threshold):
        return "skjult"
    return f"{fmt_value(v.value, s.unit)} ({v.period.label_da()})"


@dataclass(frozen=True)
class GoalRowView:
    """One municipality's row on a national goal's page."""

    code: int
    name: str
    baseline: str
    latest: str
    status: str
    rank: int | None
    status_code: GoalStatusCode


def goal_sign(g: NationalGoal) -> int:
    """+1 when a higher figure is better for the goal, −1 when lower is."""
    direction = g.goal.target.direction or (g.spec.direction if g.spec else None)
    return direction.sign if direction is not None else 1


def goal_rows(ns: NationalStatus, g: NationalGoal) -> list[GoalRowView]:
    """Every municipality on one national goal, ranked by its latest figure among those with a
    verdict and a figure shown (1 is best; equal figures share a rank). The ranked come first,
    then the other judged ones, then those without data, each in code order."""
    sign = goal_sign(g)
    rankable = [
        s
        for s in g.main.rows
        if s.is_verdict and s.latest is not None and not hidden(s, s.latest, ns.threshold)
    ]
    ordered = sorted(rankable, key=lambda s: -sign * s.latest.value if s.latest else 0.0)
    ranks: dict[int, int] = {}
    previous: float | None = None
    rank = 0
    for i, s in enumerate(ordered, start=1):
        assert s.latest is not None
        value = round(s.latest.value, 9)
        if value != previous:
            rank, previous = i, value
        ranks[s.municipality_code] = rank
    rows = [
        GoalRowView(
            s.municipality_code,
            area_name(s.municipality_code),
            shown(s, s.baseline, ns.threshold),
            shown(s, s.latest, ns.threshold),
            s.status_label("da"),
            ranks.get(s.municipality_code),
            s.status,
        )
        for s in g.main.rows
    ]
    big = len(rows) + 1
    return sorted(
        rows,
        key=lambda r: (
            r.rank or big,
            r.status_code is GoalStatusCode.NO_DATA,
            r.code,
        ),
    )


def find_goal(ns: NationalStatus, goal_id: str) -> NationalGoal | None:
    """A national policy's goal by id."""
    return next((g for g in ns.goals if g.goal.id == goal_id), None)
