"""The Open SDG progress method: the two public test cases and hand-derived edges."""

from __future__ import annotations

import math

import pytest

from pejling.progress.opensdg import (
    ProgressClass,
    assess_with_target,
    assess_without_target,
    project,
    scaling_factor,
    score_with_target,
    score_without_target,
)


def test_open_sdg_case_deterioration() -> None:
    # CAGR_o = 30/10 − 1 = 2; CAGR_r = (1/10)^(1/15) − 1 = −0.142304; d = −1, s = 1
    # R = −1 · 2 / 0.142304 = −14.0544
    r = assess_with_target(y0=10, t0=2015, yt=30, t=2016, target=1, t_target=2030, direction=-1)
    assert r.progress_class is ProgressClass.DETERIORATION
    assert r.value == pytest.approx(-14.05, abs=0.005)
    assert r.score == -5.0


def test_open_sdg_case_on_track() -> None:
    # CAGR_o = 6/5 − 1 = 0.2; CAGR_r = (9/5)^(1/15) − 1 = 0.039964; R = 5.0045
    r = assess_with_target(y0=5, t0=2015, yt=6, t=2016, target=9, t_target=2030, direction=1)
    assert r.progress_class is ProgressClass.ON_TRACK
    assert r.value == pytest.approx(5.00, abs=0.005)
    assert r.score == 5.0


@pytest.mark.parametrize(
    ("ratio", "cls"),
    [(0.9501, ProgressClass.ON_TRACK), (0.9499, ProgressClass.MODERATE), (0.6001, ProgressClass.MODERATE),
     (0.5999, ProgressClass.LIMITED), (0.0, ProgressClass.LIMITED), (-0.01, ProgressClass.DETERIORATION)],
)  # fmt: skip
def test_class_thresholds(ratio: float, cls: ProgressClass) -> None:
    # Choose y_t so that R equals `ratio` exactly: base 100, required CAGR 10 %/year over 2 years.
    required = 0.1
    yt = 100 * (1 + ratio * required)
    r = assess_with_target(y0=100, t0=2020, yt=yt, t=2021, target=121, t_target=2022, direction=1)
    assert r.value == pytest.approx(ratio, abs=1e-9)
    assert r.progress_class is cls


def test_scores_are_continuous_at_the_thresholds() -> None:
    assert score_with_target(0.6) == pytest.approx(0.0, abs=1e-3)
    assert score_with_target(0.5999) == pytest.approx(-0.0004, abs=1e-3)
    assert score_with_target(0.95) == pytest.approx(2.5, abs=1e-3)
    assert score_with_target(10) == 5.0
    assert score_with_target(-10) == -5.0
    assert score_without_target(0.015) == pytest.approx(2.5)
    assert score_without_target(0.005) == pytest.approx(0.0)
    assert score_without_target(0.0) == pytest.approx(-2.5)
    assert score_without_target(-0.02) == -5.0
    assert score_without_target(0.03) == 5.0


def test_achieved_when_latest_reached_target() -> None:
    r = assess_with_target(y0=50, t0=2015, yt=71, t=2017, target=70, t_target=2018, direction=1)
    assert r.progress_class is ProgressClass.ACHIEVED


def test_zero_base_replaced() -> None:
    # y0 = 0 → 0.001; CAGR_o = (2/0.001)^(1/1) − 1 = 1999; CAGR_r = (10/0.001)^(1/5) − 1 = 5.3096
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


def test_negative_values_use_s() -> None:
    # A net-migration-like series: −10 → −5, higher is better; s = −1.
    # CAGR_o = (−5/−10) − 1 = −0.5; v = s·d·CAGR_o = (−1)(1)(−0.5) = 0.5 → on track.
    r = assess_without_target(y0=-10, t0=2015, yt=-5, t=2016, direction=1)
    assert r.value == pytest.approx(0.5)
    assert r.progress_class is ProgressClass.ON_TRACK


def test_without_target_thresholds_and_quarters() -> None:
    # 53,9 % in 2014Q1 → 56,0 % in 2015Q1 (t = 2014.0 → 2015.0): CAGR = 0.038961 → on track.
    r = assess_without_target(y0=53.9, t0=2014.0, yt=56.0, t=2015.0, direction=1)
    assert r.value == pytest.approx(56.0 / 53.9 - 1)
    assert r.progress_class is ProgressClass.ON_TRACK
    slow = assess_without_target(y0=100, t0=2015, yt=101, t=2016, direction=1)
    assert slow.progress_class is ProgressClass.MODERATE  # 0.01
    flat = assess_without_target(y0=100, t0=2015, yt=100.2, t=2016, direction=1)
    assert flat.progress_class is ProgressClass.LIMITED  # 0.002
    down = assess_without_target(y0=100, t0=2015, yt=99, t=2016, direction=1)
    assert down.progress_class is ProgressClass.DETERIORATION


def test_limit_scaling_factor() -> None:
    # Share of 95 % with a maximum of 100: C = ((100/95)^(1/15) − 1)/0.015 = 0.22836
    c = scaling_factor(95, 1, 100)
    assert c == pytest.approx(((100 / 95) ** (1 / 15) - 1) / 0.015)
    assert c == pytest.approx(0.22836, abs=1e-5)
    # Far from the limit the factor is capped at 1.
    assert scaling_factor(20, 1, 100) == 1.0
    # Lower is better with a minimum of 0: (1 − (0/y)^(1/15)) / 0.015 → capped at 1.
    assert scaling_factor(5, -1, 0) == 1.0
    assert scaling_factor(1.0, -1, 0.99) == pytest.approx((1 - 0.99 ** (1 / 15)) / 0.015)
    # At the limit: any non-negative movement is on track.
    at = assess_without_target(y0=100, t0=2015, yt=100, t=2016, direction=1, limit=100)
    assert at.scaling_factor == 0.0
    assert at.progress_class is ProgressClass.ON_TRACK
    # Near the limit a small gain is enough: v = 96/95 − 1 = 0.01053 ≥ 0.015·0.2284.
    near = assess_without_target(y0=95, t0=2015, yt=96, t=2016, direction=1, limit=100)
    assert near.progress_class is ProgressClass.ON_TRACK


def test_projection_compound_and_fractional_years() -> None:
    # 10 → 12,1 over two years is 10 %/year; two more years: 14,641.
    assert project(y0=10, t0=2015, yt=12.1, t=2017, t_future=2019) == pytest.approx(14.641)
    # Half-years: 2016H1 (t=2016.0) → 2017H1 (2017.0) 20 → 30; to 2018H2 (2018.5): 30·1.5^1.5.
    assert project(y0=20, t0=2016.0, yt=30, t=2017.0, t_future=2018.5) == pytest.approx(
        30 * 1.5**1.5
    )
    assert project(y0=0, t0=2015, yt=2, t=2016, t_future=2018) == pytest.approx(6.0)
    assert project(y0=1, t0=2015, yt=2, t=2015, t_future=2018) is None
    assert math.isfinite(project(y0=1, t0=2015, yt=2, t=2016, t_future=2030) or 0)
