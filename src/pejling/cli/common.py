"""Shared CLI plumbing: error handling and workspace lookup."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from pejling.errors import UserError
from pejling.spec.catalog import Catalog
from pejling.workspace import LoadedPolicy, Workspace

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True, highlight=False)
console = Console(highlight=False)


def guard(func: Callable[P, R]) -> Callable[P, R]:
    """Print user errors without a traceback and exit with code 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            err_console.print(f"[bold red]Fejl:[/] {exc}", markup=True, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def workspace_path(option: Path | None) -> Path:
    """--workspace, else $PEJLING_WORKSPACE, else the current directory."""
    if option is not None:
        return option
    env = os.environ.get("PEJLING_WORKSPACE")
    return Path(env) if env else Path.cwd()


def open_workspace(option: Path | None) -> Workspace:
    """Open the workspace named by --workspace / environment / cwd."""
    return Workspace.open(workspace_path(option))


def refuse_lint_errors(ws: Workspace, lp: LoadedPolicy, catalog: Catalog) -> None:
    """Stop with every lint error of a policy: status and reports only run on clean policies."""
    from pejling.spec.lint import lint_file
    from pejling.spec.lint.report import render_issue

    _p, issues = lint_file(lp.path, catalog)
    errs = [i for i in issues if i.severity.value == "error"]
    if errs:
        text = "\n".join(render_issue(i) for i in errs)
        raise UserError(f"{ws.display(lp.path)} has lint errors; fix them first:\n{text}")
