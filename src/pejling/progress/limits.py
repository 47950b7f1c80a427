"""Natural bounds of a series, so projections and required paths stay possible.

Why: compound growth continued for years leaves the possible range (a share of 296,7 % or
1.056,9 %); a projection must stop at the bound a reader knows (0–100 % for a share, 0 for
counts) or at a `limit` the catalog or the goal states.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    """Lowest and highest possible value (None: unbounded)."""

    low: float | None
    high: float | None

    def clamp(self, value: float | None) -> float | None:
        """The value moved inside the bounds (None stays None)."""
        if value is None:
            return None
        if self.low is not None and value < self.low:
            return self.low
        if self.high is not None and value > self.high:
            return self.high
        return value

    def contains(self, value: float) -> bool:
        """Whether the value is possible."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def natural_bounds(unit: str, *, ratio: bool = False, gap: bool = False) -> Bounds:
    """Bounds for a unit: shares 0–100 (a gap between shares −100–100), counts and days ≥ 0.

    A ratio of two rates in percent (e.g. an employment-rate ratio) may exceed 100: only ≥ 0.
    """
    if unit in ("pp",) or gap:
        return Bounds(-100.0, 100.0) if unit in ("percent", "pp") else Bounds(None, None)
    if unit == "percent":
        return Bounds(0.0, None) if ratio else Bounds(0.0, 100.0)
    if unit in ("count", "days", "per_1000", "dkk"):
        return Bounds(0.0, None)
    return Bounds(None, None)
