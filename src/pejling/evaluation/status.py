"""The verdict on a goal or key figure: a value (status, reason code and the numbers behind it).

Why a value and not a sentence: the status is decided in one place (`pejling.evaluation.evaluate`,
then the publication gate in `pejling.report.model`), and every output — the command line, the
report, the site, the workbook — words the same value in Danish or English at the edge
(`pejling.evaluation.texts`). Nothing downstream re-decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from pejling.evaluation.points import REGISTER, Point, Provenance
from pejling.periods import Period


class GoalStatusCode(StrEnum):
    """Statuses of goals (the first eight) and trend words of key figures (the last three)."""

    ACHIEVED = "achieved"  # target reached (before the deadline, or at it when `final`)
    NOT_ACHIEVED = "not_achieved"  # the deadline has passed and the value then missed the target
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ASSESSABLE = "not_assessable"
    NO_DATA = "no_data"
    INITIATIVE_ONLY = "initiative_only"  # deliberately no result target
    RISING = "rising"
    FALLING = "falling"
    UNCHANGED = "unchanged"


GOAL_CODES = (
    GoalStatusCode.ACHIEVED,
    GoalStatusCode.NOT_ACHIEVED,
    GoalStatusCode.ON_TRACK,
    GoalStatusCode.AT_RISK,
    GoalStatusCode.OFF_TRACK,
    GoalStatusCode.NOT_ASSESSABLE,
    GoalStatusCode.NO_DATA,
)
TREND_CODES = (GoalStatusCode.RISING, GoalStatusCode.FALLING, GoalStatusCode.UNCHANGED)
#: statuses that are a judgement of the data (everything else says why there is none)
VERDICTS = (
    GoalStatusCode.ACHIEVED,
    GoalStatusCode.NOT_ACHIEVED,
    GoalStatusCode.ON_TRACK,
    GoalStatusCode.AT_RISK,
    GoalStatusCode.OFF_TRACK,
    *TREND_CODES,
)


class Reason(StrEnum):
    """Why a goal has its status; the texts are made from this code and the numbers."""

    ACHIEVED = "achieved"
    DEADLINE_MET = "deadline_met"
    DEADLINE_MISSED = "deadline_missed"
    MILESTONE_MET = "milestone_met"  # the next interim target is already reached
    TRAJECTORY = "trajectory"
    DIRECTION = "direction"
    TREND = "trend"
    INITIATIVE_ONLY = "initiative_only"
    NO_DATA = "no_data"
    NO_DATA_IN_PERIOD = "no_data_in_period"
    ONE_POINT = "one_point"
    BASELINE_NOT_IN_SERIES = "baseline_not_in_series"
    NO_VALUE_AT_DEADLINE = "no_value_at_deadline"
    SEVERAL_SOURCES = "several_sources"
    SOURCE_HAS_NO_DATA = "source_has_no_data"
    TARGET_FROM_OTHER_SOURCE = (
        "target_from_other_source"  # set on a figure the series disagrees with
    )
    TOO_FEW_PERSONS = "too_few_persons"
    SUPPRESSED = "suppressed"
    METHOD = "method"  # the method cannot be applied (see `method_reason`)
    NO_INDICATOR = "no_indicator"
    NO_DIRECTION = "no_direction"


STATUS_DA: dict[GoalStatusCode, str] = {
    GoalStatusCode.ACHIEVED: "Nået",
    GoalStatusCode.NOT_ACHIEVED: "Ikke nået ved fristen",
    GoalStatusCode.ON_TRACK: "På rette vej",
    GoalStatusCode.AT_RISK: "I risiko",
    GoalStatusCode.OFF_TRACK: "Ikke på rette vej",
    GoalStatusCode.NO_DATA: "Ingen data",
    GoalStatusCode.NOT_ASSESSABLE: "Kan ikke vurderes",
    GoalStatusCode.INITIATIVE_ONLY: "Indsatsmål – intet resultatmål",
    GoalStatusCode.RISING: "Stigende",
    GoalStatusCode.FALLING: "Faldende",
    GoalStatusCode.UNCHANGED: "Uændret",
}

STATUS_EN: dict[GoalStatusCode, str] = {
    GoalStatusCode.ACHIEVED: "Achieved",
    GoalStatusCode.NOT_ACHIEVED: "Not achieved by the deadline",
    GoalStatusCode.ON_TRACK: "On track",
    GoalStatusCode.AT_RISK: "At risk",
    GoalStatusCode.OFF_TRACK: "Off track",
    GoalStatusCode.NO_DATA: "No data",
    GoalStatusCode.NOT_ASSESSABLE: "Not assessable",
    GoalStatusCode.INITIATIVE_ONLY: "Initiative goal – no result target",
    GoalStatusCode.RISING: "Rising",
    GoalStatusCode.FALLING: "Falling",
    GoalStatusCode.UNCHANGED: "Unchanged",
}

#: a direction-only goal judged at the end of its period: what happened, by the method's class
FINAL_DIRECTION: dict[str, tuple[str, str]] = {
    "on_track": ("Klar fremgang i perioden", "Clear progress over the period"),
    "moderate": ("Svag fremgang i perioden", "Weak progress over the period"),
    "limited": ("Næsten uændret i perioden", "Almost no change over the period"),
    "deterioration": ("Tilbagegang i perioden", "Decline over the period"),
}

#: the short "why" appended to "Kan ikke vurderes"
NOT_ASSESSABLE_WHY: dict[Reason, tuple[str, str]] = {
    Reason.TOO_FEW_PERSONS: ("for få personer", "too few persons"),
    Reason.SUPPRESSED: ("tallet er diskretioneret", "the figure is suppressed"),
    Reason.ONE_POINT: ("kun én måling", "only one measurement"),
    Reason.BASELINE_NOT_IN_SERIES: ("intet udgangspunkt i serien", "no baseline in the series"),
    Reason.NO_VALUE_AT_DEADLINE: ("intet tal ved fristen", "no figure at the deadline"),
    Reason.SEVERAL_SOURCES: ("flere kilder", "several sources"),
    Reason.SOURCE_HAS_NO_DATA: ("kilden har ingen tal", "the source has no figures"),
    Reason.TARGET_FROM_OTHER_SOURCE: (
        "målet er sat på en anden opgørelse",
        "the target was set on another source",
    ),
    Reason.NO_DATA_IN_PERIOD: ("ingen tal i perioden", "no figures in the period"),
    Reason.METHOD: ("metoden kan ikke bruges", "the method does not apply"),
    Reason.NO_INDICATOR: ("ingen indikator", "no indicator"),
    Reason.NO_DIRECTION: ("ingen retning", "no direction"),
}


@dataclass(frozen=True)
class ValueAt:
    """A value at a period with its provenance, counts and (when known) interval."""

    value: float
    period: Period
    source: str = ""
    vintage: str = ""
    numerator: float | None = None
    denominator: float | None = None
    interval: tuple[float, float] | None = None
    provenance: str = Provenance.PUBLISHED.value
    publisher: str | None = None
    persons: float | None = None

    @property
    def series(self) -> str:
        """The series source (`register` or the publisher)."""
        if self.provenance in (Provenance.REGISTER, Provenance.SYNTHETIC):
            return REGISTER
        return self.publisher or self.source

    @property
    def synthetic(self) -> bool:
        """Computed from generated data."""
        return self.provenance == Provenance.SYNTHETIC

    @staticmethod
    def of(p: Point, interval: tuple[float, float] | None = None) -> ValueAt:
        """The value of a point."""
        return ValueAt(
            p.value, p.period, p.source, p.vintage, p.numerator, p.denominator, interval,
            p.provenance, p.publisher, p.persons,
        )  # fmt: skip


@dataclass(frozen=True)
class Milestone:
    """An interim target (or the final target) and, once due, how it went."""

    deadline: Period
    target: float
    final: bool
    due: bool = False
    met: bool | None = None  # None: not due, or no figure at its deadline
    at: ValueAt | None = None


@dataclass(frozen=True)
class GoalStatus:
    """Everything decided about where one goal (or key figure) stands, and the numbers why."""

    policy_id: str
    theme_id: str
    goal_id: str
    label: str
    statement: str
    kind: str
    indicator_id: str | None
    group: dict[str, str]
    unit: str
    municipality_code: int
    status: GoalStatusCode
    reason_code: Reason = Reason.NO_DATA
    method_reason: str | None = None
    indicator_title: str = ""
    indicator_title_en: str = ""
    reference_group: dict[str, str] | None = None
    series_source: str | None = None
    other_sources: tuple[str, ...] = ()
    baseline: ValueAt | None = None
    baseline_date: Period | None = None  # the baseline period the policy states
    policy_baseline: ValueAt | None = None
    latest: ValueAt | None = None
    since: ValueAt | None = None
    baseline_pair: tuple[ValueAt, ValueAt] | None = None  # gap: (focal, reference)
    latest_pair: tuple[ValueAt, ValueAt] | None = None
    target_value: float | None = None
    target_deadline: Period | None = None
    deadline: Period | None = None
    milestones: tuple[Milestone, ...] = ()
    final: bool = False
    as_of: Period | None = None
    policy_ended: bool = False
    remaining: float | None = None
    projection: float | None = None
    speed: float | None = None  # change per year in the series' unit (pp a year for shares)
    progress_value: float | None = None
    score: float | None = None
    progress_class: str | None = None
    linear_rule: bool = False
    uncertain: bool = False
    change_interval: tuple[float, float] | None = None
    persons: float | None = None  # the fewest persons any judged figure rests on
    points: int = 0
    barometer_movement: str | None = None
    is_key_figure: bool = False
    initiative_counts: dict[str, int] = field(default_factory=dict)
    none_reason: str = ""
    suppressed: bool = False  # the judged figures were hidden by disclosure control
    series_provenance: str | None = None  # provenance of the judged series
    deadline_from_period: bool = False  # the goal has no deadline of its own: the policy end
    projection_capped: bool = False  # the projection stopped at a natural bound
    at_limit: bool = False  # unchanged at the natural limit (100 % kept)
    min_persons: int = 0  # the rule that stopped a verdict on too few persons
    threshold: int = 0  # the disclosure threshold that hid the figures
    notes: list[str] = field(default_factory=list)

    @property
    def is_goal(self) -> bool:
        """A goal with a result target or direction (not a key figure, not initiative-only)."""
        return not self.is_key_figure and self.status is not GoalStatusCode.INITIATIVE_ONLY

    @property
    def synthetic(self) -> bool:
        """Any figure the status shows was computed from generated data."""
        if self.series_provenance == Provenance.SYNTHETIC:
            return True
        return any(
            v is not None and v.synthetic
            for v in (self.baseline, self.latest, self.since, self.policy_baseline)
        )

    @property
    def is_verdict(self) -> bool:
        """A judgement of the data (not 'cannot be assessed', 'no data' or initiative-only)."""
        return self.status in VERDICTS

    def status_label(self, lang: str = "da") -> str:
        """The status in words, with 'ved fristen', the reason for no verdict and 'usikker'."""
        da = lang != "en"
        text = self.headline(lang)
        if self.status is GoalStatusCode.NOT_ASSESSABLE and self.reason_code in NOT_ASSESSABLE_WHY:
            text += " – " + NOT_ASSESSABLE_WHY[self.reason_code][0 if da else 1]
        if self.uncertain and self.is_verdict:
            text += " (usikker)" if da else " (uncertain)"
        return text

    def headline(self, lang: str = "da") -> str:
        """The status in words as counted on front pages: 'Nået ved fristen', 'Tilbagegang i
        perioden', 'Kan ikke vurderes' (without the why and without 'usikker')."""
        da = lang != "en"
        text = (STATUS_DA if da else STATUS_EN)[self.status]
        at = "ved fristen" if da else "by the deadline"
        if self.deadline_from_period:
            at = "ved periodens udløb" if da else "at the end of the period"
        if self.status is GoalStatusCode.ACHIEVED and self.final:
            text = f"Nået {at}" if da else f"Achieved {at}"
        if self.status is GoalStatusCode.NOT_ACHIEVED:
            text = f"Ikke nået {at}" if da else f"Not achieved {at}"
        if self.final and self.kind == "direction" and self.progress_class in FINAL_DIRECTION:
            # the period is over: say what happened, not whether it is "on track"
            text = FINAL_DIRECTION[self.progress_class][0 if da else 1]
        return text

    def reason(self, lang: str = "da") -> str:
        """The plain-language reason in the requested language."""
        from pejling.evaluation.texts import reason_text

        return reason_text(self, lang)

    @property
    def reason_da(self) -> str:
        """The Danish reason."""
        return self.reason("da")

    @property
    def reason_en(self) -> str:
        """The English reason."""
        return self.reason("en")


_FIELD_NAMES = frozenset(f.name for f in fields(GoalStatus))


def evolve(status: GoalStatus, /, **changes: Any) -> GoalStatus:
    """A copy of `status` with some fields changed: `dataclasses.replace` without its cost.

    Why: a goal is judged in small steps, each a copy with a few more fields decided, and a
    national policy judges 2,200 goals; `replace` runs the generated 57-field `__init__` for
    every copy, a tenth of `pejling status`'s judging time. A status has no `__post_init__` and
    no derived fields, so copying its fields and changing some gives the same value. Unknown
    names are refused, as by `replace`.
    """
    unknown = changes.keys() - _FIELD_NAMES
    if unknown:
        raise TypeError(f"GoalStatus has no field {', '.join(sorted(unknown))}")
    new = object.__new__(GoalStatus)
    new.__dict__.update(status.__dict__)
    new.__dict__.update(changes)
    return new
