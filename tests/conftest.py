"""Shared fixtures: run the real CLI in a subprocess, as a user would, and one demo workspace.

The demo workspace (with its status reports and public site) is built once per session:
building it is the slow part, and CLI, report and site tests all read it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
#: the README's real-scale register, for the three seed municipalities only: the seed goals'
#: cells have their real size (so verdicts, suppression and uncertainty are tested on realistic
#: numbers), and it builds in seconds
DEMO_ARGS = ("--municipalities", "265,326,540")


@pytest.fixture
def run() -> Run:
    def _run(
        *args: str,
        cwd: Path | None = None,
        check: bool = True,
        columns: int = 200,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "pejling", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env={
                "COLUMNS": str(columns),
                "PATH": "/usr/bin:/bin",
                "PYTHONIOENCODING": "utf-8",
                **(env or {}),
            },
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return proc

    return _run


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo workspace for the whole session (building it is the slow part).

    With `PEJLING_TEST_DEMO_DIR` set (the Makefile sets it), the workspace is built there once
    and reused by later test runs of the same code: `make check` runs tests/web a second time
    against PostgreSQL, and the demo is deterministic for given code and arguments. The stamp
    (pejling's code fingerprint and the demo's arguments) decides whether it is still current.
    """
    keep = os.environ.get("PEJLING_TEST_DEMO_DIR")
    if not keep:
        out = tmp_path_factory.mktemp("demo") / "ws"
        _build_demo(out)
        return out
    import fcntl

    folder = Path(keep).resolve()
    out, stamp_file = folder / "ws", folder / "stamp"
    stamp = _demo_stamp()
    folder.parent.mkdir(parents=True, exist_ok=True)
    # one builder: pytest-xdist's workers (make check runs two) share the folder
    with (folder.parent / f".{folder.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = stamp_file.exists() and stamp_file.read_text(encoding="utf-8") == stamp
        if not (current and out.is_dir()):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            _build_demo(out)
            stamp_file.write_text(stamp, encoding="utf-8")  # last: a half-built demo has none
    return out


def _demo_stamp() -> str:
    """pejling's source files (name, size, modification time), the lock file and the demo's
    arguments. Not `pejling.cache.code_fingerprint`: computed in this process it would be
    cached here, and building the demo (a subprocess writing bytecode into site-packages) can
    change what it covers — later cache tests in this session would then miss."""
    import hashlib

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(repr(DEMO_ARGS).encode("utf-8"))
    h.update((root / "uv.lock").read_bytes())
    for path in sorted((root / "src" / "pejling").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            h.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _build_demo(out: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pejling",
            "demo",
            "--out",
            str(out),
            *DEMO_ARGS,
        ],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
