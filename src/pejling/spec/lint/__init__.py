"""The policy linter: every issue of a policy file at once, each with its line and rule.

Structural problems (unknown keys, wrong types, bad YAML) come from loading; the rules in
`rules.py` then look across fields and against the indicator catalog. A goal's `accept` list
turns a named error into a warning when the weakness is the source document's, so that an
encoded real policy can be evaluated while the weakness stays visible.

The checks live in `pejling.spec.lint.check` and are imported when first used: printing
findings (`pejling.spec.lint.issue`, `pejling.spec.lint.report`) — `pejling lint` answered from
the workspace's cache — must not load the policy model, the catalog and the YAML parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pejling.spec.lint.check import RULES, lint_file, lint_files, lint_policy, lint_text
    from pejling.spec.lint.issue import LintIssue

__all__ = ["RULES", "LintIssue", "lint_file", "lint_files", "lint_policy", "lint_text"]


def __getattr__(name: str) -> Any:
    """The checks, imported on first use."""
    if name == "LintIssue":
        from pejling.spec.lint.issue import LintIssue

        return LintIssue
    if name in __all__:
        from pejling.spec.lint import check

        return getattr(check, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
