"""How an indicator is computed from the person-level register (the `compute:` block).

Why a small vocabulary instead of free SQL: a definition must be readable by an analyst and
checkable on load (unknown predicate → a located error with a suggestion), and the compiler must
be able to guarantee the same semantics everywhere: who belongs to which municipality, how a
spell crossing a period boundary counts, how ages are taken. docs/indicators.md explains every
word used here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from pejling.spec.types import StrictModel


class Frame(StrEnum):
    """What one counted row is, and which municipality and period it belongs to."""

    POINT = "point"  # a person resident on the measurement date of the year
    COHORT = "cohort"  # a person (or an offer) with an event in the year
    PERSON_TIME = "person_time"  # days of residence in the year (optionally while on a benefit)


class Event(StrEnum):
    """Events that define cohorts."""

    PROGRAMME_END = "programme_end"
    PROGRAMME_START = "programme_start"
    DANISH_START = "danish_start"
    YOUTH_EDUCATION_START = "youth_education_start"
    EXAM = "exam"
    OFFER_START = "offer_start"


class Measure(StrEnum):
    """How rows become numerator and denominator."""

    SHARE = "share"  # persons meeting `numerator` / persons in the population, × 100
    COUNT = "count"  # persons in the population (meeting `numerator` if given)
    MEAN = "mean"  # mean of `value` over the population (rows where it is defined)
    RATIO = "ratio"  # Σ `value` / Σ `base` over person-time, × 100 (or a count with `per_year`)


#: predicate name → kind of argument; documented in docs/indicators.md
PREDICATES: dict[str, str] = {
    "age": "[lo, hi] completed years on the reference date",
    "origin": "list of danish_origin, immigrant, descendant",
    "non_western": "true/false",
    "residence_basis": "list of residence bases",
    "arrived_years_before": "[lo, hi]: arrived more than lo and at most hi years before",
    "employed": "{min_hours: h, kind: ordinary|any}",
    "on_benefit": "list of benefit types, or [any]",
    "in_programme": "true",
    "job_ready": "true",
    "education_completed": "list of levels (youth, higher)",
    "in_offer": "list of offers",
    "sat_exams": "list of subjects",
    "grades_at_least": "{subjects: [...], grade: 2}",
    "event_is": "list of event codes (offer type, education outcome)",
    "danish_test_passed_in_window": "true",
    "result_grant_condition_in_window": "{months: 6, min_hours: 20}",
    "all": "list of predicates",
    "any": "list of predicates",
    "not": "a predicate",
}
#: value expressions for `mean` and `ratio`
VALUES: tuple[str, ...] = (
    "days_to_first_offer",  # from the window start to the first offer in `offers`
    "offer_hours",  # activated hours in the frame (capped at full time)
    "full_time_hours",  # 37 hours a week of the frame
    "benefit_days",  # days on a benefit in the frame (capped at the frame)
    "days",  # days of the frame
)


class ComputeSpec(StrictModel):
    """One indicator's computation."""

    frame: Frame
    date: str | None = Field(
        default=None, pattern=r"^\d{2}-\d{2}$", description="point: MM-DD in each year"
    )
    event: Event | None = None
    window_years: int | None = Field(default=None, ge=1, le=10)
    within_benefit: list[str] | None = Field(
        default=None, description="person_time: only days on these benefits"
    )
    population: list[dict[str, Any]] = Field(default_factory=list)
    numerator: dict[str, Any] | None = None
    measure: Measure = Measure.SHARE
    value: str | None = None
    base: str | None = None
    offers: list[str] | None = None
    per_year: bool = Field(default=False, description="ratio: divide Σ value by days in the year")
    breakdowns: list[str] = Field(default_factory=list)
    cross: list[list[str]] = Field(
        default_factory=list, description="combined breakdowns, e.g. [[origin, sex]]"
    )
    whole_population_as: list[dict[str, str]] = Field(default_factory=list)
    gap_indicator: str | None = Field(
        default=None, description="also emit `<id>` = value(danish_origin) − value(group), in pp"
    )

    @field_validator("population")
    @classmethod
    def _population(cls, preds: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for pred in preds:
            _check_predicate(pred)
        return preds

    @field_validator("numerator")
    @classmethod
    def _numerator(cls, pred: dict[str, Any] | None) -> dict[str, Any] | None:
        if pred is not None:
            _check_predicate(pred)
        return pred

    @model_validator(mode="after")
    def _consistent(self) -> ComputeSpec:
        if self.frame is Frame.POINT and not self.date:
            raise ValueError("a point frame needs `date` (MM-DD)")
        if self.frame is Frame.COHORT and self.event is None:
            raise ValueError("a cohort frame needs `event`")
        if self.measure is Measure.SHARE and self.numerator is None:
            raise ValueError("measure share needs a `numerator`")
        if self.measure in (Measure.MEAN, Measure.RATIO) and self.value not in VALUES:
            raise ValueError(f"measure {self.measure} needs `value`, one of {', '.join(VALUES)}")
        if self.measure is Measure.RATIO and not self.per_year and self.base not in VALUES:
            raise ValueError(f"measure ratio needs `base`, one of {', '.join(VALUES)}")
        if self.measure is Measure.RATIO and self.frame is not Frame.PERSON_TIME:
            raise ValueError("measure ratio needs frame person_time")
        return self


def _check_predicate(pred: object) -> None:
    if not isinstance(pred, dict) or len(pred) != 1:
        raise ValueError(
            f"a predicate is a mapping with one key, e.g. {{age: [25, 64]}}; got {pred!r}"
        )
    ((name, arg),) = pred.items()
    if name not in PREDICATES:
        from pejling.suggest import did_you_mean

        hint = did_you_mean(str(name), PREDICATES)
        raise ValueError(
            f"unknown predicate '{name}'; expected one of {', '.join(PREDICATES)}"
            + (f"; {hint}" if hint else "")
        )
    if name in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ValueError(f"'{name}' takes a non-empty list of predicates")
        for sub in arg:
            _check_predicate(sub)
    if name == "not":
        _check_predicate(arg)
