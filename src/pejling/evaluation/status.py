"""The result of evaluating a goal: status, numbers and a plain-language reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pejling.periods import Period


class GoalStatusCode(StrEnum):
    """pejling's statuses (mapping from the Open SDG classes in docs/progress-method.md)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_ASSESSABLE = "not_assessable"


STATUS_DA: dict[GoalStatusCode, str] = {
    GoalStatusCode.ACHIEVED: "Nået",
    GoalStatusCode.ON_TRACK: "På rette vej",
    GoalStatusCode.AT_RISK: "I risiko",
    GoalStatusCode.OFF_TRACK: "Ikke på rette vej",
    GoalStatusCode.NO_DATA: "Ingen data",
    GoalStatusCode.NOT_ASSESSABLE: "Kan ikke vurderes",
}

STATUS_EN: dict[GoalStatusCode, str] = {
    GoalStatusCode.ACHIEVED: "Achieved",
    GoalStatusCode.ON_TRACK: "On track",
    GoalStatusCode.AT_RISK: "At risk",
    GoalStatusCode.OFF_TRACK: "Off track",
    GoalStatusCode.NO_DATA: "No data",
    GoalStatusCode.NOT_ASSESSABLE: "Not assessable",
}


@dataclass(frozen=True)
class ValueAt:
    """A value at a period with its provenance and (when known) counts and interval."""

    value: float
    period: Period
    source: str = ""
    vintage: str = ""
    numerator: float | None = None
    denominator: float | None = None
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class GoalStatus:
    """Everything known about where one goal (or key figure) stands."""

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
    reason_da: str
    reason_en: str
    baseline: ValueAt | None = None
    latest: ValueAt | None = None
    target_value: float | None = None
    deadline: Period | None = None
    remaining: float | None = None
    projection: float | None = None
    progress_value: float | None = None
    score: float | None = None
    progress_class: str | None = None
    uncertain: bool = False
    points: int = 0
    barometer_movement: str | None = None
    is_key_figure: bool = False
    notes: list[str] = field(default_factory=list)

    def reason(self, lang: str = "da") -> str:
        """The reason in the requested language."""
        return self.reason_en if lang == "en" else self.reason_da

    def status_label(self, lang: str = "da") -> str:
        """Human label of the status."""
        return (STATUS_EN if lang == "en" else STATUS_DA)[self.status]
