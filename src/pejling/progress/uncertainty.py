"""Intervals for small numbers: Wilson for a share, Newcombe's hybrid score for a difference.

Why Wilson: municipal denominators are small (48 course participants), and the textbook
normal interval misbehaves near 0 % and 100 % and for n below ~30; Wilson stays inside [0, 1]
and has close to nominal coverage. Newcombe's method 10 combines two Wilson intervals into an
interval for a difference of two independent shares, which is what a gap goal follows.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for successes / n, as fractions in [0, 1]."""
    if n <= 0:
        raise ValueError("the denominator must be positive")
    if not 0 <= successes <= n:
        raise ValueError(f"numerator {successes} must lie between 0 and the denominator {n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(
    s1: float, n1: float, s2: float, n2: float, z: float = Z95
) -> tuple[float, float, float]:
    """Difference p1 − p2 with Newcombe's hybrid score interval (method 10), as fractions."""
    p1, p2 = s1 / n1, s2 / n2
    l1, u1 = wilson_interval(s1, n1, z)
    l2, u2 = wilson_interval(s2, n2, z)
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return diff, lower, upper


def straddles(low: float, high: float, value: float) -> bool:
    """True when the interval contains the value: the data cannot tell which side we are on."""
    return low <= value <= high


def mover_difference(
    a: float, a_interval: tuple[float, float], b: float, b_interval: tuple[float, float]
) -> tuple[float, float]:
    """Interval of a − b from the intervals of a and b (MOVER: Newcombe's method, generalised).

    Why: the change of a share between two years, or the change of a gap between two groups,
    is a difference of estimates that each have an interval; MOVER combines them without
    assuming symmetric intervals, and reduces to Newcombe's method 10 for two Wilson intervals.
    The two estimates are treated as independent.
    """
    la, ua = a_interval
    lb, ub = b_interval
    d = a - b
    return d - math.sqrt((a - la) ** 2 + (ub - b) ** 2), d + math.sqrt(
        (ua - a) ** 2 + (b - lb) ** 2
    )
