"""The workspace's cache of `pejling status` and `pejling lint` results (`pejling.cache`).

A cached result must never be stale: every input the result depends on is changed in turn — a
goal's target in a policy, imported data, data written to the store by other means, the
settings, the period asked for, the language, today's date — and each change must judge
afresh, with the same output as judging without the cache. And the output with the cache must
be the output without it, byte for byte, in every format.

The commands run in-process (typer's test runner) so that the judging function can be counted:
a hit must not judge, a changed input must. The settling rule (a store written in the last
seconds is not cached) is switched off for these tests, except where it is tested itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import pejling.cache as cache_module
import pejling.cli.lint_run as lint_run_module
import pejling.cli.status_data as status_data_module
from pejling.cache import CACHE_DIR, NO_CACHE_ENV, Key, cached, load, save
from pejling.cli.app import app

POLICY = "roskilde-2015"
NATIONAL = "nationale-maal"


@pytest.fixture
def ws(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of the session's demo workspace that a test may change."""
    out = tmp_path / "ws"
    shutil.copytree(demo_dir, out, ignore=shutil.ignore_patterns(".pejling", "reports"))
    return out


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results are cached even when the store was written a moment ago (see `pejling.cache`),
    and the environment does not switch the cache off."""
    monkeypatch.setattr(cache_module, "SETTLE_NS", 0)
    monkeypatch.delenv(NO_CACHE_ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


class Counter:
    """Counts the calls of the function it replaces (and calls it)."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.func(*args, **kwargs)


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How many times `pejling status` judged (instead of loading the cache)."""
    counter = Counter(status_data_module.judge_status)
    monkeypatch.setattr(status_data_module, "judge_status", counter)
    return counter


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How many times `pejling lint` checked (instead of loading the cache)."""
    counter = Counter(lint_run_module.check)
    monkeypatch.setattr(lint_run_module, "check", counter)
    return counter


def cli(*args: str, code: int = 0) -> tuple[str, str]:
    """Run `pejling ARGS` in-process: (stdout, stderr)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output + (
        repr(result.exception) if result.exception else ""
    )
    return result.stdout, result.stderr


def status(ws: Path, *args: str) -> tuple[str, str]:
    return cli("status", *args, "-w", str(ws))


def fresh(ws: Path, *args: str) -> tuple[str, str]:
    """The output judged without the cache."""
    return status(ws, *args, "--no-cache")


# -- the output with the cache is the output without it ----------------------------------------


@pytest.mark.parametrize("policy", [None, POLICY, NATIONAL])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cached_output_is_byte_identical(
    ws: Path, judged: Counter, policy: str | None, fmt: str
) -> None:
    args = ([policy] if policy else []) + ["--format", fmt]
    first = status(ws, *args)
    assert judged.calls == 1
    second = status(ws, *args)
    assert judged.calls == 1  # loaded, not judged
    assert second == first
    assert fresh(ws, *args) == first
    assert judged.calls == 2


@pytest.mark.parametrize("policy", [None, NATIONAL])
def test_cached_workbook_has_the_same_cells(ws: Path, judged: Counter, policy: str | None) -> None:
    """XLSX files carry their time of writing, so the cells are compared."""

    def cells(path: Path) -> list[list[list[Any]]]:
        wb = load_workbook(path)
        return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in wb.worksheets]

    args = [policy] if policy else []
    out = [ws / f"{name}.xlsx" for name in ("a", "b", "c")]
    status(ws, *args, "-f", "xlsx", "-o", str(out[0]))
    status(ws, *args, "-f", "xlsx", "-o", str(out[1]))
    assert judged.calls == 1
    status(ws, *args, "-f", "xlsx", "-o", str(out[2]), "--no-cache")
    assert cells(out[0]) == cells(out[1]) == cells(out[2])


def test_the_cache_is_private_and_marked(ws: Path) -> None:
    status(ws)
    folder = ws / CACHE_DIR
    assert (folder / "CACHEDIR.TAG").read_text(encoding="ascii").startswith("Signature: 8a477f")
    assert (folder / ".gitignore").read_text(encoding="ascii") == "*\n"
    if os.name == "posix":
        assert folder.stat().st_mode & 0o777 == 0o700
        for entry in folder.glob("*.pickle"):
            assert entry.stat().st_mode & 0o777 == 0o600


def test_no_cache_and_the_environment_bypass_it(
    ws: Path, judged: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    status(ws, "--no-cache")
    assert not (ws / CACHE_DIR).exists()  # neither read nor written
    monkeypatch.setenv(NO_CACHE_ENV, "1")
    status(ws)
    status(ws)
    assert judged.calls == 3
    assert not (ws / CACHE_DIR).exists()


# -- every input: a change judges afresh ---------------------------------------------------------


def _record(text: str, goal: str) -> dict[str, Any]:
    import json

    found: dict[str, Any] = next(r for r in json.loads(text) if r["goal"] == goal)
    return found


def test_an_edited_target_is_judged_afresh(ws: Path, judged: Counter) -> None:
    before, _ = status(ws, POLICY, "-f", "json")
    assert _record(before, "maal-2")["target"] == 57
    path = ws / "policies" / f"{POLICY}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "target: {kind: level, value: 57}" in text
    path.write_text(text.replace("target: {kind: level, value: 57}", "target: {kind: level, value: 58}"), encoding="utf-8")  # fmt: skip
    after, _ = status(ws, POLICY, "-f", "json")
    assert judged.calls == 2
    assert _record(after, "maal-2")["target"] == 58
    assert fresh(ws, POLICY, "-f", "json")[0] == after
    # the national status is judged jointly with the municipal policies: it is judged afresh too
    status(ws, NATIONAL, "-f", "json")
    path.write_text(text, encoding="utf-8")
    assert status(ws, NATIONAL, "-f", "json")[0] == fresh(ws, NATIONAL, "-f", "json")[0]
    assert status(ws, POLICY, "-f", "json")[0] == before  # back as it was


def test_another_policy_file_is_judged_afresh(ws: Path, judged: Counter) -> None:
    """Disclosure control is decided over every publishable policy: a policy added to (or
    removed from) the workspace can change what this one shows, so it is a new key."""
    status(ws, POLICY)
    extra = ws / "policies" / "kopi.yaml"
    text = (ws / "policies" / f"{POLICY}.yaml").read_text(encoding="utf-8")
    extra.write_text(text.replace(f"id: {POLICY}", "id: kopi", 1), encoding="utf-8")
    status(ws, POLICY)
    assert judged.calls == 2
    extra.unlink()
    status(ws, POLICY)
    assert judged.calls == 3  # the entry was replaced: judged again, not reloaded from before


def test_imported_data_is_judged_afresh(ws: Path, judged: Counter, tmp_path: Path) -> None:
    status(ws, "-f", "json")
    csv = tmp_path / "new_figures.csv"
    csv.write_text(
        "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage,"
        "provenance,publisher\n"
        "youth_education_20_24,265,2013,origin=non_western,,,61,percent,"
        '"Integrationsbarometeret (test)",2016-01-01,published,Integrationsbarometeret\n',
        encoding="utf-8",
    )
    cli("import", str(csv), "-w", str(ws))
    after, _ = status(ws, "-f", "json")
    assert judged.calls == 2
    assert fresh(ws, "-f", "json")[0] == after


def test_data_written_to_the_store_by_other_means_is_judged_afresh(
    ws: Path, judged: Counter
) -> None:
    """The store enters the key by its file's metadata, not by pejling's import log: a write
    that is not logged (a computation, a repair in the DuckDB shell) is seen too."""
    before, _ = status(ws, POLICY, "-f", "json")
    con = duckdb.connect(str(ws / "pejling.duckdb"))
    try:
        con.execute(
            "UPDATE computed_observations SET value = value / 2, numerator = numerator / 2 "
            "WHERE indicator = 'youth_education_20_24' AND municipality = 265"
        )
    finally:
        con.close()
    after, _ = status(ws, POLICY, "-f", "json")
    assert judged.calls == 2
    assert after != before
    assert _record(after, "maal-2")["latest"] != _record(before, "maal-2")["latest"]
    assert fresh(ws, POLICY, "-f", "json")[0] == after


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("min_persons = 20", "min_persons = 400"),
        ("threshold = 5", "threshold = 60"),
        ('language = "da"', 'language = "en"'),
    ],
)
def test_changed_settings_are_judged_afresh(ws: Path, judged: Counter, old: str, new: str) -> None:
    before, _ = status(ws, "-f", "json")
    settings = ws / "pejling.toml"
    text = settings.read_text(encoding="utf-8")
    assert old in text
    settings.write_text(text.replace(old, new), encoding="utf-8")
    after, _ = status(ws, "-f", "json")
    assert judged.calls == 2
    assert after != before
    assert fresh(ws, "-f", "json")[0] == after


def test_another_period_or_language_is_judged_afresh(ws: Path, judged: Counter) -> None:
    default, _ = status(ws, POLICY, "-f", "json")
    as_of, _ = status(ws, POLICY, "-f", "json", "--as-of", "2016")
    english, _ = status(ws, POLICY, "-f", "json", "--lang", "en")
    assert judged.calls == 3
    assert len({default, as_of, english}) == 3
    assert fresh(ws, POLICY, "-f", "json", "--as-of", "2016")[0] == as_of
    assert status(ws, POLICY, "-f", "json", "--as-of", "2016")[0] == as_of
    assert judged.calls == 4  # the last one was loaded


def test_another_day_is_another_key(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy's default period depends on today's date (a policy ends; a year has data)."""
    from datetime import date

    from pejling.workspace import Workspace

    workspace = Workspace.open(ws)
    today = cache_module.workspace_key("status", workspace).digest()

    class Tomorrow(date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls(2999, 1, 1)

    monkeypatch.setattr(cache_module, "date", Tomorrow)
    assert cache_module.workspace_key("status", workspace).digest() != today


def test_errors_are_not_cached(ws: Path, judged: Counter) -> None:
    path = ws / "policies" / f"{POLICY}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: level, value: 57", "kind: levl, value: 57"), encoding="utf-8")  # fmt: skip
    cli("status", POLICY, "-w", str(ws), code=1)
    cli("status", POLICY, "-w", str(ws), code=1)
    assert judged.calls == 2
    assert not list(ws.glob(f"{CACHE_DIR}/*.pickle"))


# -- the cache's own rules -----------------------------------------------------------------------


def test_a_store_written_a_moment_ago_is_not_cached(
    ws: Path, judged: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Racily clean: a write in the same clock tick as the key could keep the store's times, so
    a result is kept only once the store has settled."""
    monkeypatch.setattr(cache_module, "SETTLE_NS", 600_000_000_000)  # a slow machine's moment
    store = ws / "pejling.duckdb"
    os.utime(store)  # just written (its change time is now, too)
    status(ws, POLICY)
    status(ws, POLICY)
    assert judged.calls == 2
    assert not (ws / CACHE_DIR).exists()
    monkeypatch.setattr(cache_module, "SETTLE_NS", 0)
    status(ws, POLICY)
    status(ws, POLICY)
    assert judged.calls == 3


def test_a_file_changed_while_computing_is_not_cached(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("one", encoding="utf-8")

    def key() -> Key:
        return Key("test").file("input", source)

    def compute() -> str:
        value = source.read_text(encoding="utf-8")
        source.write_text("two", encoding="utf-8")  # saved while it was computed
        return value

    assert cached(tmp_path, "slot", key, compute) == "one"
    assert load(tmp_path, "slot", key().digest()) is None
    assert not list(tmp_path.glob(f"{CACHE_DIR}/*.pickle"))


def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path) -> None:
    save(tmp_path, "slot", "a" * 64, {"value": 1})
    assert load(tmp_path, "slot", "a" * 64) == {"value": 1}
    assert load(tmp_path, "slot", "b" * 64) is None  # another key
    entry = tmp_path / CACHE_DIR / "slot.pickle"
    entry.write_bytes(entry.read_bytes()[:-5])  # truncated
    assert load(tmp_path, "slot", "a" * 64) is None
    if os.name == "posix":
        save(tmp_path, "slot", "a" * 64, {"value": 1})
        entry.chmod(0o666)  # writable by others: could have been replaced by anyone
        assert load(tmp_path, "slot", "a" * 64) is None
        entry.chmod(0o600)
        (tmp_path / CACHE_DIR).chmod(0o777)
        assert load(tmp_path, "slot", "a" * 64) is None
        (tmp_path / CACHE_DIR).chmod(0o700)
        assert load(tmp_path, "slot", "a" * 64) == {"value": 1}


def test_a_workspace_that_cannot_be_written_works_uncached(ws: Path, judged: Counter) -> None:
    """A read-only copy of a workspace (here: `.pejling` cannot be a folder) judges every time."""
    (ws / ".pejling").write_text("not a folder", encoding="utf-8")
    first = status(ws)
    assert status(ws) == first
    assert judged.calls == 2


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "KEEP", 3)
    now = time.time_ns()
    for i in range(5):
        save(tmp_path, f"slot{i}", "a" * 64, i)
        written = now - (10 - i) * 1_000_000_000  # slot0 the oldest
        os.utime(tmp_path / CACHE_DIR / f"slot{i}.pickle", ns=(written, written))
    save(tmp_path, "slot5", "a" * 64, 5)
    names = sorted(p.stem for p in (tmp_path / CACHE_DIR).glob("*.pickle"))
    assert names == ["slot3", "slot4", "slot5"]


# -- lint ------------------------------------------------------------------------------------


def test_cached_lint_is_byte_identical_and_sees_edits(ws: Path, checked: Counter) -> None:
    first = cli("lint", "-w", str(ws))
    second = cli("lint", "-w", str(ws))
    assert checked.calls == 1
    assert second == first
    assert cli("lint", "-w", str(ws), "--no-cache") == first
    path = ws / "policies" / f"{POLICY}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: level, value: 57", "kind: levl, value: 57"), encoding="utf-8")  # fmt: skip
    broken = cli("lint", "-w", str(ws), code=1)
    assert checked.calls == 3
    assert "levl" in broken[0]
    assert cli("lint", "-w", str(ws), "--no-cache", code=1) == broken
    path.write_text(text, encoding="utf-8")
    assert cli("lint", "-w", str(ws)) == first


def test_cached_lint_of_named_files(ws: Path, checked: Counter, tmp_path: Path) -> None:
    """Files named on the command line are part of the key, by name and content."""
    outside = tmp_path / "udkast.yaml"
    shutil.copy(ws / "policies" / f"{POLICY}.yaml", outside)
    first = cli("lint", str(outside), "-w", str(ws))
    assert cli("lint", str(outside), "-w", str(ws)) == first
    assert checked.calls == 1
    outside.write_text(
        outside.read_text(encoding="utf-8").replace("value: 57}", "value: 99}"), encoding="utf-8"
    )
    changed = cli("lint", str(outside), "-w", str(ws))
    assert checked.calls == 2
    assert changed == cli("lint", str(outside), "-w", str(ws), "--no-cache")


def test_lint_with_a_busy_store_is_not_cached(ws: Path, checked: Counter) -> None:
    """The history warnings are skipped while another process writes the store: such findings
    are incomplete and must not be reused once the store can be read."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_STORE, str(ws / "pejling.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "holding"
            partial = cli("lint", "-w", str(ws))
            assert "sprunget over" in partial[1]
            cli("lint", "-w", str(ws))
            assert checked.calls == 2
        finally:
            writer.kill()
    complete = cli("lint", "-w", str(ws))
    assert checked.calls == 3
    assert complete[1] == ""
    assert cli("lint", "-w", str(ws)) == complete
    assert checked.calls == 3


#: a process that holds the store open for writing (as an import does) until it is stopped
HOLD_THE_STORE = """
import sys, time
import duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(600)
"""
