"""The Open SDG progress method, exactly as published, as pejling's trajectory rule.

Why this method: it is public, simple enough to explain to a committee, and it answers the
question a goal owner asks — "at the pace we have seen since the baseline, do we reach the
target by the deadline?" — with a ratio of observed to required compound annual growth.
Without a target (direction-only goals) it judges the observed growth rate against fixed
thresholds, lowered when the indicator is close to a natural limit.

The formulas follow the published implementation (open-sdg/sdg-build, `sdg/ProgressMeasure.py`);
docs/progress-method.md states them in words and `tests/progress/test_opensdg.py` checks them to
1e-6. Times are fractional years (2019Q3 → 2019.5), so quarterly and half-yearly goals work
unchanged. Where pejling departs from the method (a zero base, judged by the straight-line rule
in `pejling.progress.linear`), the evaluation says so; this module is the method itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

ZERO_REPLACEMENT = 0.001
"""The method replaces a zero base or target by this value so the growth rate is defined."""

ON_TRACK_RATIO = 0.95
MODERATE_RATIO = 0.6
NO_TARGET_HIGH = 0.015
NO_TARGET_MED = 0.005
NO_TARGET_LOW = 0.0
LIMIT_EXPONENT = 4.44
"""Exponent of the published limit coefficient: how fast the no-target thresholds shrink as the
base value approaches the natural limit."""


class ProgressClass(StrEnum):
    """The method's classes, plus the two outcomes pejling adds around them."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"  # the method's "substantial progress"
    MODERATE = "moderate"
    LIMITED = "limited"
    DETERIORATION = "deterioration"
    NOT_ASSESSABLE = "not_assessable"


@dataclass(frozen=True)
class ProgressResult:
    """Outcome of one assessment, with the intermediate figures for explanation and tests."""

    progress_class: ProgressClass
    value: float | None  # R with a target, v without
    score: float | None
    cagr_observed: float | None = None
    cagr_required: float | None = None
    scaling_factor: float | None = None
    reason: str | None = None  # machine code when not assessable
    replaced_zero: bool = False


def _not_assessable(reason: str) -> ProgressResult:
    return ProgressResult(ProgressClass.NOT_ASSESSABLE, None, None, reason=reason)


def growth(y_from: float, y_to: float, years: float) -> float:
    """Compound annual growth rate from `y_from` to `y_to` over `years`."""
    return float((y_to / y_from) ** (1.0 / years) - 1.0)


def limit_coefficient(y0: float, limit: float | None) -> float:
    """The published limit coefficient c in [0, 1] for the no-target thresholds.

    With L = |limit| and b = |y0|: c = 1 when b ≥ 2L; c = 1 − (b/L)^4.44 when b ≤ L;
    otherwise c = 1 − ((2L − b)/L)^4.44. No limit: c = 1. (For L = 0 the first case applies.)
    """
    if limit is None:
        return 1.0
    b, lim = abs(y0), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return float(1.0 - (b / lim) ** LIMIT_EXPONENT)
    return float(1.0 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT)


def score_with_target(ratio: float) -> float:
    """Published score on −5..5 for a progress ratio R (target not yet achieved)."""
    if ratio >= MODERATE_RATIO:
        return min(7.1429 * ratio - 4.2857, 5.0)
    return max(4.1667 * ratio - 2.5, -5.0)


def score_without_target(v: float, coefficient: float = 1.0) -> float:
    """Published score on −5..5 for the observed growth v with limit coefficient c."""
    c = coefficient
    if v < NO_TARGET_LOW * c:
        return max(125.0 * v - 2.5, -5.0)
    if c == 0:
        return 5.0
    if v >= NO_TARGET_HIGH * c:
        return min(500.0 * v / c - 5.0, 5.0)
    if v >= NO_TARGET_MED * c:
        return 250.0 * v / c - 1.25
    return 500.0 * v / c - 2.5


def classify(value: float, high: float, med: float, low: float = 0.0) -> ProgressClass:
    """The method's four classes from a ratio or growth and its thresholds."""
    if value >= high:
        return ProgressClass.ON_TRACK
    if value >= med:
        return ProgressClass.MODERATE
    if value >= low:
        return ProgressClass.LIMITED
    return ProgressClass.DETERIORATION


def _checks(y0: float, t0: float, yt: float, t: float) -> str | None:
    if not (math.isfinite(y0) and math.isfinite(yt)):
        return "not_finite"
    if t <= t0:
        return "too_few_points"
    if (y0 > 0 and yt < 0) or (y0 < 0 and yt > 0):
        return "opposite_signs"
    return None


def assess_with_target(
    *, y0: float, t0: float, yt: float, t: float, target: float, t_target: float, direction: int
) -> ProgressResult:
    """Ratio R = s·d·CAGR_o / |CAGR_r| of observed to required growth (method 2).

    A target reached by the latest value is *achieved* (score 5). A zero base or target is
    replaced by 0,001 as the method prescribes.
    """
    target_, z_target = (ZERO_REPLACEMENT, True) if target == 0 else (target, False)
    if direction * (yt - target_) >= 0:
        return ProgressResult(ProgressClass.ACHIEVED, None, 5.0)
    y0_, z_base = (ZERO_REPLACEMENT, True) if y0 == 0 else (y0, False)
    problem = _checks(y0_, t0, yt, t)
    if problem:
        return _not_assessable(problem)
    if t_target <= t0:
        return _not_assessable("target_year_not_after_base")
    s = -1.0 if y0_ < 0 else 1.0
    if y0_ * target_ < 0:
        return _not_assessable("opposite_signs")
    observed = growth(y0_, yt, t - t0)
    required = growth(y0_, target_, t_target - t0)
    if required == 0:
        return _not_assessable("target_equals_base")
    ratio = s * direction * observed / abs(required)
    return ProgressResult(
        classify(ratio, ON_TRACK_RATIO, MODERATE_RATIO),
        ratio,
        score_with_target(ratio),
        cagr_observed=observed,
        cagr_required=required,
        replaced_zero=z_base or z_target,
    )


def assess_without_target(
    *, y0: float, t0: float, yt: float, t: float, direction: int, limit: float | None = None
) -> ProgressResult:
    """Observed growth v = s·d·CAGR_o against 0,015 / 0,005 / 0, each multiplied by c (method 1)."""
    y0_, z_base = (ZERO_REPLACEMENT, True) if y0 == 0 else (y0, False)
    problem = _checks(y0_, t0, yt, t)
    if problem:
        return _not_assessable(problem)
    s = -1.0 if y0_ < 0 else 1.0
    observed = growth(y0_, yt, t - t0)
    v = s * direction * observed
    c = limit_coefficient(y0_, limit)
    return ProgressResult(
        classify(v, NO_TARGET_HIGH * c, NO_TARGET_MED * c, NO_TARGET_LOW * c),
        v,
        score_without_target(v, c),
        cagr_observed=observed,
        scaling_factor=c,
        replaced_zero=z_base,
    )


def project(*, y0: float, t0: float, yt: float, t: float, t_future: float) -> float | None:
    """Where the observed compound growth leads by `t_future` (None when undefined).

    Callers clamp the result to the indicator's natural range (`pejling.progress.limits`).
    """
    if t <= t0:
        return None
    if y0 == 0 or yt == 0 or y0 * yt < 0:
        # No compound growth is defined: the straight line through both points.
        return yt + (yt - y0) / (t - t0) * (t_future - t)
    return float(yt * (1.0 + growth(y0, yt, t - t0)) ** (t_future - t))
