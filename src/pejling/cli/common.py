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
from pejling.workspace import Workspace

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
