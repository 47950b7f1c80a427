"""A target advisor: how ambitious is a goal's target, against the municipality's peers and history?

For one goal of a policy: the figure the municipality would be expected to have given its case
mix (an input: the case-mix benchmark supplies it; without it "ikke beregnet"), what the similar
municipalities and the best fifth of all municipalities have, the change the target asks for
against every change of the same length in the store's history, and a suggested range. The
rules are in docs/similar-and-targets.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pejling.errors import UserError
from pejling.evaluation import series as sr
from pejling.evaluation.evaluate import evaluate_goal
from pejling.evaluation.points import Point
from pejling.evaluation.status import GoalStatus, ValueAt
from pejling.evaluation.store_source import StoreSeries
from pejling.groups import group_key
from pejling.national.changes import (
    STEP,
    ChangeHistory,
    Scale,
    apply,
    change,
    history,
    per_year,
    period_at,
)
from pejling.national.similar import SimilarResult, similar_municipalities
from pejling.periods import Period
from pejling.progress.limits import natural_bounds
from pejling.reference.municipalities import municipalities
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import Goal, Policy, TargetKind, Theme
from pejling.spec.settings import DEFAULT_MIN_PERSONS
from pejling.store.database import Store

RARE_SHARE = 0.05
"""A target whose required change was reached in fewer than 5 % of the windows is 'rarely
reached' (lint warns; `pejling lint --rare-below` changes it)."""
MIN_WINDOWS = 20
"""Fewer windows than this say too little about what is realistic: no range, no warning."""
RANGE = (0.5, 0.8)
"""The suggested range runs from the median to the 80th percentile of historical improvements."""
ADVISED_KINDS = (TargetKind.LEVEL, TargetKind.CHANGE_PP, TargetKind.CHANGE_REL, TargetKind.GAP,
                 TargetKind.DIRECTION)  # fmt: skip

Start = Literal["latest", "baseline"]


@dataclass(frozen=True)
class PeerFigure:
    """A municipality's figure on the goal's series (None: none, or too few persons)."""

    code: int
    name: str
    value: float | None
    period: str | None
    distance: float | None = None
    too_few: bool = False


@dataclass(frozen=True)
class BestFifth:
    """The best fifth of municipalities on the goal's series in one period."""

    period: str
    municipalities: int  # with a usable figure in the period
    size: int  # how many make up the best fifth
    threshold: float  # the figure of the weakest of the best fifth
    median: float  # the median figure of the best fifth
    rank: int | None  # the municipality's own rank (1 = best) among `municipalities`


@dataclass(frozen=True)
class TargetAdvice:
    """What the advisor found for one goal (figures in the goal's unit; pp for a gap)."""

    policy_id: str
    goal_id: str
    label: str
    municipality_code: int
    indicator_id: str | None
    group: str
    reference_group: str | None
    unit: str
    direction: int  # +1: higher is better on the judged series (a gap: −1)
    kind: str
    series_source: str | None
    start: ValueAt | None  # the figure the required change is counted from
    start_kind: Start
    latest: ValueAt | None
    target: float | None
    deadline: Period | None
    scale: Scale
    expected: float | None = None
    already_met: bool = False  # the newest figure is at or beyond the target
    met_at_start: bool = False  # the figure counted from was already at or beyond the target
    deadline_passed: bool = False
    stated_baseline: bool = False  # the goal names a baseline date (else: first figure in period)
    required_change: float | None = None  # on `scale`, signed
    required_per_year: float | None = None
    horizon: float | None = None
    history: ChangeHistory | None = None
    suggested: tuple[float, float] | None = None
    peers: tuple[PeerFigure, ...] = ()
    peer_median: float | None = None
    best_fifth: BestFifth | None = None
    similar_year: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def rarely_reached(self) -> bool:
        """History says the target's change was (almost) never made (see `RARE_SHARE`)."""
        return self.rare_below(RARE_SHARE)

    def rare_below(self, share: float) -> bool:
        """The required change was reached in fewer than `share` of at least MIN_WINDOWS
        windows."""
        h = self.history
        if self.met_at_start or h is None or h.achieved_share is None or h.windows < MIN_WINDOWS:
            return False
        return h.achieved_share < share


def scale_of(kind: TargetKind, spec: IndicatorSpec, gap: bool) -> Scale:
    """Points for shares and gaps; relative for a relative goal and for other units."""
    if kind is TargetKind.CHANGE_REL:
        return Scale.RELATIVE
    if gap or spec.unit.value == "percent":
        return Scale.PP
    return Scale.RELATIVE


_PANEL_SQL = """
SELECT municipality, grp, period, value, numerator, denominator, source, vintage, provenance,
       publisher, persons
FROM all_observations
WHERE indicator = ? AND grp IN (?, ?) AND municipality <> 0 AND value IS NOT NULL AND series = ?
QUALIFY row_number() OVER (PARTITION BY municipality, grp, period
                           ORDER BY vintage DESC, import_id DESC) = 1
"""


def load_panel(
    store: Store, spec: IndicatorSpec, grp: str, reference: str | None, source: str,
    kind: Period, sign: int, min_persons: int, as_of: Period | None = None,
) -> dict[int, list[Point]]:  # fmt: skip
    """Every municipality's series of the goal (the gap series for a gap goal), one source,
    the periods of the goal series' kind, figures on fewer than `min_persons` persons left out."""
    rows = store.con.execute(_PANEL_SQL, [spec.id, grp, reference or grp, source]).fetchall()
    focal: dict[int, list[Point]] = {}
    ref: dict[int, list[Point]] = {}
    for r in rows:
        period = Period.parse(r[2])
        if period.type is not kind.type:
            continue
        p = Point(period, float(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10])
        if as_of is not None and not sr.known_at([p], as_of, sr.follow_up_years(spec)):
            continue  # only what was known as of the period asked for
        if r[1] == grp:
            focal.setdefault(int(r[0]), []).append(p)
        if reference is not None and r[1] == reference:
            ref.setdefault(int(r[0]), []).append(p)
    out: dict[int, list[Point]] = {}
    for code, pts in focal.items():
        pts.sort(key=lambda p: p.t)
        if reference is not None:
            pts = sr.gap_series(pts, sorted(ref.get(code, []), key=lambda p: p.t), sign).points
        out[code] = [p for p in pts if p.persons is None or p.persons >= min_persons]
    return out


def _best_fifth(
    panel: Mapping[int, Sequence[Point]], period: str, direction: int, code: int
) -> BestFifth | None:
    figures = {c: p.value for c, pts in panel.items() for p in pts if p.period.label == period}
    if len(figures) < 5:
        return None
    ranked = sorted(figures.items(), key=lambda kv: (-direction * kv[1], kv[0]))
    size = max(1, round(len(ranked) / 5))
    best = [v for _c, v in ranked[:size]]
    mid = sorted(best)
    median = (mid[(size - 1) // 2] + mid[size // 2]) / 2
    rank = next((i + 1 for i, (c, _v) in enumerate(ranked) if c == code), None)
    return BestFifth(period, len(ranked), size, best[-1], median, rank)


def _peers(
    panel: Mapping[int, Sequence[Point]], all_codes: Mapping[int, Sequence[Point]],
    similar: SimilarResult, period: str,
) -> tuple[PeerFigure, ...]:  # fmt: skip
    out: list[PeerFigure] = []
    for nb in similar.neighbours:
        point = next((p for p in panel.get(nb.code, []) if p.period.label == period), None)
        hidden = point is None and any(p.period.label == period for p in all_codes.get(nb.code, []))
        out.append(PeerFigure(nb.code, nb.name, point.value if point else None,
                              period if point else None, nb.distance, hidden))  # fmt: skip
    return tuple(out)


def advise_target(
    store: Store,
    policy: Policy,
    goal_id: str,
    catalog: Catalog,
    *,
    as_of: Period | None = None,
    start: Start = "latest",
    expected: float | None = None,
    similar: SimilarResult | None = None,
    with_peers: bool = True,
    min_persons: int = DEFAULT_MIN_PERSONS,
) -> TargetAdvice:
    """Advice on one goal's target (see the module docstring and docs/similar-and-targets.md).

    `expected` is the figure the municipality's case mix predicts (from the case-mix benchmark;
    None: "ikke beregnet"). `start="baseline"` counts the required change from the baseline
    (how ambitious the target was when set: lint uses it); the default counts it from the newest
    figure, or from the baseline once the deadline has passed.
    """
    if policy.municipality not in municipalities():
        raise UserError(
            f"politikken '{policy.id}' er ikke en kommunes politik; rådgiveren giver råd om én "
            "kommunes mål (for nationale mål: pejling status)"
        )
    theme, goal = _find_goal(policy, goal_id)
    if goal.indicator is None:
        raise UserError(f"mål '{goal.id}' har ingen indikator at give råd ud fra")
    if goal.target.kind not in ADVISED_KINDS:
        raise UserError(
            f"mål '{goal.id}' har måltypen '{goal.target.kind.value}'; rådgiveren giver råd om "
            "level, change_pp, change_rel, gap og direction"
        )
    spec = catalog.get(goal.indicator.id)
    if spec is None:
        raise UserError(f"mål '{goal.id}': ukendt indikator '{goal.indicator.id}'")
    status = evaluate_goal(policy, theme, goal, catalog, StoreSeries(store), as_of=as_of,
                           min_persons=min_persons)  # fmt: skip
    return _advise(store, policy, goal, spec, status, start, expected, similar, with_peers,
                   min_persons)  # fmt: skip


def _find_goal(policy: Policy, goal_id: str) -> tuple[Theme, Goal]:
    for theme in policy.themes:
        for goal in theme.goals:
            if goal.id == goal_id or goal.label == goal_id:
                return theme, goal
    from pejling.suggest import did_you_mean

    ids = [g.id for _t, g in policy.goals()]
    hint = did_you_mean(goal_id, ids)
    raise UserError(
        f"politikken '{policy.id}' har intet mål '{goal_id}'; mål: {', '.join(ids)}"
        + (f"; {hint}" if hint else "")
    )


def _advise(
    store: Store, policy: Policy, goal: Goal, spec: IndicatorSpec, status: GoalStatus,
    start_kind: Start, expected: float | None, similar: SimilarResult | None, with_peers: bool,
    min_persons: int,
) -> TargetAdvice:  # fmt: skip
    target = goal.target
    gap = bool(target.reference_group)
    good = target.direction or spec.direction
    sign = good.sign if good else 1
    direction = -1 if gap else sign
    scale = scale_of(target.kind, spec, gap)
    final = status.milestones[-1].target if status.milestones else status.target_value
    deadline = goal.deadline or policy.period.end
    notes: list[str] = []
    head = TargetAdvice(
        policy.id, goal.id, goal.label or goal.id, policy.municipality, spec.id,
        group_key(goal.indicator.group if goal.indicator else {}),
        group_key(target.reference_group) if gap else None, status.unit or spec.unit.value,
        direction, target.kind.value, status.series_source, None, start_kind, status.latest,
        final, deadline, scale, expected,
    )  # fmt: skip
    if status.series_source is None or (status.latest is None and status.baseline is None):
        return _with(head, notes=(f"ingen tal at regne på ({status.reason('da')})",))
    latest = status.since or status.latest or status.baseline
    assert latest is not None
    passed = deadline.end <= (status.as_of or latest.period).end
    use_baseline = start_kind == "baseline" or passed
    begin = status.baseline if use_baseline and status.baseline is not None else latest
    if passed and start_kind == "latest":
        notes.append("fristen er passeret: ændringen regnes fra udgangspunktet")
    too_few = begin.persons is not None and begin.persons < min_persons
    if too_few:
        notes.append(f"udgangspunktet hviler på færre end {min_persons} personer")
    as_of = status.as_of
    panel = load_panel(store, spec, head.group, head.reference_group, status.series_source,
                       latest.period, sign, min_persons, as_of)  # fmt: skip
    end = period_at(begin.period.type, deadline.end)
    step = STEP.get(begin.period.type, 1.0)
    horizon = round((end.t - begin.period.t) / step) * step
    required = req_year = None
    met = final is not None and direction * (latest.value - final) >= 0
    met_at_start = final is not None and direction * (begin.value - final) >= 0
    if final is not None and not too_few:
        required = change(scale, begin.value, final)
        if required is not None and horizon > 0:
            req_year = per_year(scale, required, horizon)
    hist = None
    suggested = None
    if horizon > 0:
        hist = history(panel, horizon, scale, direction,
                       None if required is None else direction * required)  # fmt: skip
        suggested = _range(hist, scale, begin.value, direction, spec, gap)
    elif final is not None:
        notes.append("ingen tidshorisont: fristen ligger ikke efter udgangspunktet")
    peers: tuple[PeerFigure, ...] = ()
    peer_median = None
    if with_peers:
        if similar is None:
            try:
                similar = similar_municipalities(store, policy.municipality,
                                                 min_persons=min_persons)  # fmt: skip
            except UserError as exc:
                notes.append(f"ingen lignende kommuner: {exc}")
        if similar is not None:
            everyone = load_panel(store, spec, head.group, head.reference_group,
                                  status.series_source, latest.period, sign, 0, as_of)  # fmt: skip
            peers = _peers(panel, everyone, similar, latest.period.label)
            vals = sorted(p.value for p in peers if p.value is not None)
            if vals:
                peer_median = (vals[(len(vals) - 1) // 2] + vals[len(vals) // 2]) / 2
    best = _best_fifth(panel, latest.period.label, direction, policy.municipality)
    return _with(
        head, start=begin, start_kind="baseline" if begin is not latest else "latest",
        latest=latest, already_met=met, met_at_start=met_at_start,
        deadline_passed=passed, stated_baseline=goal.baseline is not None,
        required_change=required,
        required_per_year=req_year, horizon=horizon, history=hist, suggested=suggested,
        peers=peers, peer_median=peer_median, best_fifth=best,
        similar_year=similar.year if similar else None, notes=tuple(notes),
    )  # fmt: skip


def _with(head: TargetAdvice, **fields: object) -> TargetAdvice:
    from dataclasses import replace

    return replace(head, **fields)  # type: ignore[arg-type]


def _range(
    hist: ChangeHistory, scale: Scale, value: float, direction: int, spec: IndicatorSpec,
    gap: bool,
) -> tuple[float, float] | None:  # fmt: skip
    """From the median to the 80th percentile of historical improvements, applied to `value`.

    A median that is no improvement is replaced by 0 (keep the level); when even the 80th
    percentile is no improvement, or there are fewer than MIN_WINDOWS windows, no range.
    """
    if hist.windows < MIN_WINDOWS:
        return None
    lo_g, hi_g = hist.quantile(RANGE[0]), hist.quantile(RANGE[1])
    if lo_g is None or hi_g is None or hi_g <= 0:
        return None
    lo_g = max(lo_g, 0.0)
    bounds = natural_bounds("pp" if gap else spec.unit.value, ratio=spec.ratio, gap=gap)
    a = bounds.clamp(apply(scale, value, direction * lo_g))
    b = bounds.clamp(apply(scale, value, direction * hi_g))
    if a is None or b is None:
        return None
    if gap:  # a gap target below 0 would ask the group to overtake the reference
        a, b = max(a, 0.0), max(b, 0.0)
    return (a, b)
