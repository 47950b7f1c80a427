"""Ranks as distributions, and fifths, instead of a league table.

A rank computed from point estimates pretends a precision the figures do not have: two
municipalities 0.3 points apart swap places by chance. Following Goldstein & Spiegelhalter
(1996), each municipality's rank is given as a distribution: the estimates are drawn many times
from their sampling distributions (normal, mean the estimate, standard deviation its standard
error; a parametric bootstrap with a fixed seed, so the figures are reproducible) and ranked in
every draw. Reported: the median rank, its 95 % interval, and the chance of being in the top
and in the bottom fifth. Fifths themselves follow the Danish analyses: by the point estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

DRAWS = 4000
SEED = 20_050_101


@dataclass(frozen=True)
class RankSummary:
    """One unit's rank (1 = best) by its point estimate and as a distribution."""

    rank: int
    median: float
    low: int  # 2.5 % quantile
    high: int  # 97.5 % quantile
    p_top_fifth: float
    p_bottom_fifth: float
    fifth: int  # 1 = the best fifth … 5 = the worst


def fifth_of(rank: npt.NDArray[np.int64] | int, units: int) -> npt.NDArray[np.int64]:
    """Fifth (1–5) of a rank among `units` units: ⌈5·rank/units⌉."""
    return np.ceil(5 * np.asarray(rank) / units).astype(np.int64)


def _ranks(values: Floats, higher_better: bool) -> npt.NDArray[np.int64]:
    """1 = best along the last axis (ties broken by position, which is random in draws)."""
    order = np.argsort(-values if higher_better else values, axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, values.shape[-1] + 1), axis=-1)
    return ranks


def rank_distribution(
    estimate: Floats,
    se: Floats,
    *,
    higher_better: bool = True,
    draws: int = DRAWS,
    seed: int = SEED,
) -> list[RankSummary]:
    """Rank summaries of these units (all of them are ranked together)."""
    units = len(estimate)
    if units == 0:
        return []
    rng = np.random.default_rng(seed)
    sample = estimate[None, :] + se[None, :] * rng.standard_normal((draws, units))
    ranks = _ranks(sample, higher_better)
    point = _ranks(estimate, higher_better)
    top = math.ceil(units / 5)
    bottom = units - top + 1
    out = []
    for i in range(units):
        r = ranks[:, i]
        lo, hi = np.quantile(r, [0.025, 0.975], method="inverted_cdf")
        out.append(
            RankSummary(
                rank=int(point[i]),
                median=float(np.median(r)),
                low=int(lo),
                high=int(hi),
                p_top_fifth=float(np.mean(r <= top)),
                p_bottom_fifth=float(np.mean(r >= bottom)),
                fifth=int(fifth_of(int(point[i]), units)),
            )
        )
    return out
