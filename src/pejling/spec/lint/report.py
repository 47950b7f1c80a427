"""Rendering lint findings for the console (compiler-style, one line each)."""

from __future__ import annotations

from collections.abc import Iterable

from pejling.spec.lint.issue import LintIssue
from pejling.spec.types import Severity


def render_issue(issue: LintIssue) -> str:
    """`file:line: warning[direction-only]: goal 'x': … Suggestion: …`."""
    subject = f"{issue.subject}: " if issue.subject else ""
    text = f"{issue.location}: {issue.severity.value}[{issue.rule}]: {subject}{issue.message}"
    if issue.accepted:
        text += f" (accepted by the policy: {issue.accepted})"
    if issue.suggestion:
        sep = " " if text.endswith((".", "?", "!", ")")) else ". "
        text += f"{sep}Suggestion: {issue.suggestion}"
    return text


def summarise(issues: Iterable[LintIssue]) -> tuple[int, int, int]:
    """Counts of errors, warnings and infos."""
    counts = {s: 0 for s in Severity}
    for issue in issues:
        counts[issue.severity] += 1
    return counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
