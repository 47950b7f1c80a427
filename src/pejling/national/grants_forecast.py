"""Expected result grants of the next 12 months, from the current caseload (docs/result-grants.md).

The model, in short:

1. *National hazards* (discrete time, one step = one programme month): from every programme
   participant's months in the programme (the last `FIT_YEARS` years before the data date,
   complete months only), the monthly probability that a candidate spell starts — an ordinary
   job, an education of a named level, a named Danish test passed — and that the programme
   ends. A person is at risk for an event type until the month of the start that earned its
   grant, the end of the programme, or the last window month. Covariates: programme month
   (bands), age at the programme start (bands), sex, origin group (MENAPT, other non-Western,
   Western), residence basis, and the year before the data date (the forecast uses the latest
   year's level, so the business cycle is followed). Logistic models on collapsed cells
   (`grants_model`).
2. *Lasting*: the probability that a candidate start earns the grant (the job lasts 6 months at
   20 hours, the education 6 months), a logistic model on the starts of the same years whose
   6 months have passed; a Danish test pays when passed.
3. *Per person* in the programme on the data date and each event type not yet earned, month j
   of the next 12: P(start in month j) = S(j−1) × h(j), S the probability of neither a start nor
   the programme's end before; × P(lasting) × the rate of the window of that programme month
   and of the grant year (start + 6 months; the nearest earlier published rate). Persons whose
   candidate spell started in the last 6 months and still runs are *pending*: they earn the
   grant with the national share of such spells that reach 6 months, given the months they
   have already lasted.
4. *Interval*: each person and event type is one Bernoulli draw (it pays or not); 2,000
   simulations with a fixed seed give the 2.5 % and 97.5 % quantiles of the persons and kr. per
   municipality. The interval covers the luck of who succeeds, not the model's own error or a
   change of policy or business cycle.

No person-level figure leaves this module: only municipal sums, with caseloads below the
disclosure threshold hidden (and the complements that would reveal them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from pejling.disclosure import Cell, suppress
from pejling.engine.run import register_provenance
from pejling.errors import UserError
from pejling.national.grants import prepare_events, register_ready
from pejling.national.grants_model import CellModel, Factor, fit_cells
from pejling.national.grants_rules import (
    EVENT_TYPES,
    DanishTestRule,
    EducationRule,
    EmploymentRule,
    EventType,
    RuleBook,
    RuleSet,
)
from pejling.store.database import Store

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

HORIZON_MONTHS = 12
FIT_YEARS = 5
DRAWS = 2000
SEED = 20240601
#: programme-month bands of the hazard: upper bounds (months 1–3, 4–6, 7–12, …, 49–60, 61+)
MONTH_BANDS = (3, 6, 12, 18, 24, 36, 48, 60)
AGE_BANDS = (25, 35, 45, 55)
FACTORS_PERSON = (
    Factor("age", ("18–24", "25–34", "35–44", "45–54", "55+")),
    Factor("sex", ("m", "f")),
    Factor("origin", ("menapt", "non_western_other", "western")),
    Factor("basis", ("refugee", "reunified_refugee", "reunified_other", "other")),
)
FACTOR_MONTH = Factor(
    "programme_month", ("1–3", "4–6", "7–12", "13–18", "19–24", "25–36", "37–48", "49–60", "61+")
)
#: years before the data date (0: the last 12 months): the hazards' level follows the business
#: cycle and the cohorts, and the forecast uses the latest year's level
FACTOR_PERIOD = Factor("years_before", tuple(str(y) for y in range(FIT_YEARS)))
HAZARD_FACTORS = (FACTOR_MONTH, FACTOR_PERIOD, *FACTORS_PERSON)


@dataclass(frozen=True)
class ForecastRow:
    """The forecast of one municipality (0: the whole country); None where hidden."""

    municipality: int
    caseload: int | None
    persons: float | None
    persons_low: float | None
    persons_high: float | None
    events: float | None
    amount: float | None
    amount_low: float | None
    amount_high: float | None
    by_year: tuple[tuple[int, float | None], ...] = ()
    """Expected kr. per budget year; None: merged into the next (it rests on too few)."""
    suppressed: bool = False


@dataclass(frozen=True)
class ModelSummary:
    """What a fitted hazard rests on."""

    name: str
    at_risk: float
    events: float
    cells: int


@dataclass(frozen=True)
class GrantForecast:
    """Expected grants of the next `horizon` months per municipality."""

    data_date: date
    horizon: int
    rules: str
    synthetic: bool
    rows: tuple[ForecastRow, ...]
    threshold: int
    draws: int
    seed: int
    models: tuple[ModelSummary, ...]
    seconds: float

    @property
    def budget_years(self) -> list[int]:
        """Grant years the forecast's payments fall in."""
        return sorted({y for r in self.rows for y, _ in r.by_year})


def _month_index(d: str, s0: str = "s0") -> str:
    """SQL: the programme month (1 = the first) holding date `d`, counted from `s0`."""
    return (
        f"((year({d}) - year({s0})) * 12 + month({d}) - month({s0}) "
        f"- CASE WHEN day({d}) < day({s0}) THEN 1 ELSE 0 END + 1)"
    )


def _band_sql(col: str, bounds: tuple[int, ...]) -> str:
    cases = " ".join(f"WHEN {col} <= {b} THEN {i}" for i, b in enumerate(bounds))
    return f"CASE {cases} ELSE {len(bounds)} END"


def _in_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _starts_sql(rules: RuleSet, event: EventType, d: str) -> str | None:
    """(person_id, start, lasted_until) of every candidate start of an event type."""
    rule = rules.event(event)
    if isinstance(rule, EmploymentRule):
        return (
            "SELECT DISTINCT j.person_id, j.start, x.e AS lasted FROM grant_jobs j "
            "JOIN grant_episodes x ON x.person_id = j.person_id AND x.kind = j.kind "
            f"AND j.start BETWEEN x.s AND x.e WHERE j.kind = {_in_list([rule.kind])}"
        )
    if isinstance(rule, EducationRule):
        return (
            f'SELECT person_id, start, least(coalesce("end", {d}), {d}) AS lasted '
            f"FROM education_spells WHERE level IN ({_in_list(rule.levels)}) AND start <= {d}"
        )
    if isinstance(rule, DanishTestRule):
        return (
            "SELECT DISTINCT person_id, test_date AS start, test_date AS lasted "
            f"FROM danish_education WHERE final_test IN ({_in_list(rule.tests)}) "
            f"AND result = 'passed' AND test_date <= {d}"
        )
    return None


def _min_months(rules: RuleSet, event: EventType) -> int:
    rule = rules.event(event)
    return int(rule.min_months) if isinstance(rule, EmploymentRule | EducationRule) else 0


def _max_month(rules: RuleSet, event: EventType) -> int:
    rule = rules.event(event)
    return 0 if rule is None else max(last for _a, last in rule.windows.values()) * 12


def _prepare_people(store: Store, rules: RuleSet, d: str) -> None:
    """fc_people: programme participants with covariates, first start and coverage."""
    store.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fc_people AS
        WITH p AS (
            SELECT person_id, min(start) AS s0, least(max(coalesce("end", {d})), {d}) AS cover_end,
                   bool_or("end" IS NULL OR "end" >= {d}) AS open_now
            FROM programme_spells WHERE programme IN ({_in_list(rules.programmes)})
                AND start <= {d} GROUP BY person_id)
        SELECT p.*,
            {_band_sql("date_diff('year', q.birth_date, p.s0)", AGE_BANDS)} AS age,
            CASE WHEN q.sex = 'f' THEN 1 ELSE 0 END AS sex,
            CASE WHEN q.menapt THEN 0 WHEN q.western THEN 2 ELSE 1 END AS origin,
            CASE q.residence_basis WHEN 'refugee' THEN 0 WHEN 'reunified_refugee' THEN 1
                 WHEN 'reunified_other' THEN 2 ELSE 3 END AS basis
        FROM p JOIN persons q USING (person_id)"""
    )


def _prepare_starts(store: Store, rules: RuleSet, d: str) -> list[EventType]:
    """fc_starts: candidate starts during the programme, with their programme month."""
    parts = []
    events: list[EventType] = []
    for event in EVENT_TYPES:
        sql = _starts_sql(rules, event, d)
        if sql is None:
            continue
        events.append(event)
        parts.append(
            f"""SELECT '{event}' AS event, c.person_id, c.start, c.lasted, p.municipality,
                {_month_index("c.start", "f.s0")} AS k
            FROM ({sql}) c JOIN fc_people f USING (person_id)
            JOIN programme_spells p ON p.person_id = c.person_id
                AND p.programme IN ({_in_list(rules.programmes)})
                AND c.start BETWEEN p.start AND coalesce(p."end", DATE '9999-12-31')"""
        )
    if not parts:
        raise UserError("the result-grant rule set names no event")
    store.con.execute(
        "CREATE OR REPLACE TEMP TABLE fc_starts AS " + " UNION ALL ".join(parts)
    )  # the same start may be covered by two touching spells: at most one row counts below
    return events


def _fit_hazards(
    store: Store, rules: RuleSet, events: list[EventType], as_of: date
) -> tuple[dict[str, CellModel], dict[str, CellModel], dict[str, list[float]]]:
    """Start hazards per event and the programme-end hazard; lasting models; pending shares."""
    d = f"DATE '{as_of.isoformat()}'"
    since = f"DATE '{date(as_of.year - FIT_YEARS, as_of.month, min(as_of.day, 28)).isoformat()}'"
    con = store.con
    k_max = {e: _max_month(rules, e) for e in events}
    top = max(k_max.values())
    earned = ", ".join(
        f"max(CASE WHEN g.event = '{e}' THEN g.programme_month END) AS earned_{e}" for e in events
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fc_pm AS
        WITH f AS (
            SELECT fc_people.*, {_month_index(f"{d} + 1")} - 1 AS k_obs,
                   {_month_index("cover_end")} AS k_cov, {earned}
            FROM fc_people LEFT JOIN grant_events g USING (person_id) GROUP BY ALL),
        m AS (SELECT f.*, unnest(range(1, least(k_obs, k_cov, {top}) + 1)) AS k FROM f)
        SELECT m.*, CAST(s0 + to_months(CAST(k - 1 AS INTEGER)) AS DATE) AS month_start
        FROM m"""
    )
    con.execute(f"DELETE FROM fc_pm WHERE month_start < {since}")
    flags = ", ".join(
        f"EXISTS (SELECT 1 FROM fc_starts s WHERE s.event = '{e}' AND s.person_id = fc_pm.person_id"
        f" AND s.k = fc_pm.k) AS start_{e}"
        for e in events
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE fc_pm2 AS SELECT fc_pm.*, {flags} FROM fc_pm")
    band = _band_sql("k", MONTH_BANDS)
    sums = ", ".join(
        f"count(*) FILTER (WHERE k <= least({k_max[e]}, coalesce(earned_{e}, 9999))) AS n_{e}, "
        f"count(*) FILTER (WHERE k <= least({k_max[e]}, coalesce(earned_{e}, 9999)) "
        f"AND start_{e}) AS y_{e}"
        for e in events
    )
    rows = con.execute(
        f"""SELECT {band} AS band,
            least({FIT_YEARS - 1}, date_diff('month', month_start, {d}) // 12) AS period,
            age, sex, origin, basis, {sums}, count(*) AS n_exit,
            count(*) FILTER (WHERE k = k_cov AND cover_end < {d}) AS y_exit
        FROM fc_pm2 GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    factors = HAZARD_FACTORS
    data = np.array(rows, dtype=np.float64).reshape(-1, 6 + 2 * len(events) + 2)
    codes = data[:, :6].astype(np.int64)
    hazards: dict[str, CellModel] = {}
    for i, e in enumerate(events):
        hazards[e] = fit_cells(codes, data[:, 6 + 2 * i], data[:, 7 + 2 * i], factors)
    hazards["exit"] = fit_cells(codes, data[:, -2], data[:, -1], factors)
    lasting: dict[str, CellModel] = {}
    pending: dict[str, list[float]] = {}
    for e in events:
        months = _min_months(rules, e)
        if months == 0:
            continue
        # starts whose months have passed: did they earn the grant? (and how long they lasted)
        rows = con.execute(
            f"""WITH s AS (
                SELECT DISTINCT s.person_id, s.start, s.lasted, f.age, f.sex, f.origin, f.basis,
                    EXISTS (SELECT 1 FROM grant_events g WHERE g.person_id = s.person_id
                            AND g.event = '{e}' AND g.event_start = s.start) AS earned
                FROM fc_starts s JOIN fc_people f USING (person_id)
                WHERE s.event = '{e}' AND s.k <= {k_max[e]} AND s.start >= {since}
                  AND CAST(s.start + INTERVAL {months} MONTH AS DATE) - 1 <= {d})
            SELECT age, sex, origin, basis, count(*), count(*) FILTER (WHERE earned),
                list(date_diff('month', start, lasted + 1)), list(earned)
            FROM s GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
        cell_codes = np.array([r[:4] for r in rows], dtype=np.int64).reshape(-1, 4)
        n = np.array([r[4] for r in rows], dtype=np.float64)
        y = np.array([r[5] for r in rows], dtype=np.float64)
        lasting[e] = fit_cells(cell_codes, n, y, FACTORS_PERSON)
        lasted = np.array([v for r in rows for v in r[6]], dtype=np.float64)
        won = np.array([v for r in rows for v in r[7]], dtype=bool)
        shares = []
        for done in range(months):
            alive = lasted >= done
            shares.append(float(won[alive].mean()) if alive.any() else lasting[e].rate)
        pending[e] = shares
    return hazards, lasting, pending


def forecast_grants(
    store: Store,
    book: RuleBook,
    *,
    forced: str | None = None,
    threshold: int = 5,
    horizon: int = HORIZON_MONTHS,
    draws: int = DRAWS,
    seed: int = SEED,
    as_of: date | None = None,
    lang: str = "da",
) -> GrantForecast:
    """Expected persons and kr. of the grants started in the next `horizon` months (and those
    pending), per municipality and in all, with 95 % intervals."""
    started = time.perf_counter()
    as_of = as_of or register_ready(store, lang)
    rules = book.get(forced) if forced else book.for_date(as_of)
    if rules is None:
        raise UserError(
            f"ingen regelsæt for resultattilskud gælder {as_of.isoformat()}; vælg et med --rules"
            if lang == "da"
            else f"no result-grant rule set applies on {as_of.isoformat()}; choose one with --rules"
        )
    d = f"DATE '{as_of.isoformat()}'"
    prepare_events(store, book, as_of, forced)
    _prepare_people(store, rules, d)
    events = _prepare_starts(store, rules, d)
    hazards, lasting, pending = _fit_hazards(store, rules, events, as_of)
    con = store.con
    # the caseload: in the programme on the data date, with the municipality of that spell
    caseload = con.execute(
        f"""SELECT f.person_id, p.municipality, {_month_index(d, "f.s0")} AS k0,
            f.age, f.sex, f.origin, f.basis,
            {", ".join(f"bool_or(g.event = '{e}') AS had_{e}" for e in events)}
        FROM fc_people f JOIN programme_spells p ON p.person_id = f.person_id
            AND p.programme IN ({_in_list(rules.programmes)})
            AND {d} BETWEEN p.start AND coalesce(p."end", DATE '9999-12-31')
        LEFT JOIN grant_events g ON g.person_id = f.person_id
        GROUP BY ALL ORDER BY f.person_id"""
    ).fetchall()
    # pending: a candidate start of the last months that still runs and has not earned yet
    pend_rows: list[tuple[object, ...]] = []
    for e in events:
        months = _min_months(rules, e)
        if months == 0:
            continue
        pend_rows += con.execute(
            f"""SELECT '{e}', s.person_id, arg_min(s.municipality, s.start),
                arg_min(date_diff('month', s.start, {d} + 1), s.start), min(s.start),
                arg_min(s.k, s.start)
            FROM fc_starts s WHERE s.event = '{e}' AND s.k <= {_max_month(rules, e)}
              AND s.lasted >= {d} AND CAST(s.start + INTERVAL {months} MONTH AS DATE) - 1 > {d}
              AND NOT EXISTS (SELECT 1 FROM grant_events g WHERE g.person_id = s.person_id
                              AND g.event = '{e}')
            GROUP BY s.person_id ORDER BY s.person_id"""
        ).fetchall()
    result = _expected(rules, events, caseload, pend_rows, hazards, lasting, pending, as_of,
                       horizon)  # fmt: skip
    rows = _simulate(result, threshold, draws, seed)
    models = [ModelSummary(f"start:{e}", hazards[e].at_risk, hazards[e].events, hazards[e].cells)
              for e in events]  # fmt: skip
    models.append(ModelSummary("programme_end", hazards["exit"].at_risk, hazards["exit"].events,
                               hazards["exit"].cells))  # fmt: skip
    models += [ModelSummary(f"lasting:{e}", m.at_risk, m.events, m.cells)
               for e, m in lasting.items()]  # fmt: skip
    return GrantForecast(
        as_of, horizon, rules.id, register_provenance(store) == "synthetic", tuple(rows),
        threshold, draws, seed, tuple(models), time.perf_counter() - started,
    )  # fmt: skip


@dataclass(frozen=True)
class _Expected:
    """Person-event Bernoulli terms (never published): municipality, person index, p, kr."""

    municipality: Ints
    person: Ints
    p: Floats
    amount: Floats
    by_year: dict[int, Floats]
    caseload: dict[int, int]


def _expected(
    rules: RuleSet,
    events: list[EventType],
    caseload: list[tuple[object, ...]],
    pend_rows: list[tuple[object, ...]],
    hazards: dict[str, CellModel],
    lasting: dict[str, CellModel],
    pending: dict[str, list[float]],
    as_of: date,
    horizon: int,
) -> _Expected:
    """The probability and the expected kr. (given success) of every person and event type."""
    ids = [str(r[0]) for r in caseload]
    index = {pid: i for i, pid in enumerate(ids)}
    muni = np.array([int(str(r[1])) for r in caseload], dtype=np.int64)
    k0 = np.array([int(str(r[2])) for r in caseload], dtype=np.int64)
    person_codes = np.array([[int(str(v)) for v in r[3:7]] for r in caseload], dtype=np.int64)
    person_codes = person_codes.reshape(-1, 4)
    had = {
        e: np.array([bool(r[7 + i]) for r in caseload], dtype=bool) for i, e in enumerate(events)
    }
    n = len(ids)
    first = date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1)  # the next month
    # a start in a forecast month is dated to its 15th
    months = [date(first.year + (first.month - 1 + j) // 12, (first.month - 1 + j) % 12 + 1, 15)
              for j in range(horizon)]  # fmt: skip
    h_exit = np.zeros((n, horizon))
    h_event = {e: np.zeros((n, horizon)) for e in events}
    for j in range(horizon):
        band = np.searchsorted(np.array(MONTH_BANDS), k0 + j + 1, side="left")
        codes = np.column_stack([band, np.zeros(n, dtype=np.int64), person_codes])
        h_exit[:, j] = hazards["exit"].predict(codes)
        for e in events:
            h_event[e][:, j] = hazards[e].predict(codes)
    blocks: list[tuple[Ints, Ints, Floats, Floats, dict[int, Floats]]] = []
    extra: dict[str, int] = {}  # pending persons no longer in the programme
    for e in events:
        wait = _min_months(rules, e)
        pend = [r for r in pend_rows if r[0] == e]
        pend_ids = {str(r[1]) for r in pend}
        active = ~had[e] & np.array([pid not in pend_ids for pid in ids], dtype=bool)
        stay = np.ones(n)
        p_total = np.zeros(n)
        kr_total = np.zeros(n)
        years: dict[int, Floats] = {}
        last = lasting[e].predict(person_codes) if e in lasting else np.ones(n)
        for j, when in enumerate(months):
            k = k0 + j + 1
            hz = h_event[e][:, j]
            year = _fulfilled(when, wait).year if wait else when.year
            ks, where = np.unique(k, return_inverse=True)
            rate = np.array([_rate(rules, e, int(x), year) for x in ks])[where]
            p_j = stay * hz * last * active * (rate > 0)
            p_total += p_j
            kr_total += p_j * rate
            years[year] = years.get(year, np.zeros(n)) + p_j * rate
            stay = stay * np.clip(1 - hz - h_exit[:, j], 0.0, 1.0)
        take = p_total > 0
        blocks.append((
            muni[take], np.flatnonzero(take).astype(np.int64), p_total[take],
            kr_total[take] / p_total[take], {y: v[take] for y, v in years.items()},
        ))  # fmt: skip
        # pending starts: the national share reaching the months, given those already lasted
        pm: list[int] = []
        pi: list[int] = []
        pp: list[float] = []
        pa: list[float] = []
        py: list[int] = []
        for _e, pid, m, lasted, start, k_start in pend:
            assert isinstance(start, date)
            window = rules.window_of(e, (int(str(k_start)) - 1) // 12 + 1)
            fulfilled = _fulfilled(start, wait)
            pend_rate = rules.rate(fulfilled.year, e, window) if window else None
            if not pend_rate:
                continue
            shares = pending[e]
            pm.append(int(str(m)))
            pi.append(index.get(str(pid), n + extra.setdefault(str(pid), len(extra))))
            pp.append(shares[min(int(str(lasted)), len(shares) - 1)])
            pa.append(float(pend_rate))
            py.append(fulfilled.year)
        if pp:
            p_arr, a_arr, y_arr = np.array(pp), np.array(pa), np.array(py)
            blocks.append((
                np.array(pm, dtype=np.int64), np.array(pi, dtype=np.int64), p_arr, a_arr,
                {int(y): np.where(y_arr == y, p_arr * a_arr, 0.0) for y in set(py)},
            ))  # fmt: skip
    all_years = sorted({y for b in blocks for y in b[4]})
    caseload_count: dict[int, int] = {}
    for m in muni.tolist():
        caseload_count[m] = caseload_count.get(m, 0) + 1

    def join(i: int) -> Floats:
        return np.concatenate([b[i] for b in blocks]) if blocks else np.zeros(0)

    return _Expected(
        join(0).astype(np.int64),
        join(1).astype(np.int64),
        join(2),
        join(3),
        {y: np.concatenate([b[4].get(y, np.zeros(len(b[2]))) for b in blocks]) for y in all_years},
        caseload_count,
    )


def _rate(rules: RuleSet, event: EventType, programme_month: int, year: int) -> float:
    """kr. for a start in a programme month fulfilled in `year` (0: no window or no rate)."""
    window = rules.window_of(event, (programme_month - 1) // 12 + 1)
    return float(rules.rate(year, event, window) or 0) if window else 0.0


def _fulfilled(start: date, months: int) -> date:
    """start + `months` months − 1 day (the day clamped to the month's length)."""
    y, m = divmod(start.month - 1 + months, 12)
    following = date(start.year + y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    day = min(start.day, (following - timedelta(days=1)).day)
    return date(start.year + y, m + 1, day) - timedelta(days=1)


def _simulate(x: _Expected, threshold: int, draws: int, seed: int) -> list[ForecastRow]:
    """Per-municipality means and 95 % intervals from `draws` Bernoulli simulations."""
    codes = sorted(set(x.caseload) | set(x.municipality.tolist()))
    pos = {m: i for i, m in enumerate(codes)}
    mi = np.array([pos[int(m)] for m in x.municipality], dtype=np.int64)
    n_m = len(codes)
    rng = np.random.default_rng(seed)
    amount_draws = np.zeros((draws, n_m + 1))
    persons_draws = np.zeros((draws, n_m + 1))
    # persons: a person counts once however many of their events pay
    person_key = mi * (int(x.person.max()) + 1 if len(x.person) else 1) + x.person
    uniq, person_of = np.unique(person_key, return_inverse=True)
    person_muni = (uniq // (int(x.person.max()) + 1 if len(x.person) else 1)).astype(np.int64)
    chunk = max(1, 4_000_000 // max(len(x.p), 1))
    for lo in range(0, draws, chunk):
        hi = min(draws, lo + chunk)
        hit = rng.random((hi - lo, len(x.p))) < x.p
        kr = hit * x.amount
        for r in range(hi - lo):
            amount_draws[lo + r, :n_m] = np.bincount(mi, weights=kr[r], minlength=n_m)
            anyone = np.bincount(person_of, weights=hit[r], minlength=len(uniq)) > 0
            persons_draws[lo + r, :n_m] = np.bincount(person_muni, weights=anyone, minlength=n_m)
    amount_draws[:, n_m] = amount_draws[:, :n_m].sum(axis=1)
    persons_draws[:, n_m] = persons_draws[:, :n_m].sum(axis=1)
    mean_events = np.bincount(mi, weights=x.p, minlength=n_m)
    mean_kr = np.bincount(mi, weights=x.p * x.amount, minlength=n_m)
    # expected persons: 1 − Π(1 − p) over a person's events (independent)
    none = np.ones(len(uniq))
    np.multiply.at(none, person_of, 1 - x.p)
    mean_persons = np.bincount(person_muni, weights=1 - none, minlength=n_m)
    years = {y: np.bincount(mi, weights=v, minlength=n_m) for y, v in sorted(x.by_year.items())}
    # how many person-events an amount of a budget year rests on (pending starts alone fill the
    # data date's year, and a national share times a rate would reveal how many there are)
    sources = {y: np.bincount(mi, weights=v > 0, minlength=n_m) for y, v in x.by_year.items()}
    caseload = {m: x.caseload.get(m, 0) for m in codes}
    total_caseload = sum(caseload.values())
    cells = {m: Cell(None, None, float(caseload[m])) for m in codes}
    cells[0] = Cell(None, None, float(total_caseload))
    shown = suppress(cells, [[0, *codes]], threshold)
    rows: list[ForecastRow] = []
    for i, m in enumerate([*codes, 0]):
        col = i if m != 0 else n_m
        if shown[m].suppressed:
            rows.append(ForecastRow(m, None, None, None, None, None, None, None, None, (), True))
            continue
        a_lo, a_hi = np.quantile(amount_draws[:, col], [0.025, 0.975])
        p_lo, p_hi = np.quantile(persons_draws[:, col], [0.025, 0.975])
        if m == 0:
            ev, kr, pe = mean_events.sum(), mean_kr.sum(), mean_persons.sum()
            by = _fold(
                [(y, float(v.sum()), float(sources[y].sum())) for y, v in years.items()],
                threshold,
            )
            count = total_caseload
        else:
            ev, kr, pe = mean_events[col], mean_kr[col], mean_persons[col]
            by = _fold(
                [(y, float(v[col]), float(sources[y][col])) for y, v in years.items()], threshold
            )
            count = caseload[m]
        rows.append(ForecastRow(m, count, float(pe), float(p_lo), float(p_hi), float(ev),
                                float(kr), float(a_lo), float(a_hi), by))  # fmt: skip
    return rows


def _fold(
    years: list[tuple[int, float, float]], threshold: int
) -> tuple[tuple[int, float | None], ...]:
    """Budget-year amounts, a year resting on 1 to threshold − 1 person-events merged into the
    next year (the last into the one before) and shown as hidden (None): its amount would tell
    how many there are."""
    out: list[list[float]] = []
    hidden: set[int] = set()
    carry_amount, carry_sources = 0.0, 0.0
    for year, amount, count in sorted(years):
        amount, count = amount + carry_amount, count + carry_sources
        if 0 < count < threshold:
            carry_amount, carry_sources = amount, count
            out.append([year, 0.0, 0.0])
            hidden.add(year)
            continue
        carry_amount, carry_sources = 0.0, 0.0
        out.append([year, amount, count])
    if carry_sources and out:
        kept = [row for row in out if row[2] > 0]
        if kept:
            kept[-1][1] += carry_amount
        else:
            hidden.discard(int(out[-1][0]))  # a lone small year: the total is shown anyway
            out[-1][1] = carry_amount
    return tuple((int(y), None if int(y) in hidden else a) for y, a, _n in out)
