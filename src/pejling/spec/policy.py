"""The policy as data: themes → goals (with target, baseline, deadline, measurement) → initiatives.

One YAML file per policy (documented with a full example in docs/policy-format.md). These models
check structure and single fields; rules that look across fields or files (references, deadlines
inside the period, target against direction, unknown indicators) live in `pejling.spec.lint` so
that every issue is collected and reported with its line.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pejling.reference.municipalities import NATIONAL_CODE, is_valid_code
from pejling.spec.types import Direction, Frequency, GroupField, PeriodField, StrictModel

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class TargetKind(StrEnum):
    """The shapes of targets found in Danish integration policies."""

    LEVEL = "level"  # reach ≥ or ≤ a value by the deadline
    CHANGE_PP = "change_pp"  # change by N percentage points from the baseline
    CHANGE_REL = "change_rel"  # change by N % of the baseline (e.g. −15 %)
    GAP = "gap"  # difference to a reference group at or below a value
    COUNT = "count"  # at least N (units, activities, agreements)
    DIRECTION = "direction"  # only "more"/"fewer": not operational
    NONE = "none"  # no result goal by choice or by law (initiative-only)


NEEDS_VALUE = {
    TargetKind.LEVEL,
    TargetKind.CHANGE_PP,
    TargetKind.CHANGE_REL,
    TargetKind.GAP,
    TargetKind.COUNT,
}


class Scope(StrEnum):
    """Whose goals a policy sets: one municipality's, or every municipality's (national goals)."""

    MUNICIPAL = "municipal"  # the goals of one municipality (`municipality`)
    NATIONAL = "national"  # the goals apply to every municipality, each judged on its own figures


NO_MUNICIPALITY = -1
"""`Policy.municipality` before validation when the key is left out (a national policy)."""


class InitiativeStatus(StrEnum):
    """Where an initiative (tiltag/indsats) stands."""

    PLANNED = "planned"  # planlagt
    RUNNING = "running"  # i gang
    ENDED = "ended"  # gennemført: carried out as planned
    STOPPED = "stopped"  # stoppet: given up before it was carried out


class IndicatorRef(StrictModel):
    """Which indicator a goal is measured by, for which population group, from which source.

    `source` names the one series the goal is judged on: `register` (computed by pejling from
    person-level data) or a publisher as it appears in the observations' `publisher` column
    (e.g. `Danmarks Statistik`, `Integrationsbarometeret`). Left out, pejling uses `register`
    for indicators it can compute and otherwise the one publisher that has data (lint warns when
    that is ambiguous); see docs/policy-format.md.
    """

    id: str = Field(pattern=ID_PATTERN)
    group: GroupField = Field(default_factory=dict)
    source: str | None = Field(default=None, min_length=1)


class InterimTarget(StrictModel):
    """A milestone (delmål) on the way to the target: a value due by a period.

    `value` means what the target's `value` means for its kind (a level, a change from the
    baseline, a largest gap). The goal is judged against the next milestone not yet due.
    """

    deadline: PeriodField
    value: float
    note: str | None = None


class Target(StrictModel):
    """What the goal wants to reach. `value` means different things per kind (see docs)."""

    kind: TargetKind
    value: float | None = None
    direction: Direction | None = None
    reference_group: GroupField | None = None
    units: int | None = Field(default=None, ge=1)
    limit: float | None = None
    reason: str | None = None
    interim: list[InterimTarget] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.kind in NEEDS_VALUE and self.value is None:
            raise ValueError(f"target kind '{self.kind}' needs a value")
        if self.kind in {TargetKind.DIRECTION, TargetKind.NONE} and self.value is not None:
            raise ValueError(f"target kind '{self.kind}' takes no value")
        if self.kind is TargetKind.GAP and not self.reference_group:
            raise ValueError("target kind 'gap' needs reference_group (the group to compare with)")
        if self.kind is TargetKind.NONE and not self.reason:
            raise ValueError(
                "target kind 'none' needs a reason (why the goal has no result target)"
            )
        if self.kind is TargetKind.DIRECTION and self.direction is None:
            raise ValueError(
                "target kind 'direction' needs direction: higher (more) or lower (fewer)"
            )
        if self.units is not None and self.kind is not TargetKind.COUNT:
            raise ValueError("units is only used by target kind 'count'")
        if self.interim and self.kind not in NEEDS_VALUE:
            raise ValueError(
                f"target kind '{self.kind}' has no value, so it can have no interim targets"
            )
        return self


class Baseline(StrictModel):
    """The starting point. `value` may be left out when it is to be read from the data."""

    value: float | None = None
    date: PeriodField
    source: str = Field(min_length=1)
    numerator: float | None = Field(default=None, ge=0)
    denominator: float | None = Field(default=None, gt=0)
    reference_value: float | None = None


class Measurement(StrictModel):
    """How the goal is measured (målemetode): how often and from where."""

    frequency: Frequency
    source: str = Field(min_length=1)
    note: str | None = None


class Acceptance(StrictModel):
    """A known weakness of the source document, kept visible: lint reports it as a warning."""

    rule: str
    reason: str = Field(min_length=1)


class BarometerEvaluation(StrictModel):
    """Evaluate with the Integrationsbarometer movement rule on 1–3 indicators."""

    base: PeriodField
    indicators: list[BarometerIndicator] = Field(min_length=1, max_length=3)


class BarometerIndicator(StrictModel):
    """One indicator of a barometer evaluation with its own good direction."""

    id: str = Field(pattern=ID_PATTERN)
    group: GroupField = Field(default_factory=dict)
    direction: Direction | None = None
    source: str | None = Field(default=None, min_length=1)


class GoalComment(StrictModel):
    """The administration's comment on a goal for one report (forvaltningens bemærkning).

    Kept in the policy file beside the goal, so it is versioned with the policy; a report prints
    the newest comment whose period is not after the report's period.
    """

    period: PeriodField
    text: str = Field(min_length=1)
    by: str | None = None


class Goal(StrictModel):
    """A goal (mål / resultatmål) with everything needed to follow it."""

    id: str = Field(pattern=ID_PATTERN)
    label: str | None = None
    statement: str = Field(min_length=1)
    indicator: IndicatorRef | None = None
    target: Target
    baseline: Baseline | None = None
    deadline: PeriodField | None = None
    measurement: Measurement | None = None
    responsible: str | None = None
    initiatives: list[str] = Field(default_factory=list)
    barometer: BarometerEvaluation | None = None
    notes: str | None = None
    accept: list[Acceptance] = Field(default_factory=list)
    comments: list[GoalComment] = Field(default_factory=list)


class KeyFigure(StrictModel):
    """A status-report indicator (nøgletal) followed without a target."""

    id: str = Field(pattern=ID_PATTERN)
    statement: str = Field(min_length=1)
    indicator: IndicatorRef
    direction: Direction | None = None
    measurement: Measurement | None = None
    notes: str | None = None


class Theme(StrictModel):
    """A theme (målsætning / pejlemærke / indsatsområde) grouping goals."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    objective: str | None = None
    goals: list[Goal] = Field(default_factory=list)
    key_figures: list[KeyFigure] = Field(default_factory=list)


class CooperationAgreement(StrictModel):
    """A written cooperation agreement behind an initiative (samarbejdsaftale)."""

    partners: list[str] = Field(min_length=1)
    signed: PeriodField | None = None
    follow_up_meetings_per_year: int | None = Field(default=None, ge=0)
    note: str | None = None


class Initiative(StrictModel):
    """An initiative (tiltag / indsats) meant to move one or more goals.

    `follow_up` is the date of its next follow-up (opfølgning); the web application's worklist
    shows the initiatives whose follow-up is due.
    """

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str | None = None
    goals: list[str] = Field(default_factory=list)
    owner: str | None = None
    partners: list[str] = Field(default_factory=list)
    status: InitiativeStatus
    follow_up: date | None = None
    start: PeriodField | None = None
    end: PeriodField | None = None
    cooperation_agreement: CooperationAgreement | None = None
    notes: str | None = None


class PolicyPeriod(StrictModel):
    """The period a policy covers; the end may be open-ended only by saying so in notes."""

    start: PeriodField
    end: PeriodField


class SourceDocument(StrictModel):
    """The document the policy was written down from."""

    document: str = Field(min_length=1)
    title: str | None = None
    publisher: str | None = None
    url: str | None = None


class Policy(StrictModel):
    """A municipal (or national) integration policy.

    `scope: national` (docs/national-goals.md): the goals apply to every municipality, each
    judged on its own figures; such a policy names no `municipality` (stored as 0).
    """

    id: str = Field(pattern=ID_PATTERN)
    scope: Scope = Scope.MUNICIPAL
    municipality: int = Field(default=NO_MUNICIPALITY, validate_default=True)
    title: str = Field(min_length=1)
    adopted: date | None = None
    period: PolicyPeriod
    vision: str | None = None
    source: SourceDocument
    language: str = "da"
    notes: str | None = None
    themes: list[Theme] = Field(min_length=1)
    initiatives: list[Initiative] = Field(default_factory=list)

    @field_validator("municipality")
    @classmethod
    def _known_municipality(cls, code: int, info: ValidationInfo) -> int:
        scope = info.data.get("scope")
        if scope is Scope.NATIONAL:
            if code != NO_MUNICIPALITY:
                raise ValueError(
                    "a national policy (scope: national) has no municipality: its goals apply "
                    "to every municipality; remove the key"
                )
            return NATIONAL_CODE
        if code == NO_MUNICIPALITY:
            if scope is None:  # the scope itself is invalid (reported on its own line)
                return NATIONAL_CODE
            raise PydanticCustomError(
                "missing",
                "a municipal policy needs its municipality code (e.g. 265 Roskilde); for goals "
                "that apply to every municipality write scope: national",
            )
        if not is_valid_code(code):
            raise ValueError(
                f"{code} is not a municipality code; expected one of the 98 codes "
                "(e.g. 265 Roskilde, 326 Kalundborg, 540 Sønderborg) or 0 for national"
            )
        return code

    @property
    def is_national(self) -> bool:
        """National goals: judged for every municipality (`pejling.national.goals`)."""
        return self.scope is Scope.NATIONAL

    def goals(self) -> list[tuple[Theme, Goal]]:
        """Every goal with its theme, in document order."""
        return [(theme, goal) for theme in self.themes for goal in theme.goals]

    def initiative(self, initiative_id: str) -> Initiative | None:
        """Look up an initiative by id."""
        return next((i for i in self.initiatives if i.id == initiative_id), None)

    def initiatives_for(self, goal_id: str) -> list[Initiative]:
        """Initiatives linked to a goal from either side (goal.initiatives or initiative.goals)."""
        goal = next((g for _t, g in self.goals() if g.id == goal_id), None)
        linked = set(goal.initiatives) if goal else set()
        return [i for i in self.initiatives if i.id in linked or goal_id in i.goals]


BarometerEvaluation.model_rebuild()
