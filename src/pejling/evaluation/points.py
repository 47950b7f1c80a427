"""Observation points as the evaluation sees them, and where they come from.

Evaluation reads series through the small `SeriesSource` protocol so that it can be tested with
in-memory data and run on the DuckDB store without knowing SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from pejling.periods import Period

REGISTER = "register"
"""The series source of every figure computed from person-level data (real or synthetic)."""


class Provenance(StrEnum):
    """Where a figure comes from."""

    PUBLISHED = "published"  # a document or an official statistic, with its publisher
    REGISTER = "register"  # computed by pejling from person-level data
    SYNTHETIC = "synthetic"  # computed from generated data: never a real figure


@dataclass(frozen=True)
class Point:
    """One value of a series at a period, with its counts and provenance when known."""

    period: Period
    value: float
    numerator: float | None = None
    denominator: float | None = None
    source: str = ""
    vintage: str = ""
    provenance: str = Provenance.PUBLISHED.value
    publisher: str | None = None
    persons: float | None = None

    @property
    def t(self) -> float:
        """Fractional year of the period."""
        return self.period.t

    @property
    def series(self) -> str:
        """The series source: `register` for computed figures, else the publisher."""
        if self.provenance in (Provenance.REGISTER, Provenance.SYNTHETIC):
            return REGISTER
        return self.publisher or self.source

    @property
    def synthetic(self) -> bool:
        """Computed from generated data."""
        return self.provenance == Provenance.SYNTHETIC


class SeriesSource(Protocol):
    """Anything that can return the current observations of one series, ordered by time."""

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points of (indicator, municipality, group) from every series source, oldest first.

        Per series source and period the newest vintage; callers pick one source (see
        `pejling.evaluation.series`), never mix them.
        """
        ...


@dataclass
class InMemorySeries:
    """A `SeriesSource` backed by a dict; used in tests and the what-if calculator."""

    data: Mapping[tuple[str, int, str], Sequence[Point]] = field(default_factory=dict)

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points sorted by time."""
        return sorted(self.data.get((indicator_id, municipality_code, grp), ()), key=lambda p: p.t)
