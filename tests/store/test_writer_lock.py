"""One writer at a time, whoever writes: a web import job (which writes a copy of the store and
renames it over the store) and the command line's `pejling import` / `pejling compute` (which
write the store in place) take the same lock, so neither's writes are lost to the other."""

from __future__ import annotations

import threading
from pathlib import Path

from pejling.cli.common import open_store
from pejling.store.swap import writer_lock
from pejling.workspace import Workspace


def test_a_command_line_writer_waits_while_a_job_holds_the_lock(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "ws", "lås", 265)
    ws = Workspace.open(tmp_path / "ws")
    opened = threading.Event()

    def command() -> None:
        with open_store(ws):
            opened.set()

    with writer_lock(ws.root / ".pejling"):  # a job writing its copy
        thread = threading.Thread(target=command)
        thread.start()
        assert not opened.wait(1.0)  # the command waits for the job
    assert opened.wait(30)  # and writes once the job has swapped its copy in
    thread.join()


def test_reading_takes_no_writer_lock(tmp_path: Path) -> None:
    Workspace.create(tmp_path / "ws", "lås", 265)
    ws = Workspace.open(tmp_path / "ws")
    with open_store(ws):
        pass  # the store exists now
    with writer_lock(ws.root / ".pejling"), open_store(ws, read_only=True) as store:
        assert store.read_only
