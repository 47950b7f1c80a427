"""The lint rules: the Task Force's call for few, clear, operational result goals, made checkable.

Every rule has an id (used in messages and in a goal's `accept` list), a severity and a short
description; `RULES` is the registry and docs/policy-format.md lists them. Rules never stop at
the first finding: they yield every issue they see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pejling.spec.catalog import Catalog
from pejling.spec.indicator import IndicatorSpec, Unit
from pejling.spec.lint.issue import LintIssue
from pejling.spec.policy import (
    NEEDS_VALUE,
    BarometerIndicator,
    Goal,
    IndicatorRef,
    Policy,
    TargetKind,
)
from pejling.spec.types import Severity
from pejling.spec.yaml_source import SourceMap
from pejling.suggest import did_you_mean

MAX_GOALS = 10
"""More goals than this is no longer 'few' (Task Force: few, clear, operational goals)."""


@dataclass(frozen=True)
class Rule:
    """A lint rule's identity."""

    id: str
    severity: Severity
    description: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        Rule("schema", Severity.ERROR, "the file does not follow the policy format"),
        Rule("duplicate-id", Severity.ERROR, "two themes, goals or initiatives share an id"),
        Rule("no-indicator", Severity.ERROR, "a goal with a target has no indicator"),
        Rule("unknown-indicator", Severity.ERROR, "the indicator is not in the catalog"),
        Rule("no-direction", Severity.ERROR, "neither the target nor the indicator says which way is better"),
        Rule("target-against-direction", Severity.ERROR, "the target lies on the wrong side of the baseline"),
        Rule("deadline-after-period", Severity.ERROR, "the deadline lies after the end of the policy period"),
        Rule("deadline-before-baseline", Severity.ERROR, "the deadline is not after the baseline"),
        Rule("baseline-outside-plausible", Severity.ERROR, "a percentage baseline or target outside 0–100"),
        Rule("unknown-initiative", Severity.ERROR, "a goal links to an initiative that does not exist"),
        Rule("unknown-goal", Severity.ERROR, "an initiative serves a goal that does not exist"),
        Rule("initiative-dates", Severity.ERROR, "an initiative ends before it starts"),
        Rule("period-order", Severity.ERROR, "the policy period ends before it starts"),
        Rule("unknown-accepted-rule", Severity.ERROR, "`accept` names a rule that does not exist"),
        Rule("duplicate-policy-id", Severity.ERROR, "two policy files have the same policy id"),
        Rule("interim-order", Severity.ERROR, "interim targets are not in time order between the baseline and the deadline"),
        Rule("source-not-stated", Severity.WARNING, "the indicator can come from several sources and the goal does not say which one it is judged on"),
        Rule("direction-only", Severity.WARNING, "the goal only says more/fewer: not operational"),
        Rule("no-baseline", Severity.WARNING, "the goal has no baseline (value, date and source)"),
        Rule("no-deadline", Severity.WARNING, "the goal has no deadline; the policy end is used"),
        Rule("no-measurement", Severity.WARNING, "the goal does not say how often and from where it is measured"),
        Rule("none-without-initiatives", Severity.WARNING, "an initiative-only goal has no initiatives"),
        Rule("target-rarely-reached", Severity.WARNING, "history in the workspace store says the target's change is almost never made (needs the store)"),
        Rule("target-already-met", Severity.WARNING, "the municipality already meets the target (needs the store)"),
        Rule("baseline-value-from-data", Severity.INFO, "the baseline value is read from the data"),
        Rule("too-many-goals", Severity.INFO, f"more than {MAX_GOALS} goals: no longer few and clear"),
        Rule("theme-without-goals", Severity.INFO, "a theme has neither goals nor key figures"),
        Rule("no-adoption-date", Severity.INFO, "the policy does not say when it was adopted"),
        Rule("initiative-without-goal", Severity.INFO, "an initiative is not linked to any goal"),
    ]
}  # fmt: skip


class Context:
    """What rules need: the policy, where things are in the file, and the catalog."""

    def __init__(self, policy: Policy, source: SourceMap, catalog: Catalog) -> None:
        self.policy = policy
        self.source = source
        self.catalog = catalog
        self.goal_paths: dict[int, tuple[str | int, ...]] = {}
        for ti, theme in enumerate(policy.themes):
            for gi, goal in enumerate(theme.goals):
                self.goal_paths[id(goal)] = ("themes", ti, "goals", gi)

    def issue(
        self, rule: str, path: tuple[str | int, ...], message: str, suggestion: str = "",
        subject: str = "",
    ) -> LintIssue:  # fmt: skip
        """An issue of `rule` located at the YAML path."""
        return LintIssue(
            self.source.where(path),
            RULES[rule].severity,
            rule,
            message,
            suggestion,
            subject,
            path=tuple(path),
        )

    def goal_issue(
        self, goal: Goal, rule: str, sub: tuple[str | int, ...], message: str, suggestion: str = ""
    ) -> LintIssue:
        """An issue about a goal, located at a path inside it."""
        return self.issue(rule, (*self.goal_paths[id(goal)], *sub), message, suggestion,
                          f"goal '{goal.id}'")  # fmt: skip


def check_policy(ctx: Context) -> Iterator[LintIssue]:
    """Policy-level rules: period order, adoption date, number of goals, theme contents."""
    p = ctx.policy
    if p.period.end.end < p.period.start.start:
        yield ctx.issue("period-order", ("period", "end"),
                        f"the period ends ({p.period.end.label}) before it starts ({p.period.start.label})")  # fmt: skip
    if p.adopted is None:
        yield ctx.issue("no-adoption-date", ("title",), "no `adopted` date",
                        "add the date the council adopted the policy")  # fmt: skip
    n = len(p.goals())
    if n > MAX_GOALS:
        yield ctx.issue("too-many-goals", ("themes",), f"{n} goals",
                        "the Task Force recommends few, clear result goals")  # fmt: skip
    for ti, theme in enumerate(p.themes):
        if not theme.goals and not theme.key_figures:
            yield ctx.issue("theme-without-goals", ("themes", ti, "id"), "no goals or key figures",
                            subject=f"theme '{theme.id}'")  # fmt: skip


def check_ids(ctx: Context) -> Iterator[LintIssue]:
    """Ids must be unique: themes among themes; goals, key figures and initiatives together."""
    p = ctx.policy
    theme_counts = Counter(t.id for t in p.themes)
    for ti, theme in enumerate(p.themes):
        if theme_counts[theme.id] > 1:
            yield ctx.issue("duplicate-id", ("themes", ti, "id"),
                            f"theme id '{theme.id}' is used {theme_counts[theme.id]} times",
                            "give every theme its own id")  # fmt: skip
    entries: list[tuple[str, tuple[str | int, ...], str]] = []
    for ti, theme in enumerate(p.themes):
        entries += [
            (g.id, ("themes", ti, "goals", gi, "id"), "goal") for gi, g in enumerate(theme.goals)
        ]
        entries += [(k.id, ("themes", ti, "key_figures", ki, "id"), "key figure")
                    for ki, k in enumerate(theme.key_figures)]  # fmt: skip
    entries += [
        (i.id, ("initiatives", ii, "id"), "initiative") for ii, i in enumerate(p.initiatives)
    ]
    counts = Counter(e[0] for e in entries)
    for ident, path, what in entries:
        if counts[ident] > 1:
            yield ctx.issue("duplicate-id", path,
                            f"{what} id '{ident}' is used {counts[ident]} times in this policy",
                            "ids of goals, key figures and initiatives must be unique")  # fmt: skip


def check_goal(ctx: Context, goal: Goal) -> Iterator[LintIssue]:
    """Rules for one goal: indicator, direction, baseline, target, deadline, measurement."""
    p = ctx.policy
    t = goal.target
    if t.kind is TargetKind.NONE:
        if not ctx.policy.initiatives_for(goal.id):
            yield ctx.goal_issue(goal, "none-without-initiatives", ("target",),
                                 "initiative-only goal without linked initiatives",
                                 "link the initiatives that carry the goal")  # fmt: skip
        return
    if goal.indicator is None:
        yield ctx.goal_issue(goal, "no-indicator", ("target",), "no indicator",
                             "add indicator: {id: …} from 'pejling indicators'")  # fmt: skip
        spec = None
    else:
        spec = ctx.catalog.get(goal.indicator.id)
        if spec is None:
            hint = did_you_mean(goal.indicator.id, ctx.catalog.ids())
            yield ctx.goal_issue(goal, "unknown-indicator", ("indicator", "id"),
                                 f"unknown indicator '{goal.indicator.id}'",
                                 hint or "see 'pejling indicators' for the catalog")  # fmt: skip
    direction = t.direction or (spec.direction if spec else None)
    if spec is not None and direction is None:
        yield ctx.goal_issue(goal, "no-direction", ("target",),
                             f"indicator '{spec.id}' has no good direction and the target gives none",
                             "add target.direction: higher or lower")  # fmt: skip
    if t.kind is TargetKind.DIRECTION:
        word = "more (higher)" if direction and direction.sign > 0 else "fewer (lower)"
        if t.reference_group:
            word = "that the gap to the reference group should shrink"
        yield ctx.goal_issue(goal, "direction-only", ("target", "kind"),
                             f"the goal only says {word}; it cannot be achieved or missed",
                             "set a target value and a deadline, e.g. kind: level with the value "
                             "the council wants by the end of the period")  # fmt: skip
    b = goal.baseline
    if b is None:
        if t.kind in NEEDS_VALUE and t.kind is not TargetKind.COUNT:
            yield ctx.goal_issue(goal, "no-baseline", ("target",),
                                 "no baseline: progress cannot be judged from a known start",
                                 "add baseline: {value, date, source}")  # fmt: skip
    elif b.value is None:
        own = ": each municipality's own figure" if p.is_national else ""
        yield ctx.goal_issue(goal, "baseline-value-from-data", ("baseline", "date"),
                             f"baseline value is read from the data for {b.date.label}{own}")  # fmt: skip
    if goal.measurement is None:
        yield ctx.goal_issue(goal, "no-measurement", ("target",),
                             "no measurement: how often and from which source?",
                             "add measurement: {frequency, source}")  # fmt: skip
    if goal.deadline is None:
        if t.kind in NEEDS_VALUE:
            yield ctx.goal_issue(goal, "no-deadline", ("target",),
                                 f"no deadline; the end of the policy period ({p.period.end.label}) is used",
                                 "add deadline")  # fmt: skip
    else:
        if goal.deadline.end > p.period.end.end:
            yield ctx.goal_issue(goal, "deadline-after-period", ("deadline",),
                                 f"deadline {goal.deadline.label} is after the policy period "
                                 f"({p.period.start.label}–{p.period.end.label})",
                                 "move the deadline inside the period, or accept it with a reason")  # fmt: skip
        if b is not None and goal.deadline.start <= b.date.start:
            yield ctx.goal_issue(goal, "deadline-before-baseline", ("deadline",),
                                 f"deadline {goal.deadline.label} is not after the baseline "
                                 f"({b.date.label})")  # fmt: skip
    yield from _target_side(ctx, goal, direction.sign if direction else None, spec)
    yield from _interim(ctx, goal, direction.sign if direction else None)
    if goal.indicator is not None and spec is not None:
        yield from _source(ctx, goal.indicator, spec, (*ctx.goal_paths[id(goal)], "indicator"),
                           f"goal '{goal.id}'")  # fmt: skip


def _source(
    ctx: Context,
    ref: IndicatorRef | BarometerIndicator,
    spec: IndicatorSpec,
    path: tuple[str | int, ...],
    subject: str,
) -> Iterator[LintIssue]:
    """A computable indicator that is also published elsewhere needs `source` to be unambiguous."""
    if ref.source is not None or spec.compute is None:
        return
    published = [s for s in spec.sources if "pejling" not in s.lower()]
    if published:
        yield ctx.issue(
            "source-not-stated",
            (*path, "id"),
            f"'{spec.id}' can be computed from the register and is also published by "
            f"{', '.join(published)}; without `source` the register computation is used",
            "add source: register (or the publisher the goal follows) to indicator",
            subject,
        )


def _interim(ctx: Context, goal: Goal, sign: int | None) -> Iterator[LintIssue]:
    """Milestones in time order, after the baseline, before the deadline, moving the right way."""
    t = goal.target
    if not t.interim:
        return
    deadline = goal.deadline or ctx.policy.period.end
    base = goal.baseline
    previous = None
    for k, m in enumerate(t.interim):
        where: tuple[str | int, ...] = ("target", "interim", k, "deadline")
        if previous is not None and m.deadline.start <= previous.deadline.start:
            yield ctx.goal_issue(goal, "interim-order", where,
                                 f"interim target {m.deadline.label} is not after {previous.deadline.label}",
                                 "list interim targets oldest first")  # fmt: skip
        if m.deadline.end >= deadline.end:
            yield ctx.goal_issue(goal, "interim-order", where,
                                 f"interim target {m.deadline.label} is not before the deadline "
                                 f"{deadline.label}", "an interim target falls due before the target")  # fmt: skip
        if base is not None and m.deadline.start <= base.date.start:
            yield ctx.goal_issue(goal, "interim-order", where,
                                 f"interim target {m.deadline.label} is not after the baseline ({base.date.label})")  # fmt: skip
        if (
            sign is not None
            and previous is not None
            and t.kind is not TargetKind.GAP
            and (m.value - previous.value) * sign < 0
        ):
            yield ctx.goal_issue(goal, "target-against-direction", ("target", "interim", k, "value"),
                                 f"interim target {m.value:g} moves back from {previous.value:g}",
                                 "each milestone should be at least as good as the one before")  # fmt: skip
        previous = m
    if sign is not None and previous is not None and t.value is not None:
        worse = (t.value - previous.value) * sign < 0
        if t.kind is TargetKind.GAP:
            worse = t.value > previous.value
        if worse:
            yield ctx.goal_issue(goal, "target-against-direction", ("target", "value"),
                                 f"the target {t.value:g} is not as good as the last interim target "
                                 f"{previous.value:g}")  # fmt: skip


def _target_side(ctx: Context, goal: Goal, sign: int | None, spec: object) -> Iterator[LintIssue]:
    t = goal.target
    b = goal.baseline
    percent = spec is not None and getattr(spec, "unit", None) is Unit.PERCENT
    ratio = bool(getattr(spec, "ratio", False))
    if percent and not ratio:
        if b is not None and b.value is not None and not 0 <= b.value <= 100:
            yield ctx.goal_issue(goal, "baseline-outside-plausible", ("baseline", "value"),
                                 f"baseline {b.value:g} is not a percentage (0–100)")  # fmt: skip
        if t.kind is TargetKind.LEVEL and t.value is not None and not 0 <= t.value <= 100:
            yield ctx.goal_issue(goal, "baseline-outside-plausible", ("target", "value"),
                                 f"target {t.value:g} is not a percentage (0–100)")  # fmt: skip
    if sign is None or t.value is None:
        return
    where = ("target", "value")
    if t.kind in {TargetKind.CHANGE_PP, TargetKind.CHANGE_REL} and t.value * sign <= 0:
        want = "an increase (a positive value)" if sign > 0 else "a decrease (a negative value)"
        yield ctx.goal_issue(goal, "target-against-direction", where,
                             f"a change of {t.value:g} moves against the goal's direction "
                             f"({'higher' if sign > 0 else 'lower'} is better)", f"expected {want}")  # fmt: skip
    if (
        t.kind is TargetKind.LEVEL
        and b is not None
        and b.value is not None
        and (t.value - b.value) * sign < 0
    ):
        yield ctx.goal_issue(goal, "target-against-direction", where,
                             f"target {t.value:g} is {'below' if sign > 0 else 'above'} the baseline "
                             f"{b.value:g} although {'higher' if sign > 0 else 'lower'} is better",
                             "check the target value or target.direction")  # fmt: skip
    if t.kind is TargetKind.GAP:
        if t.value < 0:
            yield ctx.goal_issue(goal, "target-against-direction", where,
                                 f"a gap target of {t.value:g} asks the group to overtake the reference",
                                 "use 0 for 'equalise the gap'")  # fmt: skip
        elif b is not None and b.value is not None and b.reference_value is not None:
            gap = sign * (b.reference_value - b.value)
            if t.value > gap:
                yield ctx.goal_issue(goal, "target-against-direction", where,
                                     f"gap target {t.value:g} is wider than the baseline gap {gap:g}",
                                     "a gap goal narrows the gap")  # fmt: skip


def check_references(ctx: Context) -> Iterator[LintIssue]:
    """Goals ↔ initiatives must point at things that exist; initiative dates in order."""
    p = ctx.policy
    goal_ids = {g.id for _t, g in p.goals()}
    init_ids = {i.id for i in p.initiatives}
    for ti, theme in enumerate(p.themes):
        for gi, goal in enumerate(theme.goals):
            for k, ref in enumerate(goal.initiatives):
                if ref not in init_ids:
                    yield ctx.issue("unknown-initiative", ("themes", ti, "goals", gi, "initiatives", k),
                                    f"unknown initiative '{ref}'",
                                    did_you_mean(ref, init_ids) or "define it under initiatives",
                                    f"goal '{goal.id}'")  # fmt: skip
    linked = {ref for _t, g in p.goals() for ref in g.initiatives}
    for ii, init in enumerate(p.initiatives):
        subject = f"initiative '{init.id}'"
        for k, ref in enumerate(init.goals):
            if ref not in goal_ids:
                yield ctx.issue("unknown-goal", ("initiatives", ii, "goals", k),
                                f"unknown goal '{ref}'",
                                did_you_mean(ref, goal_ids) or "use the id of a goal in this policy",
                                subject)  # fmt: skip
        if init.start and init.end and init.end.end < init.start.start:
            yield ctx.issue("initiative-dates", ("initiatives", ii, "end"),
                            f"ends ({init.end.label}) before it starts ({init.start.label})",
                            subject=subject)  # fmt: skip
        if not init.goals and init.id not in linked:
            yield ctx.issue("initiative-without-goal", ("initiatives", ii, "id"),
                            "not linked to any goal", "add goals: [...] to show what it serves",
                            subject)  # fmt: skip


def check_key_figures(ctx: Context) -> Iterator[LintIssue]:
    """Key figures and barometer indicators must exist in the catalog."""
    for ti, theme in enumerate(ctx.policy.themes):
        for ki, kf in enumerate(theme.key_figures):
            kf_spec = ctx.catalog.get(kf.indicator.id)
            if kf_spec is not None:
                yield from _source(ctx, kf.indicator, kf_spec,
                                   ("themes", ti, "key_figures", ki, "indicator"),
                                   f"key figure '{kf.id}'")  # fmt: skip
            if kf.indicator.id not in ctx.catalog:
                yield ctx.issue("unknown-indicator", ("themes", ti, "key_figures", ki, "indicator", "id"),
                                f"unknown indicator '{kf.indicator.id}'",
                                did_you_mean(kf.indicator.id, ctx.catalog.ids()),
                                f"key figure '{kf.id}'")  # fmt: skip
        for gi, goal in enumerate(theme.goals):
            if goal.barometer is None:
                continue
            for bi, ind in enumerate(goal.barometer.indicators):
                ind_spec = ctx.catalog.get(ind.id)
                if ind_spec is not None:
                    yield from _source(ctx, ind, ind_spec,
                                       ("themes", ti, "goals", gi, "barometer", "indicators", bi),
                                       f"goal '{goal.id}'")  # fmt: skip
                if ind.id not in ctx.catalog:
                    yield ctx.issue("unknown-indicator",
                                    ("themes", ti, "goals", gi, "barometer", "indicators", bi, "id"),
                                    f"unknown barometer indicator '{ind.id}'",
                                    did_you_mean(ind.id, ctx.catalog.ids()), f"goal '{goal.id}'")  # fmt: skip
