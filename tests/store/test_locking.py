"""Issue 9, finding 9: readers and writers wait for each other, files are the owner's, and an
interrupted publish leaves no temporary folder behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pejling.errors import WorkspaceError
from pejling.report.site import BUILD_MARK, remove_stale_builds, terminated_as_exit
from pejling.store.database import Store
from pejling.workspace import Workspace

HOLD = """
import sys, time
from pathlib import Path
from pejling.store.database import Store
with Store.open(Path(sys.argv[1])) as store:
    Path(sys.argv[2]).write_text("locked")
    time.sleep(float(sys.argv[3]))
"""


def hold_lock(db: Path, seconds: float, tmp_path: Path) -> subprocess.Popen[bytes]:
    """Another process holding the write lock for `seconds`; returns once it holds it."""
    ready = tmp_path / "ready"
    ready.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(ready), str(seconds)])
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None, "the lock holder died"
        assert time.monotonic() < deadline, "the lock holder never got the lock"
        time.sleep(0.05)
    return proc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    with Store.open(path):
        pass
    return path


def test_a_reader_waits_for_a_writer_and_says_so(db: Path, tmp_path: Path) -> None:
    holder = hold_lock(db, 1.5, tmp_path)
    told: list[str] = []
    started = time.monotonic()
    with Store.open(db, read_only=True, wait_seconds=60, on_wait=told.append, lang="da") as s:
        assert s.con.execute("SELECT 1").fetchone() == (1,)
    assert time.monotonic() - started > 0.5
    assert len(told) == 1
    assert "bruges af en anden pejling-proces" in told[0]
    assert "venter op til 60 sekunder" in told[0]
    holder.wait(timeout=30)


def test_a_writer_gives_up_after_the_configured_time(db: Path, tmp_path: Path) -> None:
    holder = hold_lock(db, 5, tmp_path)
    try:
        started = time.monotonic()
        busy = r"stadig af en anden pejling-proces efter 0\.5"
        with pytest.raises(WorkspaceError, match=busy), Store.open(db, wait_seconds=0.5, lang="da"):
            pass
        assert time.monotonic() - started < 4
        busy = "still in use by another pejling process"
        with pytest.raises(WorkspaceError, match=busy), Store.open(db, read_only=True):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_the_cli_waits_with_a_visible_message(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    with Store.open(ws.db_path):
        pass
    holder = hold_lock(ws.db_path, 5.0, tmp_path)  # longer than the CLI takes to start
    proc = subprocess.run(
        [sys.executable, "-m", "pejling", "imports", "-w", str(ws.root)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    holder.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "venter op til 600 sekunder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_wait_seconds_is_a_documented_setting(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    assert ws.settings.store.wait_seconds == 600
    text = (ws.root / "pejling.toml").read_text(encoding="utf-8")
    (ws.root / "pejling.toml").write_text(
        text.replace("wait_seconds = 600", "wait_seconds = 2.5"), encoding="utf-8"
    )
    assert Workspace.open(ws.root).settings.store.wait_seconds == 2.5


def test_database_and_imports_are_the_owners_only(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    with Store.open(ws.db_path):
        pass
    assert stat.S_IMODE(ws.db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE((ws.root / "imports").stat().st_mode) == 0o700


def test_stale_site_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = tmp_path / ".site.abc123"
    killed.mkdir()
    (killed / BUILD_MARK).write_text(str(dead.pid), encoding="ascii")
    running = tmp_path / ".site.def456"
    running.mkdir()
    (running / BUILD_MARK).write_text(str(os.getpid()), encoding="ascii")
    old = tmp_path / ".site.old"
    old.mkdir()
    removed = remove_stale_builds(out)
    assert sorted(removed) == sorted([killed, old])
    assert running.exists()


def _terminate_while_building() -> None:
    with terminated_as_exit():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)


def test_sigterm_while_building_unwinds_the_build() -> None:
    with pytest.raises(SystemExit) as info:
        _terminate_while_building()
    assert info.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
