"""Shared CLI plumbing: error handling, plain-text messages, workspace and store lookup."""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from pejling.cpr import mask
from pejling.errors import UserError

if TYPE_CHECKING:  # pydantic, YAML and DuckDB load only when a command opens a workspace
    from pejling.periods import Period
    from pejling.spec.catalog import Catalog
    from pejling.store.database import Store
    from pejling.workspace import LoadedPolicy, Workspace

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True, highlight=False)
console = Console(highlight=False)


def say(text: str, *, err: bool = False, style: str | None = None) -> None:
    """Print text exactly as written: never as rich markup (a file name or a cell value with
    `[link=…]` or `[/]` must print literally), CPR-like numbers masked."""
    (err_console if err else console).print(
        Text(mask(text), style=style or ""), soft_wrap=True, highlight=False
    )


def print_error(message: str, lang: str = "da") -> None:
    """`Fejl: <message>` on standard error, as plain text."""
    head = Text("Fejl: " if lang == "da" else "Error: ", style="bold red")
    head.append(mask(message))
    err_console.print(head, soft_wrap=True, highlight=False)


def _language(kwargs: dict[str, object]) -> str:
    """The language of a command's messages: its --lang, else its workspace's, else Danish."""
    lang = kwargs.get("lang")
    value = getattr(lang, "value", lang)
    if value in ("da", "en"):
        return str(value)
    try:
        from pejling.workspace import Workspace

        option = kwargs.get("workspace")
        ws = Workspace.open(workspace_path(option if isinstance(option, Path) else None))
    except Exception:  # no workspace, or a broken one: the default language
        return "da"
    return ws.settings.workspace.language


def guard(func: Callable[P, R]) -> Callable[P, R]:
    """Print user errors without a traceback and exit with code 1.

    Anything else is a bug: it is reported by its type and place only — the exception's text
    and a traceback may quote the data (a CPR number in a cell), so they are shown only with
    PEJLING_DEBUG=1 — and the command exits with code 2.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            print_error(str(exc), _language(dict(kwargs)))
            raise typer.Exit(1) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            print_error("afbrudt" if _language(dict(kwargs)) == "da" else "interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("PEJLING_DEBUG"):
                raise
            print_error(_internal(exc, _language(dict(kwargs))))
            raise typer.Exit(2) from None

    return wrapper


def _internal(exc: BaseException, lang: str) -> str:
    """A bug report without data: the exception's type and the innermost pejling frame."""
    place = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if "pejling" in frame.filename:
            place = f"{Path(frame.filename).name}:{frame.lineno}"
    where = f" i {place}" if lang == "da" and place else f" in {place}" if place else ""
    if lang == "da":
        return (
            f"intern fejl i pejling ({type(exc).__name__}{where}). Det er en fejl i programmet, "
            "ikke i dine data; intet er ændret. Fejlens tekst vises ikke, fordi den kan indeholde "
            "data; kør igen med PEJLING_DEBUG=1 for at se den."
        )
    return (
        f"internal error in pejling ({type(exc).__name__}{where}). This is a bug, not a problem "
        "with your data; nothing was changed. The error's text is not shown because it may "
        "contain data; run again with PEJLING_DEBUG=1 to see it."
    )


def workspace_path(option: Path | None) -> Path:
    """--workspace, else $PEJLING_WORKSPACE, else the current directory."""
    if option is not None:
        return option
    env = os.environ.get("PEJLING_WORKSPACE")
    return Path(env) if env else Path.cwd()


def open_workspace(option: Path | None) -> Workspace:
    """Open the workspace named by --workspace / environment / cwd."""
    from pejling.workspace import Workspace

    return Workspace.open(workspace_path(option))


def open_store(ws: Workspace, *, read_only: bool = False) -> AbstractContextManager[Store]:
    """The workspace's database, waiting (with a message) while another process writes it.

    Writable: first the workspace's one-writer lock (`pejling.store.swap.writer_lock`), which
    the web application's import jobs hold while they write their copy of the store."""
    from pejling.store.database import Store

    opened = Store.open(
        ws.db_path,
        read_only=read_only,
        wait_seconds=ws.settings.store.wait_seconds,
        on_wait=lambda text: say(text, err=True),
        lang=ws.settings.workspace.language,
    )
    return opened if read_only else _as_the_writer(ws, opened)


@contextmanager
def _as_the_writer(ws: Workspace, opened: AbstractContextManager[Store]) -> Iterator[Store]:
    from pejling.store.swap import writer_lock

    da = ws.settings.workspace.language == "da"
    waiting = (
        "venter: pejling web indlæser data i arbejdsområdet (et baggrundsjob) …"
        if da
        else "waiting: pejling web is importing data into the workspace (a background job) …"
    )
    with writer_lock(ws.root / ".pejling", lambda: say(waiting, err=True)), opened as store:
        yield store


def parse_as_of(as_of: str | None, year: int | None) -> Period | None:
    """--as-of PERIOD or --year YEAR as a period (None: each policy's default)."""
    from pejling.periods import Period

    if as_of is not None and year is not None:
        raise UserError("give either --as-of or --year, not both")
    if year is not None:
        return Period.year(year)
    if as_of is None:
        return None
    try:
        return Period.parse(as_of)
    except ValueError as exc:
        raise UserError(f"--as-of: {exc}") from None


def refuse_lint_errors(ws: Workspace, lp: LoadedPolicy, catalog: Catalog) -> None:
    """Stop with every lint error of a policy: status and reports only run on clean policies."""
    from pejling.spec.lint import lint_file
    from pejling.spec.lint.report import render_issue

    _p, issues = lint_file(lp.path, catalog)
    errs = [i for i in issues if i.severity.value == "error"]
    if errs:
        text = "\n".join(render_issue(i) for i in errs)
        raise UserError(f"{ws.display(lp.path)} has lint errors; fix them first:\n{text}")
