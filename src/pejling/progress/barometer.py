"""The Integrationsbarometer movement rule.

The national barometer reports, per indicator, whether a municipality moved in the positive
or negative direction since the base year, comparing figures rounded as published (whole
percent): equal rounded figures count as unchanged. With three indicators, the majority decides
the overall movement; without a majority (e.g. one up, one down, one unchanged) it is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Movement(StrEnum):
    """Movement of one indicator or of a goal as a whole."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNCHANGED = "unchanged"


def _round(value: float, decimals: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def indicator_movement(base: float, latest: float, direction: int, decimals: int = 0) -> Movement:
    """Positive/negative/unchanged on figures rounded half-up as the barometer publishes them."""
    b, latest_r = _round(base, decimals), _round(latest, decimals)
    if latest_r == b:
        return Movement.UNCHANGED
    better = (latest_r > b) if direction > 0 else (latest_r < b)
    return Movement.POSITIVE if better else Movement.NEGATIVE


def combine_movements(moves: Sequence[Movement]) -> Movement:
    """One indicator decides alone; otherwise a strict majority, else unchanged."""
    if not moves:
        raise ValueError("no movements to combine")
    if len(moves) == 1:
        return moves[0]
    for candidate in (Movement.POSITIVE, Movement.NEGATIVE, Movement.UNCHANGED):
        if sum(1 for m in moves if m is candidate) * 2 > len(moves):
            return candidate
    return Movement.UNCHANGED
