"""Similar municipalities (Kolada-style): the nearest municipalities on chosen frame conditions.

Each variable is standardised across the municipalities that have it (z-score; population on a
log scale), and the distance between two municipalities is the weighted root mean square of the
differences of their z-scores:

    d(i, j) = sqrt( Σ_k w_k (z_ik − z_jk)² / Σ_k w_k ),   k over the variables both have

so a distance of 0,5 reads "on average half a standard deviation apart". A pair that shares less
than half of the total weight is not compared. Kolada does not publish its formula; this one is
documented in docs/similar-and-targets.md with a hand-checked example in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pejling.errors import UserError
from pejling.national.frame import (
    BUILTIN,
    DEFAULT_VARIABLES,
    Frame,
    FrameVariable,
    latest_year,
    load_frame,
)
from pejling.reference.municipalities import municipalities
from pejling.store.database import Store

DEFAULT_N = 7
"""Kolada shows the 7 most similar municipalities by default."""
MIN_SHARED_WEIGHT = 0.5
"""Two municipalities are compared only on variables carrying at least half the total weight."""


@dataclass(frozen=True)
class VariableStats:
    """How a variable was standardised: its mean and standard deviation (after the log)."""

    variable: FrameVariable
    mean: float
    sd: float
    n: int  # municipalities with a figure
    weight: float  # the weight as a share of all weights (sums to 1)
    source: str = ""


@dataclass(frozen=True)
class Neighbour:
    """A municipality with its figures, z-scores and distance to the chosen one."""

    code: int
    name: str
    distance: float
    values: Mapping[str, float | None]
    periods: Mapping[str, str | None]
    z: Mapping[str, float | None]
    shared_weight: float = 1.0  # share of the total weight the distance rests on


@dataclass(frozen=True)
class SimilarResult:
    """The chosen municipality, the variables and the nearest municipalities, nearest first."""

    municipality: Neighbour
    year: int
    variables: tuple[VariableStats, ...]
    neighbours: tuple[Neighbour, ...]
    compared: int  # municipalities a distance could be computed for
    notes: tuple[str, ...] = ()

    @property
    def codes(self) -> list[int]:
        """The neighbours' municipality codes, nearest first."""
        return [n.code for n in self.neighbours]


def _transform(var: FrameVariable, value: float) -> float | None:
    if var.log:
        return math.log(value) if value > 0 else None
    return value


def standardise(frame: Frame) -> tuple[list[VariableStats], dict[str, dict[int, float]], list[str]]:
    """Mean and (sample) standard deviation per variable, and every municipality's z-score.

    A variable without spread (every municipality alike) cannot tell them apart and is left out.
    """
    total = sum(v.weight for v in frame.variables)
    stats: list[VariableStats] = []
    zs: dict[str, dict[int, float]] = {}
    notes: list[str] = []
    for var in frame.variables:
        xs = {
            code: x
            for code, fv in frame.values.get(var.name, {}).items()
            if (x := _transform(var, fv.value)) is not None
        }
        if len(xs) < 2:
            notes.append(f"{var.label} ({var.name}) er udeladt: for få kommuner har et tal")
            continue
        mean = sum(xs.values()) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs.values()) / (len(xs) - 1))
        if sd == 0:
            notes.append(f"{var.label} ({var.name}) er udeladt: alle kommuner har samme tal")
            continue
        zs[var.name] = {code: (x - mean) / sd for code, x in xs.items()}
        stats.append(VariableStats(var, mean, sd, len(xs), var.weight / total,
                                   frame.sources.get(var.name, "")))  # fmt: skip
    weight = sum(s.weight for s in stats)
    stats = [
        VariableStats(s.variable, s.mean, s.sd, s.n, s.weight / weight, s.source) for s in stats
    ]
    return stats, zs, notes


def distance(
    a: Mapping[str, float | None], b: Mapping[str, float | None], weights: Mapping[str, float]
) -> tuple[float, float] | None:
    """(d, shared weight) between two z-score vectors; None when they share too little.

    d = sqrt(Σ w_k (a_k − b_k)² / Σ w_k) over the variables both have; `weights` need not sum
    to 1 (they are normalised).
    """
    total = sum(weights.values())
    shared = num = 0.0
    for name, w in weights.items():
        x, y = a.get(name), b.get(name)
        if x is None or y is None:
            continue
        shared += w
        num += w * (x - y) ** 2
    if total <= 0 or shared <= 0 or shared / total < MIN_SHARED_WEIGHT - 1e-12:
        return None
    return math.sqrt(num / shared), shared / total


def nearest(frame: Frame, municipality_code: int, n: int = DEFAULT_N) -> SimilarResult:
    """The `n` municipalities nearest to `municipality_code` on the frame's variables."""
    if n < 1:
        raise UserError("--n skal være mindst 1")
    stats, zs, notes = standardise(frame)
    if not stats:
        raise UserError(
            f"ingen rammevariabler med tal for {frame.year}: " + "; ".join((*frame.notes, *notes))
        )
    weights = {s.variable.name: s.weight for s in stats}
    codes = sorted({c for values in zs.values() for c in values} | {municipality_code})
    names = municipalities()

    def row(code: int, d: float, shared: float) -> Neighbour:
        values = {s.variable.name: _raw(frame, s.variable.name, code) for s in stats}
        periods = {s.variable.name: _period(frame, s.variable.name, code) for s in stats}
        z = {s.variable.name: zs[s.variable.name].get(code) for s in stats}
        name = names[code].name if code in names else str(code)
        return Neighbour(code, name, d, values, periods, z, shared)

    own_z = {name: zs[name].get(municipality_code) for name in weights}
    if not any(v is not None for v in own_z.values()):
        raise UserError(
            f"{names[municipality_code].name if municipality_code in names else municipality_code}"
            f" har ingen tal for de valgte variabler i {frame.year}"
        )
    found: list[Neighbour] = []
    for code in codes:
        if code == municipality_code:
            continue
        other = {name: zs[name].get(code) for name in weights}
        d = distance(own_z, other, weights)
        if d is not None:
            found.append(row(code, d[0], d[1]))
    found.sort(key=lambda nb: (nb.distance, nb.code))
    own = row(municipality_code, 0.0, sum(w for k, w in weights.items() if own_z[k] is not None))
    if own.shared_weight < 1:
        missing = [s.variable.label for s in stats if own_z[s.variable.name] is None]
        notes.append(
            f"{own.name} mangler {', '.join(missing)}; afstanden er regnet på de øvrige "
            "variabler (vægtene skaleres op)"
        )
    return SimilarResult(own, frame.year, tuple(stats), tuple(found[:n]), len(found),
                         (*frame.notes, *notes))  # fmt: skip


def _raw(frame: Frame, name: str, code: int) -> float | None:
    fv = frame.values.get(name, {}).get(code)
    return fv.value if fv else None


def _period(frame: Frame, name: str, code: int) -> str | None:
    fv = frame.values.get(name, {}).get(code)
    return fv.period if fv else None


def similar_municipalities(
    store_or_frame: Store | Frame,
    municipality_code: int,
    year: int | None = None,
    variables: Sequence[FrameVariable] | None = None,
    n: int = DEFAULT_N,
    *,
    min_persons: int = 20,
) -> SimilarResult:
    """The `n` municipalities most similar to `municipality_code` on frame conditions.

    With a store: the variables' figures for `year` (default: the newest year the variables
    have) from the store and its person-level register; with a `Frame`: its values as given
    (`year` and `variables` are then taken from the frame). Default variables: every built-in
    one, equal weights.
    """
    if municipality_code not in municipalities():
        raise UserError(f"{municipality_code} er ikke en af de 98 kommuner")
    if isinstance(store_or_frame, Frame):
        return nearest(store_or_frame, municipality_code, n)
    chosen = tuple(variables) if variables is not None else tuple(
        BUILTIN[name] for name in DEFAULT_VARIABLES
    )  # fmt: skip
    y = year if year is not None else latest_year(store_or_frame, chosen)
    frame = load_frame(store_or_frame, y, chosen, min_persons=min_persons)
    return nearest(frame, municipality_code, n)
