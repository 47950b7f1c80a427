"""Commands whose modules are imported only when the command runs.

Why: every `pejling` command used to import every command module at start-up, and with them
numpy, scipy, statsmodels, sqlglot, openpyxl, DuckDB, Jinja2 and the report, national and engine
packages — 1.5 s before `pejling --help` or `pejling lint` printed anything. typer builds a
command from its function's signature, so a command cannot be described without importing its
module. A lazy command is therefore named by module and attribute and built the first time it is
looked up (to run it or to show its own `--help`); the command's module is the single source of
its signature and help text.

The one place that looks up every command without running one is the command list of
`pejling --help`. While that list is written, a lazy command is stood in for by a placeholder
carrying the help text read from its module's source with `ast` (the function's docstring, or a
sub-app's `typer.Typer(help=...)`), so the list is the same as with the real commands and no
command module is imported. tests/cli/test_lazy_imports.py checks both.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter


@dataclass(frozen=True)
class LazyCommand:
    """A command (`group=False`: a function) or a sub-app (`group=True`: a `typer.Typer`) by
    module and attribute name."""

    name: str
    module: str
    attr: str
    group: bool = False

    def load(self) -> Any:
        """The function or sub-app itself (imports its module)."""
        return getattr(importlib.import_module(self.module), self.attr)

    def help_text(self) -> str | None:
        """The help text typer would show for it, read from the module's source (no import)."""
        for node in _source(self.module).body:
            if not self.group and isinstance(node, ast.FunctionDef) and node.name == self.attr:
                return ast.get_docstring(node, clean=True)
            if (
                self.group
                and isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == self.attr for t in node.targets)
                and isinstance(node.value, ast.Call)
            ):
                for kw in node.value.keywords:
                    if kw.arg == "help":
                        return str(ast.literal_eval(kw.value))
        return None


@cache
def _source(module: str) -> ast.Module:
    """A module's syntax tree, without importing it (several commands share a module)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:  # pragma: no cover - a packaging error
        raise ModuleNotFoundError(module)
    with open(spec.origin, encoding="utf-8") as fh:
        return ast.parse(fh.read(), spec.origin)


class LazyGroup(TyperGroup):
    """typer's group with commands built on first use (see the module docstring).

    Subclass it with `lazy` set, and pass the subclass as `typer.Typer(cls=...)`."""

    lazy: ClassVar[dict[str, LazyCommand]] = {}
    app: ClassVar[typer.Typer | None] = None
    _listing: bool = False

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        # typer suggests from the commands built so far; `resolve_command` suggests from all
        self._suggest_all = self.suggest_commands
        self.suggest_commands = False

    def list_commands(self, ctx: Context) -> list[str]:
        """Eager commands, then lazy commands, then the sub-apps — typer's order when every
        command is registered eagerly in that order."""
        eager = list(self.commands)
        groups = [n for n in eager if isinstance(self.commands[n], TyperGroup)]
        plain = [n for n in eager if n not in groups]
        lazy_plain = [n for n, c in self.lazy.items() if not c.group and n not in self.commands]
        lazy_groups = [n for n, c in self.lazy.items() if c.group and n not in self.commands]
        return [*plain, *lazy_plain, *groups, *lazy_groups]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        """The command; a lazy one is built now, or, while `--help` lists the commands, stood
        in for by a placeholder with its help text."""
        if cmd_name in self.commands or cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        item = self.lazy[cmd_name]
        if self._listing:
            return TyperCommand(name=cmd_name, help=item.help_text())
        if self.app is None:  # pragma: no cover - a wiring error
            raise RuntimeError("LazyGroup.app is not set")
        command = build(item, self.app)
        self.commands[cmd_name] = command
        return command

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """typer's, with "Did you mean …?" drawn from every command, lazy ones included."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            if self._suggest_all and args:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(f"{m!r}" for m in matches)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The group's help, listing lazy commands without importing them."""
        with self._placeholders():
            super().format_help(ctx, formatter)

    @contextmanager
    def _placeholders(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False


def build(item: LazyCommand, app: typer.Typer) -> Command:
    """The click command typer would have built had `item` been registered on `app` with
    `app.command(name)` or `app.add_typer(sub_app, name=name)`."""
    from typer.main import get_command_from_info, get_group_from_info
    from typer.models import CommandInfo, TyperInfo

    target = item.load()
    if item.group:
        return get_group_from_info(
            TyperInfo(target, name=item.name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )
    return get_command_from_info(
        CommandInfo(name=item.name, callback=target),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )
