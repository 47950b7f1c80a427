"""The national report's model: a national policy's goals in every municipality, with a map
and — for outcome indicators the benchmark covers — the case-mix comparison of the 98.

Everything shown comes from two published sources: `national_status` (the goals judged in every
municipality after the publication-wide disclosure control) and `benchmark_store` (observed
against expected). A benchmark row is hidden when the benchmark's own disclosure rule hides it
(`pejling.national.benchmark.hidden`) *or* when the municipality's published figure of the same
population is hidden in the national status, so the comparison can never show a figure the
matrix suppresses. Rendering is `pejling.national.report_render`; docs/reports.md describes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pejling.errors import UserError
from pejling.national.benchmark import (
    MIN_PERSONS,
    BenchmarkResult,
    MunicipalityBenchmark,
    benchmark_store,
    benchmarkable,
    hidden,
)
from pejling.national.goals import NationalGoal, NationalStatus, area_name
from pejling.periods import Period
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.store.database import Store


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


def national_benchmarks(
    store: Store,
    catalog: Catalog,
    status: NationalStatus,
    *,
    min_persons: int = MIN_PERSONS,
) -> dict[str, BenchmarkResult]:
    """The benchmark of every benchmarkable indicator of the policy's goals, each computed once
    for the newest complete year up to the report period; {} without a person register."""
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
            results = benchmark_store(store, catalog, [spec.id], year=year, min_persons=min_persons)
        except UserError:
            continue  # no complete period or no persons: the goal is reported without it
        if results:
            out[spec.id] = results[0]
    return out


def _comparison(goal: NationalGoal, result: BenchmarkResult, threshold: int) -> GoalComparison:
    """The benchmark's rows for every municipality of the report, hidden ones without figures."""
    same = _population_group(goal)
    hide = set(hidden(result, threshold))
    if same:
        # a published figure of the same population that the matrix hides hides the row too
        hide |= {st.municipality_code for st in goal.main.rows if st.suppressed}
    by_code = {r.municipality: r for r in result.rows}
    lines = []
    for st in goal.main.rows:
        code = st.municipality_code
        row = by_code.get(code)
        lines.append(ComparisonLine(code, area_name(code), None if code in hide else row,
                                    code in hide))  # fmt: skip
    lines.sort(key=lambda ln: ln.name)
    return GoalComparison(result, tuple(lines), frozenset(hide), same)


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
) -> NationalReport:
    """Assemble the report from a judged national status and its benchmarks."""
    sections = []
    for i, g in enumerate(status.goals, start=1):
        period, values = _map(g)
        result = (benchmarks or {}).get(g.goal.indicator.id) if g.goal.indicator else None
        comparison = _comparison(g, result, status.threshold) if result is not None else None
        sections.append(NationalSection(g, f"maal-{i}-{g.goal.id}", period, values, comparison))
    return NationalReport(status, tuple(sections), today or date.today(), min_persons_ranked)


__all__ = [
    "ComparisonLine",
    "GoalComparison",
    "NationalReport",
    "NationalSection",
    "benchmark_year",
    "build_national_report",
    "national_benchmarks",
]
