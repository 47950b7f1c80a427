"""How much municipalities' figures have changed over a horizon: the history behind a target.

A *window* is one municipality's change between two figures of the same series exactly `h`
years apart. Changes are measured as the progress method measures them (docs/progress-method.md):
in percentage points for shares and gaps, relative (in % of the start) for a relative goal and
for counts, days and amounts. A relative change from 0 is never computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pejling.evaluation.points import Point
from pejling.periods import Period, PeriodType

EPS = 1e-6


class Scale(StrEnum):
    """How a change is measured."""

    PP = "pp"  # difference in the unit (percentage points for shares)
    RELATIVE = "relative"  # in % of the start value


def change(scale: Scale, y0: float, y1: float) -> float | None:
    """The change from y0 to y1 on the scale (None for a relative change from 0)."""
    if scale is Scale.PP:
        return y1 - y0
    if y0 == 0:
        return None
    return (y1 / y0 - 1.0) * 100.0


def apply(scale: Scale, y0: float, c: float) -> float:
    """The value reached from y0 by the change c."""
    return y0 + c if scale is Scale.PP else y0 * (1.0 + c / 100.0)


def per_year(scale: Scale, c: float, years: float) -> float:
    """The same change as a yearly rate: c/h for points, compound for relative changes."""
    if years <= 0:
        return c
    if scale is Scale.PP:
        return c / years
    base = 1.0 + c / 100.0
    if base <= 0:
        return -100.0
    return float((base ** (1.0 / years) - 1.0) * 100.0)


def period_at(kind: PeriodType, d: date) -> Period:
    """The period of a series' kind that contains the date (the deadline's period)."""
    if kind is PeriodType.YEAR:
        return Period.year(d.year)
    if kind is PeriodType.HALF:
        return Period.parse(f"{d.year}H{1 if d.month <= 6 else 2}")
    if kind is PeriodType.QUARTER:
        return Period.parse(f"{d.year}Q{(d.month - 1) // 3 + 1}")
    if kind is PeriodType.MONTH:
        return Period.parse(f"{d.year}-{d.month:02d}")
    return Period.day(d)


STEP = {
    PeriodType.YEAR: 1.0,
    PeriodType.HALF: 0.5,
    PeriodType.QUARTER: 0.25,
    PeriodType.MONTH: 1 / 12,
}


@dataclass(frozen=True)
class ChangeHistory:
    """Every window of `horizon` years across municipalities, as improvements.

    `improvements` are direction × change (positive = better), sorted; `achieved_*` count the
    windows and municipalities whose improvement reached `required` (None without a target).
    """

    horizon: float
    scale: Scale
    improvements: tuple[float, ...]
    municipalities: int
    first_year: int | None
    last_year: int | None
    required: float | None = None  # the improvement the target asks for
    achieved_windows: int | None = None
    achieved_municipalities: int | None = None

    @property
    def windows(self) -> int:
        """How many windows there are."""
        return len(self.improvements)

    @property
    def achieved_share(self) -> float | None:
        """Share of windows that reached the required improvement (0–1)."""
        if self.achieved_windows is None or not self.windows:
            return None
        return self.achieved_windows / self.windows

    def quantile(self, q: float) -> float | None:
        """The q-quantile of the improvements (linear interpolation, as numpy's default)."""
        xs = self.improvements
        if not xs:
            return None
        pos = q * (len(xs) - 1)
        lo, hi = math.floor(pos), math.ceil(pos)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def windows(
    panel: Mapping[int, Sequence[Point]], horizon: float, scale: Scale, direction: int
) -> list[tuple[int, float, float]]:
    """(municipality, start year, improvement) for every pair of figures `horizon` years apart."""
    out: list[tuple[int, float, float]] = []
    for code, points in panel.items():
        by_t = {round(p.t, 4): p for p in points}
        for p0 in points:
            p1 = by_t.get(round(p0.t + horizon, 4))
            if p1 is None:
                continue
            c = change(scale, p0.value, p1.value)
            if c is not None:
                out.append((code, p0.t, direction * c))
    return out


def history(
    panel: Mapping[int, Sequence[Point]],
    horizon: float,
    scale: Scale,
    direction: int,
    required: float | None = None,
) -> ChangeHistory:
    """The distribution of improvements over `horizon` years, and how often `required` was met."""
    found = windows(panel, horizon, scale, direction)
    improvements = tuple(sorted(g for _c, _t, g in found))
    starts = [t for _c, t, _g in found]
    first = int(min(starts)) if starts else None
    last = int(max(starts) + horizon) if starts else None
    achieved_w = achieved_m = None
    if required is not None:
        hits = [(c, g) for c, _t, g in found if g >= required - EPS]
        achieved_w = len(hits)
        achieved_m = len({c for c, _g in hits})
    return ChangeHistory(
        horizon, scale, improvements, len({c for c, _t, _g in found}), first, last, required,
        achieved_w, achieved_m,
    )  # fmt: skip
