"""What a computation runs, as data: named steps of sqlglot trees, independent of the engine.

Why: the same compiled catalog runs on DuckDB (the default) and on Spark (`--engine spark`).
Each engine only materialises the steps in order — `CREATE TEMP TABLE name AS query` in DuckDB,
a cached temporary view in Spark — after transpiling the tree to its dialect. No engine
builds SQL of its own, so the two cannot drift apart.

A run (`plan_run`) is its shared steps (tables several indicators read — the persons and their
residence spells with cube cell and weight, coverage tables, group memberships — built once)
followed by one `IndicatorPlan` per indicator, whose last step is the table `agg`: one row per
group × municipality (0 = the whole country) × period with Σ numerator, Σ denominator and the
persons `n`. Turning `agg` into observations (value, unit, provenance, gap indicators) is small and is
done in the store by `engine.run` for every engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlglot
from sqlglot import exp

from pejling.engine.compiler import (
    DIMENSIONS,
    KEYED_PERSONS,
    PERSON_COLUMNS,
    REPEAT_RESIDENTS,
    RESIDENCE_PERSONS,
    PeriodRow,
    collect_coverage,
    coverage_query,
    coverage_residence,
    cube_query,
    keyed_persons,
    needs_repeats,
    periods_for,
    repeat_residents,
    residence_coverage,
    residence_persons,
)
from pejling.engine.constants import ConstantTable, values_query
from pejling.engine.groups import membership
from pejling.engine.predicates import Coverage
from pejling.spec.compute import ComputeSpec, Frame

#: the result table of every indicator plan
RESULT = "agg"
#: the frames carry a coverage table's bits when at least this many indicators read it
CARRY_FROM = 3


class Step:
    """Materialise `query` as the temporary table `table` (DuckDB semantics).

    A table of constants (group membership) is given by its rows (`constant`); engines load the
    rows directly, and its VALUES query is built only when something asks for it (Spark's
    fallback, the golden SQL), since building thousands of rows as a tree costs a noticeable
    fraction of a small run.
    """

    __slots__ = ("_query", "constant", "table")

    def __init__(
        self, table: str, query: exp.Expr | None = None, constant: ConstantTable | None = None
    ) -> None:
        if (query is None) == (constant is None):
            raise ValueError("a step is a query or a table of constants")
        self.table = table
        self._query = query
        self.constant = constant

    @property
    def query(self) -> exp.Expr:
        """The step as a query (for a table of constants, its VALUES list)."""
        if self._query is None:
            assert self.constant is not None
            self._query = values_query(self.constant)
        return self._query

    def sql(self, dialect: str = "duckdb") -> str:
        """The query in `dialect`."""
        return self.query.sql(dialect=dialect)

    def __repr__(self) -> str:
        return f"Step({self.table!r})"


@dataclass(frozen=True)
class IndicatorPlan:
    """The steps that compute one indicator's `agg` table."""

    indicator: str
    steps: tuple[Step, ...]


def keyed_register() -> tuple[Step, ...]:
    """The run's person tables, built once per run: `k_persons` (key, the columns predicates
    read, cube cell, weight) and `k_residence` (the residence spells with those columns).

    The other register tables are read as stored: they carry the person key (`register.keys`).
    Compiled queries read persons only through the frame, which takes `PERSON_COLUMNS`.
    """
    return (
        Step(KEYED_PERSONS, keyed_persons(PERSON_COLUMNS)),
        Step(RESIDENCE_PERSONS, residence_persons()),
    )


@dataclass(frozen=True)
class RunPlan:
    """Everything a run computes: the shared tables, then one plan per indicator."""

    shared: tuple[Step, ...]
    indicators: tuple[IndicatorPlan, ...]


def plan_run(
    specs: Sequence[tuple[str, ComputeSpec]],
    as_of: date,
    first_year: int,
    ranges: Mapping[str, Sequence[tuple[int, int]]] | None = None,
) -> RunPlan:
    """The whole run: keyed tables, one coverage table per set of reference dates, indicators.

    Point-frame indicators measured on the same dates share a coverage table (see
    `predicates.Coverage`). Their predicates are compiled first (`collect_coverage`), so
    that the table is complete before any indicator is compiled against it.
    """
    groups: dict[tuple[PeriodRow, ...], Coverage] = {}
    of_spec: dict[str, Coverage] = {}
    for indicator, spec in specs:
        if spec.frame is Frame.POINT:
            key = tuple(periods_for(spec, as_of, first_year))
            coverage = groups.setdefault(
                key, Coverage(f"cov_{len(groups) + 1}", min(p.year for p in key) if key else 0)
            )
            of_spec[indicator] = coverage
            collect_coverage(spec, as_of, coverage)
    # joining the bits to the residence spells costs about what one indicator's join saves
    readers: dict[str, int] = {}
    for coverage in of_spec.values():
        readers[coverage.name] = readers.get(coverage.name, 0) + 1
    for coverage in groups.values():
        coverage.carried = readers.get(coverage.name, 0) >= CARRY_FROM
    shared = list(keyed_register())
    repeats = any(needs_repeats(spec) for _, spec in specs)
    if repeats:
        shared.append(Step(REPEAT_RESIDENTS, repeat_residents()))
    # one membership table per distinct set of groups (most indicators share a few); a VALUES
    # list of thousands of rows costs a noticeable fraction of a second to parse each time
    memberships: dict[tuple[tuple[str | bool, ...], ...], str] = {}
    gm_of: dict[str, str] = {}
    for indicator, spec in specs:
        rows = tuple(membership(spec))
        if rows not in memberships:
            memberships[rows] = f"gm_{len(memberships) + 1}"
            shared.append(Step(memberships[rows], constant=_membership_values(rows)))
        gm_of[indicator] = memberships[rows]
    for key, coverage in groups.items():
        if coverage.columns:
            shared.append(Step(coverage.name, coverage_query(coverage, list(key))))
            if coverage.carried:
                shared.append(Step(coverage_residence(coverage), residence_coverage(coverage)))
    plans = tuple(
        indicator_plan(
            indicator,
            spec,
            as_of,
            first_year,
            (ranges or {}).get(indicator, ()),
            of_spec.get(indicator),
            repeats,
            gm_of[indicator],
        )
        for indicator, spec in specs
    )
    return RunPlan(_needed(shared, plans), plans)


def _needed(shared: list[Step], plans: tuple[IndicatorPlan, ...]) -> tuple[Step, ...]:
    """The shared steps some indicator reads, directly or through another shared step.

    Why: a run of a few indicators (`--indicator`) should not build coverage tables or
    repeat-resident lists that none of them reads.
    """
    wanted = {KEYED_PERSONS}
    for plan in plans:
        for step in plan.steps:
            if step.table != "gm":  # a VALUES list reads no table
                wanted.update(t.name for t in step.query.find_all(exp.Table))
    for step in reversed(shared):  # a shared step may read an earlier one
        if step.table in wanted and not step.table.startswith("gm_"):
            wanted.update(t.name for t in step.query.find_all(exp.Table))
    return tuple(step for step in shared if step.table in wanted)


def _membership_values(members: Sequence[Sequence[str | bool]]) -> ConstantTable:
    """The group membership of every cube cell as a table of constants `gm` (engine.groups)."""
    columns = ("grp", *DIMENSIONS)
    kinds = tuple(
        "boolean" if any(isinstance(m[i], bool) for m in members) else "string"
        for i in range(len(columns))
    )
    return ConstantTable(columns, kinds, tuple(tuple(m) for m in members))


def _aggregate(spec: ComputeSpec, ranges: Sequence[tuple[int, int]], gm: str = "gm") -> exp.Expr:
    """Sum the cube into groups, per municipality and nationally, and into cohort ranges."""
    using = ", ".join(DIMENSIONS)
    parts = [
        "SELECT grp, coalesce(municipality, 0) AS municipality, period, t, sum(num) AS num, "
        f"sum(den) AS den, sum(n) AS n FROM cube JOIN {gm} AS gm USING ({using}) "
        "GROUP BY GROUPING SETS ((grp, municipality, period, t), (grp, period, t))"
    ]
    for c1, c2 in ranges:
        label = f"cohort={int(c1)}-{int(c2)}"
        years = ", ".join(f"({y})" for y in range(int(c1), int(c2) + 1))
        parts.append(
            f"SELECT CASE WHEN grp = '' THEN '{label}' ELSE '{label};' || grp END AS grp, "
            "coalesce(municipality, 0) AS municipality, CAST(yy.y AS VARCHAR) AS period, "
            "CAST(yy.y AS DOUBLE) AS t, sum(num) AS num, sum(den) AS den, sum(n) AS n "
            f"FROM cube JOIN {gm} AS gm USING ({using}) "
            f"JOIN (SELECT * FROM (VALUES {years}) AS v(y)) AS yy "
            f"ON cube.y BETWEEN {int(c1)} AND yy.y "
            "GROUP BY GROUPING SETS ((grp, municipality, yy.y), (grp, yy.y))"
        )
    return sqlglot.parse_one(" UNION ALL ".join(parts), dialect="duckdb")


def indicator_plan(
    indicator: str,
    spec: ComputeSpec,
    as_of: date,
    first_year: int,
    ranges: Sequence[tuple[int, int]] = (),
    coverage: Coverage | None = None,
    repeats: bool = False,
    gm: str | None = None,
) -> IndicatorPlan:
    """cube (the person-level pass) → gm (group membership) → agg (the result).

    Without `coverage` (a plan of its own, outside `plan_run`) every "on the date" predicate
    is a semi-join of its own, and without `repeats` a person-time ratio counts its persons
    with a plain distinct count; the results are the same.
    """
    steps = [Step("cube", cube_query(spec, as_of, first_year, coverage, repeats))]
    if gm is None:
        steps.append(Step("gm", constant=_membership_values(membership(spec))))
    steps.append(Step(RESULT, _aggregate(spec, ranges, gm or "gm")))
    return IndicatorPlan(indicator, tuple(steps))
