"""`pejling benchmark`: a fair comparison of municipalities on one yes/no outcome.

For an indicator and a period: every person the indicator counts nationally
(`outcome_frame`), a national case-mix model without municipality terms (`casemix`), and per
municipality the observed (O) and expected (E) number and share, O − E in percentage points and
O/E with 95 % intervals, funnel-plot limits allowing for over-dispersion (`funnel`), an
empirical-Bayes estimate shrunk towards the expected value beside the raw one, the rank as a
distribution and the fifth (`ranks`). Municipalities with fewer persons than `min_persons` are
shown but not ranked, as in the AKF benchmarks (80 immigrants).

The results are plain frozen data, to be worded by the CLI or a report; nothing here prints.
Methods and their reasons: docs/benchmark.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from pejling.engine.compiler import PeriodRow
from pejling.engine.run import data_date, register_provenance
from pejling.errors import UserError
from pejling.national.casemix import RIDGE, CaseMixModel, fit_case_mix
from pejling.national.funnel import Z95, Z998, curve, dispersion, limits
from pejling.national.outcome_frame import Cells, collapse, complete_periods, is_yes_no
from pejling.national.ranks import DRAWS, SEED, rank_distribution
from pejling.reference.municipalities import municipalities
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.store.database import Store
from pejling.suggest import did_you_mean

Floats = npt.NDArray[np.float64]

#: the duration benchmark's id (`pejling.national.duration`): time from the programme start to
#: the first ordinary job; not a catalog indicator
DURATION_ID = "time_to_first_job"
#: the AKF integration benchmarks reported only municipalities with at least 80 immigrants
MIN_PERSONS = 80
#: yes/no indicators about effort or process rather than results: not benchmarked
NOT_OUTCOMES = frozenset(
    {
        "company_oriented_activation_share",
        "company_or_education_oriented_effort_share",
        "job_ready_share",
    }
)


@dataclass(frozen=True)
class MunicipalityBenchmark:
    """One municipality's comparison with the number expected from its case mix.

    Counts are weighted (population estimates) when the register is a weighted sample;
    `persons` is always the unweighted number the figures rest on. Shares and differences are
    in percent and percentage points; ratios are O/E.
    """

    municipality: int
    name: str
    persons: int
    observed: float
    expected: float
    observed_share: float
    expected_share: float
    difference: float  # O − E, percentage points of the persons
    difference_interval: tuple[float, float]
    ratio: float  # O / E
    ratio_interval: tuple[float, float]
    se: float  # standard error of `difference` (points): chance × φ, plus Var(E); docs/benchmark.md
    z: float  # difference / √(se² + τ²): the funnel plot's over-dispersed z-score
    funnel: str  # within, above95, above998, below95, below998
    shrunken: float  # empirical Bayes: the difference shrunk towards 0 (the expected value)
    shrunken_interval: tuple[float, float]
    ranked: bool  # at least `min_persons` persons
    rank: int | None = None  # 1 = best, by the point estimate, among the ranked
    rank_median: float | None = None
    rank_interval: tuple[int, int] | None = None
    p_top_fifth: float | None = None
    p_bottom_fifth: float | None = None
    fifth: int | None = None  # 1 = the best fifth … 5 = the worst
    successes: int = 0  # unweighted persons with the outcome (disclosure control only)

    @property
    def significant(self) -> bool:
        """Outside the funnel's 95 % limits (allowing for over-dispersion)."""
        return self.funnel != "within"


@dataclass(frozen=True)
class FunnelPoint:
    """The funnel's limits (percentage points around 0) at a number of persons."""

    persons: float
    lo95: float
    hi95: float
    lo998: float
    hi998: float


@dataclass(frozen=True)
class BenchmarkResult:
    """A benchmark of one indicator in one period (or pooled periods)."""

    indicator: str
    title: str
    higher_better: bool
    periods: tuple[str, ...]
    as_of: date
    model: CaseMixModel
    observed: float  # national, weighted
    expected: float  # national: equals `observed` (score equation of the intercept)
    persons: int
    national_share: float  # percent
    tau2: float  # between-municipality variance of O − E after case mix (points²)
    tau2_raw: float  # the same for raw share − national share
    phi: float  # over-dispersion of the adjusted z-scores (1 = chance alone)
    explained: float | None  # 1 − tau2 / tau2_raw: the share of the variation the case mix explains
    min_persons: int
    ranked_units: int
    rows: tuple[MunicipalityBenchmark, ...]
    funnel: tuple[FunnelPoint, ...]
    synthetic: bool = False
    seed: int = SEED
    draws: int = DRAWS
    #: "logistic" (a yes/no indicator) or "duration" (time to an event, `national.duration`)
    kind: str = "logistic"
    #: duration benchmarks: the follow-up (months since the start) and the months at risk
    follow_up_months: int | None = None
    person_months: float | None = None

    @property
    def period_label(self) -> str:
        """2022, or 2020–2022 for pooled periods."""
        if len(self.periods) == 1:
            return self.periods[0]
        return f"{self.periods[0]}–{self.periods[-1]}"


def benchmarkable(catalog: Catalog) -> list[IndicatorSpec]:
    """Yes/no outcome indicators the register computes (a share over persons or events)."""
    out = []
    for ind_id in catalog.ids():
        spec = catalog.indicators[ind_id]
        if spec.compute is None or not is_yes_no(spec.compute) or spec.direction is None:
            continue
        if spec.direction.value not in ("higher", "lower") or ind_id in NOT_OUTCOMES:
            continue
        out.append(spec)
    return out


def resolve(catalog: Catalog, wanted: Sequence[str]) -> list[IndicatorSpec]:
    """The benchmarkable indicators named (all of them when none is named)."""
    available = benchmarkable(catalog)
    if not wanted:
        return available
    by_id = {s.id: s for s in available}
    out = []
    for name in wanted:
        if name == DURATION_ID:
            continue  # not a catalog indicator: `benchmark_store` runs the duration model
        if name not in by_id:
            hint = did_you_mean(name, sorted([*by_id, DURATION_ID]))
            why = (
                "is not a yes/no outcome computed from the register"
                if name in catalog.indicators
                else "is not in the indicator catalog"
            )
            raise UserError(
                f"indicator '{name}' {why}; benchmarkable: "
                f"{', '.join(sorted([*by_id, DURATION_ID]))}" + (f". {hint}" if hint else "")
            )
        out.append(by_id[name])
    return out


def choose_periods(
    spec: IndicatorSpec, as_of: date, year: int | None, pool: int = 1
) -> list[PeriodRow]:
    """The `pool` complete periods ending at `year` (default: the newest complete one)."""
    assert spec.compute is not None
    rows = complete_periods(spec.compute, as_of)
    if year is not None:
        rows = [r for r in rows if r.year <= year]
        if not rows or rows[-1].year != year:
            last = rows[-1].label if rows else "none"
            raise UserError(
                f"{spec.id}: {year} is not a complete period in the register as of "
                f"{as_of.isoformat()} (the newest complete period up to {year}: {last})"
            )
    if not rows:
        raise UserError(f"{spec.id}: no complete period in the register as of {as_of.isoformat()}")
    return rows[-max(pool, 1) :]


def benchmark_store(
    store: Store,
    catalog: Catalog,
    indicators: Sequence[str] = (),
    *,
    year: int | None = None,
    pool: int = 1,
    min_persons: int = MIN_PERSONS,
    seed: int = SEED,
) -> list[BenchmarkResult]:
    """Benchmarks of these (default: all benchmarkable) indicators from a workspace's register,
    and the duration benchmark (`DURATION_ID`, `pejling.national.duration`) last.

    An indicator named here without a complete `year` is an error; of all indicators (none
    named), those without it are left out.
    """
    row = store.con.execute("SELECT count(*) FROM persons").fetchone()
    if not row or not row[0]:
        raise UserError(
            "the workspace has no person-level register: import one first (pejling import "
            "FOLDER, or pejling synth for synthetic data)"
        )
    as_of = data_date(store)
    synthetic = register_provenance(store) == "synthetic"
    out = []
    named = [i for i in indicators if i != DURATION_ID]
    specs = resolve(catalog, named) if named or not indicators else []
    for spec in specs:
        assert spec.compute is not None
        try:
            periods = choose_periods(spec, as_of, year, pool)
        except UserError:
            if indicators:
                raise
            continue  # all indicators: those without the year are left out (the CLI says so)
        cells = collapse(store, spec.compute, as_of, periods)
        if cells.size == 0:
            continue
        out.append(
            benchmark_cells(
                cells,
                indicator=spec.id,
                title=spec.title,
                higher_better=spec.direction is not None and spec.direction.value == "higher",
                periods=tuple(p.label for p in periods),
                as_of=as_of,
                min_persons=min_persons,
                synthetic=synthetic,
                seed=seed,
            )
        )
    if not indicators or DURATION_ID in indicators:
        duration = _duration(store, as_of, year, pool, min_persons, synthetic, seed, indicators)
        if duration is not None:
            out.append(duration)
    return out


def _duration(
    store: Store,
    as_of: date,
    year: int | None,
    pool: int,
    min_persons: int,
    synthetic: bool,
    seed: int,
    indicators: Sequence[str],
) -> BenchmarkResult | None:
    """The duration benchmark; without the year it is an error when named, else left out."""
    from pejling.national.duration import duration_store

    try:
        return duration_store(
            store, as_of, year=year, pool=pool, min_persons=min_persons, synthetic=synthetic,
            seed=seed,
        )  # fmt: skip
    except UserError:
        if indicators:
            raise
        return None


def _by_municipality(cells: Cells, values: Floats) -> Floats:
    return np.asarray(np.bincount(cells.municipality, weights=values, minlength=1000), np.float64)


def benchmark_cells(
    cells: Cells,
    *,
    indicator: str,
    title: str = "",
    higher_better: bool = True,
    periods: tuple[str, ...] = (),
    as_of: date = date(2024, 12, 31),
    min_persons: int = MIN_PERSONS,
    synthetic: bool = False,
    seed: int = SEED,
    draws: int = DRAWS,
    ridge: float = RIDGE,
    model_uncertainty: bool = True,
) -> BenchmarkResult:
    """The benchmark from covariate cells (the model is fitted on the same cells)."""
    fit = fit_case_mix(cells, pooled=len(set(cells.period.tolist())) > 1, ridge=ridge)
    model, p = fit.model, fit.probability
    codes = np.unique(cells.municipality)
    n = np.bincount(cells.municipality, weights=cells.persons, minlength=1000)[codes]
    successes = np.bincount(cells.municipality, weights=cells.successes, minlength=1000)[codes]
    w = _by_municipality(cells, cells.weight)[codes]
    o = _by_municipality(cells, cells.outcome)[codes]
    e = _by_municipality(cells, p * cells.weight)[codes]
    # the variance of O − E: of O given the model, times the model's over-dispersion φ (≥ 1),
    # plus that of E from the coefficients (cluster-robust, `casemix._expected_variance`)
    v_o = model.dispersion * _by_municipality(cells, p * (1 - p) * cells.weight2)[codes]
    v = v_o + fit.expected_variance[codes] if model_uncertainty else v_o
    national = float(o.sum() / w.sum())
    diff = 100 * (o - e) / w  # points
    se = 100 * np.sqrt(v) / w
    # raw share − national share, with its variance around the national share (for τ²_raw)
    raw = 100 * o / w - 100 * national
    se_raw = (
        100 * np.sqrt(national * (1 - national) * _by_municipality(cells, cells.weight2)[codes]) / w
    )
    figures = Figures(
        codes=codes,
        persons=np.asarray(n, dtype=np.float64),
        successes=np.asarray(successes, dtype=np.float64),
        observed=o,
        expected=e,
        variance=v,
        observed_share=100 * o / w,
        expected_share=100 * e / w,
        difference=diff,
        se=se,
        raw=raw,
        se_raw=se_raw,
        national=national,
    )
    return finish(
        figures,
        model,
        indicator=indicator,
        title=title,
        higher_better=higher_better,
        periods=periods or tuple(sorted(set(cells.period.tolist()))),
        as_of=as_of,
        min_persons=min_persons,
        synthetic=synthetic,
        seed=seed,
        draws=draws,
    )


@dataclass(frozen=True)
class Figures:
    """Per municipality (arrays in the order of `codes`): what a benchmark model computed.

    `difference` and `se` (points) are what the funnel, the shrinkage and the ranks work on;
    `observed`, `expected` and `variance` (of O − E) give O/E and its interval; `raw` and
    `se_raw` (points, around the national figure) give τ²_raw and so the share explained.
    """

    codes: npt.NDArray[np.int64]
    persons: Floats
    successes: Floats
    observed: Floats
    expected: Floats
    variance: Floats
    observed_share: Floats
    expected_share: Floats
    difference: Floats
    se: Floats
    raw: Floats
    se_raw: Floats
    national: float  # the national share, a fraction (the funnel's curves are drawn at it)


def finish(
    f: Figures,
    model: CaseMixModel,
    *,
    indicator: str,
    title: str,
    higher_better: bool,
    periods: tuple[str, ...],
    as_of: date,
    min_persons: int,
    synthetic: bool,
    seed: int,
    draws: int,
    kind: str = "logistic",
    follow_up_months: int | None = None,
    person_months: float | None = None,
    persons_total: int | None = None,
) -> BenchmarkResult:
    """The funnel, shrinkage, ranks and fifths on top of a model's figures (any model: the
    logistic one here, the duration model in `pejling.national.duration`)."""
    codes, n, o, e, v = f.codes, f.persons, f.observed, f.expected, f.variance
    diff, se = f.difference, f.se
    adjusted = dispersion(diff, se)
    unadjusted = dispersion(f.raw, f.se_raw)
    tau2 = adjusted.tau2
    explained = 1 - tau2 / unadjusted.tau2 if unadjusted.tau2 > 0 else None
    total_se = np.sqrt(se**2 + tau2)
    z = np.where(total_se > 0, diff / np.where(total_se > 0, total_se, 1), 0.0)
    half95 = limits(se, tau2, Z95)
    half998 = limits(se, tau2, Z998)
    funnel = np.select(
        [diff > half998, diff > half95, diff < -half998, diff < -half95],
        ["above998", "above95", "below998", "below95"],
        "within",
    )
    # empirical Bayes: prior N(0, τ²) on the municipality's true O − E, likelihood N(diff, se²)
    shrink = np.where(se > 0, tau2 / (tau2 + se**2), 0.0) if tau2 > 0 else np.zeros_like(se)
    post = shrink * diff
    post_se = np.sqrt(shrink * se**2)
    ranked = n >= min_persons
    index = np.flatnonzero(ranked)
    summaries = rank_distribution(
        diff[index], se[index], higher_better=higher_better, draws=draws, seed=seed
    )
    by_row = dict(zip(index.tolist(), summaries, strict=True))
    names = municipalities()
    rows = []
    for i, code in enumerate(codes.tolist()):
        s = by_row.get(i)
        ratio = float(o[i] / e[i]) if e[i] > 0 else float("nan")
        half = Z95 * float(np.sqrt(v[i]))
        rows.append(
            MunicipalityBenchmark(
                municipality=int(code),
                name=names[int(code)].name if int(code) in names else str(code),
                persons=int(n[i]),
                observed=float(o[i]),
                expected=float(e[i]),
                observed_share=float(f.observed_share[i]),
                expected_share=float(f.expected_share[i]),
                difference=float(diff[i]),
                difference_interval=(float(diff[i] - Z95 * se[i]), float(diff[i] + Z95 * se[i])),
                ratio=ratio,
                ratio_interval=(
                    (float((o[i] - half) / e[i]), float((o[i] + half) / e[i]))
                    if e[i] > 0
                    else (float("nan"), float("nan"))
                ),
                se=float(se[i]),
                z=float(z[i]),
                funnel=str(funnel[i]),
                shrunken=float(post[i]),
                shrunken_interval=(
                    float(post[i] - Z95 * post_se[i]),
                    float(post[i] + Z95 * post_se[i]),
                ),
                ranked=bool(ranked[i]),
                rank=s.rank if s else None,
                rank_median=s.median if s else None,
                rank_interval=(s.low, s.high) if s else None,
                p_top_fifth=s.p_top_fifth if s else None,
                p_bottom_fifth=s.p_bottom_fifth if s else None,
                fifth=s.fifth if s else None,
                successes=int(f.successes[i]),
            )
        )
    grid = np.unique(np.geomspace(max(5.0, float(n.min())), float(n.max()) * 1.1, 60).round())
    lines = curve(grid, f.national, tau2, model.dispersion)
    return BenchmarkResult(
        indicator=indicator,
        title=title,
        higher_better=higher_better,
        periods=periods,
        as_of=as_of,
        model=model,
        observed=float(o.sum()),
        expected=float(e.sum()),
        persons=int(n.sum()) if persons_total is None else persons_total,
        national_share=100 * f.national,
        tau2=tau2,
        tau2_raw=unadjusted.tau2,
        phi=adjusted.phi,
        explained=explained,
        min_persons=min_persons,
        ranked_units=len(index),
        rows=tuple(rows),
        funnel=tuple(
            FunnelPoint(float(x), float(a), float(b), float(c), float(d))
            for x, a, b, c, d in zip(
                lines["persons"],
                lines["lo95"],
                lines["hi95"],
                lines["lo998"],
                lines["hi998"],
                strict=True,
            )
        ),
        synthetic=synthetic,
        seed=seed,
        draws=draws,
        kind=kind,
        follow_up_months=follow_up_months,
        person_months=person_months,
    )


def hidden(result: BenchmarkResult, threshold: int) -> set[int]:
    """Municipalities whose figures disclosure control hides (`pejling.disclosure`).

    Primary: fewer than `threshold` persons, persons with the outcome or persons without it.
    Secondary: the municipalities sum to the nation (published beside them), so one hidden
    municipality would be the nation minus the others; another is hidden with it.
    """
    from pejling.disclosure import Cell, suppress

    cells: dict[int, Cell] = {
        r.municipality: Cell(float(r.successes), float(r.persons), r.observed_share)
        for r in result.rows
    }
    total = Cell(
        float(sum(r.successes for r in result.rows)), float(result.persons), result.national_share
    )
    out = suppress({0: total, **cells}, [[0, *cells]], threshold, keep=(0,))
    return {k for k, c in out.items() if c.suppressed and k != 0}
