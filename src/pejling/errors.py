"""One exception tree for pejling.

User errors (bad input, bad spec, bad data) derive from `UserError`: the CLI prints them without
a traceback and exits non-zero. Anything else is an internal error and is a bug.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PejlingError(Exception):
    """Base class of all errors raised on purpose by pejling."""


class UserError(PejlingError):
    """Something the user can fix: a file, an argument, a setting."""


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: where it is, what is wrong, what was expected."""

    location: str
    message: str
    expected: str = ""
    hint: str = ""
    code: str = ""

    def render(self) -> str:
        """Render as `location: message; expected …; hint`."""
        text = f"{self.location}: {self.message}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.hint:
            text += f". {self.hint}"
        return text


class InputRejected(UserError):
    """An input file was rejected whole; carries every problem found (or the first N)."""

    def __init__(self, source: str, problems: Sequence[Problem], total: int | None = None) -> None:
        self.source = source
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line, after a one-line summary."""
        head = f"{self.source}: rejected, {self.total} problem(s); nothing was written"
        lines = [head, *("  " + p.render() for p in self.problems)]
        if self.total > len(self.problems):
            lines.append(f"  … and {self.total - len(self.problems)} more")
        return "\n".join(lines)


class SpecError(InputRejected):
    """A policy, settings or indicator file is invalid."""


class ImportRejected(InputRejected):
    """A data file failed validation; the store is unchanged."""


class WorkspaceError(UserError):
    """The workspace folder is missing, incomplete or locked."""
