"""Predicates of the compute vocabulary → sqlglot boolean expressions.

Every predicate is evaluated for one frame row `f` (person_id, reference date `d`, window
`ws`..`we`, event code `eo`) joined to the person `p`. Spells are open while `end` is empty;
a spell "covers" a date when start ≤ date ≤ end. Values from definitions enter the tree as
literals, never as text pasted into SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp

from pejling.register.tables import BENEFITS, GRADES

FAR_FUTURE = "9999-12-31"


def col(name: str, table: str) -> exp.Column:
    """A qualified, quoted column (quoting keeps `end` and `start` safe)."""
    return exp.column(name, table, quoted=True)


def date_lit(value: date | str) -> exp.Expr:
    """DATE 'yyyy-mm-dd'."""
    text = value.isoformat() if isinstance(value, date) else value
    return exp.cast(exp.Literal.string(text), exp.DataType.build("DATE"))


def num(value: float) -> exp.Expr:
    """A numeric literal."""
    return exp.Literal.number(value)


def strings(values: Sequence[str]) -> list[exp.Expr]:
    """String literals for IN lists."""
    return [exp.Literal.string(v) for v in values]


def end_or_far(alias: str, column: str = "end") -> exp.Expr:
    """coalesce(alias.end, DATE '9999-12-31')."""
    return exp.func("coalesce", col(column, alias), date_lit(FAR_FUTURE))


def covers(alias: str, when: exp.Expr) -> exp.Expr:
    """alias.start <= when AND coalesce(alias.end, far) >= when."""
    return exp.and_(
        exp.LTE(this=col("start", alias), expression=when.copy()),
        exp.GTE(this=end_or_far(alias), expression=when.copy()),
    )


def exists(table: str, alias: str, *conditions: exp.Expr) -> exp.Exists:
    """EXISTS (SELECT 1 FROM table alias WHERE alias.person_id = f.person_id AND …)."""
    cond = exp.and_(
        exp.EQ(this=col("person_id", alias), expression=col("person_id", "f")), *conditions
    )
    query = (
        sqlglot.select(exp.Literal.number(1))
        .from_(exp.alias_(exp.to_table(table), alias))
        .where(cond)
    )
    return exp.Exists(this=query)


def age_at(when: exp.Expr, birth: exp.Expr | None = None) -> exp.Expr:
    """Completed years from birth to `when` (a 25th birthday on the date counts as 25)."""
    tree = sqlglot.parse_one(
        "(year(:d) - year(:b) - CASE WHEN month(:d) * 100 + day(:d) < month(:b) * 100 + day(:b) "
        "THEN 1 ELSE 0 END)",
        dialect="duckdb",
    )
    born = birth if birth is not None else col("birth_date", "p")
    return exp.replace_placeholders(tree, d=when.copy(), b=born.copy())


def years_before(when: exp.Expr, years: float) -> exp.Expr:
    """when − INTERVAL n YEAR (whole years; months for fractions)."""
    months = round(years * 12)
    return exp.Sub(
        this=when.copy(),
        expression=exp.Interval(this=exp.Literal.number(months), unit=exp.var("MONTH")),
    )


def grade_value(alias: str) -> exp.Expr:
    """The 7-point grade code as a number (-3 … 12)."""
    return exp.cast(col("grade", alias), exp.DataType.build("INTEGER"))


class Coverage:
    """Who meets each "on the date" predicate on each reference date: one table per run.

    Why: in a point frame every row's date is its period's measurement date, so whether a
    person is employed, on a benefit or in the programme on that date does not depend on the
    indicator. Hand-written SQL computes those sets once and joins them once; so does the
    engine. The table `name` has one row per person found in any set, and per predicate a
    column `cN` whose bit `y - first_year` says whether the person is in the set on year y's
    date. It is built once for all indicators measured on the same dates, and every indicator
    joins it once, on the person alone, instead of running one semi-join per predicate.
    """

    def __init__(self, name: str, first_year: int) -> None:
        self.name = name
        #: the year of bit 0
        self.first_year = first_year
        #: the (person_id, y) query of each predicate → its column
        self.columns: dict[str, tuple[str, exp.Expr]] = {}
        #: column → the spells behind it, when it is "a spell covers the date" (see `Spells`)
        self.spells: dict[str, Spells] = {}
        #: the run also joins the bits to the residence spells once, for the frames to carry
        #: (`compiler.residence_coverage`): worth it when several indicators read them
        self.carried = False

    def column(self, query: exp.Expr, spells: Spells | None = None) -> str:
        """The column whose year bits say when a person is in `query`'s (person_id, y) set."""
        key = query.sql(dialect="duckdb")
        if key not in self.columns:
            name = f"c{len(self.columns) + 1}"
            self.columns[key] = (name, query)
            if spells is not None:
                self.spells[name] = spells
        return self.columns[key][0]


@dataclass(frozen=True)
class Spells:
    """A coverage column that is "a spell of `table` (meeting `conditions`) covers the date".

    Why kept apart from its query: when the dates are one day of the year in consecutive
    years, the years a spell covers are a range computed from its start and end, so the
    coverage table can take its bits straight from the spell rows (`compiler.coverage_query`)
    instead of joining every spell to every date — five times fewer rows for employment.
    """

    #: the spells: a register table, or a query with person_id, start, end and the condition
    #: columns
    source: exp.Expr
    alias: str
    conditions: tuple[exp.Expr, ...]
    #: the spell ends the day before `end` (the next assessment's date), not on it
    end_exclusive: bool = False


class Context:
    """Names of the frame columns and the data date, shared by all predicates."""

    def __init__(self, as_of: date, point: bool = False, coverage: Coverage | None = None) -> None:
        self.as_of = as_of
        #: every row's reference date is its period's measurement date
        self.point = point
        #: with a point frame: the run's coverage table (None: one semi-join per predicate)
        self.coverage = coverage if point else None
        self.d: exp.Expr = col("d", "f")
        self.ws: exp.Expr = col("ws", "f")
        self.we: exp.Expr = col("we", "f")
        self.eo: exp.Expr = col("eo", "f")
        #: expensive predicates (subqueries), each computed once as a column of the frame
        self.flags: dict[str, tuple[str, exp.Expr]] = {}

    def flag(self, expression: exp.Expr) -> exp.Expr:
        """A reference to `expression` computed once per row as a flag column `_kN`.

        Why: the same subquery often appears in the population and in the numerator
        (unemployment: 'employed' and 'on unemployment benefit' in both); DuckDB would run it
        twice over millions of frame rows.
        """
        key = expression.sql(dialect="duckdb")
        if key not in self.flags:
            self.flags[key] = (f"_k{len(self.flags) + 1}", expression)
        return col(self.flags[key][0], "x")


Builder = Callable[[Any, Context], exp.Expr]


def _age(arg: Any, ctx: Context) -> exp.Expr:
    lo, hi = arg
    return exp.Between(this=age_at(ctx.d), low=num(lo), high=num(hi))


def _origin(arg: Any, ctx: Context) -> exp.Expr:
    return col("origin", "p").isin(*strings(arg))


def _non_western(arg: Any, ctx: Context) -> exp.Expr:
    cond = exp.and_(
        exp.NEQ(this=col("origin", "p"), expression=exp.Literal.string("danish_origin")),
        exp.Not(this=exp.func("coalesce", col("western", "p"), exp.true())),
    )
    return cond if arg else exp.Not(this=exp.paren(cond))


def _basis(arg: Any, ctx: Context) -> exp.Expr:
    return col("residence_basis", "p").isin(*strings(arg))


def _arrived(arg: Any, ctx: Context) -> exp.Expr:
    lo, hi = arg
    return exp.and_(
        exp.GT(this=col("arrival_date", "p"), expression=years_before(ctx.d, hi)),
        exp.LTE(this=col("arrival_date", "p"), expression=years_before(ctx.d, lo)),
    )


def exists_on_date(table: str, alias: str, ctx: Context, *conditions: exp.Expr) -> exp.Expr:
    """A spell of `table` covers the row's reference date (and meets `conditions`).

    In a point frame every row's date is its period's measurement date, so the spells are
    joined to the few periods first and matched on (person, period) by equality: DuckDB then
    hashes instead of comparing dates row by row (about a fifth faster at a million persons).
    """
    if not ctx.point:
        return exists(table, alias, covers(alias, ctx.d), *conditions)
    if ctx.coverage is not None:
        query = (
            sqlglot.select(col("person_id", alias), col("y", "pq"))
            .from_(exp.alias_(exp.to_table(table), alias))
            .join(exp.alias_(exp.to_table("periods"), "pq"), on=covers(alias, col("d", "pq")))
        )
        if conditions:
            query = query.where(exp.and_(*conditions))
        spells = Spells(exp.to_table(table), alias, tuple(c.copy() for c in conditions))
        return covered(ctx, query, spells)
    cond = exp.and_(
        exp.EQ(this=col("person_id", alias), expression=col("person_id", "f")),
        exp.EQ(this=col("period", "pq"), expression=col("period", "f")),
        *conditions,
    )
    query = (
        sqlglot.select(exp.Literal.number(1))
        .from_(exp.alias_(exp.to_table(table), alias))
        .join(exp.alias_(exp.to_table("periods"), "pq"), on=covers(alias, col("d", "pq")))
        .where(cond)
    )
    return exp.Exists(this=query)


def covered(ctx: Context, query: exp.Expr, spells: Spells | None = None) -> exp.Expr:
    """The row's person is in the (person_id, y) set `query` (via the coverage table)."""
    assert ctx.coverage is not None
    name = ctx.coverage.column(query, spells)
    shift = exp.Sub(this=col("y", "f"), expression=num(ctx.coverage.first_year))
    bit = exp.BitwiseAnd(
        this=exp.paren(exp.BitwiseRightShift(this=col(name, "cv"), expression=shift)),
        expression=num(1),
    )
    return exp.func("coalesce", exp.EQ(this=exp.paren(bit), expression=num(1)), exp.false())


def _employed(arg: Any, ctx: Context) -> exp.Expr:
    arg = arg or {}
    conds: list[exp.Expr] = []
    if arg.get("min_hours"):
        conds.append(exp.GTE(this=col("weekly_hours", "e"), expression=num(arg["min_hours"])))
    if arg.get("kind", "any") != "any":
        conds.append(exp.EQ(this=col("kind", "e"), expression=exp.Literal.string(arg["kind"])))
    return exists_on_date("employment_spells", "e", ctx, *conds)


def _benefit_types(arg: Any) -> list[str]:
    return list(BENEFITS) if arg in ("any", ["any"]) else list(arg)


def _on_benefit(arg: Any, ctx: Context) -> exp.Expr:
    return exists_on_date(
        "benefit_spells", "b", ctx, col("benefit", "b").isin(*strings(_benefit_types(arg)))
    )


def _in_programme(arg: Any, ctx: Context) -> exp.Expr:
    cond = exists_on_date("programme_spells", "g", ctx)
    return cond if arg else exp.Not(this=cond)


def _by_date(table: str, alias: str, column: str) -> exp.Select:
    """(person_id, y): each row of `table` with every reference date on or after its `column`."""
    return (
        sqlglot.select(col("person_id", alias), col("y", "pq"))
        .from_(exp.alias_(exp.to_table(table), alias))
        .join(
            exp.alias_(exp.to_table("periods"), "pq"),
            on=exp.LTE(this=col(column, alias), expression=col("d", "pq")),
        )
    )


def _job_ready(arg: Any, ctx: Context) -> exp.Expr:
    """The latest assessment on or before the date is job_ready."""
    if ctx.coverage is not None:
        ready = (
            _by_date("job_readiness", "j", "date")
            .group_by(col("person_id", "j"), col("y", "pq"))
            .having(
                exp.EQ(
                    this=exp.func("arg_max", col("assessment", "j"), col("date", "j")),
                    expression=exp.Literal.string("job_ready"),
                )
            )
        )
        # an assessment holds from its date until the person's next one (the key is
        # person and date, so "the latest on or before" is never a tie)
        held = sqlglot.parse_one(
            "SELECT person_id, date AS start, lead(date) OVER (PARTITION BY person_id ORDER BY "
            'date) AS "end", assessment FROM job_readiness'
        )
        spells = Spells(
            exp.Subquery(this=held),
            "j",
            (exp.EQ(this=col("assessment", "j"), expression=exp.Literal.string("job_ready")),),
            end_exclusive=True,
        )
        cond = covered(ctx, ready, spells)
        return cond if arg else exp.Not(this=cond)
    latest = (
        sqlglot.select(exp.func("arg_max", col("assessment", "j"), col("date", "j")))
        .from_(exp.alias_(exp.to_table("job_readiness"), "j"))
        .where(
            exp.and_(
                exp.EQ(this=col("person_id", "j"), expression=col("person_id", "f")),
                exp.LTE(this=col("date", "j"), expression=ctx.d.copy()),
            )
        )
    )
    cond = exp.func(
        "coalesce",
        exp.EQ(this=exp.Subquery(this=latest), expression=exp.Literal.string("job_ready")),
        exp.false(),
    )
    return cond if arg else exp.Not(this=cond)


def _education_completed(arg: Any, ctx: Context) -> exp.Expr:
    conditions = (
        col("level", "u").isin(*strings(arg)),
        exp.EQ(this=col("outcome", "u"), expression=exp.Literal.string("completed")),
    )
    if ctx.coverage is not None:
        # completed on or before the date: from its completion on, for good — a spell that
        # starts at the education's end and never ends
        query = _by_date("education_spells", "u", "end").where(
            exp.and_(*[c.copy() for c in conditions])
        )
        completed = sqlglot.parse_one(
            'SELECT person_id, "end" AS start, CAST(NULL AS DATE) AS "end", level, outcome '
            "FROM education_spells"
        )
        return covered(ctx, query, Spells(exp.Subquery(this=completed), "u", conditions))
    return exists(
        "education_spells",
        "u",
        *conditions,
        exp.LTE(this=col("end", "u"), expression=ctx.d.copy()),
    )


def _in_offer(arg: Any, ctx: Context) -> exp.Expr:
    return exists_on_date("activation_offers", "o", ctx, col("offer", "o").isin(*strings(arg)))


def _exam_year(ctx: Context) -> exp.Expr:
    return exp.func("year", ctx.d.copy())


def _sat_exams(arg: Any, ctx: Context) -> exp.Expr:
    conds = [
        exists(
            "exam_grades",
            "x",
            exp.EQ(this=col("exam_year", "x"), expression=_exam_year(ctx)),
            exp.EQ(this=col("subject", "x"), expression=exp.Literal.string(subject)),
        )
        for subject in arg
    ]
    return exp.and_(*conds)


def _grades_at_least(arg: Any, ctx: Context) -> exp.Expr:
    threshold = float(arg.get("grade", 2))
    if str(int(threshold)) not in {g.lstrip("0") or "0" for g in GRADES}:
        raise ValueError(f"grade {threshold} is not on the 7-point scale")
    conds = [
        exists(
            "exam_grades",
            "x",
            exp.EQ(this=col("exam_year", "x"), expression=_exam_year(ctx)),
            exp.EQ(this=col("subject", "x"), expression=exp.Literal.string(subject)),
            exp.GTE(this=grade_value("x"), expression=num(threshold)),
        )
        for subject in arg["subjects"]
    ]
    return exp.and_(*conds)


def _event_is(arg: Any, ctx: Context) -> exp.Expr:
    return ctx.eo.copy().isin(*strings(arg))


def _danish_passed(arg: Any, ctx: Context) -> exp.Expr:
    return exists(
        "danish_education",
        "l",
        exp.EQ(this=col("result", "l"), expression=exp.Literal.string("passed")),
        exp.Between(this=col("test_date", "l"), low=ctx.ws.copy(), high=ctx.we.copy()),
    )


def _result_grant(arg: Any, ctx: Context) -> exp.Expr:
    arg = arg or {}
    months = int(arg.get("months", 6))
    hours = float(arg.get("min_hours", 20))
    # the job must have lasted `months` by its end, or by the data date while still running
    lasted_until = exp.func("least", end_or_far("e"), date_lit(ctx.as_of))
    job = exists(
        "employment_spells",
        "e",
        exp.EQ(this=col("kind", "e"), expression=exp.Literal.string("ordinary")),
        exp.GTE(this=col("weekly_hours", "e"), expression=num(hours)),
        exp.Between(this=col("start", "e"), low=ctx.ws.copy(), high=ctx.we.copy()),
        exp.GTE(
            this=lasted_until,
            expression=exp.Add(
                this=col("start", "e"),
                expression=exp.Interval(this=exp.Literal.number(months), unit=exp.var("MONTH")),
            ),
        ),
    )
    education = exists(
        "education_spells",
        "u",
        exp.Between(this=col("start", "u"), low=ctx.ws.copy(), high=ctx.we.copy()),
    )
    return exp.or_(job, education)


def _all(arg: Any, ctx: Context) -> exp.Expr:
    return exp.and_(*(compile_predicate(p, ctx) for p in arg))


def _any(arg: Any, ctx: Context) -> exp.Expr:
    return exp.paren(exp.or_(*(compile_predicate(p, ctx) for p in arg)))


def _not(arg: Any, ctx: Context) -> exp.Expr:
    return exp.Not(this=exp.paren(compile_predicate(arg, ctx)))


BUILDERS: dict[str, Builder] = {
    "age": _age,
    "origin": _origin,
    "non_western": _non_western,
    "residence_basis": _basis,
    "arrived_years_before": _arrived,
    "employed": _employed,
    "on_benefit": _on_benefit,
    "in_programme": _in_programme,
    "job_ready": _job_ready,
    "education_completed": _education_completed,
    "in_offer": _in_offer,
    "sat_exams": _sat_exams,
    "grades_at_least": _grades_at_least,
    "event_is": _event_is,
    "danish_test_passed_in_window": _danish_passed,
    "result_grant_condition_in_window": _result_grant,
    "all": _all,
    "any": _any,
    "not": _not,
}


#: predicates evaluated with a subquery (computed once per row as a flag column)
EXPENSIVE = frozenset(
    {
        "employed", "on_benefit", "in_programme", "job_ready", "education_completed", "in_offer",
        "sat_exams", "grades_at_least", "danish_test_passed_in_window",
        "result_grant_condition_in_window",
    }
)  # fmt: skip


def compile_predicate(pred: dict[str, Any], ctx: Context) -> exp.Expr:
    """One predicate mapping → a boolean expression (a flag reference if it is expensive)."""
    ((name, arg),) = pred.items()
    built = BUILDERS[name](arg, ctx)
    return ctx.flag(built) if name in EXPENSIVE else built
