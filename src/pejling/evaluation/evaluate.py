"""Evaluate goals and key figures against their observations.

The rule (documented in docs/progress-method.md): pick the series of the goal's indicator and
group in the policy's municipality (for gap goals the difference to the reference group), take the
baseline (stated in the policy, or read from the data at the baseline period, or else the first
observation in the policy period) and the latest observation, resolve the target value for the
target kind, then apply the Open SDG progress method. Small numbers get a 95 % interval and an
explicit "uncertain" flag when the interval contains the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pejling.evaluation.points import Point, SeriesSource
from pejling.evaluation.status import GoalStatus, GoalStatusCode, ValueAt
from pejling.evaluation.texts import Texts
from pejling.groups import group_key
from pejling.progress.barometer import combine_movements, indicator_movement
from pejling.progress.opensdg import (
    ProgressClass,
    ProgressResult,
    assess_with_target,
    assess_without_target,
    project,
)
from pejling.progress.uncertainty import newcombe_difference, straddles, wilson_interval
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec, Unit
from pejling.spec.policy import Goal, KeyFigure, Policy, TargetKind, Theme

CLASS_TO_STATUS: dict[ProgressClass, GoalStatusCode] = {
    ProgressClass.ACHIEVED: GoalStatusCode.ACHIEVED,
    ProgressClass.ON_TRACK: GoalStatusCode.ON_TRACK,
    ProgressClass.MODERATE: GoalStatusCode.AT_RISK,
    ProgressClass.LIMITED: GoalStatusCode.OFF_TRACK,
    ProgressClass.DETERIORATION: GoalStatusCode.OFF_TRACK,
    ProgressClass.NOT_ASSESSABLE: GoalStatusCode.NOT_ASSESSABLE,
}


@dataclass(frozen=True)
class _Series:
    points: list[Point]
    unit: str
    direction: int  # the direction in which the evaluated series should move
    pairs: dict[str, tuple[Point, Point]]  # gap goals: period label → (focal, reference)


def evaluate_policy(policy: Policy, catalog: Catalog, source: SeriesSource) -> list[GoalStatus]:
    """Status of every goal and key figure of a policy, in document order."""
    out: list[GoalStatus] = []
    for theme in policy.themes:
        out.extend(evaluate_goal(policy, theme, goal, catalog, source) for goal in theme.goals)
        out.extend(
            evaluate_key_figure(policy, theme, kf, catalog, source) for kf in theme.key_figures
        )
    return out


def evaluate_goal(
    policy: Policy, theme: Theme, goal: Goal, catalog: Catalog, source: SeriesSource
) -> GoalStatus:
    """Where one goal stands, and why."""
    target = goal.target
    spec = catalog.get(goal.indicator.id) if goal.indicator else None
    unit = spec.unit.value if spec else ""
    deadline = goal.deadline or policy.period.end
    head = GoalStatus(
        policy_id=policy.id,
        theme_id=theme.id,
        goal_id=goal.id,
        label=goal.label or goal.id,
        statement=goal.statement,
        kind=target.kind.value,
        indicator_id=goal.indicator.id if goal.indicator else None,
        group=dict(goal.indicator.group) if goal.indicator else {},
        unit=unit,
        municipality_code=policy.municipality,
        status=GoalStatusCode.NO_DATA,
        reason_da="",
        reason_en="",
        deadline=deadline,
    )
    if target.kind is TargetKind.NONE:
        inits = policy.initiatives_for(goal.id)
        counts = {
            s: sum(1 for i in inits if i.status.value == s) for s in ("running", "planned", "ended")
        }
        da, en = Texts.initiative_only(target.reason or "", len(inits), counts)
        return replace(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    if goal.indicator is None or spec is None:
        da, en = Texts.no_indicator(goal.indicator.id if goal.indicator else None)
        return replace(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    good = target.direction or spec.direction
    if good is None:
        da, en = Texts.no_direction(spec.title)
        return replace(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)

    series = _series_for(goal, spec, good.sign, policy.municipality, source)
    if series.unit != unit:
        head = replace(head, unit=series.unit)
    fmt = Texts.formatter(series.unit)
    label = Texts.series_label(spec, goal.indicator.group, target.reference_group)

    base = _baseline_point(goal, policy, series)
    if base is None:
        if not series.points:
            da, en = Texts.no_data(label, policy.municipality)
            return replace(head, status=GoalStatusCode.NO_DATA, reason_da=da, reason_en=en)
        assert goal.baseline is not None
        da, en = Texts.baseline_missing(goal.baseline.date)
        return replace(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    later = [p for p in series.points if p.t > base.t]
    latest = later[-1] if later else base
    t_target = deadline.t
    d = series.direction

    target_value = _target_value(goal, base.value, latest)
    interval = _interval(series, latest, target.kind)
    uncertain = (
        target_value is not None and interval is not None and straddles(*interval, target_value)
    )
    baseline_at = _value_at(base, None)
    latest_at = _value_at(latest, interval)
    common = replace(
        head,
        baseline=baseline_at,
        latest=latest_at,
        target_value=target_value,
        points=1 + len(later),
        uncertain=uncertain,
        barometer_movement=_barometer(goal, policy.municipality, catalog, source),
    )
    numbers = Texts.Numbers(fmt, base, latest, target_value, deadline, label)

    if target_value is not None:
        remaining = max(0.0, d * (target_value - latest.value))
        if d * (latest.value - target_value) >= 0:
            da, en = Texts.achieved(numbers, uncertain, interval)
            return replace(
                common,
                status=GoalStatusCode.ACHIEVED,
                remaining=0.0,
                score=5.0,
                progress_class=ProgressClass.ACHIEVED.value,
                reason_da=da,
                reason_en=en,
            )
        if not later:
            da, en = Texts.one_point(numbers)
            return replace(
                common,
                status=GoalStatusCode.NOT_ASSESSABLE,
                remaining=remaining,
                reason_da=da,
                reason_en=en,
            )
        if latest.t >= t_target:
            da, en = Texts.deadline_passed(numbers, uncertain, interval)
            return replace(
                common,
                status=GoalStatusCode.OFF_TRACK,
                remaining=remaining,
                progress_class="deadline_passed",
                reason_da=da,
                reason_en=en,
            )
        result = assess_with_target(
            y0=base.value, t0=base.t, yt=latest.value, t=latest.t,
            target=target_value, t_target=t_target, direction=d,
        )  # fmt: skip
        proj = project(y0=base.value, t0=base.t, yt=latest.value, t=latest.t, t_future=t_target)
        da, en = Texts.trajectory(result, numbers, proj, uncertain, interval)
        return _with_result(common, result, remaining, proj, da, en)

    # Direction-only goal: the method's rule without a target.
    if not later:
        da, en = Texts.one_point(numbers)
        return replace(common, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    limit = (
        target.limit
        if target.limit is not None
        else (spec.limit if target.reference_group is None else 0.0)
    )
    result = assess_without_target(
        y0=base.value, t0=base.t, yt=latest.value, t=latest.t, direction=d, limit=limit
    )
    da, en = Texts.direction_only(result, numbers, common.barometer_movement)
    return _with_result(common, result, None, None, da, en)


def evaluate_key_figure(
    policy: Policy, theme: Theme, kf: KeyFigure, catalog: Catalog, source: SeriesSource
) -> GoalStatus:
    """A key figure (nøgletal): latest value and, when it has a good direction, its trend."""
    spec = catalog.get(kf.indicator.id)
    unit = spec.unit.value if spec else ""
    head = GoalStatus(
        policy_id=policy.id,
        theme_id=theme.id,
        goal_id=kf.id,
        label=kf.id,
        statement=kf.statement,
        kind="key_figure",
        indicator_id=kf.indicator.id,
        group=dict(kf.indicator.group),
        unit=unit,
        municipality_code=policy.municipality,
        status=GoalStatusCode.NO_DATA,
        reason_da="",
        reason_en="",
        is_key_figure=True,
    )
    if spec is None:
        da, en = Texts.no_indicator(kf.indicator.id)
        return replace(head, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    points = source.series(spec.id, policy.municipality, group_key(kf.indicator.group))
    label = Texts.series_label(spec, kf.indicator.group, None)
    if not points:
        da, en = Texts.no_data(label, policy.municipality)
        return replace(head, status=GoalStatusCode.NO_DATA, reason_da=da, reason_en=en)
    start = [p for p in points if p.t >= policy.period.start.t] or points
    base, latest = start[0], start[-1]
    interval = _wilson_pct(latest) if spec.unit is Unit.PERCENT else None
    common = replace(
        head, baseline=_value_at(base, None), latest=_value_at(latest, interval), points=len(start)
    )
    good = kf.direction or spec.direction
    numbers = Texts.Numbers(Texts.formatter(unit), base, latest, None, None, label)
    if good is None or latest.t <= base.t:
        da, en = Texts.key_figure_plain(numbers)
        return replace(common, status=GoalStatusCode.NOT_ASSESSABLE, reason_da=da, reason_en=en)
    result = assess_without_target(
        y0=base.value, t0=base.t, yt=latest.value, t=latest.t, direction=good.sign, limit=spec.limit
    )
    da, en = Texts.direction_only(result, numbers, None)
    return _with_result(common, result, None, None, da, en)


def _with_result(
    common: GoalStatus,
    result: ProgressResult,
    remaining: float | None,
    proj: float | None,
    da: str,
    en: str,
) -> GoalStatus:
    return replace(
        common,
        status=CLASS_TO_STATUS[result.progress_class],
        remaining=remaining,
        projection=proj,
        progress_value=result.value,
        score=result.score,
        progress_class=result.progress_class.value,
        reason_da=da,
        reason_en=en,
    )


def _series_for(
    goal: Goal, spec: IndicatorSpec, sign: int, municipality: int, source: SeriesSource
) -> _Series:
    assert goal.indicator is not None
    focal = source.series(spec.id, municipality, group_key(goal.indicator.group))
    ref_group = goal.target.reference_group
    if not ref_group:
        return _Series(focal, spec.unit.value, sign, {})
    reference = {
        p.period.label: p for p in source.series(spec.id, municipality, group_key(ref_group))
    }
    points: list[Point] = []
    pairs: dict[str, tuple[Point, Point]] = {}
    for p in focal:
        r = reference.get(p.period.label)
        if r is None:
            continue
        # The gap is the focal group's shortfall, in the indicator's good direction.
        points.append(
            Point(p.period, sign * (r.value - p.value), source=p.source, vintage=p.vintage)
        )
        pairs[p.period.label] = (p, r)
    unit = "pp" if spec.unit is Unit.PERCENT else spec.unit.value
    return _Series(points, unit, -1, pairs)


def _baseline_point(goal: Goal, policy: Policy, series: _Series) -> Point | None:
    b = goal.baseline
    if b is not None:
        if b.value is not None:
            return Point(b.date, b.value, b.numerator, b.denominator, source=b.source)
        for p in series.points:
            if p.period.label == b.date.label or p.t == b.date.t:
                return p
        return None
    within = [p for p in series.points if p.t >= policy.period.start.t]
    pool = within or series.points
    return pool[0] if pool else None


def _target_value(goal: Goal, base: float, latest: Point) -> float | None:
    t = goal.target
    if t.value is None:
        return None
    if t.kind is TargetKind.CHANGE_PP:
        return base + t.value
    if t.kind is TargetKind.CHANGE_REL:
        return base * (1 + t.value / 100)
    if t.kind is TargetKind.COUNT:
        if t.units is not None:
            return float(t.units)
        if latest.denominator is not None:
            return float(latest.denominator)
        return t.value
    return t.value


def _wilson_pct(p: Point) -> tuple[float, float] | None:
    if p.numerator is None or p.denominator is None or p.denominator <= 0:
        return None
    lo, hi = wilson_interval(p.numerator, p.denominator)
    return lo * 100, hi * 100


def _interval(series: _Series, latest: Point, kind: TargetKind) -> tuple[float, float] | None:
    if series.pairs:
        pair = series.pairs.get(latest.period.label)
        if pair is None:
            return None
        focal, ref = pair
        if None in (focal.numerator, focal.denominator, ref.numerator, ref.denominator):
            return None
        assert focal.numerator is not None
        assert focal.denominator is not None
        assert ref.numerator is not None
        assert ref.denominator is not None
        _diff, lo, hi = newcombe_difference(
            ref.numerator, ref.denominator, focal.numerator, focal.denominator
        )
        # latest.value = sign·(ref − focal); the interval follows the same orientation.
        if (
            latest.value * (ref.numerator / ref.denominator - focal.numerator / focal.denominator)
            < 0
        ):
            lo, hi = -hi, -lo
        return lo * 100, hi * 100
    if series.unit != Unit.PERCENT.value or kind is TargetKind.COUNT:
        return None
    return _wilson_pct(latest)


def _value_at(p: Point, interval: tuple[float, float] | None) -> ValueAt:
    return ValueAt(p.value, p.period, p.source, p.vintage, p.numerator, p.denominator, interval)


def _barometer(goal: Goal, municipality: int, catalog: Catalog, source: SeriesSource) -> str | None:
    spec = goal.barometer
    if spec is None:
        return None
    moves = []
    for ind in spec.indicators:
        info = catalog.get(ind.id)
        direction = ind.direction or (info.direction if info else None)
        points: Sequence[Point] = source.series(ind.id, municipality, group_key(ind.group))
        base = next((p for p in points if p.period.label == spec.base.label), None)
        if base is None or direction is None or not points or points[-1].t <= base.t:
            continue
        moves.append(indicator_movement(base.value, points[-1].value, direction.sign))
    if not moves:
        return None
    return f"{combine_movements(moves).value} ({len(moves)}/{len(spec.indicators)})"
