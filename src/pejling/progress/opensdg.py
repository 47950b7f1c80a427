"""The Open SDG progress method (Statistics Canada), as pejling's trajectory rule.

Why this method: it is public, simple enough to explain to a committee, and it answers the
question a goal owner asks — "at the pace we have seen since the baseline, do we reach the
target by the deadline?" — with a ratio of observed to required compound annual growth.
Without a target (direction-only goals) it judges the observed growth rate against fixed
thresholds, scaled down when the indicator is close to a natural limit.

Times are fractional years (2019Q3 → 2019.5), so quarterly and half-yearly goals work unchanged.
The method's classes are mapped onto pejling's goal statuses in `pejling.evaluation.evaluate`
(see docs/progress-method.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

ZERO_REPLACEMENT = 0.001
"""The method replaces a zero base or target by this value so the growth rate is defined."""

ON_TRACK_RATIO = 0.95
MODERATE_RATIO = 0.6
NO_TARGET_ON_TRACK = 0.015
NO_TARGET_MODERATE = 0.005
LIMIT_HORIZON_YEARS = 15
"""The no-target scaling factor compares the distance to the limit with 15 years of growth at
the on-track threshold: an indicator that cannot grow 1.5 % a year for 15 years before it hits
its natural limit gets proportionally lower thresholds."""


class ProgressClass(StrEnum):
    """The method's classes, plus the two outcomes pejling adds around them."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
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


def _nonzero(x: float) -> tuple[float, bool]:
    return (ZERO_REPLACEMENT, True) if x == 0 else (x, False)


def _cagr(y_from: float, y_to: float, years: float) -> float:
    return float((y_to / y_from) ** (1.0 / years) - 1.0)


def score_with_target(ratio: float) -> float:
    """Score on −5..5: steeper above 0.6 so 'on track' starts at about 2.5."""
    if ratio >= MODERATE_RATIO:
        return min(7.1429 * ratio - 4.2857, 5.0)
    return max(4.1667 * ratio - 2.5, -5.0)


def score_without_target(v: float, scaling: float = 1.0) -> float:
    """Piecewise-linear score on −5..5 for the observed growth in the good direction.

    The thresholds 0.015 / 0.005 / 0 (scaled by the limit factor C) map to 2.5 / 0 / −2.5;
    growth of at least twice the on-track threshold scores 5 and a decline of 2 % a year −5.
    """
    on, mod = NO_TARGET_ON_TRACK * scaling, NO_TARGET_MODERATE * scaling
    if scaling == 0:
        return 5.0 if v >= 0 else -5.0
    if v <= -0.02:
        return -5.0
    if v < 0:
        return -2.5 + 2.5 * (v / 0.02)  # −0.02 → −5, 0 → −2.5
    if v < mod:
        return -2.5 + 2.5 * (v / mod)
    if v < on:
        return 2.5 * (v - mod) / (on - mod)
    if v < 2 * on:
        return 2.5 + 2.5 * (v - on) / on
    return 5.0


def scaling_factor(y0: float, direction: int, limit: float | None) -> float:
    """The limit correction C in [0, 1] for the no-target rule.

    With a natural maximum (higher is better) C = min(1, ((limit / y0)^(1/15) − 1) / 0.015);
    with a natural minimum (lower is better) C = min(1, (1 − (limit / y0)^(1/15)) / 0.015).
    At or beyond the limit C = 0: any non-negative movement counts as on track.
    """
    if limit is None:
        return 1.0
    if y0 == 0 or (limit / y0) <= 0:
        return 1.0
    if (direction > 0 and y0 >= limit) or (direction < 0 and y0 <= limit):
        return 0.0
    growth = (limit / y0) ** (1.0 / LIMIT_HORIZON_YEARS)
    room = (growth - 1.0) if direction > 0 else (1.0 - growth)
    return float(max(0.0, min(1.0, room / NO_TARGET_ON_TRACK)))


def _common_checks(y0: float, t0: float, yt: float, t: float) -> str | None:
    if not (math.isfinite(y0) and math.isfinite(yt)):
        return "not_finite"
    if t <= t0:
        return "too_few_points"
    return None


def _classify(value: float, on_track: float, moderate: float) -> ProgressClass:
    """The method's four classes from a ratio or growth and its two thresholds (> 0 is limited)."""
    if value >= on_track:
        return ProgressClass.ON_TRACK
    if value >= moderate:
        return ProgressClass.MODERATE
    if value >= 0:
        return ProgressClass.LIMITED
    return ProgressClass.DETERIORATION


def assess_with_target(
    *, y0: float, t0: float, yt: float, t: float, target: float, t_target: float, direction: int
) -> ProgressResult:
    """Ratio R of observed to required growth towards a target due at `t_target`."""
    if direction * (yt - target) >= 0 and t > t0:
        return ProgressResult(ProgressClass.ACHIEVED, None, 5.0)
    problem = _common_checks(y0, t0, yt, t)
    if problem:
        return _not_assessable(problem)
    if t_target <= t0:
        return _not_assessable("target_year_not_after_base")
    y0_, z1 = _nonzero(y0)
    yt_, z2 = _nonzero(yt)
    target_, z3 = _nonzero(target)
    if y0_ * yt_ < 0 or y0_ * target_ < 0:
        return _not_assessable("opposite_signs")
    s = -1.0 if y0_ < 0 else 1.0
    observed = _cagr(y0_, yt_, t - t0)
    required = _cagr(y0_, target_, t_target - t0)
    if required == 0:
        return _not_assessable("target_equals_base")
    ratio = s * direction * observed / abs(required)
    return ProgressResult(
        _classify(ratio, ON_TRACK_RATIO, MODERATE_RATIO),
        ratio,
        score_with_target(ratio),
        cagr_observed=observed,
        cagr_required=required,
        replaced_zero=z1 or z2 or z3,
    )


def assess_without_target(
    *, y0: float, t0: float, yt: float, t: float, direction: int, limit: float | None = None
) -> ProgressResult:
    """Observed growth v = s·d·CAGR_o judged against 0.015 / 0.005 / 0, scaled by the limit."""
    problem = _common_checks(y0, t0, yt, t)
    if problem:
        return _not_assessable(problem)
    y0_, z1 = _nonzero(y0)
    yt_, z2 = _nonzero(yt)
    if y0_ * yt_ < 0:
        return _not_assessable("opposite_signs")
    s = -1.0 if y0_ < 0 else 1.0
    observed = _cagr(y0_, yt_, t - t0)
    v = s * direction * observed
    c = scaling_factor(y0_, direction, limit)
    # At the limit (c = 0) both thresholds are 0: any non-negative movement is on track.
    return ProgressResult(
        _classify(v, NO_TARGET_ON_TRACK * c, NO_TARGET_MODERATE * c),
        v,
        score_without_target(v, c),
        cagr_observed=observed,
        scaling_factor=c,
        replaced_zero=z1 or z2,
    )


def project(*, y0: float, t0: float, yt: float, t: float, t_future: float) -> float | None:
    """Where the observed compound growth leads by `t_future` (None when undefined)."""
    if t <= t0:
        return None
    if y0 == 0 or yt == 0 or y0 * yt < 0:
        # No compound growth is defined: fall back to the straight line through both points.
        return yt + (yt - y0) / (t - t0) * (t_future - t)
    rate = _cagr(y0, yt, t - t0)
    return float(yt * (1.0 + rate) ** (t_future - t))
