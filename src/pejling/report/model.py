"""What a status report says, built from a policy, its evaluation and the observations.

The model is the single place where published figures *and published verdicts* are decided: it
evaluates each goal as of the report period, collects every figure that will be shown (the goal's
series per source, the national series, the other municipalities for the map), runs them through
disclosure control once, and then withholds any verdict that rests on a hidden figure. The HTML,
the PDF, the workbook, the public site and `pejling status` all read this model, so they show the
same status for the same goal and period and can only show what survived.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from pejling.disclosure import Cell
from pejling.engine.run import SOURCE as COMPUTED_SOURCE
from pejling.evaluation.evaluate import Judging, judge_goal, judge_key_figure
from pejling.evaluation.points import REGISTER, Point
from pejling.evaluation.series import wilson_pct
from pejling.evaluation.status import (
    GOAL_CODES,
    TREND_CODES,
    GoalStatus,
    GoalStatusCode,
    Reason,
    evolve,
)
from pejling.evaluation.texts import series_name
from pejling.groups import group_key
from pejling.periods import Period
from pejling.reference.municipalities import name_of
from pejling.report.comparison import Comparison, protect_comparison
from pejling.report.data import ObservationCache, ReportSource
from pejling.report.protection import protect
from pejling.report.texts import labels
from pejling.spec.catalog import Catalog
from pejling.spec.compute import Measure
from pejling.spec.indicator import IndicatorSpec, Unit
from pejling.spec.policy import Goal, Initiative, KeyFigure, Measurement, Policy, Theme
from pejling.spec.settings import DEFAULT_MIN_PERSONS

MAP_MIN_MUNICIPALITIES = 90  # a map needs (nearly) every municipality to place one among them

CellKey = tuple[str, int, str, str, str]  # indicator, municipality, group, series source, period
_Line = tuple[str, str, str, str, list[CellKey]]  # role, group, label, source, cell keys


@dataclass(frozen=True)
class ShownPoint:
    """One figure as it may be published (value None when suppressed)."""

    period: Period
    value: float | None
    numerator: float | None
    denominator: float | None
    interval: tuple[float, float] | None
    suppressed: bool
    source: str
    vintage: str
    provenance: str = "published"
    persons: float | None = None  # the persons counted (the sample, for a weighted register)

    @property
    def synthetic(self) -> bool:
        """Computed from generated data."""
        return self.provenance == "synthetic"

    @property
    def estimated(self) -> bool:
        """Numerator and denominator are population estimates from a weighted sample."""
        return (
            self.persons is not None
            and self.denominator is not None
            and abs(self.persons - self.denominator) > 0.5
            and self.provenance in ("register", "synthetic")
        )


@dataclass(frozen=True)
class SeriesView:
    """A line in a goal's chart: one group from one source (never two sources in one line).

    Roles: `focal` (the goal's group in the judged source), `reference` (the comparison group of
    a gap, same source), `national` (the whole country, same source) and `other` (the goal's
    group from another source, e.g. the figure the policy document quotes).
    """

    role: str
    label: str
    group: str
    points: list[ShownPoint]
    source: str = ""  # series source key: "register" or the publisher
    source_label: str = ""

    def visible(self) -> list[ShownPoint]:
        """Points with a published value."""
        return [p for p in self.points if p.value is not None]

    @property
    def synthetic(self) -> bool:
        """Any point computed from generated data."""
        return any(p.synthetic for p in self.points)


@dataclass(frozen=True)
class MapView:
    """Where this municipality stands among all municipalities in one period."""

    period: Period
    values: dict[int, float | None]  # None: suppressed
    national: float | None
    rank: int | None
    n: int
    source_label: str = ""
    synthetic: bool = False
    #: every figure of the map as published (the municipalities and the nation), by cell key,
    #: for the data download (`pejling.report.download`)
    cells: dict[CellKey, ShownPoint] = field(default_factory=dict)


@dataclass(frozen=True)
class GoalSection:
    """Everything the report shows for one goal or key figure."""

    theme: Theme
    anchor: str
    is_key_figure: bool
    status: GoalStatus
    reason: str
    spec: IndicatorSpec | None
    series: list[SeriesView]
    map: MapView | None
    initiatives: list[Initiative]
    measurement: Measurement | None
    latest_suppressed: bool
    baseline_suppressed: bool = False
    goal: Goal | None = None
    key_figure: KeyFigure | None = None

    @property
    def title(self) -> str:
        """The heading: the goal's own label (e.g. "Mål 3.A"), else its statement, shortened."""
        if self.goal is not None and self.goal.label:
            return self.goal.label
        text = " ".join(self.status.statement.split())
        return text if len(text) <= 100 else text[:99].rsplit(" ", 1)[0] + " …"

    @property
    def shows_statement(self) -> bool:
        """Whether the statement must be printed under the heading (it is not the heading)."""
        return self.title != " ".join(self.status.statement.split())

    @property
    def has_own_label(self) -> bool:
        """Whether the heading is a label distinct from the statement."""
        return self.goal is not None and bool(self.goal.label)

    @property
    def unit(self) -> str:
        """The unit of the charted series (the indicator's, not the gap's)."""
        return self.spec.unit.value if self.spec else self.status.unit

    @property
    def is_gap(self) -> bool:
        """A gap goal: two groups on one chart, the target on their difference."""
        return any(s.role == "reference" for s in self.series)

    @property
    def synthetic(self) -> bool:
        """Any figure in the section was computed from generated data."""
        return (
            any(s.synthetic for s in self.series)
            or self.status.synthetic
            or bool(self.map and self.map.synthetic)
        )


@dataclass(frozen=True)
class ThemeSection:
    """A theme and its goals, in document order."""

    theme: Theme
    anchor: str
    goals: list[GoalSection]


def section_anchor(ident: str, key_figure: bool) -> str:
    """A goal's anchor and page name: `maal-1`, `maal-h4-ledighed`, `noegletal-p2-dansk`.

    Goal and key-figure ids are unique within a policy (lint rule `duplicate-id`), so the id
    alone names the page; the theme is not repeated (no `maal-maal-1-…`).
    """
    prefix = "noegletal" if key_figure else "maal"
    return ident if ident.startswith(prefix) else f"{prefix}-{ident}"


@dataclass(frozen=True)
class HeadlineCount:
    """How many goals show one status headline, and how many of them are uncertain."""

    code: GoalStatusCode
    label: str
    count: int
    uncertain: int


@dataclass(frozen=True)
class Report:
    """A whole status report, ready for any output format."""

    policy: Policy
    lang: str
    as_of: Period
    municipality_name: str
    threshold: int
    generated: date
    data_dates: list[str]
    themes: list[ThemeSection]
    indicators: list[IndicatorSpec]
    sources: list[str]
    suppressed_count: int
    status_counts: dict[GoalStatusCode, int] = field(default_factory=dict)
    uncertain_counts: dict[GoalStatusCode, int] = field(default_factory=dict)
    key_figure_counts: dict[GoalStatusCode, int] = field(default_factory=dict)
    initiative_only: int = 0
    synthetic: bool = False
    min_persons: int = DEFAULT_MIN_PERSONS
    estimated: bool = False  # some figures are estimates from a weighted sample
    #: the comparison with other municipalities (None: not made, e.g. a report built without a
    #: store; a made comparison without benchmarks says why in `Comparison.missing`)
    comparison: Comparison | None = None

    def goals(self) -> list[GoalSection]:
        """All goal and key-figure sections in document order."""
        return [g for t in self.themes for g in t.goals]

    def statuses(self) -> list[GoalStatus]:
        """The published status of every goal and key figure, in document order."""
        return [g.status for g in self.goals()]

    def headline_counts(self) -> list[HeadlineCount]:
        """Goals counted by the words their status shows ('Nået ved fristen', 'Tilbagegang i
        perioden'), in status order, so a front page counts what the goal pages say."""
        order = {code: i for i, code in enumerate(GOAL_CODES)}
        found: dict[tuple[GoalStatusCode, str], list[int]] = {}
        for st in self.statuses():
            if not st.is_goal:
                continue
            n = found.setdefault((st.status, st.headline(self.lang)), [0, 0])
            n[0] += 1
            n[1] += int(st.uncertain and st.is_verdict)
        keys = sorted(found, key=lambda k: (order.get(k[0], len(order)), k[1]))
        return [HeadlineCount(code, label, *found[(code, label)]) for code, label in keys]

    @property
    def year(self) -> int:
        """The calendar year of the report period."""
        return self.as_of.start.year

    @property
    def period_label(self) -> str:
        """The report period in file names: 2018, 2019Q3, 2020-06."""
        return self.as_of.label

    @property
    def policy_ended(self) -> bool:
        """The policy's period has ended by the report period."""
        return self.policy.period.end.end <= self.as_of.end

    @property
    def goal_count(self) -> int:
        """Goals with a result target or direction (key figures and initiative goals apart)."""
        return sum(self.status_counts.values())

    @property
    def t(self) -> dict[str, str]:
        """Fixed texts in the report's language."""
        return labels(self.lang)


def default_as_of(policy: Policy, catalog: Catalog, cache: ObservationCache) -> Period:
    """The default report period: a policy that has ended is reported for its last year;
    otherwise the newest year with data for its indicators (else the current year)."""
    today = date.today()
    if policy.period.end.end < today:
        return Period.year(policy.period.end.end.year)
    ids = sorted(
        {
            ref.id
            for theme in policy.themes
            for ref in [g.indicator for g in theme.goals if g.indicator]
            + [k.indicator for k in theme.key_figures]
            if catalog.get(ref.id) is not None
        }
    )
    year = cache.latest_year(ids)
    return Period.year(year if year is not None else today.year)


def default_year(policy: Policy, catalog: Catalog, cache: ObservationCache) -> int:
    """The calendar year of `default_as_of`."""
    return default_as_of(policy, catalog, cache).start.year


@dataclass
class ReportDraft:
    """A policy evaluated as of a period, with every figure its report will show, before
    disclosure control (which is decided once for everything published together)."""

    policy: Policy
    catalog: Catalog
    lang: str
    as_of: Period
    threshold: int
    min_persons: int
    today: date | None
    drafts: list[tuple[Theme, Goal | None, KeyFigure | None, GoalStatus]]
    plans: list[tuple[list[_Line], list[CellKey], Period | None]]
    cells: dict[CellKey, Cell]
    points: dict[CellKey, Point]
    specs: dict[str, IndicatorSpec]
    #: the comparison with other municipalities (None: not made, e.g. without a store)
    comparison: Comparison | None = None


def build_report(
    policy: Policy,
    catalog: Catalog,
    cache: ReportSource,
    *,
    as_of: Period | None = None,
    year: int | None = None,
    lang: str = "da",
    threshold: int = 5,
    min_persons: int = DEFAULT_MIN_PERSONS,
    today: date | None = None,
) -> Report:
    """Evaluate the policy as of a period and decide every published figure and verdict, for a
    report published on its own (reports published together: `build_publication`).

    `cache` must hold only data known at the end of the period (`ObservationCache(as_of=...)`).
    """
    draft = draft_report(
        policy, catalog, cache, as_of=as_of, year=year, lang=lang, threshold=threshold,
        min_persons=min_persons, today=today,
    )  # fmt: skip
    return finish_report(draft, protect_drafts([draft]))


def build_publication(drafts: Sequence[ReportDraft]) -> list[Report]:
    """The reports of everything published together (all reports, the site, every workbook):
    one suppression pattern over all their figures, so no report gives away what another
    hides, and every verdict checked against it."""
    safe = protect_drafts(drafts)
    return [finish_report(d, safe) for d in drafts]


def protect_drafts(drafts: Sequence[ReportDraft]) -> dict[CellKey, Cell]:
    """Disclosure control over the union of the drafts' figures (`pejling.report.protection`)."""
    cells: dict[CellKey, Cell] = {}
    specs: dict[str, IndicatorSpec] = {}
    for d in drafts:
        cells.update(d.cells)
        specs.update(d.specs)
    thresholds = {d.threshold for d in drafts}
    if len(thresholds) > 1:
        raise ValueError("reports published together need one disclosure threshold")
    threshold = thresholds.pop() if thresholds else 5

    def aliases(indicator: str, source: str) -> frozenset[tuple[str, str]]:
        spec = specs.get(indicator)
        if spec is None or spec.compute is None or source != REGISTER:
            return frozenset()
        return frozenset(kv for alias in spec.compute.whole_population_as for kv in alias.items())

    counted = {k: c for k, c in cells.items() if _has_counts(c)}
    judged = {
        key
        for d in drafts
        for lines, _map_keys, _period in d.plans
        for role, _grp, _label, _src, keys in lines
        if role in ("focal", "reference")
        for key in keys
    }
    return protect(counted, aliases, threshold, keep=judged)


def draft_report(
    policy: Policy,
    catalog: Catalog,
    cache: ReportSource,
    *,
    as_of: Period | None = None,
    year: int | None = None,
    lang: str = "da",
    threshold: int = 5,
    min_persons: int = DEFAULT_MIN_PERSONS,
    today: date | None = None,
    maps: bool = True,
) -> ReportDraft:
    """Evaluate the policy as of a period and collect every figure its report will show.

    `maps=False` leaves out the map of the 98 municipalities in each section: the national
    policy's per-municipality drafts (`pejling.national.goals`) are never shown as reports, and
    their map figures are every municipality's own figures, which those drafts hold anyway, so
    leaving the maps out changes neither a verdict nor the publication's suppression pattern.
    """
    if as_of is None:
        as_of = Period.year(year if year is not None else (today or date.today()).year)
    mun = policy.municipality
    judging = Judging(catalog, cache, as_of, min_persons)
    drafts: list[tuple[Theme, Goal | None, KeyFigure | None, GoalStatus]] = []
    for theme in policy.themes:
        for one_goal in theme.goals:
            drafts.append((theme, one_goal, None, judge_goal(judging, policy, theme, one_goal)))
        for one_kf in theme.key_figures:
            drafts.append((theme, None, one_kf, judge_key_figure(judging, policy, theme, one_kf)))

    # 1. Every figure the report will show, as disclosure cells.
    cells: dict[CellKey, Cell] = {}
    points: dict[CellKey, Point] = {}
    specs: dict[str, IndicatorSpec] = {}

    def add(spec: IndicatorSpec, municipality: int, grp: str, p: Point) -> CellKey:
        key = (spec.id, municipality, grp, p.series, p.period.label)
        if key not in cells:
            cells[key] = _cell(spec, p)
            points[key] = p
        return key

    plans: list[tuple[list[_Line], list[CellKey], Period | None]] = []
    for _theme, goal, kf, status in drafts:
        ref = goal.indicator if goal else (kf.indicator if kf else None)
        spec = catalog.get(ref.id) if ref else None
        lines: list[_Line] = []
        map_keys: list[CellKey] = []
        map_period: Period | None = None
        if spec is not None and ref is not None and not (goal and goal.target.kind.value == "none"):
            specs[spec.id] = spec
            focal = group_key(ref.group)
            chosen = status.series_source
            focal_points = cache.series(spec.id, mun, focal)
            for source in _sources(focal_points, chosen):
                role = "focal" if source == chosen else "other"
                pts = [p for p in focal_points if p.series == source]
                lines.append((role, focal, _group_label(spec, focal, lang), source,
                              [add(spec, mun, focal, p) for p in pts]))  # fmt: skip
            if goal and goal.target.reference_group and chosen is not None:
                rgrp = group_key(goal.target.reference_group)
                rpts = [p for p in cache.series(spec.id, mun, rgrp) if p.series == chosen]
                lines.append(("reference", rgrp, _group_label(spec, rgrp, lang), chosen,
                              [add(spec, mun, rgrp, p) for p in rpts]))  # fmt: skip
            if mun != 0 and chosen is not None:
                national = [p for p in cache.series(spec.id, 0, focal) if p.series == chosen]
                if national:
                    lines.append(("national", focal, labels(lang)["national"], chosen,
                                  [add(spec, 0, focal, p) for p in national]))  # fmt: skip
            if chosen is not None and maps:
                # a verdict at the deadline is mapped for the deadline's figure, not a later one
                until = status.latest.period if status.final and status.latest else None
                map_period, map_keys = _map_cells(spec, focal, chosen, cache, add, until)
        plans.append((lines, map_keys, map_period))

    return ReportDraft(policy, catalog, lang, as_of, threshold, min_persons, today, drafts, plans,
                       cells, points, specs)  # fmt: skip


def finish_report(draft: ReportDraft, safe: Mapping[CellKey, Cell]) -> Report:
    """The report as it may be published: figures as `safe` (the publication's suppression
    pattern) allows, and no verdict resting on a hidden figure."""
    policy, catalog, lang, as_of = draft.policy, draft.catalog, draft.lang, draft.as_of
    threshold, min_persons, today = draft.threshold, draft.min_persons, draft.today
    drafts, plans, points, specs = draft.drafts, draft.plans, draft.points, draft.specs
    mun = policy.municipality
    mun_name = name_of(mun) if mun else labels(lang)["national"]

    def shown(key: CellKey) -> ShownPoint:
        p = points[key]
        s = safe.get(key)
        if s is not None and s.suppressed:
            return ShownPoint(p.period, None, None, None, None, True, p.source, p.vintage,
                              p.provenance)  # fmt: skip
        return ShownPoint(
            p.period, p.value, p.numerator, p.denominator, wilson_pct(specs[key[0]], p),
            False, p.source, p.vintage, p.provenance, p.persons,
        )  # fmt: skip

    # 3. Sections, with every verdict checked against what may be published.
    sections: dict[str, list[GoalSection]] = defaultdict(list)
    data_dates: set[str] = set()
    sources: set[str] = set()
    used_specs: dict[str, IndicatorSpec] = {}
    synthetic = False
    for (theme, goal, kf, status), (lines, map_keys, map_period) in zip(drafts, plans, strict=True):
        ref = goal.indicator if goal else (kf.indicator if kf else None)
        spec = catalog.get(ref.id) if ref else None
        if spec is not None:
            used_specs[spec.id] = spec
        views = [
            SeriesView(role, lbl, grp, [shown(k) for k in keys], src,
                       _source_name(src, any(points[k].synthetic for k in keys), lang))
            for role, grp, lbl, src, keys in lines
        ]  # fmt: skip
        for v in views:
            for p in v.points:
                if p.source == COMPUTED_SOURCE:  # the engine's tag, named for a reader
                    sources.add(labels(lang)["computed_source"])
                elif p.source:
                    sources.add(p.source)
                if v.role in ("focal", "reference") and p.vintage:
                    data_dates.add(p.vintage)
        hidden = _hidden_periods(views)
        latest_hidden = status.latest is not None and status.latest.period.label in hidden
        base_hidden = status.baseline is not None and status.baseline.period.label in hidden
        status = _gate(status, latest_hidden, base_hidden, threshold, hidden)
        if status.since is not None and status.since.period.label in hidden:
            status = replace(status, since=None)
        map_view = (
            _map_view(spec, mun, map_period, [shown(k) for k in map_keys], map_keys, points, lang)
            if spec and map_period
            else None
        )
        gid = goal.id if goal else (kf.id if kf else "")
        section = GoalSection(
            theme=theme,
            anchor=section_anchor(gid, kf is not None),
            is_key_figure=kf is not None,
            status=status,
            reason=status.reason(lang),
            spec=spec,
            series=views,
            map=map_view,
            initiatives=policy.initiatives_for(gid) if goal else [],
            measurement=(goal.measurement if goal else kf.measurement if kf else None),
            latest_suppressed=latest_hidden,
            baseline_suppressed=base_hidden,
            goal=goal,
            key_figure=kf,
        )
        synthetic = synthetic or section.synthetic
        sections[theme.id].append(section)
    themes = [
        ThemeSection(theme, f"tema-{theme.id}", sections[theme.id])
        for theme in policy.themes
        if sections[theme.id]
    ]
    counts = {code: 0 for code in GOAL_CODES}
    uncertain = {code: 0 for code in GOAL_CODES}
    trends = {code: 0 for code in (*TREND_CODES, GoalStatusCode.NOT_ASSESSABLE, GoalStatusCode.NO_DATA)}  # fmt: skip
    initiative_only = 0
    for th in themes:
        for g in th.goals:
            st = g.status
            if st.status is GoalStatusCode.INITIATIVE_ONLY:
                initiative_only += 1
            elif st.is_key_figure:
                trends[st.status] = trends.get(st.status, 0) + 1
            else:
                counts[st.status] += 1
                if st.uncertain and st.is_verdict:
                    uncertain[st.status] += 1
    comparison = protect_comparison(draft.comparison, catalog, safe)
    synthetic = synthetic or bool(comparison and comparison.indicators and comparison.synthetic)
    published_keys = {k for plan in plans for line in plan[0] for k in line[4]} | {
        k for plan in plans for k in plan[1]
    }
    return Report(
        policy=policy,
        lang=lang,
        as_of=as_of,
        municipality_name=mun_name,
        threshold=threshold,
        generated=today or date.today(),
        data_dates=sorted(data_dates),
        themes=themes,
        indicators=[used_specs[k] for k in sorted(used_specs)],
        sources=sorted(sources),
        suppressed_count=sum(1 for k in published_keys if k in safe and safe[k].suppressed),
        status_counts=counts,
        uncertain_counts=uncertain,
        key_figure_counts=trends,
        initiative_only=initiative_only,
        synthetic=synthetic,
        min_persons=min_persons,
        estimated=any(p.estimated for th in themes for g in th.goals for v in g.series
                      for p in v.points),
        comparison=comparison,
    )  # fmt: skip


def _sources(points: list[Point], chosen: str | None) -> list[str]:
    """The series sources to show for a group: the judged one first, then the others."""
    found: list[str] = []
    for p in points:
        if p.series not in found:
            found.append(p.series)
    return sorted(found, key=lambda s: (s != chosen, found.index(s)))


def _source_name(series: str, synthetic: bool, lang: str) -> str:
    return series_name(series, synthetic, lang)


def _cell(spec: IndicatorSpec, p: Point) -> Cell:
    """The person counts a figure rests on, as far as the indicator tells them.

    Shares with counts (computed, or a municipality's own extract) rest on persons in the
    numerator, the denominator and the rest; a computed count is a number of persons; a
    computed mean rests on its denominator; a person-time ratio rests on the persons counted
    behind it. Counts from published statistics are already disclosure-controlled by their
    publisher and are often not persons at all (housing areas, agreements).
    """
    measure = spec.compute.measure if spec.compute else None
    if p.series != REGISTER and measure is not None and p.denominator is None:
        measure = None  # a published figure of a computable indicator: no counts to protect
    # A sampled (weighted) register stores population estimates as numerator and denominator.
    # Disclosure control applies to those published counts, as for a full register: an estimate
    # from a sample reveals no sampled person. Whether the sample is large enough to carry a
    # verdict is the separate precision rule (`min_persons`, on the sampled persons).
    if measure is Measure.RATIO:
        return Cell(None, p.persons, None)
    if measure is Measure.MEAN:
        return Cell(None, p.denominator, None)
    if measure is Measure.COUNT:
        return Cell(None, None, p.value)
    if spec.unit is Unit.PERCENT and p.denominator is not None:
        return Cell(p.numerator, p.denominator, None)
    return Cell(None, None, None)


def _has_counts(cell: Cell) -> bool:
    return any(x is not None for x in (cell.numerator, cell.denominator, cell.value))


def _group_label(spec: IndicatorSpec, grp: str, lang: str) -> str:
    from pejling.groups import describe_group_da

    group = dict(kv.split("=", 1) for kv in grp.split(";") if kv)
    if lang == "da":
        return f"{spec.title} ({describe_group_da(group)})"
    described = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in group.items()) or "all"
    return f"{spec.title_en or spec.title} ({described})"


def _map_cells(
    spec: IndicatorSpec,
    grp: str,
    source: str,
    cache: ReportSource,
    add: Callable[[IndicatorSpec, int, str, Point], CellKey],
    until: Period | None = None,
) -> tuple[Period | None, list[CellKey]]:
    """The newest period (up to `until`) for which (nearly) all municipalities have the figure,
    in one source."""
    period, rows, national = _map_selection(spec.id, grp, source, cache, until)
    keys = [add(spec, code, grp, p) for code, p in rows]
    if national is not None:
        keys.append(add(spec, 0, grp, national))
    return period, keys


_MapSelection = tuple[Period | None, list[tuple[int, Point]], Point | None]


def _map_selection(
    indicator: str, grp: str, source: str, cache: ReportSource, until: Period | None
) -> _MapSelection:
    """The map's period, its municipalities' points and the national point.

    Remembered on the report source (its instance dictionary): the 99 drafts of a national
    policy (the nation and every municipality) share one source and ask for the same maps —
    in the demo's `pejling status` 2,202 requests for 45 distinct maps, each a pass over every
    municipality's series.
    """
    memo: dict[tuple[str, str, str, str | None], _MapSelection] = vars(cache).setdefault(
        "_map_selections", {}
    )
    key = (indicator, grp, source, until.label if until else None)
    if key not in memo:
        memo[key] = _select_map(indicator, grp, source, cache, until)
    return memo[key]


def _select_map(
    indicator: str, grp: str, source: str, cache: ReportSource, until: Period | None
) -> _MapSelection:
    series = cache.all_municipalities(indicator, grp)
    per_period: dict[str, list[tuple[int, Point]]] = defaultdict(list)
    for code, pts in series.items():
        if code == 0:
            continue
        for p in pts:
            if p.series == source and (until is None or p.period.start <= until.start):
                per_period[p.period.label].append((code, p))
    full = [lbl for lbl, rows in per_period.items() if len(rows) >= MAP_MIN_MUNICIPALITIES]
    if not full:
        return None, [], None
    label = max(full, key=lambda lbl: per_period[lbl][0][1].t)
    rows = per_period[label]
    national = next(
        (p for p in series.get(0, []) if p.period.label == label and p.series == source), None
    )
    return rows[0][1].period, rows, national


def _map_view(
    spec: IndicatorSpec,
    municipality: int,
    period: Period,
    shown: list[ShownPoint],
    keys: list[CellKey],
    points: dict[CellKey, Point],
    lang: str,
) -> MapView:
    values: dict[int, float | None] = {}
    national: float | None = None
    for key, p in zip(keys, shown, strict=True):
        if key[1] == 0:
            national = p.value
        else:
            values[key[1]] = p.value
    rank: int | None = None
    mine = values.get(municipality)
    if mine is not None and spec.direction is not None:
        better = sum(
            1 for v in values.values() if v is not None and spec.direction.sign * (v - mine) > 0
        )
        rank = better + 1
    synthetic = any(points[k].synthetic for k in keys)
    source = keys[0][3] if keys else ""
    return MapView(period, values, national, rank, sum(v is not None for v in values.values()),
                   _source_name(source, synthetic, lang), synthetic,
                   dict(zip(keys, shown, strict=True)))  # fmt: skip


def _hidden_periods(views: list[SeriesView]) -> set[str]:
    """Periods whose figure in the judged source (focal or reference group) is suppressed.

    A baseline stated in the policy document is already public and is not affected.
    """
    return {
        p.period.label
        for v in views
        if v.role in ("focal", "reference")
        for p in v.points
        if p.suppressed
    }


def _gate(
    status: GoalStatus, latest: bool, baseline: bool, threshold: int, hidden: set[str] | None = None
) -> GoalStatus:
    """No verdict on a hidden figure, and no number derived from one.

    A verdict at the deadline on an absolute target (a level, a gap, a count) rests on the
    figure at the deadline alone: a hidden baseline is withheld, the verdict stands. Interim
    targets never show a hidden figure, and a relative target never reveals a hidden base.
    """
    hidden = hidden or set()
    relative = status.kind in ("change_pp", "change_rel")
    milestones = tuple(
        replace(
            m,
            at=None if m.at is not None and m.at.period.label in hidden else m.at,
            met=None if m.at is not None and m.at.period.label in hidden else m.met,
            target=m.target,
        )
        for m in status.milestones
    )
    if baseline and relative:
        milestones = ()  # every relative milestone would reveal the base
    status = evolve(status, milestones=milestones)
    if not (latest or baseline):
        return status
    rests_on_deadline_only = (
        status.final
        and status.kind in ("level", "gap", "count")
        and status.target_value is not None
    )
    out = replace(
        status,
        projection=None,
        progress_value=None,
        remaining=None,
        speed=None,
        change_interval=None,
        threshold=threshold,
        persons=None,  # a count below the threshold is itself a hidden figure
        latest_pair=None if latest else status.latest_pair,
        baseline_pair=None if baseline else status.baseline_pair,
        latest=None if latest else status.latest,
        baseline=None if baseline else status.baseline,
    )
    if baseline and relative:
        out = replace(out, target_value=None)  # a relative target reveals its base
    if not latest and rests_on_deadline_only:
        return replace(out, persons=status.persons)  # the verdict stands on the visible figure
    out = replace(out, suppressed=True)
    if status.is_verdict or status.reason_code in (
        Reason.TOO_FEW_PERSONS,
        Reason.TARGET_FROM_OTHER_SOURCE,
    ):
        out = replace(
            out,
            status=GoalStatusCode.NOT_ASSESSABLE,
            reason_code=Reason.SUPPRESSED,
            uncertain=False,
            score=None,
            progress_class=None,
        )
    return out
