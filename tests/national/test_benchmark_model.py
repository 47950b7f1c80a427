"""The case-mix model and O − E by hand: a population small enough to check with a pencil."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm  # type: ignore[import-untyped]

from pejling.national.benchmark import benchmark_cells
from pejling.national.casemix import fit_case_mix, fit_logistic
from tests.national.helpers import cells

# Two municipalities (101, 147), two covariate cells (men, women). Nationally men succeed
# 80 of 150 times, women 70 of 150. The model (intercept + sex) is saturated, so the expected
# number of a municipality is its men × 80/150 + its women × 70/150.
HAND = cells([(101, "m", 100, 60), (101, "f", 50, 20), (147, "m", 50, 20), (147, "f", 100, 50)])


def test_expected_is_cell_rates_times_municipality_counts() -> None:
    # without the ridge penalty (docs/benchmark.md) the fit is exact maximum likelihood
    result = benchmark_cells(
        HAND, indicator="hand", min_persons=1, ridge=0.0, model_uncertainty=False
    )
    a, b = result.rows
    men, women = 80 / 150, 70 / 150
    assert a.expected == pytest.approx(100 * men + 50 * women, abs=1e-6)  # 76.67
    assert b.expected == pytest.approx(50 * men + 100 * women, abs=1e-6)  # 73.33
    assert a.observed == 80
    assert b.observed == 70
    assert a.difference == pytest.approx(100 * (80 - 230 / 3) / 150, abs=1e-6)  # +2.22 points
    assert a.ratio == pytest.approx(80 / (230 / 3), abs=1e-8)
    # variance of O given the model: Σ p(1−p) = 150 × (8/15)(7/15)
    se = 100 * math.sqrt(150 * men * women) / 150
    assert a.se == pytest.approx(se, abs=1e-6)
    lo, hi = a.difference_interval
    assert lo == pytest.approx(a.difference - 1.959964 * se, abs=1e-5)
    assert hi == pytest.approx(a.difference + 1.959964 * se, abs=1e-5)
    assert a.observed_share == pytest.approx(100 * 80 / 150)
    assert a.expected_share == pytest.approx(100 * (230 / 3) / 150, abs=1e-6)
    # the uncertainty of E from the coefficients only widens the interval
    full = benchmark_cells(HAND, indicator="hand", min_persons=1, ridge=0.0)
    assert full.rows[0].se > a.se
    assert full.rows[0].expected == a.expected
    # the default tiny ridge moves the expected numbers by less than 0.001 persons here
    ridged = benchmark_cells(HAND, indicator="hand", min_persons=1)
    assert ridged.rows[0].expected == pytest.approx(a.expected, abs=1e-3)


def test_national_expected_equals_observed() -> None:
    rng = np.random.default_rng(5)
    rows = []
    for m in (101, 147, 151, 153, 155, 157, 159, 161):
        for sex in ("m", "f"):
            n = int(rng.integers(20, 400))
            rows.append((m, sex, n, float(rng.binomial(n, 0.3 if sex == "f" else 0.6))))
    # a cell where nobody succeeds: complete separation for a level of its own
    rows.append((101, "x", 30, 0.0))
    unemployment = [float(rng.uniform(2, 7)) for _ in rows]
    result = benchmark_cells(cells(rows, unemployment=unemployment), indicator="t")
    assert result.model.converged
    assert result.expected == pytest.approx(result.observed, rel=1e-9)
    assert sum(r.expected for r in result.rows) == pytest.approx(sum(o[3] for o in rows))
    assert "local_unemployment" in result.model.covariates


def test_fit_agrees_with_statsmodels_glm() -> None:
    rng = np.random.default_rng(11)
    x = np.column_stack([np.ones(200), rng.normal(size=200), rng.integers(0, 2, 200)])
    w = rng.integers(5, 50, 200).astype(float)
    p = 1 / (1 + np.exp(-(x @ np.array([-0.3, 0.8, -0.5]))))
    y = rng.binomial(w.astype(int), p).astype(float)
    beta, converged = fit_logistic(x, y, w, ridge=0.0)
    reference = sm.GLM(y / w, x, family=sm.families.Binomial(), freq_weights=w).fit()
    assert converged
    np.testing.assert_allclose(beta, reference.params, rtol=1e-7, atol=1e-9)
    ridged, _ = fit_logistic(x, y, w)
    np.testing.assert_allclose(ridged, reference.params, atol=1e-4)


def test_single_level_covariates_are_left_out() -> None:
    fit = fit_case_mix(HAND, ridge=0.0)
    model, fitted = fit.model, fit.probability
    assert model.covariates == ("sex",)
    assert model.parameters == 2
    assert model.cells == 2
    np.testing.assert_allclose(sorted(set(np.round(fitted, 10))), [70 / 150, 80 / 150])


def test_variance_of_expected_is_the_cluster_robust_sandwich() -> None:
    rng = np.random.default_rng(8)
    rows = []
    for m in (101, 147, 151, 153, 155):
        for sex in ("m", "f"):
            size = int(rng.integers(50, 200))
            rows.append((m, sex, size, float(rng.binomial(size, 0.6 if sex == "m" else 0.4))))
    data = cells(rows)
    fit = fit_case_mix(data, ridge=0.0)
    x = np.column_stack([np.ones(len(rows)), [r[1] == "m" for r in rows]]).astype(float)
    n = np.array([r[2] for r in rows], dtype=float)
    y = np.array([r[3] for r in rows])
    p = fit.probability
    hessian = (x * (n * p * (1 - p))[:, None]).T @ x
    municipality = np.array([r[0] for r in rows])
    units = sorted(set(municipality.tolist()))
    scores = np.array([(x * (y - n * p)[:, None])[municipality == m].sum(0) for m in units])
    bread = np.linalg.inv(hessian)
    covariance = bread @ scores.T @ scores @ bread * 5 / 4
    for m in units:
        g = (x * (n * p * (1 - p))[:, None])[municipality == m].sum(0)
        assert fit.expected_variance[m] == pytest.approx(g @ covariance @ g, rel=1e-6)
