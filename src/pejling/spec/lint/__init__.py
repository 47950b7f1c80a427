"""The policy linter: every issue of a policy file at once, each with its line and rule.

Structural problems (unknown keys, wrong types, bad YAML) come from loading; the rules in
`rules.py` then look across fields and against the indicator catalog. A goal's `accept` list
turns a named error into a warning when the weakness is the source document's, so that an
encoded real policy can be evaluated while the weakness stays visible.
"""

from __future__ import annotations

from pathlib import Path

from pejling.errors import SpecError
from pejling.spec.catalog import Catalog
from pejling.spec.lint.issue import LintIssue
from pejling.spec.lint.rules import (
    RULES,
    Context,
    check_goal,
    check_ids,
    check_key_figures,
    check_policy,
    check_references,
)
from pejling.spec.load import load_model
from pejling.spec.policy import Policy
from pejling.spec.types import Severity
from pejling.spec.yaml_source import SourceMap

__all__ = ["RULES", "LintIssue", "lint_file", "lint_policy"]


def lint_policy(policy: Policy, source: SourceMap, catalog: Catalog) -> list[LintIssue]:
    """All findings for a loaded policy, in file order, with `accept` applied."""
    ctx = Context(policy, source, catalog)
    issues: list[LintIssue] = [
        *check_policy(ctx),
        *check_ids(ctx),
        *check_references(ctx),
        *check_key_figures(ctx),
    ]
    for ti, theme in enumerate(policy.themes):
        for gi, goal in enumerate(theme.goals):
            found = list(check_goal(ctx, goal))
            accepted = {a.rule: a.reason for a in goal.accept}
            for k, acc in enumerate(goal.accept):
                if acc.rule not in RULES:
                    from pejling.suggest import did_you_mean

                    found.append(
                        ctx.issue(
                            "unknown-accepted-rule",
                            ("themes", ti, "goals", gi, "accept", k, "rule"),
                            f"unknown rule '{acc.rule}'",
                            did_you_mean(acc.rule, RULES)
                            or "use a rule id from docs/policy-format.md",
                            f"goal '{goal.id}'",
                        )
                    )
            issues.extend(
                i.downgraded(accepted[i.rule])
                if i.severity is Severity.ERROR and i.rule in accepted
                else i
                for i in found
            )
    return sorted(issues, key=_order)


def _order(issue: LintIssue) -> tuple[int, int]:
    try:
        line = int(issue.location.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        line = 0
    severity = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[issue.severity]
    return line, severity


def lint_file(
    path: Path, catalog: Catalog, display_name: str | None = None
) -> tuple[Policy | None, list[LintIssue]]:
    """Load and lint one policy file; loading problems become `schema` errors."""
    try:
        policy, source = load_model(Policy, path, display_name)
    except SpecError as exc:
        return None, [
            LintIssue(p.location, Severity.ERROR, "schema", _schema_message(p.render(), p.location))
            for p in exc.problems
        ]
    return policy, lint_policy(policy, source, catalog)


def _schema_message(rendered: str, location: str) -> str:
    prefix = f"{location}: "
    return rendered[len(prefix) :] if rendered.startswith(prefix) else rendered
