"""A small logistic model on collapsed cells: the hazards behind the result-grant forecast.

Why cells: a national register has millions of person-months, but the covariates are a handful
of categories, so DuckDB collapses them to (cell, months at risk, events) and statsmodels fits a
binomial GLM on at most a few thousand cells in well under a second (two rows per cell, events
and non-events, with `freq_weights`).

Why a pseudo-count: a category with no event at all (e.g. no education started by anyone aged 55
or more) makes the maximum-likelihood coefficient minus infinity and the fit unstable. Every
cell therefore gets one pseudo-observation split at the overall rate (p̄ events, 1 − p̄
non-events): negligible where there are data, a finite estimate near the overall rate where
there are none.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


def _statsmodels() -> Any:
    """statsmodels, imported when a model is fitted: it takes about a second to import, which
    every other command would otherwise pay at start-up. It ships no type information, so it is
    typed as Any whether or not the project configures an override for it."""
    return importlib.import_module("statsmodels.api")


Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Factor:
    """A categorical covariate: its name and level labels (codes 0 … n−1)."""

    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class CellModel:
    """Fitted logistic model: intercept plus one coefficient per non-reference level."""

    factors: tuple[Factor, ...]
    params: tuple[float, ...]
    at_risk: float
    events: float
    cells: int

    @property
    def rate(self) -> float:
        """The overall observed rate (events per unit at risk)."""
        return self.events / self.at_risk if self.at_risk else 0.0

    def predict(self, codes: Ints) -> Floats:
        """Probabilities for rows of factor codes (N × number of factors)."""
        return _logistic(_design(codes, self.factors) @ np.asarray(self.params))


def _logistic(x: Floats) -> Floats:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0))))


def _design(codes: Ints, factors: Sequence[Factor]) -> Floats:
    """Intercept and treatment dummies (level 0 the reference)."""
    n = codes.shape[0]
    columns = [np.ones(n)]
    for j, factor in enumerate(factors):
        for level in range(1, len(factor.levels)):
            columns.append((codes[:, j] == level).astype(np.float64))
    return np.column_stack(columns) if columns else np.ones((n, 1))


def fit_cells(codes: Ints, at_risk: Floats, events: Floats, factors: Sequence[Factor]) -> CellModel:
    """Fit P(event) on cells: `codes` (cells × factors), months at risk and events per cell."""
    total_n, total_y = float(at_risk.sum()), float(events.sum())
    k = 1 + sum(len(f.levels) - 1 for f in factors)
    if total_n <= 0:
        return CellModel(tuple(factors), tuple([-30.0] + [0.0] * (k - 1)), 0.0, 0.0, 0)
    p_bar = min(max(total_y / total_n, 1e-6), 1 - 1e-6)
    y = events + p_bar
    no = np.maximum(at_risk - events, 0.0) + (1 - p_bar)
    exog = _design(codes, factors)
    # a level no cell has, or every cell has, cannot be told from the reference: its
    # coefficient is 0 (the reference's hazard), not an arbitrary number
    varies = np.ones(exog.shape[1], dtype=bool)
    varies[1:] = exog[:, 1:].min(axis=0) != exog[:, 1:].max(axis=0)
    endog = np.concatenate([np.ones(len(y)), np.zeros(len(no))])
    weights = np.concatenate([y, no])
    keep = weights > 0
    with warnings.catch_warnings():
        # the pseudo-count keeps estimates finite; a slow convergence is not an error here
        warnings.simplefilter("ignore")
        result = (
            _statsmodels()
            .GLM(
                endog[keep],
                np.vstack([exog, exog])[keep][:, varies],
                family=_statsmodels().families.Binomial(),
                freq_weights=weights[keep],
            )
            .fit()
        )
    params = np.zeros(exog.shape[1])
    params[varies] = np.asarray(result.params)
    return CellModel(tuple(factors), tuple(float(v) for v in params), total_n, total_y,
                     len(at_risk))  # fmt: skip
