"""Compile a `compute:` definition into one DuckDB query (via sqlglot) that returns a cube.

The cube has one row per municipality × period × person-level dimension combination (origin,
Western/non-Western, MENAPT, arrived aged 0–12, sex, residence basis) with Σ w·numerator,
Σ w·denominator (w = the person's sampling weight, 1 when empty) and the unweighted count `n`
(distinct persons for person-time ratios, else rows). Every group an observation can be about (non-Western, women, refugees, …) is a
sum of cube cells, so all breakdowns and the national totals (ratio of sums) come from one pass
over the person-level data; see `engine.groups`.

Frames (who is counted where and when):
- point: persons with a residence spell covering the measurement date of each year; the
  municipality is where they live on that date.
- cohort: one row per event (programme end or start, first Danish-education start, youth-education
  start, 9th-grade exam, offer start) in the year; municipality of the programme, else of
  residence on the event date; the window ws..we is what "within" refers to. Cohorts whose window
  is not complete by the data date are left out rather than reported too low.
- person_time: each residence spell cut to the year (and to a benefit spell if `within_benefit`),
  so a person who moves mid-year counts in each municipality for the days lived there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlglot
from sqlglot import exp

from pejling.engine.predicates import (
    FAR_FUTURE,
    Context,
    Coverage,
    Spells,
    age_at,
    col,
    compile_predicate,
    date_lit,
    num,
    strings,
)
from pejling.periods import Period
from pejling.spec.compute import ComputeSpec, Event, Frame, Measure

DIMENSIONS = ("origin", "wcat", "menapt", "a012", "sex", "basis")
FULL_TIME_HOURS = 37


@dataclass(frozen=True)
class PeriodRow:
    """One period the indicator is computed for."""

    label: str
    t: float
    year: int
    d: date  # reference date (point) or end of the year
    ps: date
    pe: date


def periods_for(spec: ComputeSpec, as_of: date, first_year: int) -> list[PeriodRow]:
    """Calendar years from `first_year` whose reference date has passed by `as_of`."""
    out: list[PeriodRow] = []
    for year in range(first_year, as_of.year + 1):
        if spec.frame is Frame.POINT:
            assert spec.date is not None
            month, day = (int(x) for x in spec.date.split("-"))
            ref = date(year, month, day)
            if ref > as_of:
                continue
        else:
            ref = min(date(year, 12, 31), as_of)
        label = str(year)
        out.append(
            PeriodRow(label, Period.parse(label).t, year, ref, date(year, 1, 1), date(year, 12, 31))
        )
    return out


def _periods_cte(rows: list[PeriodRow]) -> exp.Expr:
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


def _parse(sql: str, **values: exp.Expr) -> exp.Expr:
    """A fixed SQL fragment of this module with literal values substituted as tree nodes."""
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    return exp.replace_placeholders(tree, **values)


def _event_source(spec: ComputeSpec, as_of: date) -> exp.Expr:
    """SELECT person_id, e, ws, we, eo, municipality for the cohort's event."""
    far = date_lit(FAR_FUTURE)
    asof = date_lit(as_of)
    event = spec.event
    if event is Event.PROGRAMME_END:
        return _parse(
            'SELECT person_id, "end" AS e, start AS ws, "end" AS we, programme AS eo, '
            'municipality FROM programme_spells WHERE "end" IS NOT NULL'
        )
    if event is Event.PROGRAMME_START and spec.window_years:
        # the first N years of the programme; cohorts whose N years have not passed are out
        return _parse(
            "SELECT person_id, start AS e, start AS ws, "
            "CAST(start + to_months(:months) - INTERVAL 1 DAY AS DATE) AS we, "
            "programme AS eo, municipality FROM programme_spells",
            months=num(spec.window_years * 12),
        )
    if event is Event.PROGRAMME_START:
        return _parse(
            'SELECT person_id, start AS e, start AS ws, least(coalesce("end", :far), :asof) AS we, '
            "programme AS eo, municipality FROM programme_spells",
            far=far,
            asof=asof,
        )
    if event is Event.DANISH_START:
        months = (spec.window_years or 5) * 12
        return _parse(
            "SELECT person_id, min(start) AS e, min(start) AS ws, "
            "CAST(min(start) + to_months(:months) - INTERVAL 1 DAY AS DATE) AS we, "
            "CAST(NULL AS VARCHAR) AS eo, CAST(NULL AS SMALLINT) AS municipality "
            "FROM danish_education GROUP BY person_id",
            months=num(months),
        )
    if event is Event.YOUTH_EDUCATION_START and spec.window_years:
        # outcome within N years of the start: a later drop-out counts as still in education
        return _parse(
            "SELECT person_id, start AS e, start AS ws, "
            "CAST(start + to_months(:months) - INTERVAL 1 DAY AS DATE) AS we, "
            "CASE WHEN outcome = 'dropped_out' AND \"end\" < start + to_months(:months) "
            "THEN 'dropped_out' ELSE 'not_dropped_out' END AS eo, "
            "CAST(NULL AS SMALLINT) AS municipality FROM education_spells WHERE level = 'youth'",
            months=num(spec.window_years * 12),
        )
    if event is Event.YOUTH_EDUCATION_START:
        return _parse(
            'SELECT person_id, start AS e, start AS ws, coalesce("end", :asof) AS we, outcome AS eo, '
            "CAST(NULL AS SMALLINT) AS municipality FROM education_spells WHERE level = 'youth'",
            asof=asof,
        )
    if event is Event.EXAM:
        return _parse(
            "SELECT DISTINCT person_id, make_date(exam_year, 6, 30) AS e, make_date(exam_year, 1, 1) AS ws, "
            "make_date(exam_year, 6, 30) AS we, CAST(NULL AS VARCHAR) AS eo, "
            "CAST(NULL AS SMALLINT) AS municipality FROM exam_grades"
        )
    if event is Event.OFFER_START:
        return _parse(
            'SELECT person_id, start AS e, start AS ws, coalesce("end", :asof) AS we, offer AS eo, '
            "CAST(NULL AS SMALLINT) AS municipality FROM activation_offers",
            asof=asof,
        )
    raise AssertionError(event)


def frame_query(spec: ComputeSpec, as_of: date) -> exp.Expr:
    """The frame: person_id, municipality, period, t, y, d, ws, we, eo."""
    far = date_lit(FAR_FUTURE)
    asof = date_lit(as_of)
    if spec.frame is Frame.POINT:
        return _parse(
            "SELECT r.person_id, r.municipality, pr.period, pr.t, pr.y, pr.d AS d, "
            "CAST(NULL AS DATE) AS ws, CAST(NULL AS DATE) AS we, CAST(NULL AS VARCHAR) AS eo "
            "FROM residence_spells AS r JOIN periods AS pr "
            'ON r.start <= pr.d AND coalesce(r."end", :far) >= pr.d',
            far=far,
        )
    if spec.frame is Frame.COHORT:
        query = _parse(
            "SELECT ev.person_id, coalesce(ev.municipality, r.municipality) AS municipality, "
            "pr.period, pr.t, pr.y, ev.e AS d, ev.ws, ev.we, ev.eo "
            "FROM ev JOIN periods AS pr ON year(ev.e) = pr.y "
            "LEFT JOIN residence_spells AS r ON r.person_id = ev.person_id "
            'AND r.start <= ev.e AND coalesce(r."end", :far) >= ev.e '
            "WHERE ev.e <= :asof AND ev.we <= :asof "
            "AND coalesce(ev.municipality, r.municipality) IS NOT NULL",
            far=far,
            asof=asof,
        )
        assert isinstance(query, exp.Select)
        return query.with_("ev", as_=_event_source(spec, as_of))
    # person time
    if spec.within_benefit:
        return _parse(
            "SELECT r.person_id, r.municipality, pr.period, pr.t, pr.y, "
            'least(coalesce(r."end", :far), coalesce(b."end", :far), pr.pe, :asof) AS d, '
            "greatest(r.start, b.start, pr.ps) AS ws, "
            'least(coalesce(r."end", :far), coalesce(b."end", :far), pr.pe, :asof) AS we, '
            "b.benefit AS eo "
            "FROM residence_spells AS r JOIN periods AS pr "
            'ON r.start <= pr.pe AND coalesce(r."end", :far) >= pr.ps '
            "JOIN benefit_spells AS b ON b.person_id = r.person_id AND b.benefit IN :benefits "
            'AND b.start <= pr.pe AND coalesce(b."end", :far) >= pr.ps '
            'AND b.start <= coalesce(r."end", :far) AND coalesce(b."end", :far) >= r.start '
            "WHERE greatest(r.start, b.start, pr.ps) <= "
            'least(coalesce(r."end", :far), coalesce(b."end", :far), pr.pe, :asof)',
            far=far,
            asof=asof,
            benefits=exp.Tuple(expressions=strings(spec.within_benefit)),
        )
    return _parse(
        "SELECT r.person_id, r.municipality, pr.period, pr.t, pr.y, "
        'least(coalesce(r."end", :far), pr.pe, :asof) AS d, greatest(r.start, pr.ps) AS ws, '
        'least(coalesce(r."end", :far), pr.pe, :asof) AS we, CAST(NULL AS VARCHAR) AS eo '
        "FROM residence_spells AS r JOIN periods AS pr "
        'ON r.start <= pr.pe AND coalesce(r."end", :far) >= pr.ps '
        'WHERE greatest(r.start, pr.ps) <= least(coalesce(r."end", :far), pr.pe, :asof)',
        far=far,
        asof=asof,
    )


def _frame_days() -> exp.Expr:
    return _parse("(f.we - f.ws + 1)")


#: the frame as `frame_query` gives it — no person columns, no population filter — which the
#: window sums read: DuckDB can then cut the residence spells to the persons with such spells
#: before expanding them to periods, instead of joining the spells to every frame row
BASE_FRAME = "frame0"


def _window_sum(table: str, alias: str, total: exp.Expr, distinct: bool) -> exp.Subquery:
    """Σ `total` over the `table` spells overlapping each frame row's window, per row.

    Why not a correlated subquery per row: DuckDB decorrelates one by first collecting the
    distinct (person, window) pairs of all frame rows (millions) and joining the sums back
    with a second hash table. Joining the spells to the frame and grouping by the row's key
    touches only the rows that have such spells. The key (person, ws, we) is one frame row
    when residence spells do not overlap, which the import guarantees; a frame cut to benefit
    spells can repeat a window (two benefits over the same days), so there the distinct
    windows are taken first, lest a spell be summed twice.
    """
    far = date_lit(FAR_FUTURE)
    source: exp.Expr = exp.to_table(BASE_FRAME)
    if distinct:
        source = exp.Subquery(
            this=sqlglot.select("person_id", "ws", "we").distinct().from_(BASE_FRAME)
        )
    query = (
        sqlglot.select(
            col("person_id", "f"), col("ws", "f"), col("we", "f"), exp.alias_(total, "v")
        )
        .from_(exp.alias_(source, "f"))
        .join(
            exp.alias_(exp.to_table(table), alias),
            on=_parse(
                f"{alias}.person_id = f.person_id AND {alias}.start <= f.we "
                f'AND coalesce({alias}."end", :far) >= f.ws',
                far=far,
            ),
        )
        .group_by(col("person_id", "f"), col("ws", "f"), col("we", "f"))
    )
    return exp.Subquery(this=query)


def value_expression(
    name: str, spec: ComputeSpec, sums: dict[str, exp.Subquery] | None = None
) -> exp.Expr:
    """A numeric per-row value (see `VALUES` in spec.compute).

    With `sums`, a value summed over overlapping spells reads a per-row sum joined to the
    frame (`_window_sum`, registered in `sums` under its alias) instead of running a
    correlated subquery.
    """
    far = date_lit(FAR_FUTURE)
    if name == "days":
        return _frame_days()
    if name == "full_time_hours":
        return _parse("(f.we - f.ws + 1) * :h / 7.0", h=num(FULL_TIME_HOURS))
    if name in ("benefit_days", "offer_hours") and sums is not None:
        alias = f"rs{len(sums) + 1}"
        distinct = bool(spec.within_benefit)
        if name == "benefit_days":
            total = _parse(
                'sum(least(coalesce(b2."end", :far), f.we) - greatest(b2.start, f.ws) + 1)',
                far=far,
            )
            sums[alias] = _window_sum("benefit_spells", "b2", total, distinct)
            return _parse("least(f.we - f.ws + 1, coalesce(:v, 0))", v=col("v", alias))
        total = _parse(
            'sum((least(coalesce(o."end", :far), f.we) - greatest(o.start, f.ws) + 1) '
            "* o.hours_per_week / 7.0)",
            far=far,
        )
        sums[alias] = _window_sum("activation_offers", "o", total, distinct)
        return _parse(
            "least((f.we - f.ws + 1) * :h / 7.0, coalesce(:v, 0))",
            h=num(FULL_TIME_HOURS),
            v=col("v", alias),
        )
    if name == "benefit_days":
        return _parse(
            'least(f.we - f.ws + 1, coalesce((SELECT sum(least(coalesce(b2."end", :far), f.we) '
            "- greatest(b2.start, f.ws) + 1) FROM benefit_spells AS b2 WHERE b2.person_id = f.person_id "
            'AND b2.start <= f.we AND coalesce(b2."end", :far) >= f.ws), 0))',
            far=far,
        )
    if name == "offer_hours":
        return _parse(
            'least((f.we - f.ws + 1) * :h / 7.0, coalesce((SELECT sum((least(coalesce(o."end", :far), f.we) '
            "- greatest(o.start, f.ws) + 1) * o.hours_per_week / 7.0) FROM activation_offers AS o "
            'WHERE o.person_id = f.person_id AND o.start <= f.we AND coalesce(o."end", :far) >= f.ws), 0))',
            far=far,
            h=num(FULL_TIME_HOURS),
        )
    if name == "days_to_first_offer":
        offers = spec.offers or []
        return _parse(
            "(SELECT min(o.start) FROM activation_offers AS o WHERE o.person_id = f.person_id "
            "AND o.offer IN :offers AND o.start BETWEEN f.ws AND f.we) - f.ws",
            offers=exp.Tuple(expressions=strings(offers)),
        )
    raise AssertionError(name)


_BASES = ("refugee", "reunified_refugee", "reunified_other", "work", "study", "eu", "other")


def _literal_list(values: tuple[str, ...]) -> exp.Expr:
    return exp.Array(expressions=strings(values))


def _cell_expression() -> exp.Expr:
    """One small integer per person encoding the six cube dimensions.

    Why: the dimensions are constant per person, so computing them once per person and grouping
    the frame rows by one integer is much cheaper than grouping millions of rows by six columns.
    cell = ((((origin·3 + wcat)·2 + menapt)·2 + a012)·2 + sex)·8 + basis.
    """
    return _parse(
        "((((CASE p.origin WHEN 'danish_origin' THEN 0 WHEN 'immigrant' THEN 1 ELSE 2 END * 3 "
        "+ CASE WHEN p.origin = 'danish_origin' THEN 0 WHEN p.western THEN 1 ELSE 2 END) * 2 "
        "+ CASE WHEN coalesce(p.menapt, false) THEN 1 ELSE 0 END) * 2 "
        "+ CASE WHEN coalesce(p.origin = 'immigrant' AND :arrival_age <= 12, false) THEN 1 ELSE 0 END) * 2 "
        "+ CASE WHEN p.sex = 'f' THEN 1 ELSE 0 END) * 8 "
        "+ coalesce(list_position(:bases, p.residence_basis), 0)",
        arrival_age=age_at(col("arrival_date", "p"), col("birth_date", "p")),
        bases=_literal_list(_BASES),
    )


def _decoded_dimensions() -> list[exp.Expr]:
    """The cube's dimension columns decoded from `cell` (see `_cell_expression`)."""
    return [
        exp.alias_(
            _parse(
                ":labels[cell // 192 + 1]",
                labels=_literal_list(("danish_origin", "immigrant", "descendant")),
            ),
            "origin",
        ),
        exp.alias_(
            _parse(":labels[cell // 64 % 3 + 1]", labels=_literal_list(("dk", "w", "nw"))), "wcat"
        ),
        exp.alias_(_parse("cell // 32 % 2 = 1"), "menapt"),
        exp.alias_(_parse("cell // 16 % 2 = 1"), "a012"),
        exp.alias_(_parse(":labels[cell // 8 % 2 + 1]", labels=_literal_list(("m", "f"))), "sex"),
        exp.alias_(_parse(":labels[cell % 8 + 1]", labels=_literal_list(("-", *_BASES))), "basis"),
    ]


def _uses_flags(expression: exp.Expr) -> bool:
    return any(c.table == "x" for c in expression.find_all(exp.Column))


def _outer(expression: exp.Expr) -> exp.Expr:
    """Re-qualify f./p. columns to the inner query's alias x."""

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.table in ("f", "p"):
            return col(node.name, "x")
        return node

    return expression.copy().transform(swap)


PERSON_COLUMNS = (
    "birth_date",
    "origin",
    "western",
    "menapt",
    "sex",
    "residence_basis",
    "arrival_date",
)


def needs_repeats(spec: ComputeSpec) -> bool:
    """A person-time ratio over residence alone counts its persons with `REPEAT_RESIDENTS`."""
    return (
        spec.measure is Measure.RATIO
        and spec.frame is Frame.PERSON_TIME
        and not spec.within_benefit
    )


#: persons with more than one residence spell in the same municipality (built once per run)
REPEAT_RESIDENTS = "k_repeat_residents"


def repeat_residents() -> exp.Expr:
    """The persons whose rows in a person-time frame may repeat within a municipality and year.

    Why: `n` of a person-time ratio is the number of distinct persons, and counting distinct
    persons makes DuckDB hash every one of millions of frame rows. A person with one residence
    spell per municipality has at most one row per municipality and year, so only the few
    persons in this table need the distinct count; everyone else is counted by rows.
    """
    inner = (
        sqlglot.select(col(PERSON_KEY, "r"))
        .from_(exp.alias_(exp.to_table("residence_spells"), "r"))
        .group_by(col(PERSON_KEY, "r"), col("municipality", "r"))
        .having(exp.GT(this=exp.Count(this=exp.Star()), expression=num(1)))
    )
    return (
        sqlglot.select(exp.column(PERSON_KEY))
        .from_(exp.alias_(exp.Subquery(this=inner), "m"))
        .group_by(exp.column(PERSON_KEY))
    )


def collect_coverage(spec: ComputeSpec, as_of: date, coverage: Coverage) -> None:
    """Register in `coverage` every "on the date" set the point-frame indicator `spec` reads.

    The plan's first pass: `coverage` must be complete before any indicator is compiled
    against it. Only predicates read coverage, so only they are compiled here, in the order
    `cube_query` compiles them (which names the columns).
    """
    ctx = Context(as_of, point=True, coverage=coverage)
    for predicate in spec.population:
        compile_predicate(predicate, ctx)
    if spec.numerator is not None:
        compile_predicate(spec.numerator, ctx)


def cube_query(
    spec: ComputeSpec,
    as_of: date,
    first_year: int,
    coverage: Coverage | None = None,
    repeats: bool = False,
) -> exp.Expr:
    """The whole statement: periods, frame, per-row numerator/denominator, cube.

    The frame carries each person's columns (`_with_persons`) and keeps only the rows passing
    the cheap population predicates (age, origin, residence basis, arrival). Two levels
    follow: the inner query computes each expensive predicate (a subquery) once as a flag
    column; the outer query applies the remaining population predicates and forms numerator
    and denominator from the flags.
    """
    ctx = Context(as_of, point=spec.frame is Frame.POINT, coverage=coverage)
    population = [compile_predicate(p, ctx) for p in spec.population]
    cheap = [c for c in population if not _uses_flags(c)]
    costly = [c for c in population if _uses_flags(c)]
    values: dict[str, exp.Expr] = {}
    sums: dict[str, exp.Subquery] = {}
    if spec.measure is Measure.SHARE:
        assert spec.numerator is not None
        numerator: exp.Expr = exp.Case(
            ifs=[exp.If(this=compile_predicate(spec.numerator, ctx), true=num(1))], default=num(0)
        )
        denominator: exp.Expr = num(1)
    elif spec.measure is Measure.COUNT:
        if spec.numerator is not None:
            costly.append(compile_predicate(spec.numerator, ctx))
        numerator, denominator = num(1), num(1)
    else:
        assert spec.value is not None
        values["_v"] = value_expression(spec.value, spec, sums)
        numerator = col("_v", "x")
        denominator = num(1)
        if spec.measure is Measure.RATIO:
            values["_b"] = value_expression(spec.base, spec, sums) if spec.base else _frame_days()
            denominator = col("_b", "x")
    # the frame carries the person's columns (and coverage bits) and keeps only rows passing
    # the cheap predicates
    base = frame_query(spec, as_of)
    bits = sorted(
        {c.name for _, e in ctx.flags.values() for c in e.find_all(exp.Column) if c.table == "cv"}
    )
    frame, carried = _with_persons(
        base.copy(),
        coverage_residence(ctx.coverage)
        if bits and ctx.coverage and ctx.coverage.carried
        else None,
        bits,
    )
    if cheap:
        frame = (
            sqlglot.select(exp.Column(this=exp.Star(), table=exp.to_identifier("f")))
            .from_(exp.alias_(exp.Subquery(this=frame), "f"))
            .where(exp.and_(*[_in_frame(c) for c in cheap]))
        )
    frame_tables = ("p", "cv") if carried else ("p",)
    inner = sqlglot.select(
        exp.Column(this=exp.Star(), table=exp.to_identifier("f")),
        *[exp.alias_(_in_frame(expr, frame_tables), name) for name, expr in ctx.flags.values()],
        *[exp.alias_(_in_frame(expr), name) for name, expr in values.items()],
    ).from_(exp.alias_(exp.to_table("frame"), "f"))
    repeats = repeats and needs_repeats(spec)
    if repeats:
        # keyed() would rename person_id; the table is keyed already
        inner = inner.select(
            exp.alias_(exp.Not(this=exp.Is(this=col("pk", "rr"), expression=exp.null())), "rep")
        ).join(
            exp.alias_(exp.to_table(REPEAT_RESIDENTS), "rr"),
            on=exp.EQ(this=col("pk", "rr"), expression=col("person_id", "f")),
            join_type="left",
        )
    for alias, query in sums.items():
        inner = inner.join(
            exp.alias_(query, alias),
            on=_parse(
                f"{alias}.person_id = f.person_id AND {alias}.ws = f.ws AND {alias}.we = f.we"
            ),
            join_type="left",
        )
    if ctx.coverage is not None and bits and not carried:
        inner = inner.join(
            exp.alias_(exp.to_table(ctx.coverage.name), "cv"),
            on=exp.EQ(this=col("person_id", "cv"), expression=col("person_id", "f")),
            join_type="left",
        )
    # sampling weights: numerator and denominator are weighted sums (population estimates);
    # `n` is the unweighted number the figure rests on — the distinct persons behind a
    # person-time ratio (which rests on hours or days), else the rows (persons or events)
    persons = spec.measure is Measure.RATIO
    weight = col("w", "x")
    rows = sqlglot.select(
        col("municipality", "x"),
        col("period", "x"),
        col("t", "x"),
        col("y", "x"),
        col("cell", "x"),
        *([col("person_id", "x")] if persons else []),
        *([col("rep", "x")] if repeats else []),
        exp.alias_(
            exp.Mul(
                this=exp.cast(_outer(numerator), exp.DataType.build("DOUBLE")), expression=weight
            ),
            "num",
        ),
        exp.alias_(
            exp.Mul(
                this=exp.cast(_outer(denominator), exp.DataType.build("DOUBLE")),
                expression=weight.copy(),
            ),
            "den",
        ),
    ).from_(exp.alias_(exp.Subquery(this=inner), "x"))
    if costly:
        rows = rows.where(exp.and_(*[_outer(c) for c in costly]))
    group_cols = ["municipality", "period", "t", "y", "cell"]
    count: exp.Expr = (
        exp.Count(this=exp.Distinct(expressions=[exp.column("person_id")]))
        if persons
        else exp.Count(this=exp.Star())  # the unweighted Σ den: den is 1 per row
    )
    sums_of = [
        exp.alias_(exp.func("sum", exp.column("num")), "num"),
        exp.alias_(exp.func("sum", exp.column("den")), "den"),
    ]
    counted = exp.Not(this=exp.Is(this=exp.column("num"), expression=exp.null()))
    if repeats:
        # the distinct persons without a DISTINCT aggregate (which hashes every row twice):
        # first one group per cell and, for a person with repeat spells only, per person; then
        # a cell counts its rows plus one per such person
        per_person = (
            sqlglot.select(
                *[exp.column(c) for c in group_cols],
                exp.alias_(_parse("CASE WHEN rep THEN person_id END"), "rpk"),
                *sums_of,
                exp.alias_(exp.Count(this=exp.Star()), "c"),
            )
            .from_(exp.alias_(exp.Subquery(this=rows), "rows"))
            .where(counted)
            .group_by(*[exp.column(c) for c in group_cols], exp.column("rpk"))
        )
        grouped = (
            sqlglot.select(
                *[exp.column(c) for c in group_cols],
                *[s.copy() for s in sums_of],
                exp.alias_(_parse("sum(CASE WHEN rpk IS NULL THEN c ELSE 1 END)"), "n"),
            )
            .from_(exp.alias_(exp.Subquery(this=per_person), "g"))
            .group_by(*[exp.column(c) for c in group_cols])
        )
    else:
        grouped = (
            sqlglot.select(*[exp.column(c) for c in group_cols], *sums_of, exp.alias_(count, "n"))
            .from_(exp.alias_(exp.Subquery(this=rows), "rows"))
            .where(counted)
            .group_by(*[exp.column(c) for c in group_cols])
        )
    cube = (
        sqlglot.select(
            *[exp.column(c) for c in ("municipality", "period", "t", "y")],
            *_decoded_dimensions(),
            exp.column("num"),
            exp.column("den"),
            exp.column("n"),
        )
        .from_(exp.alias_(exp.Subquery(this=grouped), "cells"))
        .with_(
            "periods",
            as_=sqlglot.select("*").from_(_periods_cte(periods_for(spec, as_of, first_year))),
        )
        .with_("frame", as_=frame)
    )
    if sums:
        cube = cube.with_(BASE_FRAME, as_=base)
    return keyed(cube)


def _in_frame(expression: exp.Expr, tables: tuple[str, ...] = ("p",)) -> exp.Expr:
    """Read the person's columns (p.), and the coverage bits (cv.) when the frame carries them,
    from the frame row (f.)."""

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.table in tables:
            return col(node.name, "f")
        return node

    return expression.copy().transform(swap)


#: the residence spells with each person's columns, cube cell and weight (built once per run)
RESIDENCE_PERSONS = "k_residence"


def residence_persons() -> exp.Expr:
    """The shared table `k_residence`: every residence spell with its person's columns.

    Why a table of its own: in one query with the expansion of the spells to dates, DuckDB's
    join order puts the persons join after the expansion (tens of millions of rows); built
    once per run, every residence frame reads it without any join.
    """
    # the key rather than the 20-character id: copying text is most of the cost of the table
    query = (
        sqlglot.select(
            *[col(c, "r") for c in ("person_id", "municipality", "start", "end")],
            *[col(c, "p") for c in (*PERSON_COLUMNS, "cell", "w")],
        )
        .from_(exp.alias_(exp.to_table("residence_spells"), "r"))
        .join(
            exp.alias_(exp.to_table("persons"), "p"),
            on=exp.EQ(this=col("person_id", "p"), expression=col("person_id", "r")),
        )
    )
    return keyed(query)


def coverage_residence(coverage: Coverage) -> str:
    """The shared table of the residence spells with their persons' columns and `coverage`'s
    bits (`residence_coverage`)."""
    return f"{RESIDENCE_PERSONS}_{coverage.name}"


def residence_coverage(coverage: Coverage) -> exp.Expr:
    """`k_residence` with every bit column of `coverage`, joined once per run.

    Why: a point-in-time indicator reads the coverage bits of every frame row — tens of
    millions of rows at 6M persons. Joining the coverage table to the 6.7M residence spells
    once lets every indicator on the same dates read the bits from its frame rows, with no join.
    """
    names = [name for name, _ in coverage.columns.values()]
    query = (
        sqlglot.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("r")),
            *[col(n, "cv") for n in names],
        )
        .from_(exp.alias_(exp.to_table(RESIDENCE_PERSONS), "r"))
        .join(
            exp.alias_(exp.to_table(coverage.name), "cv"),
            on=exp.EQ(this=col("person_id", "cv"), expression=col("person_id", "r")),
            join_type="left",
        )
    )
    return keyed(query)


def _with_persons(
    frame: exp.Expr, residence: str | None = None, bits: Sequence[str] = ()
) -> tuple[exp.Expr, bool]:
    """The frame with the person's columns, cube cell and weight on every row.

    Why: a frame row is a residence spell on a date or in a period; there are about ten times
    as many as persons. A residence frame reads the spells with their persons' columns
    (`k_residence`, joined once per run) instead of joining the persons to tens of millions of
    rows; other frames (cohorts) join the persons to their rows. With `residence` (a table
    from `residence_coverage`), a residence frame also carries the coverage `bits`; the second
    value says whether it does.
    """
    wanted = (*PERSON_COLUMNS, "cell", "w")
    spells = [
        t for t in frame.find_all(exp.Table) if t.name == "residence_spells" and t.alias == "r"
    ]
    if spells and spells[0].find_ancestor(exp.Select) is frame and not frame.args.get("with"):
        table = residence or RESIDENCE_PERSONS
        spells[0].replace(exp.alias_(exp.to_table(table), "r", table=True))
        assert isinstance(frame, exp.Select)
        carried = residence is not None
        return frame.select(*[col(c, "r") for c in (*wanted, *(bits if carried else ()))]), carried
    joined = (
        sqlglot.select(
            exp.Column(this=exp.Star(), table=exp.to_identifier("f")),
            *[col(c, "p") for c in wanted],
        )
        .from_(exp.alias_(exp.Subquery(this=frame), "f"))
        .join(
            exp.alias_(exp.to_table("persons"), "p"),
            on=exp.EQ(this=col("person_id", "p"), expression=col("person_id", "f")),
        )
    )
    return joined, False


#: the person key stored in every register table at import (see `register.keys`)
PERSON_KEY = "pk"
#: the persons table of a run: the stored persons with each person's cube cell and weight
KEYED_PERSONS = "k_persons"


def keyed(tree: exp.Expr) -> exp.Expr:
    """Join and count on the integer key: every `person_id` → `pk`, `persons` → `k_persons`.

    Why: the pseudonymous person id is a 20-character text that every heavy join, semi-join
    and distinct count of a query works on. The dense INTEGER key stored beside it at import
    (`register.keys`) makes those hash tables several times smaller and faster; the results
    are the same because the key is one-to-one with the person id. The compiler and the
    predicates keep speaking of `person_id` and `persons`, so queries that read the store
    directly (the national outcome frame) are unaffected.
    """

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name == "person_id":
            return exp.Column(this=exp.to_identifier(PERSON_KEY), table=node.args.get("table"))
        if isinstance(node, exp.Table) and node.name == "persons" and not node.db:
            renamed = exp.to_table(KEYED_PERSONS)
            alias = node.args.get("alias")
            return exp.alias_(renamed, alias.name, table=True) if alias else renamed
        return node

    return tree.transform(swap, copy=False)  # the tree is the caller's own, freshly built


def keyed_persons(columns: tuple[str, ...]) -> exp.Expr:
    """persons with its stored key, its cube cell and its sampling weight (once per run)."""
    return sqlglot.select(
        col(PERSON_KEY, "p"),
        *[col(c, "p") for c in columns],
        exp.alias_(_cell_expression(), "cell"),
        exp.alias_(_parse("CAST(coalesce(p.weight, 1) AS DOUBLE)"), "w"),
    ).from_(exp.alias_(exp.to_table("persons"), "p"))


def coverage_query(coverage: Coverage, periods: list[PeriodRow]) -> exp.Expr:
    """The coverage table: per person found in any predicate's set, the year bits of each.

    A person outside every set has no row; the indicator's LEFT JOIN then reads no bit.
    """
    if periods and max(p.year for p in periods) - coverage.first_year > 62:
        raise ValueError("more than 63 years on one set of reference dates")
    names = [name for name, _ in coverage.columns.values()]
    bit = _parse("CAST(1 AS BIGINT) << (s.y - :y0)", y0=num(coverage.first_year))
    zero = _parse("CAST(0 AS BIGINT)")
    day = _one_day_a_year(periods)
    parts = []
    for name, query in coverage.columns.values():
        spells = coverage.spells.get(name)
        if spells is not None and day is not None:
            source, bits = _spell_years(spells, day, coverage.first_year), _parse("s.bits")
        else:
            source, bits = query, bit
        parts.append(
            sqlglot.select(
                col("person_id", "s"),
                *[exp.alias_((bits if n == name else zero).copy(), n) for n in names],
            ).from_(exp.alias_(exp.Subquery(this=source), "s"))
        )
    union: exp.Expr = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    table = (
        sqlglot.select(
            exp.column("person_id"),
            *[exp.alias_(exp.func("bit_or", exp.column(n)), n) for n in names],
        )
        .from_(exp.alias_(exp.Subquery(this=union), "u"))
        .group_by(exp.column("person_id"))
        .with_("periods", as_=sqlglot.select("*").from_(_periods_cte(periods)))
    )
    return keyed(table)


def _one_day_a_year(periods: list[PeriodRow]) -> tuple[int, int, int] | None:
    """(month·100 + day, first year, last year) when the reference dates are one day of the
    year in consecutive years (and not 29 February); else None."""
    if not periods:
        return None
    years = [p.year for p in periods]
    days = {(p.d.month, p.d.day) for p in periods}
    if (
        len(days) != 1
        or any(p.d.year != p.year for p in periods)
        or years != list(range(years[0], years[0] + len(years)))
        or len(years) > 61
        or days == {(2, 29)}
    ):
        return None
    ((month, dom),) = days
    return month * 100 + dom, years[0], years[-1]


def _spell_years(spells: Spells, day: tuple[int, int, int], y0: int) -> exp.Expr:
    """Per spell (meeting its conditions), the bits of the years whose date it covers.

    The date of year y is day `md` of y; a spell covers it from the first year whose date is
    on or after its start to the last whose date is on or before its end (open: the last year).
    """
    md, first, last = day
    a = spells.alias
    # an exclusive end covers the date of its own year only if the date is before it
    before = "<=" if spells.end_exclusive else "<"
    years = sqlglot.select(
        col("person_id", a),
        _parse(
            f"greatest(year({a}.start) + CASE WHEN month({a}.start) * 100 + day({a}.start) > :md "
            "THEN 1 ELSE 0 END, :first) AS lo",
            md=num(md),
            first=num(first),
        ),
        _parse(
            f'CASE WHEN {a}."end" IS NULL THEN :last ELSE least(year({a}."end") - CASE WHEN '
            f'month({a}."end") * 100 + day({a}."end") {before} :md THEN 1 ELSE 0 END, :last) '
            "END AS hi",
            md=num(md),
            last=num(last),
        ),
    ).from_(exp.alias_(spells.source.copy(), a))
    # a spell without a start covers no date (greatest() would skip the NULL and start it in
    # the first year): e.g. a completed education without an end date
    years = years.where(exp.Not(this=exp.Is(this=col("start", a), expression=exp.null())))
    if spells.conditions:
        years = years.where(exp.and_(*[c.copy() for c in spells.conditions]))
    return (
        sqlglot.select(
            col("person_id", "r"),
            exp.alias_(
                _parse(
                    "((CAST(1 AS BIGINT) << (r.hi - r.lo + 1)) - 1) << (r.lo - :y0)", y0=num(y0)
                ),
                "bits",
            ),
        )
        .from_(exp.alias_(exp.Subquery(this=years), "r"))
        .where(_parse("r.lo <= r.hi"))
    )


def cube_sql(spec: ComputeSpec, as_of: date, first_year: int) -> str:
    """The generated SQL, pretty-printed (golden-tested)."""
    return cube_query(spec, as_of, first_year).sql(dialect="duckdb", pretty=True)
