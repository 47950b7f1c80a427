"""The persons behind a yes/no indicator, collapsed to covariate cells in DuckDB.

A benchmark needs, for every person (or event) the indicator counts, whether the outcome
happened and the person's characteristics on the indicator's reference date. Millions of such
rows never leave DuckDB: they are grouped by municipality × period × covariates, and only the
cells (a few tens of thousands) reach Python — `count(*)`, Σ weight, Σ weight·outcome and
Σ weight² per cell are all a logistic case-mix model and its variances need.

The population, the numerator, the frame (point or cohort) and the municipality of
responsibility are exactly the indicator engine's (`pejling.engine`), so the benchmark's
observed share is the published figure of the same period.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from importlib import resources

import numpy as np
import numpy.typing as npt
import sqlglot
from sqlglot import exp

from pejling.engine.compiler import PeriodRow, frame_query, periods_for
from pejling.engine.predicates import Context, col, compile_predicate, date_lit, num
from pejling.reference.municipalities import code_by_name
from pejling.spec.compute import ComputeSpec, Event, Frame, Measure
from pejling.store.database import Store

#: the covariates read from the register, in model order (the local labour market is added
#: from the shipped unemployment series, `unemployment_by_year`)
COVARIATES = ("age", "sex", "origin", "country_group", "basis", "education", "since_arrival")
#: covariates the yes/no benchmark adds (`cells_sql`): age at arrival, because a person's age
#: and years in Denmark do not tell how old they were on arrival once the years since arrival
#: are banded, and arriving at 45 rather than 25 weighs on finding a first job
EXTRA_COVARIATES = ("arrival_age",)

# Single years where the indicators' age bands are narrow (20-24-year-olds, the young adults of
# the programme), five-year bands elsewhere.
_AGE = (
    "CASE WHEN :a < 16 THEN '00-15' WHEN :a < 18 THEN '16-17' WHEN :a < 20 THEN '18-19' "
    "WHEN :a < 25 THEN CAST(:a AS VARCHAR) WHEN :a >= 65 THEN '65+' "
    "ELSE CAST(:a // 5 * 5 AS VARCHAR) || '-' || CAST(:a // 5 * 5 + 4 AS VARCHAR) END"
)
_SINCE = (
    "CASE WHEN x.arrival_date IS NULL THEN 'none' "
    "WHEN x.d - x.arrival_date < 365 THEN '0' WHEN x.d - x.arrival_date < 730 THEN '1' "
    "WHEN x.d - x.arrival_date < 1096 THEN '2' WHEN x.d - x.arrival_date < 1461 THEN '3' "
    "WHEN x.d - x.arrival_date < 1826 THEN '4' WHEN x.d - x.arrival_date < 3652 THEN '5-9' "
    "ELSE '10+' END"
)
_ARRIVAL_AGE = (
    "CASE WHEN x.arrival_date IS NULL THEN 'none' "
    "WHEN x.arrival_date - x.birth_date < 16 * 365.25 THEN '00-15' "
    "WHEN x.arrival_date - x.birth_date < 25 * 365.25 THEN '16-24' "
    "WHEN x.arrival_date - x.birth_date < 35 * 365.25 THEN '25-34' "
    "WHEN x.arrival_date - x.birth_date < 45 * 365.25 THEN '35-44' "
    "WHEN x.arrival_date - x.birth_date < 55 * 365.25 THEN '45-54' ELSE '55+' END"
)
_COUNTRY = (
    "CASE WHEN x.origin = 'danish_origin' THEN 'danish' WHEN x.western THEN 'western' "
    "WHEN x.menapt THEN 'menapt' ELSE 'other_non_western' END"
)


@dataclass(frozen=True)
class Cells:
    """Covariate cells of one indicator and period (or pooled periods), as numpy columns."""

    municipality: npt.NDArray[np.int64]
    period: npt.NDArray[np.str_]
    year: npt.NDArray[np.int64]
    covariates: dict[str, npt.NDArray[np.str_]]
    persons: npt.NDArray[np.int64]  # unweighted rows (persons or events)
    weight: npt.NDArray[np.float64]  # Σ sampling weight
    outcome: npt.NDArray[np.float64]  # Σ weight × outcome
    weight2: npt.NDArray[np.float64]  # Σ weight², for the variance of a weighted count
    successes: npt.NDArray[np.int64]  # unweighted rows with the outcome (disclosure control)
    #: the local labour market per cell; None: the shipped unemployment series
    unemployment: npt.NDArray[np.float64] | None = None

    @property
    def size(self) -> int:
        """Number of cells."""
        return len(self.persons)


def is_yes_no(spec: ComputeSpec) -> bool:
    """A share over persons or events at a date or in a cohort: one yes/no per row."""
    return spec.measure is Measure.SHARE and spec.frame in (Frame.POINT, Frame.COHORT)


def complete_periods(spec: ComputeSpec, as_of: date, first_year: int = 2012) -> list[PeriodRow]:
    """Calendar years whose every row is complete by the data date.

    Point frames: the measurement date has passed. Cohorts: the last event of the year and its
    window have both ended (a year whose window is still running is partial: the engine keeps
    only its early members, who are not comparable across municipalities).
    """
    rows = periods_for(spec, as_of, first_year)
    if spec.frame is not Frame.COHORT:
        return rows
    years = spec.window_years
    if years is None and spec.event is Event.DANISH_START:
        years = 5
    out = []
    for row in rows:
        last = date(row.year, 12, 31)
        end = date(row.year + years, 12, 30) if years else last
        if end <= as_of:
            out.append(row)
    return out


def _parse(sql: str, **values: exp.Expr) -> exp.Expr:
    return exp.replace_placeholders(sqlglot.parse_one(sql, dialect="duckdb"), **values)


def _outer(expression: exp.Expr) -> exp.Expr:
    """Predicates are compiled on f (frame) and p (person); the outer query sees both as x."""

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.table in ("f", "p"):
            return col(node.name, "x")
        return node

    return expression.copy().transform(swap)


def _uses_flags(expression: exp.Expr) -> bool:
    return any(c.table == "x" for c in expression.find_all(exp.Column))


_PERSON = ("birth_date", "origin", "western", "menapt", "sex", "residence_basis", "arrival_date",
           "country_of_origin", "education_at_arrival", "w")  # fmt: skip


def cells_sql(spec: ComputeSpec, as_of: date, periods: list[PeriodRow]) -> str:
    """SELECT municipality, period, y, covariates…, persons, sw, sy, sww, successes per cell."""
    ctx = Context(as_of, point=spec.frame is Frame.POINT)
    population = [compile_predicate(p, ctx) for p in spec.population]
    cheap = [c for c in population if not _uses_flags(c)]
    costly = [c for c in population if _uses_flags(c)]
    assert spec.numerator is not None
    numerator = compile_predicate(spec.numerator, ctx)
    inner = (
        sqlglot.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("f")),
            *[col(c, "p") for c in _PERSON],
            *[exp.alias_(expr, name) for name, expr in ctx.flags.values()],
        )
        .from_(exp.alias_(exp.to_table("frame"), "f"))
        .join(
            exp.alias_(exp.to_table("person_w"), "p"),
            on=exp.EQ(this=col("person_id", "p"), expression=col("person_id", "f")),
        )
    )
    if cheap:
        inner = inner.where(exp.and_(*cheap))
    age = _parse(
        "(year(x.d) - year(x.birth_date) - CASE WHEN month(x.d) * 100 + day(x.d) < "
        "month(x.birth_date) * 100 + day(x.birth_date) THEN 1 ELSE 0 END)"
    )
    covariates = {
        "age": _parse(_AGE, a=age),
        "sex": col("sex", "x"),
        "origin": col("origin", "x"),
        "country_group": _parse(_COUNTRY),
        "basis": _parse("coalesce(x.residence_basis, 'none')"),
        "education": _parse("coalesce(x.education_at_arrival, 'none')"),
        "since_arrival": _parse(_SINCE),
        "arrival_age": _parse(_ARRIVAL_AGE),
    }
    outcome = exp.Case(ifs=[exp.If(this=_outer(numerator), true=num(1))], default=num(0))
    rows = sqlglot.select(
        col("municipality", "x"),
        col("period", "x"),
        col("y", "x"),
        *[exp.alias_(e, name) for name, e in covariates.items()],
        exp.alias_(col("w", "x"), "w"),
        exp.alias_(outcome, "o"),
    ).from_(exp.alias_(exp.Subquery(this=inner), "x"))
    if costly:
        rows = rows.where(exp.and_(*[_outer(c) for c in costly]))
    keys = ["municipality", "period", "y", *COVARIATES, *EXTRA_COVARIATES]
    grouped = (
        sqlglot.select(
            *[exp.column(k) for k in keys],
            exp.alias_(_parse("count(*)"), "persons"),
            exp.alias_(_parse("sum(w)"), "sw"),
            exp.alias_(_parse("sum(w * o)"), "sy"),
            exp.alias_(_parse("sum(w * w)"), "sww"),
            exp.alias_(_parse("sum(o)"), "successes"),
        )
        .from_(exp.alias_(exp.Subquery(this=rows), "rows"))
        .group_by(*[exp.column(k) for k in keys])
        .with_("periods", as_=sqlglot.select("*").from_(_periods(periods)))
        .with_("frame", as_=frame_query(spec, as_of))
        .with_(
            "person_w",
            as_=_parse("SELECT p.*, CAST(coalesce(p.weight, 1) AS DOUBLE) AS w FROM persons AS p"),
        )
    )
    return grouped.sql(dialect="duckdb")


def _periods(rows: list[PeriodRow]) -> exp.Expr:
    values = [
        exp.tuple_(
            exp.Literal.string(r.label),
            num(r.t),
            num(r.year),
            date_lit(r.d),
            date_lit(r.ps),
            date_lit(r.pe),
        )
        for r in rows
    ]
    return exp.values(values, alias="periods", columns=["period", "t", "y", "d", "ps", "pe"])


def collapse(store: Store, spec: ComputeSpec, as_of: date, periods: list[PeriodRow]) -> Cells:
    """The indicator's persons in these periods, collapsed to covariate cells."""
    sql = cells_sql(spec, as_of, periods)
    table = store.con.execute(sql).fetchnumpy()
    return Cells(
        municipality=np.asarray(table["municipality"], dtype=np.int64),
        period=np.asarray(table["period"], dtype=str),
        year=np.asarray(table["y"], dtype=np.int64),
        covariates={k: np.asarray(table[k], dtype=str) for k in (*COVARIATES, *EXTRA_COVARIATES)},
        persons=np.asarray(table["persons"], dtype=np.int64),
        weight=np.asarray(table["sw"], dtype=np.float64),
        outcome=np.asarray(table["sy"], dtype=np.float64),
        weight2=np.asarray(table["sww"], dtype=np.float64),
        successes=np.asarray(table["successes"], dtype=np.int64),
    )


def unemployment_by_year() -> dict[tuple[int, int], float]:
    """Gross unemployment (AUP02, % of the labour force) per (municipality, year), shipped."""
    text = (
        resources.files("pejling.data").joinpath("dst/dpd_unemployment_pct.csv").read_text("utf-8")
    )
    names = code_by_name()
    out: dict[tuple[int, int], float] = {}
    for row in csv.DictReader(text.splitlines()):
        out[(names[row["municipality"].strip().lower()], int(row["year"]))] = float(row["value"])
    return out


def local_unemployment(cells: Cells) -> npt.NDArray[np.float64]:
    """The local labour market of each cell: its municipality's unemployment in the cell's year
    (the nearest published year outside the series), unless the cells bring their own."""
    if cells.unemployment is not None:
        return cells.unemployment
    table = unemployment_by_year()
    years = sorted({y for _m, y in table})
    keys, inverse = np.unique(cells.municipality * 10_000 + cells.year, return_inverse=True)
    values = np.array(
        [
            table.get((int(k) // 10_000, min(max(int(k) % 10_000, years[0]), years[-1])), np.nan)
            for k in keys
        ],
        dtype=np.float64,
    )
    return np.asarray(values[inverse], dtype=np.float64)
