"""The national report's model: a national policy's goals in every municipality, with a map
and — for outcome indicators the benchmark covers — the case-mix comparison of the 98.

Everything shown comes from two published sources: `national_status` (the goals judged in every
municipality after the publication-wide disclosure control) and `benchmark_store` (observed
against expected). Cohort indicators are compared over `COHORT_POOL` cohort years pooled: one
year's cohort is a few dozen persons in most municipalities. A benchmark row is hidden when the
benchmark's own disclosure rule hides it (fewer than the threshold's persons, with or without the
outcome), when the municipality's published figure of the same population is hidden (a single
year), or when the pool minus the single years the publication shows leaves a small rest or one
hidden year (`pejling.disclosure.pooled_reveals`); then, since the nation is published beside
them, another municipality is hidden with it if only one is. Rendering is
`pejling.national.report_render`; docs/reports.md describes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pejling.disclosure import Cell, pooled_reveals, suppress
from pejling.errors import UserError
from pejling.evaluation.status import GoalStatus
from pejling.groups import group_key
from pejling.national.benchmark import (
    MIN_PERSONS,
    BenchmarkResult,
    MunicipalityBenchmark,
    benchmark_store,
    benchmarkable,
)
from pejling.national.goals import NationalGoal, NationalStatus, area_name
from pejling.periods import Period
from pejling.report.model import ShownPoint
from pejling.report.protection import CellKey
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.store.database import Store

#: cohort years pooled in the national report's comparison of a cohort indicator (KORA 2017
#: pooled eight; docs/benchmark.md: five years give 80 persons in most municipalities)
COHORT_POOL = 5
#: (municipality, period label) → the single period's true counts (numerator, denominator)
PeriodCounts = Mapping[tuple[int, str], Cell]


@dataclass(frozen=True)
class ComparisonLine:
    """One municipality in the comparison table (`row` None: no persons, or hidden)."""

    code: int
    name: str
    row: MunicipalityBenchmark | None
    hidden: bool


@dataclass(frozen=True)
class GoalComparison:
    """The case-mix comparison of a goal's indicator, disclosure-controlled."""

    result: BenchmarkResult
    lines: tuple[ComparisonLine, ...]  # every municipality, by name
    hidden: frozenset[int]
    #: the benchmark counts the goal's own group (else the indicator's whole population)
    same_group: bool

    @property
    def shown(self) -> list[MunicipalityBenchmark]:
        """The rows that may be published."""
        return [ln.row for ln in self.lines if ln.row is not None]

    @property
    def pooled(self) -> bool:
        """Several periods (cohort years) pooled."""
        return len(self.result.periods) > 1


@dataclass(frozen=True)
class NationalSection:
    """One national goal: its status in every municipality, a map and maybe a comparison."""

    goal: NationalGoal
    anchor: str
    map_period: Period | None
    map_values: dict[int, float | None]  # every municipality; None: no published figure
    comparison: GoalComparison | None


@dataclass(frozen=True)
class NationalReport:
    """The national report of a national policy as of a period."""

    status: NationalStatus
    sections: tuple[NationalSection, ...]
    generated: date
    min_persons_ranked: int = MIN_PERSONS

    @property
    def synthetic(self) -> bool:
        """Any figure computed from synthetic data (the matrix or a benchmark)."""
        return self.status.synthetic or any(
            s.comparison is not None and s.comparison.result.synthetic for s in self.sections
        )

    @property
    def municipalities(self) -> int:
        """Municipalities judged."""
        return len(self.status.codes)

    @property
    def period_label(self) -> str:
        """The period as a code for file names (2024, 2024H2)."""
        return self.status.as_of.label


def _population_group(goal: NationalGoal) -> bool:
    """Whether the goal's group is the indicator's whole population (as the benchmark counts)."""
    if goal.goal.indicator is None or goal.spec is None:
        return False
    aliases: set[tuple[str, str]] = set()
    if goal.spec.compute is not None:
        aliases = {kv for alias in goal.spec.compute.whole_population_as for kv in alias.items()}
    return not [kv for kv in goal.goal.indicator.group.items() if kv not in aliases]


def benchmark_year(store: Store, spec: IndicatorSpec, as_of: Period) -> int | None:
    """The newest complete benchmark year of an indicator up to the report period."""
    from pejling.engine.run import data_date
    from pejling.national.outcome_frame import complete_periods

    if spec.compute is None:
        return None
    years = [r.year for r in complete_periods(spec.compute, data_date(store))]
    years = [y for y in years if y <= as_of.end.year]
    return years[-1] if years else None


def is_cohort(spec: IndicatorSpec) -> bool:
    """A cohort indicator: persons followed from an event (a cohort frame), or an arrival
    cohort seen at a date (`arrived_years_before`, e.g. employed three years after arrival) —
    a single year of either is a few dozen persons in most municipalities."""
    from pejling.spec.compute import Frame

    c = spec.compute
    if c is None:
        return False
    return c.frame is Frame.COHORT or any("arrived_years_before" in p for p in c.population)


def national_benchmarks(
    store: Store,
    catalog: Catalog,
    status: NationalStatus,
    *,
    min_persons: int = MIN_PERSONS,
    cohort_pool: int = COHORT_POOL,
) -> dict[str, BenchmarkResult]:
    """The benchmark of every benchmarkable indicator of the policy's goals, each computed once
    for the newest complete year up to the report period — a cohort indicator over the
    `cohort_pool` cohort years ending there; {} without a person register."""
    row = store.con.execute("SELECT count(*) FROM persons").fetchone()
    if not row or not row[0]:
        return {}
    covered = {s.id: s for s in benchmarkable(catalog)}
    out: dict[str, BenchmarkResult] = {}
    for g in status.goals:
        spec = covered.get(g.goal.indicator.id) if g.goal.indicator else None
        if spec is None or spec.id in out:
            continue
        year = benchmark_year(store, spec, status.as_of)
        if year is None:
            continue
        try:
            pool = cohort_pool if is_cohort(spec) else 1
            results = benchmark_store(
                store, catalog, [spec.id], year=year, pool=pool, min_persons=min_persons
            )
        except UserError:
            continue  # no complete period or no persons: the goal is reported without it
        # a share only: another kind of result (e.g. a duration model) is not shown here
        shares = [r for r in results if r.indicator == spec.id and r.kind == "logistic"]
        if shares:
            out[spec.id] = shares[0]
    return out


def whole_population(spec: IndicatorSpec | None) -> set[str]:
    """The group keys of an indicator's whole population: everybody and its aliases."""
    groups = {""}
    if spec is not None and spec.compute is not None:
        groups |= {group_key(alias) for alias in spec.compute.whole_population_as}
    return groups


def period_counts(
    store: Store, catalog: Catalog, benchmarks: Mapping[str, BenchmarkResult]
) -> dict[str, dict[tuple[int, str], Cell]]:
    """The true counts of every single period of each pooled benchmark, per municipality (the
    register's figure for the indicator's whole population, newest vintage): what
    `pooled_reveals` subtracts. Only pooled benchmarks; nothing of it is published."""
    out: dict[str, dict[tuple[int, str], Cell]] = {}
    for ind, result in benchmarks.items():
        if len(result.periods) < 2:
            continue
        groups = sorted(whole_population(catalog.get(ind)))
        rows = store.con.execute(
            "SELECT municipality, period, arg_max(numerator, vintage), "
            "arg_max(denominator, vintage) FROM all_observations WHERE indicator = ? "
            "AND provenance IN ('register', 'synthetic') AND grp = ? AND list_contains(?, period) "
            "GROUP BY municipality, period",
            [ind, groups[0], list(result.periods)],
        ).fetchall()
        out[ind] = {(int(m), str(p)): Cell(num, den, None) for m, p, num, den in rows}
    return out


def _pool_reveals(
    code: int,
    goal: NationalGoal,
    result: BenchmarkResult,
    row: MunicipalityBenchmark,
    published: Mapping[CellKey, ShownPoint],
    counts: PeriodCounts,
    threshold: int,
) -> bool:
    """Whether a municipality's pooled row gives away a single year the publication hides."""
    from pejling.evaluation.points import REGISTER

    groups = whole_population(goal.spec)
    parts = []
    for label in result.periods:
        shown = [published.get((result.indicator, code, g, REGISTER, label)) for g in groups]
        visible = any(p is not None and not p.suppressed for p in shown)
        cell = counts.get((code, label), Cell(0.0, 0.0, None))  # no figure: nobody
        parts.append(Cell(cell.numerator, cell.denominator, None, suppressed=not visible))
    pool = Cell(float(row.successes), float(row.persons), None)
    return pooled_reveals(pool, parts, threshold)


def comparison_hidden(result: BenchmarkResult, forced: set[int], threshold: int) -> set[int]:
    """The municipalities to hide: the primary rule on the persons with and without the
    outcome, the `forced` ones (hidden because of other published figures), and — since the
    nation is published beside them — more until no municipality is the nation minus the
    others (`pejling.disclosure.suppress`)."""
    cells: dict[int, Cell] = {
        r.municipality: Cell(float(r.successes), float(r.persons), r.observed_share,
                             suppressed=r.municipality in forced)
        for r in result.rows
    }  # fmt: skip
    total = Cell(
        float(sum(r.successes for r in result.rows)), float(result.persons), result.national_share
    )
    out = suppress({0: total, **cells}, [[0, *cells]], threshold, keep=(0,))
    return {k for k, c in out.items() if c.suppressed and k != 0}


def _comparison(
    goal: NationalGoal,
    result: BenchmarkResult,
    threshold: int,
    published: Mapping[CellKey, ShownPoint] | None = None,
    counts: PeriodCounts | None = None,
) -> GoalComparison:
    """The benchmark's rows for every municipality of the report, hidden ones without figures."""
    same = _population_group(goal)
    forced: set[int] = set()
    if same and len(result.periods) == 1:
        # a published figure of the same population that the matrix hides hides the row too
        forced |= {st.municipality_code for st in goal.main.rows if st.suppressed}
    if len(result.periods) > 1:
        # pool − the single years published = the rest: neither small nor one hidden year
        forced |= {
            r.municipality
            for r in result.rows
            if _pool_reveals(r.municipality, goal, result, r, published or {}, counts or {},
                             threshold)
        }  # fmt: skip
    hide = comparison_hidden(result, forced, threshold)
    by_code = {r.municipality: r for r in result.rows}
    lines = []
    for st in goal.main.rows:
        code = st.municipality_code
        row = by_code.get(code)
        lines.append(ComparisonLine(code, area_name(code), None if code in hide else row,
                                    code in hide))  # fmt: skip
    lines.sort(key=lambda ln: ln.name)
    return GoalComparison(result, tuple(lines), frozenset(hide), same)


def figure_key(status: NationalStatus, goal: NationalGoal, st: GoalStatus) -> CellKey | None:
    """The cell a municipality's (or the nation's) figure of a goal is, as the publication keys
    it: its judged period, or — when the figure is hidden — the newest period of its series
    the publication has (None: no figure)."""
    from pejling.evaluation.points import REGISTER

    if goal.spec is None or goal.goal.indicator is None:
        return None
    grp = group_key(dict(goal.goal.indicator.group))
    src = st.series_source or REGISTER
    series = (goal.spec.id, st.municipality_code, grp, src)
    if st.latest is not None:
        return (*series, st.latest.period.label)
    periods = [
        p.period for key, p in status.published.items()
        if key[:4] == series and p.period.end <= status.as_of.end
    ]  # fmt: skip
    if not periods:
        return None
    return (*series, max(periods, key=lambda p: p.t).label)


def _map(goal: NationalGoal) -> tuple[Period | None, dict[int, float | None]]:
    """Each municipality's published figure in the newest period most of them have."""
    latest = [st.latest for st in goal.main.rows if st.latest is not None]
    if not latest:
        return None, {st.municipality_code: None for st in goal.main.rows}
    counts = Counter(v.period.label for v in latest)
    label = max(counts, key=lambda k: (counts[k], k))
    period = next(v.period for v in latest if v.period.label == label)
    values = {
        st.municipality_code: (
            st.latest.value if st.latest is not None and st.latest.period.label == label else None
        )
        for st in goal.main.rows
    }
    return period, values


def build_national_report(
    status: NationalStatus,
    benchmarks: Mapping[str, BenchmarkResult] | None = None,
    *,
    today: date | None = None,
    min_persons_ranked: int = MIN_PERSONS,
    counts: Mapping[str, PeriodCounts] | None = None,
) -> NationalReport:
    """Assemble the report from a judged national status and its benchmarks (`counts`: the
    single periods of pooled benchmarks, `period_counts`)."""
    sections = []
    for i, g in enumerate(status.goals, start=1):
        period, values = _map(g)
        result = (benchmarks or {}).get(g.goal.indicator.id) if g.goal.indicator else None
        comparison = None
        if result is not None:
            ind = result.indicator
            comparison = _comparison(
                g, result, status.threshold, status.published, (counts or {}).get(ind)
            )
        sections.append(NationalSection(g, f"maal-{i}-{g.goal.id}", period, values, comparison))
    return NationalReport(status, tuple(sections), today or date.today(), min_persons_ranked)


__all__ = [
    "COHORT_POOL",
    "ComparisonLine",
    "GoalComparison",
    "NationalReport",
    "NationalSection",
    "benchmark_year",
    "build_national_report",
    "comparison_hidden",
    "figure_key",
    "is_cohort",
    "national_benchmarks",
    "period_counts",
    "whole_population",
]
