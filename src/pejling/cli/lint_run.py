"""What `pejling lint` prints, checked or loaded from the workspace's cache (`pejling.cache`).

Checking reads and validates every policy and the indicator catalog (the YAML parser is the slow
part) and, with a store, reads the store's history for the warnings about rarely reached and
already met targets. The findings depend only on the files, the settings and the store, so in a
workspace they are cached; this module imports only what prints cached findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.cache import Key, cached, slot_name, workspace_key

if TYPE_CHECKING:
    from pejling.spec.catalog import Catalog
    from pejling.spec.lint.issue import LintIssue
    from pejling.workspace import Workspace


@dataclass(frozen=True)
class LintRun:
    """The findings per file, in the order the files were given; `complete` is False when the
    store could not be read for the history warnings (such a run is not cached)."""

    files: tuple[tuple[Path, tuple[LintIssue, ...]], ...]
    complete: bool = True


def lint_run(
    ws: Workspace | None, paths: list[Path], rare_share: float, *, use_cache: bool = True
) -> LintRun:
    """Lint `paths` against the workspace's catalog (and its store's history), or against the
    built-in catalog when there is no workspace (then nothing is cached)."""
    if ws is None:
        from pejling.spec.catalog import load_catalog

        return check(None, paths, load_catalog([]), rare_share)
    found = ws

    def key() -> Key:
        k = workspace_key("lint", found).add("rare_share", rare_share)
        for path in paths:  # as given: the findings name the files so
            k.add("path", (str(path), str(path.resolve()))).file("file", path)
        return k

    return cached(
        ws.root,
        slot_name("lint", [str(p) for p in paths], rare_share),
        key,
        lambda: check(found, paths, found.catalog(), rare_share),
        use=use_cache,
        keep=lambda run: run.complete,
    )


def check(ws: Workspace | None, paths: list[Path], catalog: Catalog, rare_share: float) -> LintRun:
    """Lint the files (no cache); with a workspace, add the warnings from its store's history."""
    from pejling.spec.lint import lint_files

    results = lint_files(paths, catalog)
    complete = True
    if ws is not None:
        from pejling.cli.lint_history import add_history_warnings

        complete = add_history_warnings(ws, results, catalog, rare_share)
    return LintRun(tuple((path, tuple(issues)) for path, _policy, issues in results), complete)
