"""Funnel-plot limits allowing for over-dispersion (Spiegelhalter 2005).

The indicator is observed − expected as a share of the persons (percentage points), whose
target is 0 for a municipality that performs as its case mix predicts. Its standard error s
comes from chance and the model (`pejling.national.benchmark`, docs/benchmark.md). Municipalities differ by more than chance (that is
what a benchmark looks for, and what no case-mix model fully explains), so the limits are
widened by an *additive* between-municipality variance τ² (Spiegelhalter, Qual Saf Health Care
2005, the preferred of his two options): limits 0 ± z·√(s² + τ²). τ² is estimated by
DerSimonian–Laird's moment estimator on z-scores Winsorised at their 10th and 90th percentiles,
so a few extreme municipalities cannot widen the limits that are meant to find them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

Z95 = 1.959963984540054
Z998 = 3.090232306167813
WINSOR = 0.10


@dataclass(frozen=True)
class Dispersion:
    """Over-dispersion of a set of estimates around 0."""

    phi: float  # mean squared Winsorised z-score (1 = chance alone)
    tau2: float  # additive between-unit variance, on the estimate's scale (squared)
    units: int


def winsorise(z: Floats, share: float = WINSOR) -> Floats:
    """z with values beyond its `share` and 1 − `share` quantiles set to those quantiles."""
    if len(z) == 0:
        return z
    lo, hi = np.quantile(z, [share, 1 - share])
    return np.clip(z, lo, hi)


def dispersion(estimate: Floats, se: Floats, *, winsor: float = WINSOR) -> Dispersion:
    """φ and τ² (DerSimonian–Laird on Winsorised z-scores; 0 when there is no excess).

    φ = (1/I) Σ zᵢ², τ² = (I·φ − (I − 1)) / (Σ wᵢ − Σ wᵢ² / Σ wᵢ), wᵢ = 1/sᵢ², and τ² = 0 when
    I·φ ≤ I − 1 (Spiegelhalter 2005, Stat Med 24:1185, eq. 6–7).
    """
    keep = np.isfinite(estimate) & np.isfinite(se) & (se > 0)
    e, s = estimate[keep], se[keep]
    units = len(e)
    if units < 2:
        return Dispersion(1.0, 0.0, units)
    z = winsorise(e / s, winsor) if winsor > 0 else e / s
    phi = float(np.mean(z**2))
    w = 1.0 / s**2
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (units * phi - (units - 1)) / denominator) if denominator > 0 else 0.0
    return Dispersion(phi, tau2, units)


def limits(se: Floats | float, tau2: float, z: float) -> Floats:
    """Half-width of the control limits around 0: z·√(s² + τ²)."""
    return np.asarray(z * np.sqrt(np.asarray(se, dtype=np.float64) ** 2 + tau2))


def curve(persons: Floats, share: float, tau2: float, phi: float = 1.0) -> dict[str, Floats]:
    """Limits for the plot on a grid of persons, in percentage points, at the national share p
    (a fraction): s = 100·√(φ·p(1−p)/n), φ the model's over-dispersion; τ² in points²."""
    se = 100 * np.sqrt(phi * share * (1 - share) / persons)
    return {
        "persons": persons,
        "lo95": -limits(se, tau2, Z95),
        "hi95": limits(se, tau2, Z95),
        "lo998": -limits(se, tau2, Z998),
        "hi998": limits(se, tau2, Z998),
    }
