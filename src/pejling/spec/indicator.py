"""Indicator definitions: what an indicator measures, its unit and which way is better.

The built-in catalog ships in `pejling/catalog/*.yaml`; a workspace may add local indicators in
`indicators/*.yaml` (e.g. a count of library activities). Goals must name a known indicator.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from pejling.spec.compute import ComputeSpec
from pejling.spec.types import Direction, StrictModel


class Unit(StrEnum):
    """Units of indicator values."""

    PERCENT = "percent"  # 0–100; numerator/denominator are persons
    COUNT = "count"  # persons, units, agreements
    DAYS = "days"
    RATE_PER_1000 = "per_1000"
    DKK = "dkk"
    INDEX = "index"


class IndicatorSpec(StrictModel):
    """One indicator of the catalog.

    The prose fields (`title`, `description`, `population`, `numerator`, `denominator`,
    `period`) are Danish, the language of the committee reports; each has an optional English
    twin with the suffix `_en`, used by `--lang en` (falling back to the Danish text).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    title: str = Field(min_length=1, description="Danish title")
    title_en: str | None = None
    unit: Unit
    direction: Direction | None = Field(default=None, description="None: descriptive only")
    limit: float | None = Field(default=None, description="natural limit, e.g. 100 for a share")
    ratio: bool = Field(
        default=False,
        description="a ratio of two rates in percent (e.g. 88 % of the Danish-origin rate); "
        "may exceed 100",
    )
    description: str | None = Field(default=None, description="Danish definition")
    description_en: str | None = None
    population: str | None = Field(default=None, description="Danish: who is counted")
    population_en: str | None = None
    numerator: str | None = Field(default=None, description="Danish")
    numerator_en: str | None = None
    denominator: str | None = Field(default=None, description="Danish")
    denominator_en: str | None = None
    period: str | None = Field(default=None, description="Danish: point in time, period or cohort")
    period_en: str | None = None
    sources: list[str] = Field(default_factory=list)
    breakdowns: list[str] = Field(default_factory=list)
    notes: str | None = Field(default=None, description="developer notes, English")
    compute: ComputeSpec | None = Field(
        default=None, description="how to compute it from the person-level register"
    )


class IndicatorFile(StrictModel):
    """A YAML file of indicator definitions."""

    indicators: list[IndicatorSpec] = Field(min_length=1)
