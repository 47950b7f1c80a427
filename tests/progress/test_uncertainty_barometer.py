"""Wilson and Newcombe intervals (reference values worked out by hand) and the barometer rule."""

from __future__ import annotations

import pytest

from pejling.progress.barometer import Movement, combine_movements, indicator_movement
from pejling.progress.uncertainty import newcombe_difference, straddles, wilson_interval


def test_wilson_roskilde_course_participants() -> None:
    # 32 of 48 passed (Roskilde 2014). p = 0.6667, z = 1.96:
    # centre = (0.6667 + 1.9208/48)/(1 + 3.8415/48) = 0.70668/1.08003 = 0.65431
    # half = 1.96·sqrt(0.2222/48 + 3.8415/9216)/1.08003 = 1.96·0.07105/1.08003 = 0.12895
    lo, hi = wilson_interval(32, 48)
    assert lo == pytest.approx(0.5254, abs=5e-4)
    assert hi == pytest.approx(0.7833, abs=5e-4)
    assert straddles(lo * 100, hi * 100, 70.0)


def test_wilson_edges() -> None:
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(0.2775, abs=5e-4)
    lo, hi = wilson_interval(10, 10)
    assert hi == pytest.approx(1.0)
    assert lo == pytest.approx(0.7225, abs=5e-4)
    with pytest.raises(ValueError, match="between 0 and the denominator"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="positive"):
        wilson_interval(0, 0)


def test_newcombe_difference() -> None:
    # Newcombe (1998) example: 56/70 − 48/80 = 0.2 with 95 % CI 0.0524 to 0.3339 (method 10).
    diff, lo, hi = newcombe_difference(56, 70, 48, 80)
    assert diff == pytest.approx(0.2)
    assert lo == pytest.approx(0.0524, abs=5e-4)
    assert hi == pytest.approx(0.3339, abs=5e-4)


@pytest.mark.parametrize(
    ("base", "latest", "direction", "expected"),
    [
        (52.4, 52.6, 1, Movement.POSITIVE),  # 52 → 53
        (52.5, 52.6, 1, Movement.UNCHANGED),  # 53 → 53 (half up)
        (52.49, 51.5, 1, Movement.UNCHANGED),  # 52 → 52
        (30.0, 28.0, -1, Movement.POSITIVE),  # lower is better
        (30.0, 31.0, -1, Movement.NEGATIVE),
    ],
)
def test_indicator_movement(base: float, latest: float, direction: int, expected: Movement) -> None:
    assert indicator_movement(base, latest, direction) is expected


def test_majority_of_three() -> None:
    P, N, U = Movement.POSITIVE, Movement.NEGATIVE, Movement.UNCHANGED  # noqa: N806
    assert combine_movements([P, P, N]) is P
    assert combine_movements([N, U, N]) is N
    assert combine_movements([P, N, U]) is U
    assert combine_movements([N]) is N
    with pytest.raises(ValueError, match="no movements"):
        combine_movements([])
