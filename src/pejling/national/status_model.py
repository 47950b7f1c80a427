"""What a national policy's status is made of: the goals × municipalities matrix as data.

Kept apart from `pejling.national.goals`, which judges (and imports the report model, DuckDB
and the statistics stack), so that the command line can print a national status it has cached
(`pejling.cache`) by importing only these small classes: loading a cached status must not cost
what judging it costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pejling.evaluation.status import GOAL_CODES, GoalStatus, GoalStatusCode, Reason
from pejling.periods import Period
from pejling.reference.municipalities import NATIONAL_CODE, name_of

if TYPE_CHECKING:
    from pejling.report.model import ShownPoint
    from pejling.report.protection import CellKey
    from pejling.spec.indicator import IndicatorSpec
    from pejling.spec.policy import Goal, Policy, Theme


@dataclass(frozen=True)
class StatusCounts:
    """How many municipalities have each status for one goal (and group)."""

    counts: dict[GoalStatusCode, int]
    uncertain: int  # verdicts marked usikker (counted under their status too)
    municipalities: int  # municipalities judged (every row, whatever its status)
    #: the Integrationsbarometer movement (positive, negative, unchanged) → municipalities, for
    #: goals with a `barometer` block
    movements: dict[str, int] = field(default_factory=dict)
    #: why municipalities cannot be assessed (reason code → municipalities)
    reasons: dict[Reason, int] = field(default_factory=dict)

    @property
    def meeting(self) -> int:
        """Municipalities that meet the goal: the target is reached (before or at the deadline)."""
        return self.counts.get(GoalStatusCode.ACHIEVED, 0)

    @property
    def assessed(self) -> int:
        """Municipalities with a verdict (not 'cannot be assessed', not 'no data')."""
        return sum(
            n
            for code, n in self.counts.items()
            if code not in (GoalStatusCode.NOT_ASSESSABLE, GoalStatusCode.NO_DATA)
        )

    @staticmethod
    def of(statuses: Sequence[GoalStatus]) -> StatusCounts:
        """Count published statuses (initiative-only goals count nothing)."""
        counts = {code: 0 for code in GOAL_CODES}
        uncertain = 0
        movements: dict[str, int] = {}
        reasons: dict[Reason, int] = {}
        for st in statuses:
            if st.status in counts:
                counts[st.status] += 1
                uncertain += int(st.uncertain and st.is_verdict)
            if st.status is GoalStatusCode.NOT_ASSESSABLE:
                reasons[st.reason_code] = reasons.get(st.reason_code, 0) + 1
            if st.barometer_movement:
                word = st.barometer_movement.partition(" ")[0]
                movements[word] = movements.get(word, 0) + 1
        return StatusCounts(counts, uncertain, len(statuses), movements, reasons)


@dataclass(frozen=True)
class GroupResult:
    """One goal judged for one population group in every municipality (and the nation)."""

    group: dict[str, str]
    breakdown: str | None  # None: the goal's own group; else "sex" or "origin"
    national: GoalStatus | None
    rows: tuple[GoalStatus, ...]  # one per municipality, by code
    counts: StatusCounts

    def row(self, code: int) -> GoalStatus | None:
        """The status of one municipality."""
        return next((r for r in self.rows if r.municipality_code == code), None)


@dataclass(frozen=True)
class NationalGoal:
    """A national goal: its own group and its breakdowns, each judged in every municipality."""

    theme: Theme
    goal: Goal
    spec: IndicatorSpec | None
    main: GroupResult
    breakdowns: tuple[GroupResult, ...] = ()

    @property
    def label(self) -> str:
        """The goal's label (e.g. "Mål 1"), else its id."""
        return self.goal.label or self.goal.id


@dataclass(frozen=True)
class NationalRow:
    """One cell of the goals × municipalities matrix (flattened, for exports)."""

    goal: NationalGoal
    group: GroupResult
    status: GoalStatus

    @property
    def municipality_code(self) -> int:
        """0 for the nation."""
        return self.status.municipality_code

    @property
    def municipality_name(self) -> str:
        """The municipality's name ("Hele landet" for the nation)."""
        return area_name(self.status.municipality_code)


@dataclass(frozen=True)
class NationalStatus:
    """Where every municipality stands on every national goal, as of a period."""

    policy: Policy
    as_of: Period
    lang: str
    threshold: int
    min_persons: int
    codes: tuple[int, ...]
    goals: tuple[NationalGoal, ...]
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)
    #: every figure the publication shows (this policy's and the workspace's other publishable
    #: policies'), as published, by cell key: what a reader can combine with a pooled figure
    #: (`pejling.national.report`)
    published: dict[CellKey, ShownPoint] = field(default_factory=dict)

    def rows(self, *, breakdowns: bool = True, national: bool = True) -> list[NationalRow]:
        """Every goal × area × group, in goal order, the nation first."""
        out: list[NationalRow] = []
        for g in self.goals:
            for grp in (g.main, *g.breakdowns) if breakdowns else (g.main,):
                if national and grp.national is not None:
                    out.append(NationalRow(g, grp, grp.national))
                out.extend(NationalRow(g, grp, st) for st in grp.rows)
        return out


def area_name(code: int) -> str:
    """A municipality's name, "Hele landet" for 0."""
    return "Hele landet" if code == NATIONAL_CODE else name_of(code)
