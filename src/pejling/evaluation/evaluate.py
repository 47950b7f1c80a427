"""Decide where each goal and key figure stands, as of a period: the verdict as a value.

The rules (docs/progress-method.md): judge one series from one source; take the baseline from
that series at the baseline date (a figure the policy states from another source is shown beside
it, never mixed in); judge an expired goal on its value at the deadline; give no verdict when the
figures rest on fewer than `min_persons` persons; mark a verdict *usikker* when the 95 % interval
contains the target (or, without a target, when the interval of the change contains 0); use the
published Open SDG method, and the straight-line rule where compound growth is meaningless.
Texts are made from the result at the edge (`pejling.evaluation.texts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pejling.evaluation import series as sr
from pejling.evaluation.points import Point, Provenance, SeriesSource
from pejling.evaluation.status import (
    GoalStatus,
    GoalStatusCode,
    Milestone,
    Reason,
    ValueAt,
    evolve,
)
from pejling.groups import group_key
from pejling.periods import Period
from pejling.progress.barometer import combine_movements, indicator_movement
from pejling.progress.limits import natural_bounds
from pejling.progress.linear import (
    assess_linear_with_target,
    assess_linear_without_target,
    speed_per_year,
)
from pejling.progress.opensdg import (
    ProgressClass,
    ProgressResult,
    assess_with_target,
    assess_without_target,
    project,
)
from pejling.progress.uncertainty import mover_difference, straddles
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import Goal, KeyFigure, Policy, TargetKind, Theme
from pejling.spec.settings import DEFAULT_MIN_PERSONS

CLASS_TO_STATUS: dict[ProgressClass, GoalStatusCode] = {
    ProgressClass.ACHIEVED: GoalStatusCode.ACHIEVED,
    ProgressClass.ON_TRACK: GoalStatusCode.ON_TRACK,
    ProgressClass.MODERATE: GoalStatusCode.AT_RISK,
    ProgressClass.LIMITED: GoalStatusCode.OFF_TRACK,
    ProgressClass.DETERIORATION: GoalStatusCode.OFF_TRACK,
    ProgressClass.NOT_ASSESSABLE: GoalStatusCode.NOT_ASSESSABLE,
}
UNCHANGED_BELOW = 0.05
"""A change smaller than this (half the last decimal shown) reads as unchanged."""


@dataclass(frozen=True)
class Judging:
    """What every verdict needs besides the goal: the catalog, the data and the rules."""

    catalog: Catalog
    source: SeriesSource
    as_of: Period
    min_persons: int = DEFAULT_MIN_PERSONS


def today() -> Period:
    """Today as a period (the default 'as of')."""
    return Period.day(date.today())


def evaluate_policy(
    policy: Policy,
    catalog: Catalog,
    source: SeriesSource,
    *,
    as_of: Period | None = None,
    min_persons: int = DEFAULT_MIN_PERSONS,
) -> list[GoalStatus]:
    """Status of every goal and key figure of a policy, in document order."""
    j = Judging(catalog, source, as_of or today(), min_persons)
    out: list[GoalStatus] = []
    for theme in policy.themes:
        out.extend(judge_goal(j, policy, theme, goal) for goal in theme.goals)
        out.extend(judge_key_figure(j, policy, theme, kf) for kf in theme.key_figures)
    return out


def evaluate_goal(
    policy: Policy,
    theme: Theme,
    goal: Goal,
    catalog: Catalog,
    source: SeriesSource,
    *,
    as_of: Period | None = None,
    min_persons: int = DEFAULT_MIN_PERSONS,
) -> GoalStatus:
    """Where one goal stands (see `judge_goal`)."""
    return judge_goal(Judging(catalog, source, as_of or today(), min_persons), policy, theme, goal)


def evaluate_key_figure(
    policy: Policy,
    theme: Theme,
    kf: KeyFigure,
    catalog: Catalog,
    source: SeriesSource,
    *,
    as_of: Period | None = None,
    min_persons: int = DEFAULT_MIN_PERSONS,
) -> GoalStatus:
    """Where one key figure stands (see `judge_key_figure`)."""
    return judge_key_figure(
        Judging(catalog, source, as_of or today(), min_persons), policy, theme, kf
    )


def _head(policy: Policy, theme: Theme, j: Judging, **fields: object) -> GoalStatus:
    base = GoalStatus(
        policy_id=policy.id,
        theme_id=theme.id,
        goal_id="",
        label="",
        statement="",
        kind="",
        indicator_id=None,
        group={},
        unit="",
        municipality_code=policy.municipality,
        status=GoalStatusCode.NO_DATA,
        as_of=j.as_of,
        policy_ended=policy.period.end.end <= j.as_of.end,
    )
    return evolve(base, **fields)


def judge_goal(j: Judging, policy: Policy, theme: Theme, goal: Goal) -> GoalStatus:
    """Where one goal stands as of `j.as_of`, and the numbers why."""
    target = goal.target
    spec = j.catalog.get(goal.indicator.id) if goal.indicator else None
    deadline = goal.deadline or policy.period.end
    head = _head(
        policy, theme, j,
        goal_id=goal.id, label=goal.label or goal.id, statement=goal.statement,
        kind=target.kind.value, indicator_id=goal.indicator.id if goal.indicator else None,
        group=dict(goal.indicator.group) if goal.indicator else {},
        unit=spec.unit.value if spec else "", deadline=deadline,
        final=deadline.end <= j.as_of.end,
        indicator_title=spec.title if spec else "",
        indicator_title_en=(spec.title_en or spec.title) if spec else "",
        reference_group=dict(target.reference_group) if target.reference_group else None,
    )  # fmt: skip
    if target.kind is TargetKind.NONE:
        inits = policy.initiatives_for(goal.id)
        counts = {s: sum(1 for i in inits if i.status.value == s) for s in ("running", "planned", "ended", "stopped")}  # fmt: skip
        return evolve(
            head,
            status=GoalStatusCode.INITIATIVE_ONLY,
            reason_code=Reason.INITIATIVE_ONLY,
            initiative_counts=counts,
            none_reason=target.reason or "",
            final=False,
        )
    if goal.indicator is None or spec is None:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.NO_INDICATOR)
    good = target.direction or spec.direction
    if good is None:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.NO_DIRECTION)
    sign = good.sign
    is_gap = bool(target.reference_group)

    # 1. One series from one source.
    lag = sr.follow_up_years(spec)
    focal_all = sr.known_at(j.source.series(spec.id, policy.municipality, group_key(goal.indicator.group)), j.as_of, lag)  # fmt: skip
    ref_all = (
        sr.known_at(
            j.source.series(spec.id, policy.municipality, group_key(target.reference_group or {})),
            j.as_of,
            lag,
        )
        if is_gap
        else []
    )
    available = sr.sources_of(focal_all)
    chosen, problem = sr.choose_source(goal.indicator.source, spec, available)
    head = evolve(head, policy_baseline=_policy_baseline(goal, sign, is_gap),
                   baseline_date=goal.baseline.date if goal.baseline else None)  # fmt: skip
    if chosen is None:
        status = (
            GoalStatusCode.NO_DATA if problem is Reason.NO_DATA else GoalStatusCode.NOT_ASSESSABLE
        )
        return evolve(head, status=status, reason_code=problem or Reason.NO_DATA,
                       other_sources=tuple(available))  # fmt: skip
    head = evolve(head, series_source=chosen, other_sources=tuple(s for s in available if s != chosen))  # fmt: skip
    focal = sr.only(focal_all, chosen)
    head = evolve(head, series_provenance=focal[0].provenance if focal else None)
    pairs: dict[str, tuple[Point, Point]] = {}
    if is_gap:
        gap = sr.gap_series(focal, sr.only(ref_all, chosen), sign)
        points, pairs, direction = gap.points, gap.pairs, -1
        unit = "pp" if spec.unit.value == "percent" else spec.unit.value
        head = evolve(head, unit=unit)
    else:
        points, direction, unit = focal, sign, spec.unit.value
    if not points:
        return evolve(head, status=GoalStatusCode.NO_DATA, reason_code=Reason.NO_DATA)

    # 2. The baseline from the same series.
    if goal.baseline is not None:
        base = sr.match_period(points, goal.baseline.date)
        if base is None:
            return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE,
                           reason_code=Reason.BASELINE_NOT_IN_SERIES, points=len(points))  # fmt: skip
    else:
        within = [
            p for p in points
            if p.period.start >= policy.period.start.start and p.period.start <= deadline.end
        ]  # fmt: skip
        if not within:
            return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE,
                           reason_code=Reason.NO_DATA_IN_PERIOD, points=len(points),
                           latest=ValueAt.of(points[-1]))  # fmt: skip
        base = within[0]

    # 3. The value judged: the newest, or the one at the deadline once it has passed.
    later = [p for p in points if p.t > base.t]
    final = deadline.end <= j.as_of.end
    since_points = sr.after_deadline(later, deadline) if final else []
    judged_pool = [p for p in later if p not in since_points]
    judged = judged_pool[-1] if judged_pool else None
    bounds = natural_bounds(unit, ratio=spec.ratio, gap=is_gap)
    base_at = _value_at(spec, base, pairs, sign)
    head = evolve(
        head,
        baseline=base_at,
        baseline_pair=_pair_at(spec, pairs, base),
        points=1 + len(later),
        since=ValueAt.of(since_points[-1]) if since_points else None,
        barometer_movement=_barometer(j, goal, policy.municipality),
    )
    if judged is None:
        reason = Reason.NO_VALUE_AT_DEADLINE if final and since_points else Reason.ONE_POINT
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=reason,
                       latest=base_at)  # fmt: skip
    latest_at = _value_at(spec, judged, pairs, sign)
    head = evolve(head, latest=latest_at, latest_pair=_pair_at(spec, pairs, judged),
                   speed=speed_per_year(base.value, base.t, judged.value, judged.t))  # fmt: skip

    # 4. What the goal wants (known also when the figures cannot carry a verdict).
    absolute = target.kind in (TargetKind.LEVEL, TargetKind.GAP, TargetKind.COUNT)
    change = _change_interval(head)
    head = evolve(head, change_interval=change, deadline_from_period=goal.deadline is None)
    if target.value is not None:
        milestones = _milestones(goal, deadline, base, judged, later, j.as_of, direction)
        current = next((m for m in milestones if not m.due), milestones[-1])
        head = evolve(
            head,
            milestones=tuple(milestones),
            target_value=current.target,
            target_deadline=current.deadline,
            remaining=max(0.0, direction * (current.target - judged.value)),
        )

    # 5. Enough persons to carry a verdict: a verdict at the deadline on an absolute target rests
    # on the figure at the deadline alone; any other verdict on the baseline too.
    at_deadline_only = final and absolute and target.value is not None
    sizes = _sizes(judged, judged, pairs) if at_deadline_only else _sizes(base, judged, pairs)
    fewest = min(sizes) if sizes else None
    head = evolve(head, persons=fewest)
    if fewest is not None and fewest < j.min_persons:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, uncertain=False,
                       reason_code=Reason.TOO_FEW_PERSONS, min_persons=j.min_persons)  # fmt: skip

    # 6. An absolute target set on the policy's figure from another source is not comparable
    # with this series when the two disagree about the starting point.
    if absolute and target.value is not None and _set_elsewhere(head):
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, uncertain=False,
                       reason_code=Reason.TARGET_FROM_OTHER_SOURCE)  # fmt: skip

    # 7. The verdict.
    if target.value is None:
        return _direction_verdict(head, spec, target.limit, base, judged, pairs, direction, sign, is_gap)  # fmt: skip
    final_target = head.milestones[-1]
    t_value = current.target
    required = t_value - base.value  # the change the (current) target asks for
    if final:
        met = direction * (judged.value - final_target.target) >= 0
        uncertain = (
            straddles(*latest_at.interval, final_target.target)
            if absolute and latest_at.interval is not None
            else change is not None and straddles(*change, final_target.target - base.value)
        )
        return evolve(
            head,
            status=GoalStatusCode.ACHIEVED if met else GoalStatusCode.NOT_ACHIEVED,
            reason_code=Reason.DEADLINE_MET if met else Reason.DEADLINE_MISSED,
            score=5.0 if met else None,
            progress_class=ProgressClass.ACHIEVED.value if met else "deadline_missed",
            uncertain=uncertain,
        )
    if direction * (judged.value - final_target.target) >= 0:
        return evolve(head, status=GoalStatusCode.ACHIEVED, reason_code=Reason.ACHIEVED,
                       score=5.0, progress_class=ProgressClass.ACHIEVED.value,
                       target_value=final_target.target, target_deadline=final_target.deadline,
                       remaining=0.0,
                       uncertain=_uncertain_reached(latest_at, change, final_target.target,
                                                    final_target.target - base.value, absolute))  # fmt: skip
    if direction * (judged.value - t_value) >= 0:
        return evolve(head, status=GoalStatusCode.ON_TRACK, reason_code=Reason.MILESTONE_MET,
                       remaining=0.0,
                       uncertain=_uncertain_reached(latest_at, change, t_value, required, absolute))  # fmt: skip
    linear = is_gap or base.value == 0 or t_value == 0
    assess = assess_linear_with_target if linear else assess_with_target
    result = assess(y0=base.value, t0=base.t, yt=judged.value, t=judged.t, target=t_value,
                    t_target=current.deadline.t, direction=direction)  # fmt: skip
    raw = _projection(base, judged, current.deadline.t, linear)
    proj = bounds.clamp(raw)
    # On the way to the target: uncertain when the change so far cannot be told apart from no
    # change and, at the same time, from the change the target needs by now.
    needed_by_now = required * (judged.t - base.t) / max(current.deadline.t - base.t, 1e-9)
    uncertain = change is not None and straddles(*change, 0.0) and straddles(*change, needed_by_now)
    head = evolve(head, uncertain=uncertain, projection_capped=raw is not None and raw != proj)
    return _with_result(head, result, proj, linear)


def _uncertain_reached(
    latest: ValueAt, change: tuple[float, float] | None, target: float, required: float,
    absolute: bool,
) -> bool:  # fmt: skip
    """A target reached by the data, but the interval cannot rule out that it was not."""
    if absolute:
        return latest.interval is not None and straddles(*latest.interval, target)
    return change is not None and straddles(*change, required)


def _set_elsewhere(head: GoalStatus) -> bool:
    """The policy states its starting figure from another source, and this series disagrees.

    Disagree: the policy's figure lies outside the 95 % interval of the series' own figure for
    the same period, or — without an interval — differs by more than 1 in the unit (1
    percentage point for shares) and 5 % of the value.
    """
    pb, b = head.policy_baseline, head.baseline
    if pb is None or b is None or pb.series == b.series:
        return False
    if b.interval is not None:
        return not straddles(*b.interval, pb.value)
    return abs(pb.value - b.value) > max(1.0, 0.05 * abs(b.value))


def _direction_verdict(
    head: GoalStatus, spec: IndicatorSpec, limit: float | None, base: Point, judged: Point,
    pairs: dict[str, tuple[Point, Point]], direction: int, sign: int, is_gap: bool,
) -> GoalStatus:  # fmt: skip
    """A goal that only says more or fewer: the method's rule without a target."""
    linear = is_gap or base.value == 0
    if linear:
        result = assess_linear_without_target(
            y0=base.value, t0=base.t, yt=judged.value, t=judged.t, direction=direction
        )
    else:
        result = assess_without_target(
            y0=base.value, t0=base.t, yt=judged.value, t=judged.t, direction=direction,
            limit=limit if limit is not None else spec.limit,
        )  # fmt: skip
    change = _change_interval(head)
    at_limit = result.scaling_factor == 0 and abs(judged.value - base.value) < UNCHANGED_BELOW
    # kept at the natural limit (100 % stays 100 %): nothing uncertain about "unchanged"
    uncertain = change is not None and straddles(*change, 0.0) and not at_limit
    return _with_result(
        evolve(head, change_interval=change, uncertain=uncertain, at_limit=at_limit),
        result,
        None,
        linear,
    )


def _with_result(
    head: GoalStatus, result: ProgressResult, proj: float | None, linear: bool
) -> GoalStatus:
    if result.progress_class is ProgressClass.NOT_ASSESSABLE:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.METHOD,
                       method_reason=result.reason, uncertain=False)  # fmt: skip
    reason = Reason.TRAJECTORY if head.target_value is not None else Reason.DIRECTION
    return evolve(
        head,
        status=CLASS_TO_STATUS[result.progress_class],
        reason_code=reason,
        projection=proj,
        progress_value=result.value,
        score=result.score,
        progress_class=result.progress_class.value,
        linear_rule=linear,
    )


def _projection(base: Point, judged: Point, t_future: float, linear: bool) -> float | None:
    if linear:
        if judged.t <= base.t:
            return None
        return judged.value + (judged.value - base.value) / (judged.t - base.t) * (
            t_future - judged.t
        )
    return project(y0=base.value, t0=base.t, yt=judged.value, t=judged.t, t_future=t_future)


def judge_key_figure(j: Judging, policy: Policy, theme: Theme, kf: KeyFigure) -> GoalStatus:
    """A key figure (nøgletal): its latest value and a trend word, never a goal status."""
    spec = j.catalog.get(kf.indicator.id)
    end = policy.period.end
    head = _head(
        policy, theme, j,
        goal_id=kf.id, label=kf.id, statement=kf.statement, kind="key_figure",
        indicator_id=kf.indicator.id, group=dict(kf.indicator.group),
        unit=spec.unit.value if spec else "", is_key_figure=True, deadline=end,
        final=end.end <= j.as_of.end,
        indicator_title=spec.title if spec else "",
        indicator_title_en=(spec.title_en or spec.title) if spec else "",
    )  # fmt: skip
    if spec is None:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.NO_INDICATOR)
    every = sr.known_at(j.source.series(spec.id, policy.municipality, group_key(kf.indicator.group)), j.as_of, sr.follow_up_years(spec))  # fmt: skip
    available = sr.sources_of(every)
    chosen, problem = sr.choose_source(kf.indicator.source, spec, available)
    if chosen is None:
        status = (
            GoalStatusCode.NO_DATA if problem is Reason.NO_DATA else GoalStatusCode.NOT_ASSESSABLE
        )
        return evolve(head, status=status, reason_code=problem or Reason.NO_DATA,
                       other_sources=tuple(available))  # fmt: skip
    points = sr.only(every, chosen)
    head = evolve(head, series_source=chosen, other_sources=tuple(s for s in available if s != chosen),
                   series_provenance=points[0].provenance if points else None)  # fmt: skip
    within = [p for p in points if p.period.start >= policy.period.start.start]
    since_points = sr.after_deadline(within, end) if head.final else []
    pool = [p for p in within if p not in since_points]
    if not pool:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.NO_DATA_IN_PERIOD,
                       latest=ValueAt.of(points[-1]), points=len(points))  # fmt: skip
    base, latest = pool[0], pool[-1]
    head = evolve(
        head,
        baseline=_value_at(spec, base, {}, 1),
        latest=_value_at(spec, latest, {}, 1),
        since=ValueAt.of(since_points[-1]) if since_points else None,
        points=len(pool),
        speed=speed_per_year(base.value, base.t, latest.value, latest.t),
    )
    if latest.t <= base.t:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_code=Reason.ONE_POINT)
    sizes = _sizes(base, latest, {})
    fewest = min(sizes) if sizes else None
    head = evolve(head, persons=fewest)
    if fewest is not None and fewest < j.min_persons:
        return evolve(head, status=GoalStatusCode.NOT_ASSESSABLE,
                       reason_code=Reason.TOO_FEW_PERSONS, min_persons=j.min_persons)  # fmt: skip
    change = latest.value - base.value
    word = (
        GoalStatusCode.UNCHANGED
        if abs(change) < UNCHANGED_BELOW
        else GoalStatusCode.RISING
        if change > 0
        else GoalStatusCode.FALLING
    )
    interval = _change_interval(head)
    uncertain = (
        word is not GoalStatusCode.UNCHANGED and interval is not None and straddles(*interval, 0.0)
    )
    return evolve(head, status=word, reason_code=Reason.TREND, change_interval=interval,
                   uncertain=uncertain)  # fmt: skip


def _policy_baseline(goal: Goal, sign: int, is_gap: bool) -> ValueAt | None:
    """The baseline the policy itself states (shown beside the series' own value)."""
    b = goal.baseline
    if b is None or b.value is None:
        return None
    value = b.value
    if is_gap:
        if b.reference_value is None:
            return None
        value = sign * (b.reference_value - b.value)
    return ValueAt(
        value, b.date, b.source, "", None if is_gap else b.numerator,
        None if is_gap else b.denominator, None, Provenance.PUBLISHED.value, b.source,
        None if is_gap else b.denominator,
    )  # fmt: skip


def _value_at(
    spec: IndicatorSpec, p: Point, pairs: dict[str, tuple[Point, Point]], sign: int
) -> ValueAt:
    pair = pairs.get(p.period.label)
    interval = sr.gap_interval(spec, pair, sign) if pair else sr.wilson_pct(spec, p)
    return ValueAt.of(p, interval)


def _pair_at(
    spec: IndicatorSpec, pairs: dict[str, tuple[Point, Point]], p: Point
) -> tuple[ValueAt, ValueAt] | None:
    pair = pairs.get(p.period.label)
    if pair is None:
        return None
    return (ValueAt.of(pair[0], sr.wilson_pct(spec, pair[0])),
            ValueAt.of(pair[1], sr.wilson_pct(spec, pair[1])))  # fmt: skip


def _sizes(a: Point, b: Point, pairs: dict[str, tuple[Point, Point]]) -> list[float]:
    """Person counts of every figure a verdict rests on (both groups of a gap)."""
    sizes: list[float] = []
    for p in (a, b):
        group = pairs.get(p.period.label)
        for q in group if group else (p,):
            if q.persons is not None:
                sizes.append(q.persons)
    return sizes


def _change_interval(head: GoalStatus) -> tuple[float, float] | None:
    """The 95 % interval of latest − baseline (MOVER over the two intervals)."""
    b, latest = head.baseline, head.latest
    if b is None or latest is None or b.interval is None or latest.interval is None:
        return None
    return mover_difference(latest.value, latest.interval, b.value, b.interval)


def _milestones(
    goal: Goal, deadline: Period, base: Point, judged: Point, later: Sequence[Point],
    as_of: Period, direction: int,
) -> list[Milestone]:  # fmt: skip
    """The interim targets and the final target, each with whether it was met once due."""
    t = goal.target
    assert t.value is not None
    items = [(m.deadline, m.value, False) for m in t.interim] + [(deadline, t.value, True)]
    out: list[Milestone] = []
    for when, raw, is_final in items:
        value = _target_value(t.kind, raw, t.units, base.value, judged)
        due = when.end <= as_of.end
        at = sr.at_deadline([base, *later], when) if due else None
        met = None if at is None else direction * (at.value - value) >= 0
        out.append(Milestone(when, value, is_final, due, met, ValueAt.of(at) if at else None))
    return out


def _target_value(
    kind: TargetKind, value: float, units: int | None, base: float, latest: Point
) -> float:
    """What the target means in the series' own terms (relative targets from its baseline)."""
    if kind is TargetKind.CHANGE_PP:
        return base + value
    if kind is TargetKind.CHANGE_REL:
        return base * (1 + value / 100)
    if kind is TargetKind.COUNT:
        if units is not None:
            return float(units)
        if latest.denominator is not None:
            return float(latest.denominator)
    return value


def _barometer(j: Judging, goal: Goal, municipality: int) -> str | None:
    """The Integrationsbarometer's majority rule over the goal's barometer indicators."""
    spec = goal.barometer
    if spec is None:
        return None
    moves = []
    for ind in spec.indicators:
        info = j.catalog.get(ind.id)
        if info is None:
            continue
        direction = ind.direction or info.direction
        every = sr.known_at(
            j.source.series(ind.id, municipality, group_key(ind.group)),
            j.as_of,
            sr.follow_up_years(info),
        )
        chosen, _problem = sr.choose_source(ind.source, info, sr.sources_of(every))
        if chosen is None or direction is None:
            continue
        points = sr.only(every, chosen)
        base = sr.match_period(points, spec.base)
        if base is None or points[-1].t <= base.t:
            continue
        moves.append(indicator_movement(base.value, points[-1].value, direction.sign))
    if not moves:
        return None
    return f"{combine_movements(moves).value} ({len(moves)}/{len(spec.indicators)})"


__all__ = [
    "CLASS_TO_STATUS",
    "Judging",
    "evaluate_goal",
    "evaluate_key_figure",
    "evaluate_policy",
    "judge_goal",
    "judge_key_figure",
]
