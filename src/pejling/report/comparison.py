"""The municipal report's comparison with other municipalities: the numbers, decided once.

Two things from the national level (issue 12, item 7), for the report's municipality and year:

- its 7 most similar municipalities on frame conditions (`pejling.national.similar`), with the
  figures that made them similar;
- for each outcome indicator the policy's goals use that the case-mix benchmark covers
  (`pejling.national.benchmark`; when no goal uses one, the main outcomes `MAIN_OUTCOMES`), the
  municipality and its similar municipalities: observed and expected share, the difference in
  percentage points with its 95 % interval, the fifth and the funnel verdict.

The numbers live in frozen dataclasses on the report model; the words are made at the edge
(`pejling.report.comparison_texts`). Benchmarks are expensive on a national register, so a
`ComparisonSource` computes each (indicator, data date) once per run and is shared by all the
reports of that run. Disclosure control: a row is hidden when the benchmark's own control hides
it (`benchmark.hidden`) and, in `protect_comparison`, when the publication hides the
municipality's published figure for the same indicator and period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from pejling.disclosure import Cell
from pejling.errors import UserError
from pejling.evaluation.points import REGISTER
from pejling.groups import group_key
from pejling.periods import Period
from pejling.reference.municipalities import municipalities
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import Policy

if TYPE_CHECKING:  # the benchmark (numpy, the case-mix model) loads when a comparison is made
    from pejling.national.benchmark import BenchmarkResult
    from pejling.national.similar import Neighbour, SimilarResult
    from pejling.store.database import Store

#: compared when no goal of the policy uses a benchmarked indicator: employed within 3 years,
#: the Danish test passed within the programme and the self-supporting share (the outcomes the
#: Danish integration benchmarks and the result grants turn on)
MAIN_OUTCOMES = ("employed_after_3y", "danish_passed_within_programme", "self_supporting_share")

CellKey = tuple[str, int, str, str, str]  # as `pejling.report.model.CellKey`


@dataclass(frozen=True)
class SimilarRow:
    """One municipality of the similar-municipalities table (the report's own first)."""

    code: int
    name: str
    distance: float | None  # None for the report's own municipality
    values: tuple[float | None, ...]  # aligned with `SimilarView.variables`


@dataclass(frozen=True)
class SimilarVariable:
    """A frame variable shown as a column."""

    name: str
    label: str
    short: str
    unit: str


@dataclass(frozen=True)
class SimilarView:
    """The similar municipalities and the frame conditions they were found on."""

    year: int
    variables: tuple[SimilarVariable, ...]
    rows: tuple[SimilarRow, ...]
    compared: int

    @property
    def peers(self) -> tuple[SimilarRow, ...]:
        """The similar municipalities (without the report's own)."""
        return self.rows[1:]


@dataclass(frozen=True)
class ComparisonRow:
    """One municipality's benchmark figures as they may be published (None when hidden)."""

    code: int
    name: str
    own: bool  # the report's municipality
    hidden: bool
    persons: int | None = None
    observed: float | None = None  # percent
    expected: float | None = None  # percent
    difference: float | None = None  # percentage points
    interval: tuple[float, float] | None = None  # of the difference, percentage points
    fifth: int | None = None  # 1 = the best fifth; None: not ranked
    ranked: bool = False
    funnel: str | None = None  # within, above95, above998, below95, below998

    def withheld(self) -> ComparisonRow:
        """The row with every figure removed."""
        return ComparisonRow(self.code, self.name, self.own, True)


@dataclass(frozen=True)
class IndicatorComparison:
    """The benchmark of one indicator for the report's municipality and its peers."""

    indicator: str
    title: str
    title_en: str
    period: str  # the period label of the benchmark (a cohort's start year)
    higher_better: bool
    national: float  # percent
    min_persons: int
    rows: tuple[ComparisonRow, ...]
    synthetic: bool = False
    by_goal: bool = True  # a goal of the policy uses the indicator (else a main outcome)

    @property
    def own(self) -> ComparisonRow | None:
        """The report's municipality (None when it has no persons in the benchmark)."""
        return next((r for r in self.rows if r.own), None)


@dataclass(frozen=True)
class Comparison:
    """The report's comparison section."""

    municipality: int
    name: str
    similar: SimilarView | None
    indicators: tuple[IndicatorComparison, ...] = ()
    #: why there are no benchmarks: no_register, no_indicator or too_few (None: there are)
    missing: str | None = None
    synthetic: bool = False


@dataclass
class ComparisonSource:
    """Benchmarks and similar municipalities from one store, each computed once per run."""

    store: Store
    catalog: Catalog
    benchmarks: dict[tuple[str, date], BenchmarkResult | None] = field(default_factory=dict)
    similar: dict[tuple[int, int], SimilarResult | None] = field(default_factory=dict)
    _register: tuple[bool, date | None, bool] | None = None

    def register(self) -> tuple[bool, date | None, bool]:
        """(has a register, its data date, synthetic)."""
        if self._register is None:
            from pejling.engine.run import data_date, register_provenance

            row = self.store.con.execute("SELECT count(*) FROM persons").fetchone()
            if not row or not row[0]:
                self._register = (False, None, False)
            else:
                synthetic = register_provenance(self.store) == "synthetic"
                self._register = (True, data_date(self.store), synthetic)
        return self._register

    def benchmark(self, spec: IndicatorSpec, as_of: date) -> BenchmarkResult | None:
        """The benchmark of the newest period complete by `as_of` (None: no such period)."""
        key = (spec.id, as_of)
        if key not in self.benchmarks:
            self.benchmarks[key] = self._benchmark(spec, as_of)
        return self.benchmarks[key]

    def _benchmark(self, spec: IndicatorSpec, as_of: date) -> BenchmarkResult | None:
        from pejling.national.benchmark import benchmark_cells
        from pejling.national.outcome_frame import collapse, complete_periods

        assert spec.compute is not None
        periods = complete_periods(spec.compute, as_of)
        if not periods:
            return None
        chosen = periods[-1:]
        cells = collapse(self.store, spec.compute, as_of, chosen)
        if cells.size == 0:
            return None
        return benchmark_cells(
            cells,
            indicator=spec.id,
            title=spec.title,
            higher_better=spec.direction is not None and spec.direction.value == "higher",
            periods=tuple(p.label for p in chosen),
            as_of=as_of,
            synthetic=self.register()[2],
        )

    def similar_to(self, municipality: int, year: int) -> SimilarResult | None:
        """The 7 most similar municipalities for a year (the newest year when that has none)."""
        key = (municipality, year)
        if key not in self.similar:
            from pejling.national.similar import similar_municipalities

            result: SimilarResult | None = None
            for y in (year, None):
                try:
                    result = similar_municipalities(self.store, municipality, year=y)
                    break
                except UserError:
                    continue
            self.similar[key] = result
        return self.similar[key]


def compared_indicators(policy: Policy, catalog: Catalog) -> tuple[list[IndicatorSpec], bool]:
    """The benchmarked indicators a goal of the policy uses, else the main outcomes (flag False)."""
    from pejling.national.benchmark import benchmarkable

    available = {s.id: s for s in benchmarkable(catalog)}
    used: list[IndicatorSpec] = []
    for _theme, goal in policy.goals():
        ref = goal.indicator
        if ref is not None and ref.id in available and available[ref.id] not in used:
            used.append(available[ref.id])
    if used:
        return used, True
    return [available[i] for i in MAIN_OUTCOMES if i in available], False


def build_comparison(
    policy: Policy,
    catalog: Catalog,
    source: ComparisonSource,
    as_of: Period,
    threshold: int,
) -> Comparison | None:
    """The comparison for a municipal policy as of a period (None for a national policy)."""
    code = policy.municipality
    names = municipalities()
    if code not in names:
        return None
    name = names[code].name
    similar = _similar_view(source.similar_to(code, as_of.start.year))
    has_register, data_date, synthetic = source.register()
    if not has_register or data_date is None:
        return Comparison(code, name, similar, missing="no_register")
    specs, by_goal = compared_indicators(policy, catalog)
    if not specs:
        return Comparison(code, name, similar, missing="no_indicator", synthetic=synthetic)
    cutoff = min(data_date, as_of.end)  # nothing known after the report period
    peers = [code, *(r.code for r in similar.peers)] if similar else [code]
    found: list[IndicatorComparison] = []
    for spec in specs:
        result = source.benchmark(spec, cutoff)
        if result is None:
            continue
        rows = _rows(result, peers, code, threshold)
        if rows[0].own and (rows[0].hidden or rows[0].observed is not None):
            found.append(
                IndicatorComparison(
                    spec.id, spec.title, spec.title_en or spec.title, result.period_label,
                    result.higher_better, result.national_share, result.min_persons,
                    tuple(rows), result.synthetic, by_goal,
                )
            )  # fmt: skip
    if not found:
        return Comparison(code, name, similar, missing="too_few", synthetic=synthetic)
    return Comparison(code, name, similar, tuple(found), synthetic=synthetic)


def _rows(
    result: BenchmarkResult, order: list[int], own: int, threshold: int
) -> list[ComparisonRow]:
    from pejling.national.benchmark import hidden

    by_code = {r.municipality: r for r in result.rows}
    secret = hidden(result, threshold)
    names = municipalities()
    rows = []
    for code in order:
        b = by_code.get(code)
        name = names[code].name if code in names else str(code)
        if b is None:
            if code == own:
                return [ComparisonRow(code, name, False, True)]  # no persons: nothing to compare
            continue
        row = ComparisonRow(
            code, name, code == own, False, b.persons, b.observed_share, b.expected_share,
            b.difference, b.difference_interval, b.fifth if b.ranked else None, b.ranked, b.funnel,
        )  # fmt: skip
        rows.append(row.withheld() if code in secret else row)
    return rows


def _similar_view(result: SimilarResult | None) -> SimilarView | None:
    if result is None or not result.neighbours:
        return None
    variables = tuple(
        SimilarVariable(s.variable.name, s.variable.label, s.variable.short or s.variable.label,
                        s.variable.unit)
        for s in result.variables
    )  # fmt: skip

    def row(n: Neighbour, distance: float | None) -> SimilarRow:
        return SimilarRow(n.code, n.name, distance, tuple(n.values.get(v.name) for v in variables))

    rows = [row(result.municipality, None), *(row(n, n.distance) for n in result.neighbours)]
    return SimilarView(result.year, variables, tuple(rows), result.compared)


def _whole_population(catalog: Catalog, indicator: str) -> set[str]:
    """The group keys of an indicator's whole population: everybody and its aliases."""
    spec = catalog.get(indicator)
    groups = {""}
    if spec is not None and spec.compute is not None:
        groups |= {group_key(alias) for alias in spec.compute.whole_population_as}
    return groups


def protect_comparison(
    comparison: Comparison | None, catalog: Catalog, safe: Mapping[CellKey, Cell]
) -> Comparison | None:
    """The comparison with every row withheld whose published figure the publication hides:
    the municipality's register figure for the indicator and period, for everybody or a group
    that is the indicator's whole population (e.g. a map of the same figure)."""
    if comparison is None or not comparison.indicators:
        return comparison
    indicators = []
    for ic in comparison.indicators:
        groups = _whole_population(catalog, ic.indicator)
        rows = []
        for r in ic.rows:
            cells = [safe.get((ic.indicator, r.code, g, REGISTER, ic.period)) for g in groups]
            secret = any(c is not None and c.suppressed for c in cells)
            rows.append(r.withheld() if secret and not r.hidden else r)
        indicators.append(replace(ic, rows=tuple(rows)))
    return replace(comparison, indicators=tuple(indicators))


def expected_for_goal(
    policy: Policy,
    goal_id: str,
    catalog: Catalog,
    source: ComparisonSource,
    as_of: Period | None = None,
) -> float | None:
    """The share the municipality's case mix predicts for a goal's indicator (percent), for
    the target advisor; None when it cannot be computed: no register, an indicator the
    benchmark does not cover, a goal on another source than the register or on a group other
    than the indicator's whole population (the benchmark models the whole population), or no
    persons in the municipality."""
    goal = next((g for _t, g in policy.goals() if goal_id in (g.id, g.label)), None)
    if goal is None or goal.indicator is None or policy.municipality not in municipalities():
        return None
    from pejling.national.benchmark import benchmarkable

    ref = goal.indicator
    spec = next((s for s in benchmarkable(catalog) if s.id == ref.id), None)
    if spec is None or ref.source not in (None, REGISTER):
        return None
    if group_key(ref.group) not in _whole_population(catalog, spec.id):
        return None
    has_register, data_date, _synthetic = source.register()
    if not has_register or data_date is None:
        return None
    cutoff = min(data_date, as_of.end) if as_of is not None else data_date
    result = source.benchmark(spec, cutoff)
    row = (
        next((r for r in result.rows if r.municipality == policy.municipality), None)
        if result
        else None
    )
    return row.expected_share if row is not None else None
