"""Shared field types and enums for specs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from pejling.groups import validate_group
from pejling.periods import Period


class StrictModel(BaseModel):
    """Immutable model that rejects unknown keys: a typo must never pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _period(value: Any) -> Period:
    if value is None:
        raise ValueError("a period is required")
    return Period.parse(value)


PeriodField = Annotated[
    Period,
    BeforeValidator(_period),
    PlainSerializer(lambda p: p.label, return_type=str),
]


def _group(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("a group must be a mapping such as {origin: non_western, sex: f}")
    return validate_group(value)


GroupField = Annotated[dict[str, str], BeforeValidator(_group)]


class Direction(StrEnum):
    """Which way is better for an indicator or goal."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def sign(self) -> int:
        """+1 when higher is better, −1 when lower is better (the method's d)."""
        return 1 if self is Direction.HIGHER else -1


class Frequency(StrEnum):
    """How often a goal is measured (målemetode: hyppighed)."""

    YEARLY = "yearly"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"


class Severity(StrEnum):
    """Lint severities: errors stop `status`, warnings are real weaknesses to know about."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
