"""Which figures a verdict rests on: one series from one source, matched to the goal's dates.

Why a module of its own: most untrustworthy verdicts came from here — a register computation
joined to a figure the policy publishes, a monthly baseline that did not match yearly data, data
from before the policy period used silently. Each rule is a small function with a docstring that
says which mistake it prevents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pejling.evaluation.points import REGISTER, Point
from pejling.evaluation.status import Reason
from pejling.periods import Period
from pejling.progress.uncertainty import newcombe_difference, wilson_interval
from pejling.spec.compute import Event, Frame, Measure
from pejling.spec.indicator import IndicatorSpec, Unit


def sources_of(points: Sequence[Point]) -> list[str]:
    """The series sources present, register first, then publishers in order of appearance."""
    seen: list[str] = []
    for p in points:
        if p.series not in seen:
            seen.append(p.series)
    return sorted(seen, key=lambda s: (s != REGISTER, seen.index(s)))


def choose_source(
    requested: str | None, spec: IndicatorSpec, available: Sequence[str]
) -> tuple[str | None, Reason | None]:
    """The one source a goal is judged on, or why there is none.

    A stated source must have data (matched without regard to case). Without one, the register
    is used for an indicator pejling computes when it has data; otherwise the only source with
    data. Several published sources and no statement: no guess, the goal cannot be assessed.
    """
    if not available:
        return None, Reason.NO_DATA
    if requested is not None:
        for s in available:
            if s.casefold() == requested.casefold():
                return s, None
        return None, Reason.SOURCE_HAS_NO_DATA
    if spec.compute is not None and REGISTER in available:
        return REGISTER, None
    if len(available) == 1:
        return available[0], None
    return None, Reason.SEVERAL_SOURCES


def only(points: Sequence[Point], source: str) -> list[Point]:
    """The points of one series source, oldest first."""
    return sorted((p for p in points if p.series == source), key=lambda p: p.t)


def known_at(points: Sequence[Point], as_of: Period, lag_years: int = 0) -> list[Point]:
    """Points whose figures describe only what had happened by the end of `as_of`.

    A figure for a period is complete when the period has ended; a cohort figure dated by the
    start of a follow-up window (passed a Danish test within 5 years of starting) only when the
    window has ended too: `lag_years` after the period. (As of a period means the period the
    figures describe, not their release date.)
    """
    limit = as_of.end
    return [p for p in points if shift_years(p.period.end, lag_years) <= limit]


def shift_years(d: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    if not years:
        return d
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def follow_up_years(spec: IndicatorSpec) -> int:
    """Years after its period that a cohort figure keeps changing (0 for other indicators)."""
    compute = spec.compute
    if compute is None or compute.frame is not Frame.COHORT or not compute.window_years:
        return 0
    if compute.event in (Event.PROGRAMME_START, Event.DANISH_START, Event.YOUTH_EDUCATION_START):
        return compute.window_years
    return 0


def match_period(points: Sequence[Point], period: Period) -> Point | None:
    """The point for a baseline or other stated period.

    The same period if the series has it; else the series period that contains it (a monthly
    baseline "December 2019" matches the yearly figure for 2019); else the newest series period
    inside it (a yearly baseline on a quarterly series takes the year's last quarter).
    """
    for p in points:
        if p.period.label == period.label:
            return p
    for p in points:
        if p.period.start <= period.start and period.end <= p.period.end:
            return p
    inside = [p for p in points if period.start <= p.period.start and p.period.end <= period.end]
    return inside[-1] if inside else None


def at_deadline(points: Sequence[Point], deadline: Period) -> Point | None:
    """The newest point of the deadline's period or earlier (the period containing it counts)."""
    upto = [p for p in points if p.period.start <= deadline.end]
    return upto[-1] if upto else None


def after_deadline(points: Sequence[Point], deadline: Period) -> list[Point]:
    """Points for periods that start after the deadline (development since, shown apart)."""
    return [p for p in points if p.period.start > deadline.end]


@dataclass(frozen=True)
class GapSeries:
    """A focal group's shortfall against a reference group, period by period."""

    points: list[Point]
    pairs: dict[str, tuple[Point, Point]]


def gap_series(focal: Sequence[Point], reference: Sequence[Point], sign: int) -> GapSeries:
    """sign·(reference − focal) per period where both groups have a figure from the same source.

    The shortfall rests on both groups: its person count is the smaller one's.
    """
    ref = {p.period.label: p for p in reference}
    points: list[Point] = []
    pairs: dict[str, tuple[Point, Point]] = {}
    for p in focal:
        r = ref.get(p.period.label)
        if r is None:
            continue
        sizes = [x for x in (p.persons, r.persons) if x is not None]
        points.append(
            Point(
                p.period,
                sign * (r.value - p.value),
                source=p.source,
                vintage=p.vintage,
                provenance=p.provenance,
                publisher=p.publisher,
                persons=min(sizes) if sizes else None,
            )
        )
        pairs[p.period.label] = (p, r)
    return GapSeries(points, pairs)


def is_person_share(spec: IndicatorSpec) -> bool:
    """A percentage of persons, so that a binomial interval means something.

    Not for ratios of two rates, and not for person-time measures (activation degree,
    full-time persons on support), whose numerator and denominator are hours or days.
    """
    if spec.unit is not Unit.PERCENT or spec.ratio:
        return False
    return spec.compute is None or spec.compute.measure is Measure.SHARE


def sample(p: Point) -> tuple[float, float] | None:
    """(successes, n) of a person share as sampled: for a weighted (sampled) register the
    numerator and denominator are population estimates and `persons` is the sample size."""
    if p.numerator is None or p.denominator is None or p.denominator <= 0:
        return None
    if not 0 <= p.numerator <= p.denominator:
        return None
    n = p.persons if p.persons is not None and p.persons > 0 else p.denominator
    return p.numerator / p.denominator * n, n


def wilson_pct(spec: IndicatorSpec, p: Point) -> tuple[float, float] | None:
    """The 95 % Wilson interval of a person share, in percent (None without counts)."""
    if not is_person_share(spec):
        return None
    counts = sample(p)
    if counts is None:
        return None
    lo, hi = wilson_interval(*counts)
    return lo * 100, hi * 100


def gap_interval(
    spec: IndicatorSpec, pair: tuple[Point, Point], sign: int
) -> tuple[float, float] | None:
    """Newcombe's interval of sign·(reference − focal), in percentage points."""
    if not is_person_share(spec):
        return None
    focal, ref = (sample(p) for p in pair)
    if focal is None or ref is None:
        return None
    _d, lo, hi = newcombe_difference(ref[0], ref[1], focal[0], focal[1])
    if sign < 0:
        lo, hi = -hi, -lo
    return lo * 100, hi * 100
