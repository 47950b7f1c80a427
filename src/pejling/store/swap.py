"""Writing the store without keeping readers out: write a copy, then rename it over the store.

DuckDB's file lock keeps even read-only connections out while a process writes the file, so a
web request would fail (or wait minutes) during an import. A background job therefore copies
`pejling.duckdb` to a temporary file in the same folder, writes the copy, checkpoints and closes
it, and `os.replace`s it over the store (docs/architecture.md, "One writer, readers never
wait"). A reader that opens the store meanwhile gets the old file, one that opens it after the
rename the new one; a reader that has the old file open keeps reading it until it closes (the
old inode lives on until then). Nothing is half-written: the rename is atomic.

One writer at a time: jobs take an exclusive lock on `.pejling/store-writer.lock` for the whole
copy–write–rename, so a second job waits for the first instead of renaming over its result. The
copy is taken while holding a read-only connection to the store, so a `pejling import` run from
the command line (which writes the store in place) is waited for, not copied half-way.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from pejling.store.database import Store

#: the writers' lock file, in the workspace's private folder
LOCK_NAME = "store-writer.lock"


@dataclass
class SwapTimes:
    """How long the parts of one copy-swap took (seconds): the bench and the job page say."""

    wait: float = 0.0
    copy: float = 0.0
    write: float = 0.0
    replace: float = 0.0
    size: int = 0  # bytes of the store copied


@contextmanager
def writer_lock(private_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the workspace's one-writer lock (blocks while another writer holds it: a web job
    writing its copy, or a command writing the store in place), telling `on_wait` once.

    Every writer takes it — the web's import jobs and the command line's `pejling import` and
    `pejling compute` (`pejling.cli.common.open_store`): a command writing the store in place
    while a job writes its copy would have its writes lost when the job renames the copy over
    the store."""
    private_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(private_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def temp_path(db_path: Path) -> Path:
    """A fresh name beside the store (same file system, so the rename is atomic)."""
    return db_path.with_name(f".{db_path.name}.{os.getpid()}.{time.monotonic_ns()}.new")


def remove_leftovers(db_path: Path) -> None:
    """Delete copies a killed job left behind (safe under the writer's lock: no job writes)."""
    for old in db_path.parent.glob(f".{db_path.name}.*.new*"):
        with suppress(FileNotFoundError):
            old.unlink()


def copy_store(db_path: Path, target: Path, *, lang: str, wait_seconds: float) -> int:
    """Copy the store to `target` (owner-only) while holding a read-only connection, so no
    other process writes it in place meanwhile; returns the bytes copied (0: no store yet)."""
    if not db_path.exists():
        return 0
    with Store.open(db_path, read_only=True, wait_seconds=wait_seconds, lang=lang):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, db_path.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 22)
            out.flush()
            os.fsync(out.fileno())
    return target.stat().st_size


@contextmanager
def new_copy(
    db_path: Path,
    private_dir: Path,
    *,
    lang: str = "da",
    wait_seconds: float = 600.0,
    times: SwapTimes | None = None,
    on_copied: Callable[[], None] | None = None,
) -> Iterator[Store]:
    """A writable copy of the store that replaces it when the block ends without an error.

    An exception in the block discards the copy: the store stays byte for byte as it was.
    """
    times = times if times is not None else SwapTimes()
    started = time.perf_counter()
    with writer_lock(private_dir):
        times.wait = time.perf_counter() - started
        remove_leftovers(db_path)
        tmp = temp_path(db_path)
        try:
            t0 = time.perf_counter()
            times.size = copy_store(db_path, tmp, lang=lang, wait_seconds=wait_seconds)
            times.copy = time.perf_counter() - t0
            if on_copied is not None:
                on_copied()
            t0 = time.perf_counter()
            with Store.open(tmp, lang=lang) as store:
                yield store
                store.con.execute("CHECKPOINT")
            times.write = time.perf_counter() - t0
            t0 = time.perf_counter()
            os.replace(tmp, db_path)
            _fsync_dir(db_path.parent)
            times.replace = time.perf_counter() - t0
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                with suppress(FileNotFoundError):
                    leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (a crash right after it must not bring the old store back)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
