"""Observation points as the evaluation sees them, and where they come from.

Evaluation reads series through the small `SeriesSource` protocol so that it can be tested with
in-memory data and run on the DuckDB store without knowing SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pejling.periods import Period


@dataclass(frozen=True)
class Point:
    """One value of a series at a period, with its counts when known."""

    period: Period
    value: float
    numerator: float | None = None
    denominator: float | None = None
    source: str = ""
    vintage: str = ""

    @property
    def t(self) -> float:
        """Fractional year of the period."""
        return self.period.t


class SeriesSource(Protocol):
    """Anything that can return the current observations of one series, ordered by time."""

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points of (indicator, municipality, group), oldest first."""
        ...


@dataclass
class InMemorySeries:
    """A `SeriesSource` backed by a dict; used in tests and the what-if calculator."""

    data: Mapping[tuple[str, int, str], Sequence[Point]] = field(default_factory=dict)

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points sorted by time."""
        return sorted(self.data.get((indicator_id, municipality_code, grp), ()), key=lambda p: p.t)
