"""Time from the start of the integration programme to the first ordinary job: a duration
benchmark (issue 12: "a duration model where the outcome is time to an event").

A yes/no indicator such as `employed_after_3y` throws away *when* the job came and needs every
person followed for the whole window; a hazard model uses every month a person was observed,
however short, and credits a municipality for a job in month 4 more than for one in month 34.

**Who and when.** Every participant of the integration programmes the result grants count
(`grants_rules`: integration, self-support and repatriation, introduction programme) is at risk
of a first ordinary job (the employment kind the grant rules name, any hours: the start hazard of
`grants_forecast`) from the first programme start, month by month (month k runs from the start
+ k − 1 months), up to `FOLLOW_UP_MONTHS`. A person already in an ordinary job on the start day
is not at risk. Censored at the end of the stay in Denmark that runs at the start (moving abroad;
a death ends residence in the register too) and at the data date: only complete months count,
as in the grant forecast. The *event* month is the month the first ordinary job after the start
begins. Each month counts in the municipality of the programme spell that covers it, a month
after the programme's end (or in a gap) in that of the last spell before it — the grants' rule
(the municipality responsible when the result was achieved).

**The period** compared is calendar time: the months *lying* in the years compared (a month in
the year its first day falls in), from everyone in their first `FOLLOW_UP_MONTHS` months then —
a period life table. So `--as-of 2024` compares how municipalities did with their caseload in
2024, with the same meaning of the year and of `--periods` as for the yes/no indicators; persons
who started in 2021–2024 all contribute, each with the months they were in 2024.

**The model.** A discrete-time proportional-hazards model: the probability of a first job in a
month, logistic in duration bands (the baseline hazard: months 1–3, 4–6, 7–12, 13–18, 19–24,
25–36, the grant forecast's bands), the logistic benchmark's covariates (age, sex, origin,
origin country group, residence basis and education brought along, years since arrival, age at
arrival — all at the programme start — and the municipality's unemployment in the month's year) and the year
when years are pooled; no municipality terms. It is fitted on cells of person-months collapsed
in DuckDB with the logistic benchmark's Newton fit (`casemix.fit_logistic`: an unpenalised
intercept, so Σ E = Σ O nationally, and a tiny ridge against separation).

**Per municipality**: O (first jobs), E = Σ fitted hazards over its months at risk, O/E (a
standardised event ratio) and the 36-month share employed from the observed band hazards
against that from the expected ones: F = 1 − Π_b (1 − h_b)^(months in b). The difference of the
two shares (percentage points) is what the funnel, shrinkage and ranks of `benchmark.finish`
work on. Its variance: Var(S_observed) by the delta method with the model's hazards (chance
× the model's over-dispersion φ, as for the yes/no outcomes), plus Var(S_expected) from the
coefficients' cluster-robust covariance (docs/benchmark.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from pejling.errors import UserError
from pejling.national.benchmark import DURATION_ID, MIN_PERSONS, BenchmarkResult, Figures, finish
from pejling.national.casemix import RIDGE, CaseMixModel, build_design, fit_design
from pejling.national.grants_forecast import FACTOR_MONTH, MONTH_BANDS, _band_sql, _month_index
from pejling.national.outcome_frame import (
    _AGE,
    _ARRIVAL_AGE,
    _COUNTRY,
    _SINCE,
    COVARIATES,
    EXTRA_COVARIATES,
    Cells,
    _parse,
)
from pejling.national.ranks import DRAWS, SEED
from pejling.store.database import Store

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

DURATION_TITLE = "Tid fra programstart til første job"
#: follow-up since the programme start: three years, the result grant's first window (years
#: 1–3 pay the higher rate) and the horizon of `employed_after_3y`; a longer one would rest on
#: the few who are still without a job and still in Denmark after three years
FOLLOW_UP_MONTHS = 36
#: duration bands (upper bounds, months): the grant forecast's, up to the follow-up
BAND_BOUNDS = tuple(b for b in MONTH_BANDS if b <= FOLLOW_UP_MONTHS)
BAND_LABELS = FACTOR_MONTH.levels[: len(BAND_BOUNDS)]
BAND_MONTHS = np.diff(np.array((0, *BAND_BOUNDS), dtype=np.float64))
#: programmes and job kind when no shipped result-grant rule set covers the data date
DEFAULT_PROGRAMMES = ("integration_programme", "self_support_return_programme",
                      "introduction_programme")  # fmt: skip
DEFAULT_KIND = "ordinary"


@dataclass(frozen=True)
class DurationCells:
    """Person-months collapsed to municipality × year × duration band × covariates.

    `cells.persons` counts person-months, `weight` Σ sampling weight over them (months at
    risk), `outcome` Σ weight × first job, `weight2` Σ weight², `successes` unweighted events.
    Persons (not months) per municipality come separately: a person has many months.
    """

    cells: Cells
    band: Ints  # 0 … len(BAND_BOUNDS) − 1
    persons: dict[int, int]  # distinct persons at risk per municipality
    events: dict[int, int]  # distinct persons with their first job there (unweighted)
    total_persons: int

    @property
    def size(self) -> int:
        """Number of cells."""
        return self.cells.size


def _sql_list(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _day(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def months_sql(
    programmes: tuple[str, ...] | list[str], kind: str, as_of: date, years: tuple[int, ...]
) -> str:
    """One row per person-month at risk in `years`: person, municipality, year, band, event, the
    covariates at the programme start and the sampling weight (a temporary table's query)."""
    d = _day(as_of)
    # only starts that can have a month in the years (FOLLOW_UP_MONTHS back from the first)
    first = _day(date(min(years) - (FOLLOW_UP_MONTHS + 11) // 12, 1, 1))
    last = _day(min(date(max(years), 12, 31), as_of))
    progs = _sql_list(programmes)
    job = _sql_list([kind])
    never = "DATE '9999-01-01'"
    age = _parse(
        "(year(x.d) - year(x.birth_date) - CASE WHEN month(x.d) * 100 + day(x.d) < "
        "month(x.birth_date) * 100 + day(x.birth_date) THEN 1 ELSE 0 END)"
    )
    covariates = {
        "age": _parse(_AGE, a=age).sql(dialect="duckdb"),
        "sex": "x.sex",
        "origin": "x.origin",
        "country_group": _parse(_COUNTRY).sql(dialect="duckdb"),
        "basis": "coalesce(x.residence_basis, 'none')",
        "education": "coalesce(x.education_at_arrival, 'none')",
        "since_arrival": _parse(_SINCE).sql(dialect="duckdb"),
        "arrival_age": _parse(_ARRIVAL_AGE).sql(dialect="duckdb"),
    }
    select = ", ".join(f"{sql} AS {name}" for name, sql in covariates.items())
    return f"""
WITH prog AS (
    SELECT person_id, min(start) AS s0 FROM programme_spells
    WHERE programme IN ({progs}) AND start <= {d} GROUP BY person_id),
cohort AS (SELECT * FROM prog WHERE s0 BETWEEN {first} AND {last}),
busy AS (  -- in an ordinary job on the start day: not at risk of a first one
    SELECT DISTINCT c.person_id FROM cohort c JOIN employment_spells e
      ON e.person_id = c.person_id AND e.kind IN ({job}) AND e.start < c.s0
     AND coalesce(e."end", {never}) >= c.s0),
job AS (
    SELECT c.person_id, min(e.start) AS job FROM cohort c JOIN employment_spells e
      ON e.person_id = c.person_id AND e.kind IN ({job}) AND e.start >= c.s0 AND e.start <= {d}
    GROUP BY c.person_id),
r AS (
    SELECT r.person_id, r.start, coalesce(r."end", {never}) AS stop,
           max(coalesce(r."end", {never})) OVER (PARTITION BY r.person_id ORDER BY r.start
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM residence_spells r JOIN cohort c ON c.person_id = r.person_id),
stays AS (  -- spells that touch or overlap are one stay in Denmark (a move, not a departure)
    SELECT person_id, ep, max(stop) AS e FROM (
        SELECT *, sum(CASE WHEN before IS NULL OR start > before + 1 THEN 1 ELSE 0 END)
            OVER (PARTITION BY person_id ORDER BY start, stop) AS ep FROM r) GROUP BY ALL),
gone AS (
    SELECT c.person_id, min(s.e) AS left_dk FROM cohort c JOIN stays s
      ON s.person_id = c.person_id AND s.e >= c.s0 GROUP BY c.person_id),
people AS (
    SELECT c.person_id, c.s0, {_month_index("j.job", "c.s0")} AS k_job,
           {_month_index(f"least(coalesce(g.left_dk, {d}), {d}) + 1", "c.s0")} - 1 AS k_obs
    FROM cohort c LEFT JOIN job j ON j.person_id = c.person_id
    LEFT JOIN gone g ON g.person_id = c.person_id
    WHERE c.person_id NOT IN (SELECT person_id FROM busy)),
months AS (
    SELECT p.*, unnest(range(1, least({FOLLOW_UP_MONTHS}, p.k_obs, coalesce(p.k_job, 9999)) + 1))
        AS k FROM people p),
pm AS (
    SELECT m.person_id, m.s0, m.k, CASE WHEN m.k = m.k_job THEN 1 ELSE 0 END AS event,
           year(CAST(m.s0 + to_months(CAST(m.k - 1 AS INTEGER)) AS DATE)) AS y
    FROM months m),
sp AS (
    SELECT person_id, municipality, start,
           lead(start) OVER (PARTITION BY person_id ORDER BY start) AS nxt
    FROM programme_spells WHERE programme IN ({progs}) AND start <= {d}),
seg AS (  -- a spell holds the months from its start to the next spell's (or for ever)
    SELECT sp.person_id, sp.municipality, {_month_index("sp.start", "c.s0")} AS k_from,
           CASE WHEN sp.nxt IS NULL THEN 9999 ELSE {_month_index("sp.nxt", "c.s0")} - 1 END
               AS k_to
    FROM sp JOIN cohort c ON c.person_id = sp.person_id),
x AS (
    SELECT pm.*, seg.municipality, pm.s0 AS d, q.birth_date, q.sex, q.origin, q.western,
           q.menapt, q.residence_basis, q.arrival_date, q.education_at_arrival,
           CAST(coalesce(q.weight, 1) AS DOUBLE) AS w
    FROM pm JOIN seg ON seg.person_id = pm.person_id AND pm.k BETWEEN seg.k_from AND seg.k_to
    JOIN persons q ON q.person_id = pm.person_id
    WHERE pm.y BETWEEN {min(years)} AND {max(years)})
SELECT x.person_id, x.municipality, x.y, {_band_sql("x.k", BAND_BOUNDS)} AS band, x.event,
       x.w, {select}
FROM x"""


def collapse_months(
    store: Store,
    as_of: date,
    years: tuple[int, ...],
    *,
    programmes: tuple[str, ...] | list[str] = DEFAULT_PROGRAMMES,
    kind: str = DEFAULT_KIND,
) -> DurationCells:
    """The person-months at risk in `years`, collapsed in DuckDB (no person leaves it)."""
    con = store.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE duration_months AS "
        + months_sql(programmes, kind, as_of, years)
    )
    keys = ["municipality", "y", "band", *COVARIATES, *EXTRA_COVARIATES]
    table = con.execute(
        f"""SELECT {", ".join(keys)}, count(*) AS n, sum(w) AS sw, sum(w * event) AS sy,
            sum(w * w) AS sww, sum(event) AS events
        FROM duration_months GROUP BY ALL ORDER BY ALL"""
    ).fetchnumpy()
    by_municipality = con.execute(
        """SELECT municipality, count(DISTINCT person_id),
            count(DISTINCT person_id) FILTER (WHERE event = 1)
        FROM duration_months GROUP BY municipality"""
    ).fetchall()
    row = con.execute("SELECT count(DISTINCT person_id) FROM duration_months").fetchone()
    con.execute("DROP TABLE IF EXISTS duration_months")
    year = np.asarray(table["y"], dtype=np.int64)
    cells = Cells(
        municipality=np.asarray(table["municipality"], dtype=np.int64),
        period=year.astype(str),
        year=year,
        covariates={k: np.asarray(table[k], dtype=str) for k in (*COVARIATES, *EXTRA_COVARIATES)},
        persons=np.asarray(table["n"], dtype=np.int64),
        weight=np.asarray(table["sw"], dtype=np.float64),
        outcome=np.asarray(table["sy"], dtype=np.float64),
        weight2=np.asarray(table["sww"], dtype=np.float64),
        successes=np.asarray(table["events"], dtype=np.int64),
    )
    return DurationCells(
        cells,
        np.asarray(table["band"], dtype=np.int64),
        {int(m): int(n) for m, n, _e in by_municipality},
        {int(m): int(e) for m, _n, e in by_municipality},
        int(row[0]) if row else 0,
    )


@dataclass(frozen=True)
class DurationFit:
    """The fitted hazards of every cell, the design and the coefficients' robust covariance."""

    model: CaseMixModel
    hazard: Floats  # per cell of the `DurationCells`
    design: sparse.csr_matrix  # per cell
    covariance: Floats  # cluster-robust (municipalities), k × k


def _factors(dc: DurationCells, pooled: bool) -> dict[str, npt.NDArray[np.str_]]:
    """The model's factors in order: the duration band (the baseline hazard), the covariates,
    and the year when years are pooled."""
    columns: dict[str, npt.NDArray[np.str_]] = {"duration": np.asarray(BAND_LABELS)[dc.band]}
    columns.update(dc.cells.covariates)
    if pooled:
        columns["period"] = dc.cells.period
    return columns


def fit_duration(dc: DurationCells, *, ridge: float = RIDGE) -> DurationFit:
    """Fit the discrete-time hazard on the cells (`casemix.build_design` with the duration band
    as the first factor; `casemix.fit_design`'s fit, so Σ fitted hazards = Σ events)."""
    cells = dc.cells
    pooled = len(set(cells.period.tolist())) > 1
    design = build_design(cells, _factors(dc, pooled), cells.persons.astype(np.float64))
    model, fitted, hessian = fit_design(design, persons=dc.total_persons, ridge=ridge)
    hazard = np.asarray(fitted[design.inverse], dtype=np.float64)
    exog = design.exog[design.inverse]
    covariance = _robust_covariance(cells, exog, hazard, hessian)
    return DurationFit(model, hazard, exog, covariance)


def _membership(municipality: Ints) -> tuple[Ints, sparse.csr_matrix]:
    """The municipality codes (sorted) and a units × cells 0/1 matrix."""
    codes, index = np.unique(municipality, return_inverse=True)
    index = index.ravel()
    member = sparse.csr_matrix(
        (np.ones(len(index)), (index, np.arange(len(index)))), shape=(len(codes), len(index))
    )
    return codes, member


def _robust_covariance(
    cells: Cells, design: sparse.csr_matrix, h: Floats, hessian: Floats
) -> Floats:
    """H⁻¹ (Σₘ sₘsₘᵀ) H⁻¹ · M/(M−1), sₘ the score of municipality m: the coefficients'
    covariance allowing for municipality-level variation (as `casemix._expected_variance`)."""
    codes, member = _membership(cells.municipality)
    units = len(codes)
    k = hessian.shape[0]
    if units < 2:
        return np.zeros((k, k))
    score = np.asarray((member @ sparse.diags(cells.outcome - cells.weight * h) @ design).todense())
    inverse = np.linalg.pinv(hessian)
    return np.asarray(inverse @ (score.T @ score) @ inverse * units / (units - 1))


def _quadratic(
    member: sparse.csr_matrix, coefficient: Floats, design: sparse.csr_matrix, covariance: Floats
) -> Floats:
    """gₘᵀ V gₘ per municipality, gₘ = Σ coefficient · x over its cells (the delta method)."""
    g = np.asarray((member @ sparse.diags(coefficient) @ design).todense())
    return np.asarray(np.einsum("mk,kl,ml->m", g, covariance, g), dtype=np.float64)


def survival(hazard: Floats) -> Floats:
    """Π_b (1 − h_b)^(months in b) along the last axis: no first job within the follow-up."""
    return np.asarray(np.prod((1 - hazard) ** BAND_MONTHS, axis=-1), dtype=np.float64)


def duration_figures(
    dc: DurationCells, fit: DurationFit, *, model_uncertainty: bool = True
) -> Figures:
    """O, E, O/E's variance and the 36-month shares per municipality (docs/benchmark.md)."""
    cells, h = dc.cells, fit.hazard
    phi = fit.model.dispersion
    codes, member = _membership(cells.municipality)
    row = np.searchsorted(codes, cells.municipality)
    nb = len(BAND_BOUNDS)
    slot = row * nb + dc.band

    def grid(values: Floats) -> Floats:
        out = np.bincount(slot, weights=values, minlength=len(codes) * nb)
        return np.asarray(out.reshape(len(codes), nb), dtype=np.float64)

    r, o, e = grid(cells.weight), grid(cells.outcome), grid(cells.weight * h)
    r2 = grid(cells.weight2)
    v_o = phi * grid(h * (1 - h) * cells.weight2)
    at = r > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        national = o.sum(axis=0) / r.sum(axis=0)
        national = np.where(np.isfinite(national), national, 0.0)
        h_e = np.where(at, e / np.where(at, r, 1), national)  # no months in a band: national
        h_o = np.where(at, o / np.where(at, r, 1), h_e)
    s_o, s_e, s_n = survival(h_o), survival(h_e), survival(national)
    # Var(S_observed) under the model: d log S / d O_b = −months_b / (R_b (1 − h_b))
    slope = np.where(at, BAND_MONTHS / (np.where(at, r, 1) * (1 - h_e)), 0.0)
    var_so = s_e**2 * np.sum(slope**2 * v_o, axis=1)
    # Var(S_expected) from the coefficients: ∂S_e/∂β = −S_e Σ slope_b · w h (1 − h) x
    per_cell = -s_e[row] * slope[row, dc.band] * cells.weight * h * (1 - h)
    observed, expected = o.sum(axis=1), e.sum(axis=1)
    variance = v_o.sum(axis=1)  # Var(O − E): φ × chance, plus Var(E) below
    var_se = np.zeros(len(codes))
    if model_uncertainty:
        var_se = _quadratic(member, per_cell, fit.design, fit.covariance)
        variance = variance + _quadratic(
            member, cells.weight * h * (1 - h), fit.design, fit.covariance
        )
    slope_n = np.where(at, BAND_MONTHS / (np.where(at, r, 1) * (1 - national)), 0.0)
    var_raw = s_n**2 * np.sum(slope_n**2 * r2 * national * (1 - national), axis=1)
    return Figures(
        codes=codes,
        persons=np.array([dc.persons.get(int(c), 0) for c in codes], dtype=np.float64),
        successes=np.array([dc.events.get(int(c), 0) for c in codes], dtype=np.float64),
        observed=observed,
        expected=expected,
        variance=variance,
        observed_share=100 * (1 - s_o),
        expected_share=100 * (1 - s_e),
        difference=100 * (s_e - s_o),
        se=100 * np.sqrt(var_so + var_se),
        raw=100 * (s_n - s_o),
        se_raw=100 * np.sqrt(var_raw),
        national=float(1 - survival(national)),
    )


def duration_years(store: Store, as_of: date, year: int | None, pool: int = 1) -> tuple[int, ...]:
    """The `pool` calendar years ending at `year` (default: the newest one the data date has
    reached the last month of), each with a full follow-up's worth of programme starts
    behind it (its first year no earlier than the first start + 3 years)."""
    row = store.con.execute(
        "SELECT min(start) FROM programme_spells WHERE start <= ?", [as_of]
    ).fetchone()
    if not row or row[0] is None:
        raise UserError(f"{DURATION_ID}: the register has no programme spells")
    earliest = int(row[0].year) + FOLLOW_UP_MONTHS // 12
    newest = as_of.year if as_of >= date(as_of.year, 12, 1) else as_of.year - 1
    if year is None:
        year = newest
    if year > newest or year - max(pool, 1) + 1 < earliest:
        raise UserError(
            f"{DURATION_ID}: {year} is not a complete period in the register as of "
            f"{as_of.isoformat()} (years {earliest}–{newest}: every month of the year "
            f"observed, and {FOLLOW_UP_MONTHS} months of programme starts before it)"
        )
    return tuple(range(year - max(pool, 1) + 1, year + 1))


def grant_definitions(as_of: date) -> tuple[tuple[str, ...], str]:
    """The programmes and the job kind of the shipped result-grant rule set in force."""
    from pejling.national.grants_rules import load_rule_book

    rules = load_rule_book(None).for_date(as_of)
    if rules is None or rules.events.employment is None:
        return DEFAULT_PROGRAMMES, DEFAULT_KIND
    return tuple(rules.programmes), str(rules.events.employment.kind)


def benchmark_duration(
    dc: DurationCells,
    *,
    periods: tuple[str, ...] = (),
    as_of: date = date(2024, 12, 31),
    min_persons: int = MIN_PERSONS,
    synthetic: bool = False,
    seed: int = SEED,
    draws: int = DRAWS,
    ridge: float = RIDGE,
    model_uncertainty: bool = True,
) -> BenchmarkResult:
    """The duration benchmark from person-month cells (fitted on the same cells)."""
    fit = fit_duration(dc, ridge=ridge)
    figures = duration_figures(dc, fit, model_uncertainty=model_uncertainty)
    return finish(
        figures,
        fit.model,
        indicator=DURATION_ID,
        title=DURATION_TITLE,
        higher_better=True,
        periods=periods or tuple(sorted(set(dc.cells.period.tolist()))),
        as_of=as_of,
        min_persons=min_persons,
        synthetic=synthetic,
        seed=seed,
        draws=draws,
        kind="duration",
        follow_up_months=FOLLOW_UP_MONTHS,
        person_months=float(dc.cells.weight.sum()),
        persons_total=dc.total_persons,
    )


def duration_store(
    store: Store,
    as_of: date,
    *,
    year: int | None = None,
    pool: int = 1,
    min_persons: int = MIN_PERSONS,
    synthetic: bool = False,
    seed: int = SEED,
) -> BenchmarkResult | None:
    """The duration benchmark of a workspace's register; None when nobody is at risk."""
    years = duration_years(store, as_of, year, pool)
    programmes, kind = grant_definitions(as_of)
    dc = collapse_months(store, as_of, years, programmes=programmes, kind=kind)
    if dc.size == 0 or dc.cells.weight.sum() <= 0:
        return None
    return benchmark_duration(
        dc,
        periods=tuple(str(y) for y in years),
        as_of=as_of,
        min_persons=min_persons,
        synthetic=synthetic,
        seed=seed,
    )


__all__ = [
    "DURATION_ID",
    "DURATION_TITLE",
    "FOLLOW_UP_MONTHS",
    "DurationCells",
    "benchmark_duration",
    "collapse_months",
    "duration_store",
    "fit_duration",
]
