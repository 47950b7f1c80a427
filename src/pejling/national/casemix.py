"""The national case-mix model: a logistic GLM over persons, without municipality terms.

Indirect standardisation, as in the Danish benchmark analyses (KORA, VIVE, the employment
ministry's benchmark): the model says how likely the outcome is for a person with these
characteristics in a local labour market like this one, fitted on every person in the country.
Summed over a municipality's persons it gives the number *expected* there; the municipality
itself is not in the model, so its own performance cannot leak into its expectation.

Fitted on covariate cells (`outcome_frame.Cells`), not persons: a binomial GLM on cells with
frequency weights (Σ sampling weight per cell) has the same estimates as on persons, and a
few thousand cells fit in well under a second where millions of persons would not.

Why not statsmodels' GLM: its IRLS diverges when a covariate level has only successes or only
failures (complete separation: pupils who brought a finished education from abroad all "have"
a youth education), and the expected values then no longer sum to the observed ones. The fit
here is the same maximum likelihood by Newton's method with a tiny ridge penalty (`RIDGE`) on
the covariates' coefficients — never on the intercept, so Σ expected = Σ observed still holds
exactly — which keeps separated levels finite (their fitted probability is ~0 or ~1, as it
should be). Without separation it agrees with statsmodels' GLM to many decimals
(tests/national/test_benchmark_model.py).

Why Σ expected = Σ observed nationally: the score equation of the intercept of a logistic
model with maximum likelihood is Σ w·(y − p) = 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from pejling.national.outcome_frame import COVARIATES, Cells, local_unemployment

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: the local labour market enters as its municipality's unemployment, rounded to this many
#: percentage points, so persons in the same kind of labour market share a fitting cell
UNEMPLOYMENT_STEP = 0.25
#: a covariate level with fewer persons than this joins the covariate's reference level (a
#: level of a handful of persons would otherwise get an infinite coefficient)
MIN_LEVEL_PERSONS = 20
#: ridge penalty ½·RIDGE·Σβ² on the covariates' coefficients (not the intercept), in units of
#: persons: negligible against any level with persons in it, finite under separation
RIDGE = 1e-3
#: interactions with origin (Danish origin, immigrant, descendant): the Danish benchmark
#: analyses fit their models separately for such groups, because women's employment and the
#: pull of the local labour market differ between them; a main-effects model averages the
#: groups and so misjudges municipalities with an unusual origin mix
ORIGIN_INTERACTIONS = ("sex", "age", "local_unemployment")


def _gram(exog: Floats | sparse.csr_matrix, weights: Floats) -> Floats:
    """Xᵀ·diag(weights)·X as a dense matrix (sparse X: one-hot columns make this cheap)."""
    if isinstance(exog, np.ndarray):
        return np.asarray((exog * weights[:, None]).T @ exog, dtype=np.float64)
    product = exog.T @ sparse.diags(weights) @ exog
    return np.asarray(product.toarray(), dtype=np.float64)


def _expit(eta: Floats) -> Floats:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * eta)), dtype=np.float64)


def fit_logistic(
    exog: Floats | sparse.csr_matrix,
    successes: Floats,
    weight: Floats,
    *,
    ridge: float = RIDGE,
    max_iter: int = 100,
) -> tuple[Floats, bool]:
    """Maximum likelihood of a binomial logit model on cells (column 0 is the intercept).

    `successes` and `weight` are the (weighted) successes and trials per cell. Newton's method
    with step halving on the penalised log-likelihood; returns the coefficients and whether it
    converged (less than 1e-9 of log-likelihood left to gain).
    """
    k = exog.shape[1]
    penalty = np.full(k, ridge)
    penalty[0] = 0.0
    total = float(weight.sum())
    start = np.clip(successes.sum() / total, 1e-9, 1 - 1e-9)
    beta = np.zeros(k)
    beta[0] = np.log(start / (1 - start))

    def linear(b: Floats) -> Floats:
        return np.asarray(exog @ b, dtype=np.float64)

    def objective(b: Floats) -> float:
        eta = linear(b)
        # log-likelihood: Σ y·η − w·log(1 + e^η), stable for large |η|
        return float(successes @ eta - weight @ np.logaddexp(0.0, eta) - 0.5 * penalty @ b**2)

    current = objective(beta)
    for _ in range(max_iter):
        p = _expit(linear(beta))
        gradient = np.asarray(exog.T @ (successes - weight * p)) - penalty * beta
        hessian = _gram(exog, weight * p * (1 - p)) + np.diag(penalty)
        hessian[np.diag_indices(k)] += 1e-12 * total
        step = np.linalg.solve(hessian, gradient)
        t = 1.0
        while t > 1e-6:
            trial = beta + t * step
            value = objective(trial)
            if value >= current - 1e-12 * abs(current):
                break
            t /= 2
        beta, current = trial, value
        # the Newton decrement gᵀH⁻¹g / 2 bounds the log-likelihood still to gain; a bound on
        # the step alone never holds once rounding in sums over many cells dominates it
        if float(gradient @ step) / 2 < 1e-9 or float(np.max(np.abs(t * step))) < 1e-10:
            return beta, True
    return beta, False


@dataclass(frozen=True)
class CaseMixModel:
    """What was fitted: covariates, their levels, size and fit of the model."""

    covariates: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]  # the levels kept, the reference level first
    persons: int
    cells: int  # fitting cells (covariates × local labour market)
    parameters: int
    deviance: float
    null_deviance: float
    converged: bool
    #: Pearson χ² / (cells − parameters) over the fitting cells, at least 1: how much more the
    #: cells scatter around the model than chance would make them (model misfit the covariates
    #: cannot absorb); the variance of a municipality's O is multiplied by it
    dispersion: float = 1.0

    @property
    def pseudo_r2(self) -> float:
        """McFadden-type share of the deviance explained (1 − deviance / null deviance)."""
        return 1.0 - self.deviance / self.null_deviance if self.null_deviance > 0 else 0.0


def _levels(values: npt.NDArray[np.str_], persons: Floats) -> tuple[tuple[str, ...], Ints]:
    """Levels by persons, most common first (the reference; rare ones merged into it), and
    each value's code (0 = the reference)."""
    names, inverse = np.unique(values, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=persons, minlength=len(names))
    order = np.argsort(-counts, kind="stable")
    kept = [i for i in order if counts[i] >= MIN_LEVEL_PERSONS or i == order[0]]
    lookup = np.zeros(len(names), dtype=np.int64)
    lookup[kept] = np.arange(len(kept))
    return tuple(str(names[i]) for i in kept), lookup[inverse.ravel()]


@dataclass(frozen=True)
class CaseMixFit:
    """A fitted model, the fitted probability of every cell, and Var(E) per municipality."""

    model: CaseMixModel
    probability: Floats  # per cell of the `Cells` fitted on
    expected_variance: Floats  # indexed by municipality code (0–999)


@dataclass(frozen=True)
class Design:
    """The model's design on its fitting cells: the distinct covariate combinations."""

    exog: sparse.csr_matrix  # fitting cells × parameters (column 0: the intercept)
    covariates: tuple[str, ...]  # the terms, in column order
    levels: dict[str, tuple[str, ...]]
    inverse: Ints  # per input cell: its fitting cell
    weight: Floats  # per fitting cell: Σ weight, Σ weight × outcome, Σ weight²
    outcome: Floats
    weight2: Floats

    @property
    def size(self) -> int:
        """Number of fitting cells."""
        return int(self.exog.shape[0])

    @property
    def parameters(self) -> int:
        """Number of coefficients, the intercept included."""
        return int(self.exog.shape[1])


def build_design(
    cells: Cells, factors: Mapping[str, npt.NDArray[np.str_]], persons: Floats
) -> Design:
    """The sparse design of a model over `factors` (categorical, in this order), the local
    unemployment (linear, centred) and the origin interactions (`ORIGIN_INTERACTIONS`), on the
    distinct combinations of the cells. Shared by the yes/no model and the duration model.

    A factor with a single level among the persons is left out; a level with fewer than
    `MIN_LEVEL_PERSONS` persons joins the factor's most common level (`_levels`).
    """
    levels: dict[str, tuple[str, ...]] = {}
    codes: list[Ints] = []
    for name, values in factors.items():
        kept, code = _levels(values, persons)
        if len(kept) < 2:
            continue
        levels[name] = kept
        codes.append(code)
    unemployment = np.round(local_unemployment(cells) / UNEMPLOYMENT_STEP) * UNEMPLOYMENT_STEP
    unemployment = np.where(np.isnan(unemployment), np.nanmean(unemployment), unemployment)
    labour = bool(np.ptp(unemployment) > 0)
    # the fitting cells: distinct (levels…, unemployment) combinations, found on one integer
    # per cell (mixed radix) rather than row-wise on a matrix, which is far slower
    u_code = np.round(unemployment * 100).astype(np.int64)
    key = u_code - u_code.min()
    radix = int(key.max()) + 1
    for code, name in zip(codes, levels, strict=True):
        key = key * len(levels[name]) + code
        radix *= len(levels[name])
    assert radix < 2**62, "too many covariate combinations for one integer key"
    _unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    w = np.asarray(np.bincount(inverse, weights=cells.weight), dtype=np.float64)
    y = np.asarray(np.bincount(inverse, weights=cells.outcome), dtype=np.float64)
    w2 = np.asarray(np.bincount(inverse, weights=cells.weight2), dtype=np.float64)
    k_cells = len(first)
    # an intercept, one column per non-reference level, the local unemployment (centred) and
    # the interactions
    rows = [np.arange(k_cells)]
    cols = [np.zeros(k_cells, dtype=np.int64)]
    data = [np.ones(k_cells)]
    offset = 1
    for code, name in zip(codes, levels, strict=True):
        at = code[first]
        rows.append(np.flatnonzero(at > 0))
        cols.append(offset + at[at > 0] - 1)
        data.append(np.ones(int((at > 0).sum())))
        offset += len(levels[name]) - 1
    covariates = tuple(levels)
    at_level = {name: code[first] for code, name in zip(codes, levels, strict=True)}
    u_centred = np.zeros(k_cells)
    if labour:
        u = unemployment[first]
        u_centred = u - float(np.average(u, weights=w))
        rows.append(np.arange(k_cells))
        cols.append(np.full(k_cells, offset))
        data.append(u_centred)
        offset += 1
        covariates = (*covariates, "local_unemployment")
    if "origin" in at_level:
        origin = at_level["origin"]
        for other in ORIGIN_INTERACTIONS:
            if other == "local_unemployment":
                if not labour:
                    continue
                value, width = u_centred, 1
                column = np.zeros(k_cells, dtype=np.int64)
            elif other in at_level:
                width = len(levels[other]) - 1
                column = at_level[other] - 1
                value = (at_level[other] > 0).astype(np.float64)
            else:
                continue
            on = np.flatnonzero((origin > 0) & (value != 0))
            rows.append(on)
            cols.append(offset + (origin[on] - 1) * width + column[on])
            data.append(value[on])
            offset += (len(levels["origin"]) - 1) * width
            covariates = (*covariates, f"origin:{other}")
    exog = sparse.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(k_cells, offset),
    )
    return Design(exog, covariates, levels, inverse, w, y, w2)


def fit_design(
    design: Design, *, persons: int, ridge: float = RIDGE
) -> tuple[CaseMixModel, Floats, Floats]:
    """Fit a design: the model's summary, the fitted probability of every fitting cell, and
    the penalised Hessian (for the coefficients' covariance)."""
    w, y = design.weight, design.outcome
    beta, converged = fit_logistic(design.exog, y, w, ridge=ridge)
    fitted = _expit(np.asarray(design.exog @ beta, dtype=np.float64))
    share = np.clip(y / w, 0.0, 1.0)
    national = float(y.sum() / w.sum())
    summary = CaseMixModel(
        covariates=design.covariates,
        levels=design.levels,
        persons=persons,
        cells=design.size,
        parameters=design.parameters,
        deviance=_deviance(share, fitted, w),
        null_deviance=_deviance(share, np.full_like(share, national), w),
        converged=converged,
        dispersion=_pearson_dispersion(
            y, w, design.weight2, fitted, design.size - design.parameters
        ),
    )
    hessian = _gram(design.exog, w * fitted * (1 - fitted)) + np.diag(
        np.r_[0.0, np.full(design.parameters - 1, ridge)]
    )
    return summary, fitted, hessian


def fit_case_mix(cells: Cells, *, pooled: bool = False, ridge: float = RIDGE) -> CaseMixFit:
    """Fit the model: the fitted probability of every cell of `cells` and Var(E) per municipality.

    Covariates with a single level in the population (e.g. sex, when only women are counted)
    are left out. With `pooled` periods the period is a covariate too, so a year with easier
    jobs does not favour the municipalities with more persons in it.
    """
    factors: dict[str, npt.NDArray[np.str_]] = {name: cells.covariates[name] for name in COVARIATES}
    factors.update({k: v for k, v in cells.covariates.items() if k not in COVARIATES})
    if pooled:
        factors["period"] = cells.period
    design = build_design(cells, factors, cells.persons.astype(np.float64))
    summary, fitted, hessian = fit_design(design, persons=int(cells.persons.sum()), ridge=ridge)
    p_cells = np.asarray(fitted[design.inverse], dtype=np.float64)
    variance = _expected_variance(cells, design.exog[design.inverse], p_cells, hessian)
    return CaseMixFit(summary, p_cells, variance)


def _expected_variance(
    cells: Cells, design: sparse.csr_matrix, p: Floats, hessian: Floats
) -> Floats:
    """Var(E) per municipality code from the coefficients' cluster-robust covariance.

    With only 98 municipalities, their performance correlates with their case mix by chance
    (or for real: municipalities receiving many refugees may have learnt to integrate them), and
    the coefficients of a model without municipality terms absorb part of it, so E is off by
    more than its persons' chance suggests. The sandwich H⁻¹ (Σₘ sₘsₘᵀ) H⁻¹ · M/(M−1), with
    sₘ the score of municipality m (Σ x·(y − w·p) over its cells), is the covariance of the
    coefficients allowing for municipality-level variation; Var(Eₘ) = gₘᵀ V gₘ with
    gₘ = Σ x·w·p(1−p) over m's cells (the delta method).
    """
    codes, index = np.unique(cells.municipality, return_inverse=True)
    units = len(codes)
    out = np.zeros(1000)
    if units < 2:
        return out
    member = sparse.csr_matrix(
        (np.ones(len(index)), (index.ravel(), np.arange(len(index)))), shape=(units, len(index))
    )
    score = np.asarray((member @ sparse.diags(cells.outcome - cells.weight * p) @ design).todense())
    slope = np.asarray((member @ sparse.diags(cells.weight * p * (1 - p)) @ design).todense())
    inverse = np.linalg.pinv(hessian)
    covariance = inverse @ (score.T @ score) @ inverse * units / (units - 1)
    out[codes] = np.einsum("mk,kl,ml->m", slope, covariance, slope)
    return out


def _pearson_dispersion(y: Floats, w: Floats, w2: Floats, p: Floats, df: int) -> float:
    """max(1, Σ (y − w·p)² / (p(1−p)·Σw²) / df) over cells with a non-degenerate p."""
    variance = p * (1 - p) * w2
    keep = variance > 1e-9
    if df <= 0 or not keep.any():
        return 1.0
    chi2 = float(np.sum((y[keep] - w[keep] * p[keep]) ** 2 / variance[keep]))
    return max(1.0, chi2 / df)


def _deviance(share: Floats, p: Floats, w: Floats) -> float:
    """Binomial deviance of cell shares against probabilities, frequency-weighted."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(share > 0, share * np.log(share / p), 0.0)
        b = np.where(share < 1, (1 - share) * np.log((1 - share) / (1 - p)), 0.0)
    return float(2 * np.sum(w * (a + b)))
