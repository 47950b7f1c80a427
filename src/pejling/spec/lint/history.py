"""Lint warnings that need the workspace's data: a target history says is almost never reached,
and a target the municipality already meets.

The other rules read only the policy file and the catalog; these two need observations of every
municipality, so `pejling lint` runs them only when the workspace has a store, and without one
lint works as before. Why a protocol: the linter sits upstream of the store and the national
computations (imports flow downward only); the CLI passes an implementation
(`pejling.national.target_lint.StoreTargetHistory`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from pejling.spec.catalog import Catalog
from pejling.spec.lint.issue import LintIssue
from pejling.spec.lint.rules import Context
from pejling.spec.policy import Goal, Policy
from pejling.spec.yaml_source import SourceMap


@dataclass(frozen=True)
class TargetFinding:
    """What the data says about one goal's target; a text is empty when there is nothing to say."""

    rarely_reached: str = ""  # why history says the change is almost never made
    already_met: str = ""  # which figure already meets the target


class TargetHistory(Protocol):
    """Judges a goal's target against the data (None: nothing to judge it on)."""

    def check(self, policy: Policy, goal: Goal) -> TargetFinding | None:
        """The finding for one goal of the policy."""
        ...


def check_target_history(
    policy: Policy, source: SourceMap, catalog: Catalog, history: TargetHistory
) -> list[LintIssue]:
    """`target-rarely-reached` and `target-already-met` warnings for every goal with a target."""
    return list(_issues(Context(policy, source, catalog), history))


def _issues(ctx: Context, history: TargetHistory) -> Iterator[LintIssue]:
    for _theme, goal in ctx.policy.goals():
        if goal.target.value is None:
            continue
        finding = history.check(ctx.policy, goal)
        if finding is None:
            continue
        if finding.rarely_reached:
            yield ctx.goal_issue(goal, "target-rarely-reached", ("target", "value"),
                                 finding.rarely_reached,
                                 f"see 'pejling target {ctx.policy.id} {goal.id}' for a realistic "
                                 "range, or accept the ambition knowingly")  # fmt: skip
        if finding.already_met:
            yield ctx.goal_issue(goal, "target-already-met", ("target", "value"),
                                 finding.already_met,
                                 "set a target beyond the current figure "
                                 f"('pejling target {ctx.policy.id} {goal.id}')")  # fmt: skip
