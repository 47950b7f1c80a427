"""Funnel limits against the hand formula, the minimum-size rule and ranks as distributions."""

from __future__ import annotations

import numpy as np
import pytest

from pejling.national.benchmark import benchmark_cells, hidden
from pejling.national.funnel import Z95, Z998, curve, dispersion, limits, winsorise
from pejling.national.ranks import fifth_of, rank_distribution
from tests.national.helpers import cells


def test_dispersion_by_hand_without_winsorising() -> None:
    estimate = np.array([2.0, -1.0, 4.0])
    se = np.array([1.0, 1.0, 2.0])
    d = dispersion(estimate, se, winsor=0.0)
    z2 = (2.0**2 + 1.0**2 + 2.0**2) / 3  # z = 2, −1, 2
    assert d.phi == pytest.approx(z2)
    w = np.array([1.0, 1.0, 0.25])
    expected = (3 * z2 - 2) / (w.sum() - (w**2).sum() / w.sum())
    assert d.tau2 == pytest.approx(expected)


def test_no_excess_variation_gives_tau2_zero() -> None:
    d = dispersion(np.array([0.5, -0.5, 0.2, -0.1]), np.ones(4), winsor=0.0)
    assert d.phi < 1
    assert d.tau2 == 0.0


def test_winsorising_pulls_in_the_extremes() -> None:
    z = np.arange(11, dtype=float)  # 0..10: the 10 % and 90 % quantiles are 1 and 9
    assert winsorise(z).tolist() == [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]


def test_limits_are_z_times_root_of_variance_plus_tau2() -> None:
    assert limits(3.0, 16.0, Z95)[()] == pytest.approx(Z95 * 5.0)
    assert limits(3.0, 0.0, Z998)[()] == pytest.approx(Z998 * 3.0)
    lines = curve(np.array([100.0, 400.0]), 0.5, 0.0)
    # in percentage points: s = 100·√(p(1−p)/n) = 5 points at p = 0.5, n = 100
    assert lines["hi95"][0] == pytest.approx(Z95 * 5.0)
    assert lines["hi95"][1] == pytest.approx(lines["hi95"][0] / 2)
    assert lines["lo998"][0] == pytest.approx(-Z998 * 5.0)
    wide = curve(np.array([100.0]), 0.5, 11.0)
    assert wide["hi95"][0] == pytest.approx(Z95 * 6.0)  # √(25 + 11)


def test_small_municipalities_are_shown_but_not_ranked() -> None:
    rows = [(101, "m", 300, 150.0), (147, "m", 200, 120.0), (151, "m", 79, 40.0),
            (153, "m", 80, 30.0)]  # fmt: skip
    result = benchmark_cells(cells(rows), indicator="t", min_persons=80)
    by = {r.municipality: r for r in result.rows}
    assert not by[151].ranked
    assert by[151].rank is None
    assert by[151].fifth is None
    assert by[151].p_top_fifth is None
    assert by[151].expected > 0  # still shown with its figures
    assert by[153].ranked
    assert by[153].rank is not None
    assert result.ranked_units == 3
    assert sorted(r.rank for r in result.rows if r.rank is not None) == [1, 2, 3]
    assert by[147].rank == 1  # 60 % against a national 58.7 %


def test_rank_distribution_sanity() -> None:
    clear = rank_distribution(np.array([3.0, 2.0, 1.0, 0.0, -1.0]), np.full(5, 0.01))
    assert [r.rank for r in clear] == [1, 2, 3, 4, 5]
    assert [(r.low, r.high) for r in clear] == [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert clear[0].p_top_fifth == 1.0
    assert clear[4].p_bottom_fifth == 1.0
    assert [r.fifth for r in clear] == [1, 2, 3, 4, 5]
    lower = rank_distribution(np.array([3.0, 2.0, 1.0]), np.full(3, 0.01), higher_better=False)
    assert [r.rank for r in lower] == [3, 2, 1]
    # equal estimates with wide errors: every rank is about equally likely
    vague = rank_distribution(np.zeros(10), np.ones(10), draws=4000)
    for r in vague:
        assert 3 <= r.median <= 8
        assert r.low <= 2
        assert r.high >= 9
        assert 0.1 < r.p_top_fifth < 0.3
    assert sum(r.p_top_fifth for r in vague) == pytest.approx(2.0)  # 2 of 10 are the top fifth
    # the same seed, the same answer
    again = rank_distribution(np.zeros(10), np.ones(10), draws=4000)
    assert [r.median for r in again] == [r.median for r in vague]


def test_fifths_split_the_ranked_into_five_equal_parts() -> None:
    assert fifth_of(np.arange(1, 11), 10).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_shrinkage_pulls_towards_the_expected_value() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for i, m in enumerate((101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169)):
        n = 100 + 100 * i
        p = 0.5 + (0.1 if i % 2 else -0.1)
        rows.append((m, "m", n, float(rng.binomial(n, p))))
    result = benchmark_cells(cells(rows), indicator="t")
    assert result.tau2 > 0
    for r in result.rows:
        assert abs(r.shrunken) <= abs(r.difference) + 1e-12
        assert np.sign(r.shrunken) == np.sign(r.difference)
    # the smallest municipality is shrunk the most
    ratios = [r.shrunken / r.difference for r in result.rows]
    assert ratios[0] == min(ratios)


def test_disclosure_hides_small_cells_and_their_complement() -> None:
    rows = [(101, "m", 300, 150.0), (147, "m", 200, 120.0), (151, "m", 4, 2.0),
            (153, "m", 250, 100.0)]  # fmt: skip
    result = benchmark_cells(cells(rows), indicator="t")
    secret = hidden(result, 5)
    assert 151 in secret
    assert len(secret) == 2  # the nation is published: one more is hidden with it
