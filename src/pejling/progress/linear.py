"""The straight-line rule pejling uses where the Open SDG method's growth rate is meaningless.

Why: from a base of 0 the method replaces 0 by 0,001 and reports growth rates like 256 % a year
or 25.000 %, which say nothing a committee can use. Where the base is 0, pejling compares
straight-line speeds instead and says so in the reason:

- with a target: R = d·(y_t − y_0)/(t − t_0) ÷ |(T − y_0)/(t_T − t_0)|, the observed speed as a
  share of the required speed, classified with the method's thresholds 0,95 / 0,6 / 0 and scored
  with its target formula;
- without a target: v = d·(y_t − y_0)/(t − t_0) ÷ |y_0| (÷ |y_t| when the base is 0), the
  yearly change as a share of the starting level — the straight-line twin of the method's growth
  rate — classified with the method's thresholds 0,015 / 0,005 / 0 (no limit coefficient).

The straight line is also used for a difference between two groups (a gap), which can shrink to
0 and change sign: compound growth of a gap in percentage points has no meaning.
"""

from __future__ import annotations

import math

from pejling.progress.opensdg import (
    MODERATE_RATIO,
    NO_TARGET_HIGH,
    NO_TARGET_LOW,
    NO_TARGET_MED,
    ON_TRACK_RATIO,
    ProgressClass,
    ProgressResult,
    classify,
    score_with_target,
    score_without_target,
)


def assess_linear_with_target(
    *, y0: float, t0: float, yt: float, t: float, target: float, t_target: float, direction: int
) -> ProgressResult:
    """Observed straight-line speed as a share of the speed needed to reach the target in time."""
    if direction * (yt - target) >= 0:
        return ProgressResult(ProgressClass.ACHIEVED, None, 5.0)
    if not (math.isfinite(y0) and math.isfinite(yt)) or t <= t0:
        return ProgressResult(ProgressClass.NOT_ASSESSABLE, None, None, reason="too_few_points")
    if t_target <= t0:
        return ProgressResult(
            ProgressClass.NOT_ASSESSABLE, None, None, reason="target_year_not_after_base"
        )
    observed = (yt - y0) / (t - t0)
    required = (target - y0) / (t_target - t0)
    if required == 0:
        return ProgressResult(ProgressClass.NOT_ASSESSABLE, None, None, reason="target_equals_base")
    ratio = direction * observed / abs(required)
    return ProgressResult(
        classify(ratio, ON_TRACK_RATIO, MODERATE_RATIO),
        ratio,
        score_with_target(ratio),
        cagr_observed=None,
        cagr_required=None,
    )


def assess_linear_without_target(
    *, y0: float, t0: float, yt: float, t: float, direction: int
) -> ProgressResult:
    """Yearly straight-line change as a share of the starting level, against 0,015 / 0,005 / 0."""
    if not (math.isfinite(y0) and math.isfinite(yt)) or t <= t0:
        return ProgressResult(ProgressClass.NOT_ASSESSABLE, None, None, reason="too_few_points")
    level = abs(y0) if y0 != 0 else abs(yt)
    v = 0.0 if level == 0 else direction * (yt - y0) / (t - t0) / level
    return ProgressResult(
        classify(v, NO_TARGET_HIGH, NO_TARGET_MED, NO_TARGET_LOW),
        v,
        score_without_target(v, 1.0),
        scaling_factor=1.0,
    )


def speed_per_year(y0: float, t0: float, yt: float, t: float) -> float | None:
    """Average change per year (in the series' unit: percentage points for shares)."""
    if t <= t0:
        return None
    return (yt - y0) / (t - t0)
