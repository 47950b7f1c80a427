"""One finding of the policy linter."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pejling.spec.types import Severity


@dataclass(frozen=True)
class LintIssue:
    """A located finding: which rule, how serious, what is wrong and what to do."""

    location: str  # file:line
    severity: Severity
    rule: str
    message: str
    suggestion: str = ""
    subject: str = ""  # id of the goal / initiative / theme concerned
    accepted: str = ""  # reason, when an `accept` entry downgraded an error
    path: tuple[str | int, ...] = ()  # where in the YAML document (for an editor's fields)
    code: str = ""  # a schema problem's kind: unknown-key, missing-key, bad-value, enum, syntax

    def downgraded(self, reason: str) -> LintIssue:
        """The same issue as a warning, carrying the policy's reason for accepting it."""
        return replace(self, severity=Severity.WARNING, accepted=reason)
