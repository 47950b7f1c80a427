"""What a status report says, built from a policy, its evaluation and the observations.

The model is the single place where published figures are decided: it evaluates each goal as
of the report year, collects every figure that will be shown (the goal's series, the national
series, the other municipalities for the map), and runs them through disclosure control once,
so the HTML, the PDF, the workbook and the public site can only show what survived.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from pejling.disclosure import Cell, group_relations, suppress
from pejling.evaluation.evaluate import evaluate_goal, evaluate_key_figure
from pejling.evaluation.points import Point
from pejling.evaluation.status import GoalStatus, GoalStatusCode
from pejling.groups import group_key
from pejling.periods import Period
from pejling.progress.uncertainty import wilson_interval
from pejling.reference.municipalities import name_of
from pejling.report.data import ObservationCache, ReportSource
from pejling.report.texts import STATUS_ORDER, labels
from pejling.spec.catalog import Catalog
from pejling.spec.compute import Measure
from pejling.spec.indicator import IndicatorSpec, Unit
from pejling.spec.policy import Goal, Initiative, KeyFigure, Measurement, Policy, Theme

MAP_MIN_MUNICIPALITIES = 90  # a map needs (nearly) every municipality to place one among them

CellKey = tuple[str, int, str, str]  # indicator, municipality, group key, period label


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


@dataclass(frozen=True)
class SeriesView:
    """A line in a goal's chart: the municipality, a reference group, or the whole country."""

    role: str  # "focal", "reference" or "national"
    label: str
    group: str
    points: list[ShownPoint]

    def visible(self) -> list[ShownPoint]:
        """Points with a published value."""
        return [p for p in self.points if p.value is not None]


@dataclass(frozen=True)
class MapView:
    """Where this municipality stands among all municipalities in one period."""

    period: Period
    values: dict[int, float | None]  # None: suppressed
    national: float | None
    rank: int | None
    n: int


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


@dataclass(frozen=True)
class ThemeSection:
    """A theme and its goals, in document order."""

    theme: Theme
    anchor: str
    goals: list[GoalSection]


@dataclass(frozen=True)
class Report:
    """A whole status report, ready for any output format."""

    policy: Policy
    lang: str
    year: int
    municipality_name: str
    threshold: int
    generated: date
    data_dates: list[str]
    themes: list[ThemeSection]
    indicators: list[IndicatorSpec]
    sources: list[str]
    suppressed_count: int
    status_counts: dict[GoalStatusCode, int] = field(default_factory=dict)

    def goals(self) -> list[GoalSection]:
        """All goal sections in document order."""
        return [g for t in self.themes for g in t.goals]

    @property
    def t(self) -> dict[str, str]:
        """Fixed texts in the report's language."""
        return labels(self.lang)


def default_year(policy: Policy, catalog: Catalog, cache: ObservationCache) -> int:
    """The newest year with data for the policy's indicators (else the policy's last year)."""
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
    return year if year is not None else policy.period.end.start.year


def build_report(
    policy: Policy,
    catalog: Catalog,
    cache: ReportSource,
    *,
    year: int,
    lang: str = "da",
    threshold: int = 5,
    today: date | None = None,
) -> Report:
    """Evaluate the policy as of `year` and decide every published figure.

    `cache` must hold only data up to the end of `year` (`ObservationCache(until_t=...)`), so
    evaluation sees only what was known for the report year.
    """
    mun = policy.municipality
    mun_name = name_of(mun) if mun else labels(lang)["national"]
    drafts: list[tuple[Theme, Goal | None, KeyFigure | None, GoalStatus]] = []
    for theme in policy.themes:
        for one_goal in theme.goals:
            st = evaluate_goal(policy, theme, one_goal, catalog, cache)
            drafts.append((theme, one_goal, None, st))
        for one_kf in theme.key_figures:
            st = evaluate_key_figure(policy, theme, one_kf, catalog, cache)
            drafts.append((theme, None, one_kf, st))

    # 1. Every figure the report will show, as disclosure cells.
    cells: dict[CellKey, Cell] = {}
    points: dict[CellKey, Point] = {}
    specs: dict[str, IndicatorSpec] = {}

    def add(spec: IndicatorSpec, municipality: int, grp: str, p: Point) -> CellKey:
        key = (spec.id, municipality, grp, p.period.label)
        if key not in cells:
            cells[key] = _cell(spec, p)
            points[key] = p
        return key

    plans: list[tuple[list[tuple[str, str, str, list[CellKey]]], list[CellKey], Period | None]] = []
    for _theme, goal, kf, _status in drafts:
        ref = goal.indicator if goal else (kf.indicator if kf else None)
        spec = catalog.get(ref.id) if ref else None
        lines: list[tuple[str, str, str, list[CellKey]]] = []
        map_keys: list[CellKey] = []
        map_period: Period | None = None
        if spec is not None and ref is not None and not (goal and goal.target.kind.value == "none"):
            specs[spec.id] = spec
            focal = group_key(ref.group)
            groups = [("focal", focal)]
            if goal and goal.target.reference_group:
                groups.append(("reference", group_key(goal.target.reference_group)))
            for role, grp in groups:
                series = cache.series(spec.id, mun, grp)
                lines.append(
                    (
                        role,
                        grp,
                        _group_label(spec, grp, lang),
                        [add(spec, mun, grp, p) for p in series],
                    )
                )
            if mun != 0:
                national = cache.series(spec.id, 0, focal)
                if national:
                    lines.append(
                        (
                            "national",
                            focal,
                            labels(lang)["national"],
                            [add(spec, 0, focal, p) for p in national],
                        )
                    )
            map_period, map_keys = _map_cells(spec, focal, cache, add)
        plans.append((lines, map_keys, map_period))

    # 2. Relations: groups of one indicator/municipality/period, and municipalities → nation.
    relations: list[list[CellKey]] = []
    by_slice: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    for ind, m, grp, per in cells:
        by_slice[(ind, m, per)].add(grp)
    for (ind, m, per), grps in by_slice.items():
        for rel in group_relations(grps):
            relations.append([(ind, m, g, per) for g in rel])
    by_area: dict[tuple[str, str, str], list[CellKey]] = defaultdict(list)
    for key in cells:
        by_area[(key[0], key[2], key[3])].append(key)
    for keys in by_area.values():
        if len(keys) > 2:
            relations.append(sorted(keys, key=lambda k: k[1]))  # code 0 (the nation) first
    safe = suppress({k: c for k, c in cells.items() if _has_counts(c)}, relations, threshold)

    def shown(key: CellKey) -> ShownPoint:
        p = points[key]
        s = safe.get(key)
        if s is not None and s.suppressed:
            return ShownPoint(p.period, None, None, None, None, True, p.source, p.vintage)
        return ShownPoint(
            p.period, p.value, p.numerator, p.denominator, _interval(specs[key[0]], p),
            False, p.source, p.vintage,
        )  # fmt: skip

    # 3. Sections.
    sections: dict[str, list[GoalSection]] = defaultdict(list)
    data_dates: set[str] = set()
    sources: set[str] = set()
    used_specs: dict[str, IndicatorSpec] = {}
    for (theme, goal, kf, status), (lines, map_keys, map_period) in zip(drafts, plans, strict=True):
        ref = goal.indicator if goal else (kf.indicator if kf else None)
        spec = catalog.get(ref.id) if ref else None
        if spec is not None:
            used_specs[spec.id] = spec
        views = [
            SeriesView(role, lbl, grp, [shown(k) for k in keys]) for role, grp, lbl, keys in lines
        ]
        for v in views:
            for p in v.points:
                if p.source:
                    sources.add(p.source)
                if v.role != "national" and p.vintage:
                    data_dates.add(p.vintage)
        latest_hidden, base_hidden = _hidden_figures(status, views)
        reason = status.reason_da if lang == "da" else status.reason_en
        if latest_hidden or base_hidden:
            text = "suppressed_reason" if latest_hidden else "suppressed_reason_base"
            reason = labels(lang)[text].format(t=threshold)
            status = _hide_numbers(status, latest_hidden, base_hidden)
        map_view = (
            _map_view(spec, mun, map_period, [shown(k) for k in map_keys], map_keys)
            if spec and map_period
            else None
        )
        gid = goal.id if goal else (kf.id if kf else "")
        sections[theme.id].append(
            GoalSection(
                theme=theme,
                anchor=f"maal-{theme.id}-{gid}",
                is_key_figure=kf is not None,
                status=status,
                reason=reason,
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
        )
    themes = [
        ThemeSection(theme, f"tema-{theme.id}", sections[theme.id])
        for theme in policy.themes
        if sections[theme.id]
    ]
    counts = {code: 0 for code in STATUS_ORDER}
    for t in themes:
        for g in t.goals:
            counts[g.status.status] += 1
    published_keys = {k for plan in plans for line in plan[0] for k in line[3]} | {
        k for plan in plans for k in plan[1]
    }
    return Report(
        policy=policy,
        lang=lang,
        year=year,
        municipality_name=mun_name,
        threshold=threshold,
        generated=today or date.today(),
        data_dates=sorted(data_dates),
        themes=themes,
        indicators=[used_specs[k] for k in sorted(used_specs)],
        sources=sorted(sources),
        suppressed_count=sum(1 for k in published_keys if k in safe and safe[k].suppressed),
        status_counts=counts,
    )


def _cell(spec: IndicatorSpec, p: Point) -> Cell:
    """The person counts a figure rests on, as far as the indicator tells them.

    Shares with counts (computed, or a municipality's own extract) rest on persons in the
    numerator, the denominator and the rest; a computed count is a number of persons; a
    computed mean rests on its denominator. Counts from published statistics are already
    disclosure-controlled by their publisher and are often not persons at all (housing
    areas, agreements); person-time ratios rest on hours or days, not persons.
    """
    measure = spec.compute.measure if spec.compute else None
    if measure is Measure.RATIO:
        return Cell(None, None, None)
    if measure is Measure.MEAN:
        return Cell(None, p.denominator, None)
    if measure is Measure.COUNT:
        return Cell(None, None, p.value)
    if spec.unit is Unit.PERCENT and p.denominator is not None:
        return Cell(p.numerator, p.denominator, None)
    return Cell(None, None, None)


def _has_counts(cell: Cell) -> bool:
    return any(x is not None for x in (cell.numerator, cell.denominator, cell.value))


def _interval(spec: IndicatorSpec, p: Point) -> tuple[float, float] | None:
    if (
        spec.unit is not Unit.PERCENT
        or p.numerator is None
        or p.denominator is None
        or p.denominator <= 0
        or not 0 <= p.numerator <= p.denominator
    ):
        return None
    lo, hi = wilson_interval(p.numerator, p.denominator)
    return lo * 100, hi * 100


def _group_label(spec: IndicatorSpec, grp: str, lang: str) -> str:
    from pejling.evaluation.texts import Texts

    group = dict(kv.split("=", 1) for kv in grp.split(";") if kv)
    if lang == "da":
        return Texts.series_label(spec, group, None)
    described = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in group.items()) or "all"
    return f"{spec.title_en or spec.title} ({described})"


def _map_cells(
    spec: IndicatorSpec,
    grp: str,
    cache: ReportSource,
    add: object,
) -> tuple[Period | None, list[CellKey]]:
    """The newest period for which (nearly) all municipalities have the figure."""
    series = cache.all_municipalities(spec.id, grp)
    per_period: dict[str, list[tuple[int, Point]]] = defaultdict(list)
    for code, pts in series.items():
        if code == 0:
            continue
        for p in pts:
            per_period[p.period.label].append((code, p))
    full = [lbl for lbl, rows in per_period.items() if len(rows) >= MAP_MIN_MUNICIPALITIES]
    if not full:
        return None, []
    label = max(full, key=lambda lbl: per_period[lbl][0][1].t)
    rows = per_period[label]
    assert callable(add)
    keys = [add(spec, code, grp, p) for code, p in rows]
    national = next((p for p in series.get(0, []) if p.period.label == label), None)
    if national is not None:
        keys.append(add(spec, 0, grp, national))
    return rows[0][1].period, keys


def _map_view(
    spec: IndicatorSpec,
    municipality: int,
    period: Period,
    shown: list[ShownPoint],
    keys: list[CellKey],
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
    return MapView(period, values, national, rank, sum(v is not None for v in values.values()))


def _hidden_figures(status: GoalStatus, views: list[SeriesView]) -> tuple[bool, bool]:
    """Whether the latest and the baseline figure the status quotes have been suppressed.

    A baseline stated in the policy document (no vintage) is already public and stays.
    """
    hidden = {
        p.period.label for v in views if v.role != "national" for p in v.points if p.suppressed
    }
    latest = status.latest is not None and status.latest.period.label in hidden
    base = (
        status.baseline is not None
        and bool(status.baseline.vintage)
        and status.baseline.period.label in hidden
    )
    return latest, base


def _hide_numbers(status: GoalStatus, latest: bool, baseline: bool) -> GoalStatus:
    """Drop every number derived from a suppressed figure (a relative target reveals its base)."""
    out = replace(status, projection=None, progress_value=None, remaining=None, uncertain=False)
    if latest:
        out = replace(out, latest=None)
    if baseline:
        relative = status.kind in ("change_pp", "change_rel")
        out = replace(out, baseline=None, target_value=None if relative else out.target_value)
    return out
