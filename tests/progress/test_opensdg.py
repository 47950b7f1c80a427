"""The Open SDG progress method exactly as published (open-sdg/sdg-build, ProgressMeasure.py).

Expected values are written out from the published formulas (issue "Verdicts a committee can
trust"): limit coefficient c, thresholds 0,015/0,005/0 × c, and the two score functions; every
figure is checked to 1e-6.
"""

from __future__ import annotations

import math

import pytest

from pejling.progress.linear import assess_linear_with_target, assess_linear_without_target
from pejling.progress.opensdg import (
    ProgressClass,
    assess_with_target,
    assess_without_target,
    limit_coefficient,
    project,
    score_with_target,
    score_without_target,
)

TOL = 1e-6


def test_open_sdg_documentation_case_deterioration() -> None:
    # CAGR_o = 30/10 − 1 = 2; CAGR_r = (1/10)^(1/15) − 1; d = −1, s = 1
    r = assess_with_target(y0=10, t0=2015, yt=30, t=2016, target=1, t_target=2030, direction=-1)
    expected = -1 * 2 / abs(0.1 ** (1 / 15) - 1)
    assert r.progress_class is ProgressClass.DETERIORATION
    assert r.value == pytest.approx(expected, abs=TOL)
    assert r.value == pytest.approx(-14.05, abs=0.01)
    assert r.score == -5.0


def test_open_sdg_documentation_case_on_track() -> None:
    r = assess_with_target(y0=5, t0=2015, yt=6, t=2016, target=9, t_target=2030, direction=1)
    expected = 0.2 / ((9 / 5) ** (1 / 15) - 1)
    assert r.progress_class is ProgressClass.ON_TRACK
    assert r.value == pytest.approx(expected, abs=TOL)
    assert r.score == 5.0


@pytest.mark.parametrize(
    ("y0", "yt", "target", "ratio", "score", "cls"),
    [
        # R = ((53/50)^(1/2) − 1) / ((60/50)^(1/5) − 1); score 7,1429·R − 4,2857
        (50, 53, 60, 0.7960466320175484, 7.1429 * 0.7960466320175484 - 4.2857, ProgressClass.MODERATE),
        # limited: score 4,1667·R − 2,5
        (50, 50.5, 60, 0.134300650402265, 4.1667 * 0.134300650402265 - 2.5, ProgressClass.LIMITED),
    ],
)  # fmt: skip
def test_method_2_ratio_and_score(
    y0: float, yt: float, target: float, ratio: float, score: float, cls: ProgressClass
) -> None:
    r = assess_with_target(y0=y0, t0=2020, yt=yt, t=2022, target=target, t_target=2025, direction=1)
    assert r.value == pytest.approx(ratio, abs=TOL)
    assert r.score == pytest.approx(score, abs=TOL)
    assert r.progress_class is cls


@pytest.mark.parametrize(
    ("ratio", "cls"),
    [(0.9501, ProgressClass.ON_TRACK), (0.9499, ProgressClass.MODERATE), (0.6001, ProgressClass.MODERATE),
     (0.5999, ProgressClass.LIMITED), (0.0, ProgressClass.LIMITED), (-0.01, ProgressClass.DETERIORATION)],
)  # fmt: skip
def test_class_thresholds(ratio: float, cls: ProgressClass) -> None:
    # base 100, required CAGR 10 %/year over 2 years; y_t chosen so that R equals `ratio`
    yt = 100 * (1 + ratio * 0.1)
    r = assess_with_target(y0=100, t0=2020, yt=yt, t=2021, target=121, t_target=2022, direction=1)
    assert r.value == pytest.approx(ratio, abs=1e-9)
    assert r.progress_class is cls


def test_method_2_scores() -> None:
    assert score_with_target(0.6) == pytest.approx(7.1429 * 0.6 - 4.2857, abs=TOL)
    assert score_with_target(0.5999) == pytest.approx(4.1667 * 0.5999 - 2.5, abs=TOL)
    assert score_with_target(0.95) == pytest.approx(7.1429 * 0.95 - 4.2857, abs=TOL)
    assert score_with_target(10) == 5.0
    assert score_with_target(-10) == -5.0


def test_target_achieved_scores_five() -> None:
    r = assess_with_target(y0=50, t0=2015, yt=71, t=2017, target=70, t_target=2018, direction=1)
    assert r.progress_class is ProgressClass.ACHIEVED
    assert r.score == 5.0


@pytest.mark.parametrize(
    ("y0", "limit", "expected"),
    [
        (95, 100, 1 - (95 / 100) ** 4.44),  # |y0| ≤ |L|
        (150, 100, 1 - ((200 - 150) / 100) ** 4.44),  # |L| < |y0| < 2|L|
        (200, 100, 1.0),  # |y0| ≥ 2|L|
        (250, 100, 1.0),
        (5, 0, 1.0),  # L = 0: |y0| ≥ 2·0
        (0, 0, 1.0),
        (100, 100, 0.0),  # at the limit
        (-95, -100, 1 - (95 / 100) ** 4.44),  # absolute values
    ],
)
def test_limit_coefficient(y0: float, limit: float, expected: float) -> None:
    assert limit_coefficient(y0, limit) == pytest.approx(expected, abs=TOL)


def test_no_limit_coefficient_is_one() -> None:
    assert limit_coefficient(42, None) == 1.0


def test_method_1_near_the_limit() -> None:
    # 95 → 96 in a year, maximum 100: c = 0,2036705; v = 0,0105263 ≥ 0,015·c → substantial,
    # score min(500·v/c − 5, 5) = 5
    r = assess_without_target(y0=95, t0=2015, yt=96, t=2016, direction=1, limit=100)
    c = 1 - 0.95**4.44
    assert r.scaling_factor == pytest.approx(c, abs=TOL)
    assert r.value == pytest.approx(96 / 95 - 1, abs=TOL)
    assert r.progress_class is ProgressClass.ON_TRACK
    assert r.score == pytest.approx(min(500 * (96 / 95 - 1) / c - 5, 5), abs=TOL)


def test_method_1_moderate_and_limited_scores() -> None:
    # 40 → 40,3 over two years, maximum 100: c = 0,9828941, v = 0,0037430 < 0,005·c → limited
    r = assess_without_target(y0=40, t0=2018, yt=40.3, t=2020, direction=1, limit=100)
    c = 1 - 0.4**4.44
    v = (40.3 / 40) ** 0.5 - 1
    assert r.progress_class is ProgressClass.LIMITED
    assert r.score == pytest.approx(500 * v / c - 2.5, abs=TOL)
    # moderate: 0,005·c ≤ v < 0,015·c → 250·v/c − 1,25
    m = assess_without_target(y0=40, t0=2018, yt=40.6, t=2020, direction=1, limit=100)
    vm = (40.6 / 40) ** 0.5 - 1
    assert m.progress_class is ProgressClass.MODERATE
    assert m.score == pytest.approx(250 * vm / c - 1.25, abs=TOL)


def test_method_1_deterioration_score() -> None:
    r = assess_without_target(y0=40, t0=2018, yt=39.5, t=2020, direction=1, limit=100)
    v = (39.5 / 40) ** 0.5 - 1
    assert r.progress_class is ProgressClass.DETERIORATION
    assert r.score == pytest.approx(max(125 * v - 2.5, -5), abs=TOL)
    assert score_without_target(-0.1, 1.0) == -5.0


def test_method_1_at_the_limit_any_non_negative_movement_is_substantial() -> None:
    at = assess_without_target(y0=100, t0=2015, yt=100, t=2016, direction=1, limit=100)
    assert at.scaling_factor == 0.0
    assert at.progress_class is ProgressClass.ON_TRACK
    assert at.score == 5.0


def test_method_1_scores_are_continuous_at_the_thresholds() -> None:
    c = 0.7
    for v in (0.0, 0.005 * c, 0.015 * c):
        below = score_without_target(v - 1e-12, c)
        above = score_without_target(v, c)
        assert below == pytest.approx(above, abs=1e-6)


def test_negative_values_use_s() -> None:
    # −10 → −5, higher is better; s = −1: v = (−1)(1)((−5/−10) − 1) = 0,5
    r = assess_without_target(y0=-10, t0=2015, yt=-5, t=2016, direction=1)
    assert r.value == pytest.approx(0.5, abs=TOL)
    assert r.progress_class is ProgressClass.ON_TRACK


def test_zero_base_replaced_as_published() -> None:
    # y0 = 0 → 0,001; CAGR_o = 2/0,001 − 1 = 1999; CAGR_r = (10/0,001)^(1/5) − 1
    r = assess_with_target(y0=0, t0=2020, yt=2, t=2021, target=10, t_target=2025, direction=1)
    assert r.replaced_zero
    assert r.value == pytest.approx(1999 / (10_000**0.2 - 1), rel=1e-9)


def test_not_assessable_cases() -> None:
    opposite = assess_with_target(
        y0=-2, t0=2015, yt=3, t=2016, target=5, t_target=2020, direction=1
    )
    assert opposite.progress_class is ProgressClass.NOT_ASSESSABLE
    assert opposite.reason == "opposite_signs"
    same_time = assess_with_target(
        y0=2, t0=2015, yt=3, t=2015, target=5, t_target=2020, direction=1
    )
    assert same_time.reason == "too_few_points"
    late = assess_with_target(y0=2, t0=2020, yt=3, t=2021, target=5, t_target=2019, direction=1)
    assert late.reason == "target_year_not_after_base"


def test_linear_rule_with_target() -> None:
    # from 0 % to 6 % in two years (3 pp a year); target 20 % by 2025 from 2020 needs 4 pp a year
    r = assess_linear_with_target(
        y0=0, t0=2020, yt=6, t=2022, target=20, t_target=2025, direction=1
    )
    assert r.value == pytest.approx(0.75, abs=TOL)
    assert r.progress_class is ProgressClass.MODERATE
    # a gap (lower is better) closing 4 → 2 pp in two years, target 0 by 2024: on track
    g = assess_linear_with_target(
        y0=4, t0=2020, yt=2, t=2022, target=0, t_target=2024, direction=-1
    )
    assert g.value == pytest.approx(1.0, abs=TOL)
    assert g.progress_class is ProgressClass.ON_TRACK


def test_linear_rule_without_target() -> None:
    # 0 → 25,8 over 8 years: 3,225 pp a year, relative to the latest level: 0,125
    r = assess_linear_without_target(y0=0, t0=2016, yt=25.8, t=2024, direction=1)
    assert r.value == pytest.approx(25.8 / 8 / 25.8, abs=TOL)
    assert r.progress_class is ProgressClass.ON_TRACK
    # a gap of 34 pp closing to 0: relative to the starting level
    g = assess_linear_without_target(y0=34, t0=2017, yt=0, t=2023, direction=-1)
    assert g.value == pytest.approx(34 / 6 / 34, abs=TOL)
    assert g.progress_class is ProgressClass.ON_TRACK
    flat = assess_linear_without_target(y0=0, t0=2016, yt=0, t=2024, direction=1)
    assert flat.value == 0.0


def test_projection_compound_and_fractional_years() -> None:
    assert project(y0=10, t0=2015, yt=12.1, t=2017, t_future=2019) == pytest.approx(14.641)
    assert project(y0=20, t0=2016.0, yt=30, t=2017.0, t_future=2018.5) == pytest.approx(
        30 * 1.5**1.5
    )
    assert project(y0=0, t0=2015, yt=2, t=2016, t_future=2018) == pytest.approx(6.0)
    assert project(y0=1, t0=2015, yt=2, t=2015, t_future=2018) is None
    assert math.isfinite(project(y0=1, t0=2015, yt=2, t=2016, t_future=2030) or 0)
