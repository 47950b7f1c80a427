"""Good practice: who does significantly better than expected, and what their policies say they do.

The Task Force asks the state to spread what works ("Hvad gør de, der klarer sig bedst?"). A
benchmark says *who* does better than their case mix predicts; the workspace's policies say
*what* those municipalities do for a goal on the same indicator. This module joins the two and
nothing more: it does not claim that the initiatives cause the result — the text at the edge
says so.

"Significantly better" means outside the funnel plot's 95 % limit on the good side (docs/
benchmark.md), among the municipalities with enough persons to be ranked and whose row may be
published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pejling.national.benchmark import BenchmarkResult, MunicipalityBenchmark
from pejling.spec.policy import Policy, Scope

#: funnel verdicts outside the 95 % limit, per side
ABOVE = frozenset({"above95", "above998"})
BELOW = frozenset({"below95", "below998"})


@dataclass(frozen=True)
class InitiativeRef:
    """An initiative a policy names for a goal on the benchmarked indicator."""

    policy: str
    policy_title: str
    goal: str
    goal_statement: str
    title: str
    owner: str | None
    status: str


@dataclass(frozen=True)
class BestPractice:
    """A municipality that does significantly better than expected, with its initiatives."""

    row: MunicipalityBenchmark
    strong: bool  # outside the 99,8 % limit as well
    initiatives: tuple[InitiativeRef, ...]
    policies: tuple[str, ...]  # ids of its policies in the workspace (empty: none loaded)


def significantly_better(row: MunicipalityBenchmark, higher_better: bool) -> bool:
    """Outside the 95 % funnel limit on the side that is better for this indicator."""
    return row.funnel in (ABOVE if higher_better else BELOW)


def initiatives_for(policy: Policy, indicator: str) -> tuple[InitiativeRef, ...]:
    """The initiatives a policy attaches to its goals measured on `indicator`.

    An initiative is attached either from the goal (`goal.initiatives`) or from the initiative
    (`initiative.goals`); both directions are read, each initiative listed once per goal.
    """
    by_id = {i.id: i for i in policy.initiatives}
    found: list[InitiativeRef] = []
    for theme in policy.themes:
        for goal in theme.goals:
            if goal.indicator is None or goal.indicator.id != indicator:
                continue
            ids = list(goal.initiatives) + [i.id for i in policy.initiatives if goal.id in i.goals]
            for iid in dict.fromkeys(ids):
                ini = by_id.get(iid)
                if ini is None:
                    continue
                found.append(
                    InitiativeRef(
                        policy=policy.id,
                        policy_title=policy.title,
                        goal=goal.id,
                        goal_statement=goal.statement,
                        title=ini.title,
                        owner=ini.owner,
                        status=str(ini.status),
                    )
                )
    return tuple(found)


def good_practice(
    result: BenchmarkResult,
    policies: Iterable[Policy],
    hidden: Sequence[int] | frozenset[int] = frozenset(),
) -> tuple[BestPractice, ...]:
    """The ranked, publishable municipalities significantly better than expected, best first.

    `hidden` are municipalities whose row may not be published (disclosure control); they are
    left out rather than named, since naming them would reveal their position.
    """
    local = [p for p in policies if p.scope is not Scope.NATIONAL]
    out: list[BestPractice] = []
    for row in result.rows:
        if not row.ranked or row.municipality in hidden:
            continue
        if not significantly_better(row, result.higher_better):
            continue
        own = [p for p in local if p.municipality == row.municipality]
        refs = tuple(r for p in own for r in initiatives_for(p, result.indicator))
        strong = row.funnel in {"above998", "below998"}
        out.append(BestPractice(row, strong, refs, tuple(p.id for p in own)))
    sign = 1.0 if result.higher_better else -1.0
    out.sort(key=lambda b: -sign * b.row.difference)
    return tuple(out)


__all__ = ["BestPractice", "InitiativeRef", "good_practice", "initiatives_for"]
