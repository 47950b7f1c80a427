"""`pejling lint`'s warnings from history: targets the store says are rarely reached or met.

Kept apart from `pejling similar` and `pejling target` (whose module imports the national
package at start-up) so that `pejling lint` loads only what it uses (docs/similar-and-targets.md).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.cli.common import say
from pejling.errors import WorkspaceError
from pejling.spec.types import Severity

if TYPE_CHECKING:
    from pejling.spec.catalog import Catalog
    from pejling.spec.lint.issue import LintIssue
    from pejling.spec.policy import Policy
    from pejling.workspace import Workspace


def add_history_warnings(
    ws: Workspace,
    results: list[tuple[Path, Policy | None, list[LintIssue]]],
    catalog: Catalog,
    rare_share: float,
) -> bool:
    """Add `target-rarely-reached` and `target-already-met` to lint's findings when the
    workspace has a store (lint without one works as before); False when the store could not
    be read (the warnings are skipped, and said to be).

    The store and the national package are imported only here, when there is a store to read.
    """
    if not ws.db_path.exists():
        return True
    from pejling.national.target_lint import StoreTargetHistory
    from pejling.spec.lint.history import check_target_history
    from pejling.spec.load import load_model
    from pejling.spec.policy import Policy
    from pejling.store.database import Store

    # lint never waits for another process's import: the history warnings are skipped instead
    with ExitStack() as stack:
        try:
            store = stack.enter_context(
                Store.open(ws.db_path, read_only=True, lang=ws.settings.workspace.language)
            )
        except WorkspaceError as exc:
            say(f"Bemærk: advarslerne om målenes historik er sprunget over: {exc}", err=True)
            return False
        judge = StoreTargetHistory(store, catalog, rare_share, ws.settings.evaluation.min_persons)
        for path, policy, issues in results:
            if policy is None or any(i.severity is Severity.ERROR for i in issues):
                continue
            _p, source = load_model(Policy, path)  # the same file names as the other findings
            issues.extend(check_target_history(policy, source, catalog, judge))
            issues.sort(key=_line)
    return True


def _line(issue: LintIssue) -> tuple[int, int]:
    try:
        line = int(issue.location.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        line = 0
    return line, {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[issue.severity]
