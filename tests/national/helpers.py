"""Covariate cells built by hand for the benchmark tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pejling.national.outcome_frame import COVARIATES, Cells


def cells(
    rows: Sequence[tuple[int, str, int, float]],
    *,
    unemployment: Sequence[float] | None = None,
    period: str = "2022",
) -> Cells:
    """Cells from (municipality, sex, persons, successes); other covariates constant."""
    k = len(rows)
    covariates = {name: np.array(["x"] * k) for name in COVARIATES}
    covariates["sex"] = np.array([r[1] for r in rows])
    persons = np.array([r[2] for r in rows], dtype=np.int64)
    outcome = np.array([r[3] for r in rows], dtype=np.float64)
    return Cells(
        municipality=np.array([r[0] for r in rows], dtype=np.int64),
        period=np.array([period] * k),
        year=np.full(k, int(period[:4]), dtype=np.int64),
        covariates=covariates,
        persons=persons,
        weight=persons.astype(np.float64),
        outcome=outcome,
        weight2=persons.astype(np.float64),
        successes=outcome.astype(np.int64),
        unemployment=np.array(unemployment if unemployment is not None else [4.0] * k),
    )
