"""One writer, readers never wait: a job writes a copy of the store and renames it over the
store (`pejling.store.swap`). Readers see the old state until the rename, a failed job leaves the
store as it was, and the pages load while an import runs."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from django.db import connections
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.store.database import Store
from pejling.store.swap import new_copy
from pejling.web.jobs import enqueue_import
from pejling.web.jobs.uploads import UploadKind
from pejling.web.models import Job
from pejling.web.roles import Role
from tests.web.conftest import OWN, make_user
from tests.web.data_helpers import DATABASE, GOOD, own_copy

#: a writer in another process: copy, write a marker table, hold the copy open until told to
#: go on, then swap
WRITER = """
import sys, time
from pathlib import Path
from pejling.store.swap import new_copy
db = Path(sys.argv[1])
with new_copy(db, db.parent / ".pejling") as store:
    store.con.execute("CREATE TABLE marker AS SELECT 42 AS answer")
    Path(sys.argv[2]).touch()  # the copy is written and still open for writing
    while not Path(sys.argv[3]).exists():
        time.sleep(0.02)
"""


MARKER = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'"


def _has_marker(db: Path) -> bool:
    # wait_seconds=0: a lock would fail at once instead of waiting
    with Store.open(db, read_only=True, wait_seconds=0) as store:
        found = store.con.execute(MARKER).fetchone()
    return bool(found and found[0])


def test_readers_see_the_old_store_until_the_swap_and_never_wait(
    demo_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "pejling.duckdb"
    db.write_bytes((demo_dir / "pejling.duckdb").read_bytes())
    ready, go = tmp_path / "ready", tmp_path / "go"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(ready), str(go)])
    try:
        while not ready.exists():
            assert writer.poll() is None, "the writer ended early"
            time.sleep(0.05)
        for _ in range(10):  # the writer holds its copy open for writing meanwhile
            opened = time.perf_counter()
            assert not _has_marker(db), "a reader saw the copy before it was renamed"
            assert time.perf_counter() - opened < 1.0
        # a reader that has the old store open keeps reading it after the rename
        held = duckdb.connect(str(db), read_only=True)
        go.touch()
        assert writer.wait(timeout=60) == 0
        assert held.execute("SELECT count(*) FROM observations").fetchone()
        assert not held.execute(MARKER).fetchone()[0]  # type: ignore[index]
        held.close()
        assert _has_marker(db)
    finally:
        writer.kill()
        writer.wait()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pejling.duckdb")) == []


def test_a_failed_write_leaves_the_store_as_it_was(demo_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "pejling.duckdb"
    db.write_bytes((demo_dir / "pejling.duckdb").read_bytes())
    before, inode = db.read_bytes(), db.stat().st_ino

    def fail() -> None:
        with new_copy(db, tmp_path / ".pejling") as store:
            store.con.execute("CREATE TABLE marker AS SELECT 1 AS x")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    assert db.read_bytes() == before
    assert db.stat().st_ino == inode
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")] == []


def test_writers_take_turns(demo_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "pejling.duckdb"
    db.write_bytes((demo_dir / "pejling.duckdb").read_bytes())
    order: list[str] = []

    def write(name: str) -> None:
        with new_copy(db, tmp_path / ".pejling") as store:
            order.append(f"{name} in")
            store.con.execute(f"CREATE TABLE {name} AS SELECT 1 AS x")
            time.sleep(0.3)
            order.append(f"{name} out")

    threads = [threading.Thread(target=write, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert order == ["first in", "first out", "second in", "second out"]
    # the second copied the first's result: both tables are there
    with Store.open(db, read_only=True) as store:
        names = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}  # fmt: skip
    assert {"first", "second"} <= names


@pytest.mark.django_db(transaction=True)
def test_pages_load_while_an_import_runs(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper
) -> None:
    """The worker runs in another thread, slowed down at each stage, while a data steward opens
    the overview, a goal page and the data page (which reads the store's import log) again and
    again: every request answers 200, without waiting for a lock, during the copy, the write and
    the rename (latency under load is bench/web.py's to measure)."""
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = DATABASE
    settings.PEJLING_JOB_STEP_DELAY = 0.6
    ws = own_copy(web_ws, tmp_path, settings)
    steward = make_user("data", Role.DATA_STEWARD)
    client = Client()
    client.force_login(steward)
    urls = [
        f"/kommune/{OWN}/",
        f"/kommune/{OWN}/maal/roskilde-2015/maal-3a/",
        f"/kommune/{OWN}/data/",
    ]
    for url in urls:  # judged once before: the pages are then as fast as in use
        assert client.get(url).status_code == 200
    upload = tmp_path / "ledighed.csv"
    upload.write_text(GOOD, encoding="utf-8")
    job = enqueue_import(ws, upload, UploadKind.OBSERVATIONS, steward, OWN)
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=1, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip

    def work() -> None:
        try:
            worker.run()
        finally:  # the thread's own connection (PostgreSQL: else the test database stays busy)
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    states: set[str] = set()
    slowest = 0.0
    loads = 0
    during = 0  # loads in rounds that ended with the job still running
    try:
        while thread.is_alive():
            for url in urls:
                job.refresh_from_db()
                before = job.state
                started = time.perf_counter()
                response = client.get(url)
                slowest = max(slowest, time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
                loads += 1
                job.refresh_from_db()
                states.update((before, job.state))
                if before == job.state == "running":  # answered while the job ran
                    during += 1
    finally:
        thread.join()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert "running" in states, states  # the pages were loaded while the job ran
    assert during >= 1, (loads, during)
    # no request waited for a lock (the store waits up to 600 s), nor for the new state to be
    # judged: the pages show the last judged state meanwhile (pejling.web.goals)
    assert slowest < 10.0, slowest
    assert "ledighed.csv" in client.get(f"/kommune/{OWN}/data/").content.decode()
    assert Job.objects.count() == 1


def test_a_copy_left_by_a_killed_job_is_removed_by_the_next(demo_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "pejling.duckdb"
    db.write_bytes((demo_dir / "pejling.duckdb").read_bytes())
    left = tmp_path / ".pejling.duckdb.123.456.new"
    left.write_bytes(b"half")
    with new_copy(db, tmp_path / ".pejling") as store:
        store.con.execute("SELECT 1")
    assert not left.exists()
