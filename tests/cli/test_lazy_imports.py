"""`pejling --help`, `lint` and `status` import only what they need (issue 14, "Fast commands").

Each check runs in a fresh interpreter and reads `sys.modules`: which modules are loaded is a
fact about the code, not about the machine's speed (bench/startup.py prints the times). The
heavy packages — numpy and the statistics stack, DuckDB, sqlglot, openpyxl, Jinja2, WeasyPrint,
Arrow — and pejling's report, national and engine packages must not be loaded by the start-up
of the command line, and `pejling lint` must not load more than the policies, the catalog and
(with a store) DuckDB. Answered from the workspace's cache (`pejling.cache`), `pejling status`
and `pejling lint` load neither the store, the YAML parser nor the judging: only what prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

import pejling.cache
from pejling.cli.app import LAZY, app
from pejling.cli.lazy import LazyGroup

ROOT = Path(__file__).resolve().parents[2]

#: loaded only by the commands that compute, judge, report or write spreadsheets
HEAVY = (
    "numpy",
    "scipy",
    "statsmodels",
    "duckdb",
    "sqlglot",
    "openpyxl",
    "jinja2",
    "weasyprint",
    "polars",
    "pyarrow",
    "vl_convert",
    "pejling.report",
    "pejling.national",
    "pejling.engine",
    "pejling.register",
    "django",
    "gunicorn",
    "pejling.web",
)


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """The modules loaded after running `code` in a fresh interpreter."""
    out = tmp_path / "modules.json"
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        with open({str(out)!r}, "w", encoding="utf-8") as fh:
            json.dump(sorted(sys.modules), fh)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(json.loads(out.read_text(encoding="utf-8")))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def _run_cli(*args: str) -> str:
    """Python code that runs `pejling ARGS` in-process and swallows its exit."""
    return f"""
        import contextlib, io
        from pejling.cli.app import app
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                app({list(args)!r})
            except SystemExit as exc:
                assert exc.code in (0, None), exc.code
        """


def test_importing_the_command_line_loads_nothing_heavy(tmp_path: Path) -> None:
    modules = _modules_after("import pejling.cli.app\n", tmp_path)
    assert _loaded(modules, (*HEAVY, "pydantic", "ruamel", "importlib.metadata")) == []


def test_help_loads_nothing_heavy(tmp_path: Path) -> None:
    modules = _modules_after(_run_cli("--help"), tmp_path)
    assert _loaded(modules, (*HEAVY, "pydantic", "ruamel")) == []
    # the command modules themselves are read (for their help text), not imported
    assert not [m for m in modules if m.endswith("_cmd")]


def _tiny_workspace(tmp_path: Path, *, store: bool) -> Path:
    from pejling.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", "t", 265)
    shutil.copy(ROOT / "src/pejling/demo/policies/roskilde-2015.yaml", ws.policies_dir)
    if store:
        from pejling.store.database import Store

        with Store.open(ws.db_path):
            pass
    return ws.root


def test_lint_without_a_store_loads_only_the_spec(tmp_path: Path) -> None:
    ws = _tiny_workspace(tmp_path, store=False)
    modules = _modules_after(_run_cli("lint", "-w", str(ws)), tmp_path)
    assert "pejling.spec.lint.check" in modules  # it did run
    assert _loaded(modules, HEAVY) == []


def test_lint_with_a_store_adds_only_duckdb(tmp_path: Path) -> None:
    ws = _tiny_workspace(tmp_path, store=True)
    modules = _modules_after(_run_cli("lint", "-w", str(ws)), tmp_path)
    assert "pejling.national.target_lint" in modules  # the history warnings did run
    allowed = ("duckdb", "pejling.national")
    assert _loaded(modules, tuple(n for n in HEAVY if n not in allowed)) == []


#: what judging and checking load; a result from the cache is printed without any of it
JUDGING = (
    *(n for n in HEAVY if n not in ("pejling.report", "pejling.national")),
    "ruamel.yaml",
    "pejling.store",
    "pejling.spec.catalog",
    "pejling.spec.load",
    "pejling.spec.lint.check",
    "pejling.evaluation.evaluate",
    "pejling.cli.judging",
    "pejling.cli.report_cmd",
)


def _cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> set[str]:
    """The modules `pejling ARGS` loads when its result is in the cache: it runs once in this
    process (judging, and caching even though the store was just made), then in a fresh one."""
    monkeypatch.setattr(pejling.cache, "SETTLE_NS", 0)
    monkeypatch.delenv(pejling.cache.NO_CACHE_ENV, raising=False)
    # the fingerprint of the code as the fresh process will see it: this process may have
    # taken it earlier in the session, before a subprocess wrote bytecode into site-packages
    pejling.cache.code_fingerprint.cache_clear()
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    modules = _modules_after(_run_cli(*args), tmp_path)
    if _loaded(modules, JUDGING):
        # a fresh process may see another key than this one (in a whole-suite run on a new
        # checkout, subprocesses write bytecode into site-packages meanwhile): once the store
        # is old enough to be settled, a fresh run keeps its result and the next one loads it
        time.sleep(3.1)
        _modules_after(_run_cli(*args), tmp_path)
        modules = _modules_after(_run_cli(*args), tmp_path)
    return modules


@pytest.mark.parametrize("policy", [None, "nationale-maal"])
def test_status_from_the_cache_loads_only_what_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: str | None
) -> None:
    ws = _tiny_workspace(tmp_path, store=True)
    shutil.copy(ROOT / "src/pejling/demo/policies/nationale-maal.yaml", ws / "policies")
    modules = _cached(tmp_path, monkeypatch, "status", *([policy] if policy else []), "-w", str(ws))
    assert "pejling.cli.status_data" in modules  # it did run
    assert _loaded(modules, JUDGING) == []
    assert {m for m in modules if m.startswith("pejling.report.")} <= {"pejling.report.texts"}
    assert {m for m in modules if m.startswith("pejling.national.")} <= {
        "pejling.national.status_model"
    }


def test_lint_from_the_cache_loads_only_what_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _tiny_workspace(tmp_path, store=True)
    modules = _cached(tmp_path, monkeypatch, "lint", "-w", str(ws))
    assert "pejling.cli.lint_run" in modules  # it did run
    assert _loaded(modules, (*JUDGING, "pejling.report", "pejling.national")) == []
    assert _loaded(modules, ("pejling.spec.policy", "pejling.spec.indicator")) == []


def test_help_lists_lazy_commands_as_the_real_ones() -> None:
    """The placeholders of `pejling --help` carry the real commands' help, in typer's order."""
    command = get_command(app)
    assert isinstance(command, LazyGroup)
    ctx = command.make_context("pejling", [], resilient_parsing=True)
    with_placeholders = command.get_help(ctx)
    names = command.list_commands(ctx)
    for name in names:  # build every lazy command for real
        assert command.get_command(ctx, name) is not None
    assert set(LAZY) <= set(command.commands)
    assert command.get_help(ctx) == with_placeholders
    assert command.list_commands(ctx) == names
    groups = [n for n in names if LAZY.get(n) is not None and LAZY[n].group]
    assert names[-len(groups) :] == groups  # typer lists sub-apps after the commands


def test_a_lazy_command_is_the_command_typer_builds() -> None:
    """Registering a command module eagerly gives the same help as building it lazily."""
    for item in LAZY.values():
        eager = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        eager.callback()(lambda: None)
        if item.group:
            eager.add_typer(item.load(), name=item.name)
        else:
            eager.command(item.name)(item.load())
        real = get_command(eager)
        lazy = get_command(app)
        assert isinstance(real, TyperGroup)
        assert isinstance(lazy, LazyGroup)
        ctx = lazy.make_context("pejling", [], resilient_parsing=True)
        ectx = real.make_context("pejling", [], resilient_parsing=True)
        got = lazy.get_command(ctx, item.name)
        want = real.get_command(ectx, item.name)
        assert got is not None
        assert want is not None
        assert got.help == want.help, item.name
        assert [p.opts for p in got.params] == [p.opts for p in want.params], item.name
        sub = got.make_context(item.name, [], resilient_parsing=True, parent=ctx)
        esub = want.make_context(item.name, [], resilient_parsing=True, parent=ectx)
        assert got.get_help(sub) == want.get_help(esub), item.name


def test_a_typo_is_suggested_from_every_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pejling", "repor"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert proc.returncode == 2
    assert "Did you mean 'report'" in proc.stderr
