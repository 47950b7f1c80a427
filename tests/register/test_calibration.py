"""Calibrating the synthetic register to published figures: offsets, targets, balanced draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pejling.register.calibration import (
    LEVERS,
    Calibration,
    Population,
    Target,
    balanced_draw,
    logistic,
    read_targets,
    solve_offset,
)


def test_offset_from_a_published_share_reproduces_it_in_expectation() -> None:
    rng = np.random.default_rng(5)
    eta = rng.normal(-0.5, 1.2, 2_000)  # persons differ: the offset is not logit(share)
    population = Population(eta, np.ones(len(eta), dtype=bool))
    delta = solve_offset(population, 0.69)
    assert population.expected(delta) == pytest.approx(0.69, abs=1e-6)
    assert abs(delta - (np.log(0.69 / 0.31) + 0.5)) > 0.05
    # drawing the behaviour many times gives the published share on average
    p = logistic(eta + delta)
    draws = rng.random((400, len(eta))) < p
    assert draws.mean() == pytest.approx(0.69, abs=0.005)


def test_offset_counts_only_whom_it_shifts_and_what_the_behaviour_decides() -> None:
    # self-supporting = not on a benefit: those on another benefit never count, those out of
    # work count unless they draw one; only the municipality's own persons are shifted
    on_other = np.array([1.0, 0, 0, 0, 0, 0, 0, 0])
    out_of_work = np.array([0.0, 1, 1, 1, 0, 0, 1, 1])
    shifts = np.array([True, True, True, True, True, True, False, False])
    population = Population(np.zeros(8), shifts, fixed=1 - on_other, scale=-out_of_work)
    delta = solve_offset(population, 0.5)
    assert population.expected(delta) == pytest.approx(0.5, abs=1e-6)
    # 1 on another benefit (0) + 3 shifted out of work (1 - q) + 2 in work (1) + 2 not shifted
    # out of work (1 - 0.5) = 4: q = 2/3
    assert float(logistic(np.array(delta))) == pytest.approx(2 / 3, abs=1e-6)


def test_an_unreachable_share_gives_the_nearest_bound() -> None:
    # only half of the persons can count at all: 80 % is out of reach
    can = np.r_[np.ones(5), np.zeros(5)]
    population = Population(np.zeros(10), np.ones(10, dtype=bool), scale=can)
    assert solve_offset(population, 0.8) == pytest.approx(6.0)
    assert population.expected(6.0) < 0.5


def test_the_shipped_published_figures_become_targets() -> None:
    targets = read_targets()
    by_key = {(t.indicator, t.municipality, t.period, t.group): t for t in targets}
    roskilde = by_key[("self_supporting_share", 265, "2014", "non_western")]
    assert roskilde.lever == "dependency"
    assert roskilde.share == pytest.approx(0.69)
    assert roskilde.year == 2014
    # Mål 4: numerator and denominator given, the value too
    assert by_key[("danish_passed_within_programme", 265, "2014", "all")].share == pytest.approx(
        0.6669
    )
    # Kalundborg's figures from August and the second quarter of 2018 are figures for 2018
    assert by_key[("job_ready_share", 326, "2018-08", "all")].year == 2018
    assert by_key[("employed_after_3y", 326, "2018Q2", "all")].lever == "refugee_jobs"
    # national figures (municipality 0) are targets too
    assert by_key[("grade2_oral_danish_spelling", 0, "2017", "non_western")].share == 0.86
    # counts and indicators no behaviour produces are left out
    indicators = {t.indicator for t in targets}
    assert "programme_completers" not in indicators
    assert "not_activated_share" not in indicators
    assert {(t.lever, t.group) for t in targets} <= set(LEVERS.values())


def test_targets_come_from_any_published_observation_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage,"
        "provenance,publisher\n"
        "youth_education_20_24,461,2019,origin=non_western,,,61,percent,x,,published,y\n"
        "youth_education_20_24,461,2020,origin=non_western,,,99,percent,x,,register,\n"
        "job_ready_share,461,2019,target_group=programme_benefit_recipients,45,60,,percent,"
        "x,,published,y\n",
        encoding="utf-8",
    )
    targets = read_targets([path])
    assert [(t.lever, t.municipality, t.year, round(t.share, 2)) for t in targets] == [
        ("youth", 461, 2019, 0.61),
        ("job_ready", 461, 2019, 0.75),
    ]


def test_fit_shifts_the_nation_first_then_each_municipality() -> None:
    codes = np.array([101, 265])
    home = np.repeat([0, 1], 500)
    origin_class = np.tile([0, 2], 500)
    base = np.zeros(1_000)
    targets = [
        Target("youth", "non_western", 0, 2012, 0.6, "youth_education_20_24", "2012", "n"),
        Target("youth", "non_western", 265, 2012, 0.8, "youth_education_20_24", "2012", "m"),
    ]
    calibration = Calibration(targets, codes)

    def build(t: Target, offset: np.ndarray, shifts: np.ndarray) -> Population:
        who = origin_class == 2
        if t.municipality:
            who &= home == 1
        idx = np.flatnonzero(who)
        return Population(base[idx] + offset[idx], shifts[idx], members=idx)

    offset = calibration.fit("youth", origin_class, home, np.ones(1_000, dtype=bool), build)
    national, own = np.log(0.6 / 0.4), np.log(0.8 / 0.2)
    assert offset[(home == 0) & (origin_class == 2)] == pytest.approx(national, abs=1e-4)
    assert offset[(home == 1) & (origin_class == 2)] == pytest.approx(own, abs=1e-4)
    assert (offset[origin_class == 0] == 0).all()  # Danish origin: not the figure's group
    assert [f.target.municipality for f in calibration.fitted] == [0, 265]
    assert calibration.fitted[1].unshifted == pytest.approx(0.6, abs=1e-4)
    # the municipality's persons get balanced draws: 80 % of 250, to within one person
    hits = calibration.draw("youth", logistic(base + offset), np.random.default_rng(3))
    assert abs(int(hits[(home == 1) & (origin_class == 2)].sum()) - 200) <= 1


def test_balanced_draws_keep_each_probability_and_hit_the_total() -> None:
    p = np.random.default_rng(1).uniform(0.05, 0.95, 300)
    group = np.arange(100, 250)
    totals, means = [], np.zeros(300)
    for seed in range(2_000):
        hits = balanced_draw(p, [group], np.random.default_rng(seed))
        totals.append(int(hits[group].sum()))
        means += hits
    assert max(abs(t - p[group].sum()) for t in totals) < 1
    # every person still succeeds with its own probability, inside and outside the group
    assert np.abs(means / 2_000 - p).max() < 0.05
