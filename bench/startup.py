"""Benchmark: start-up and wall time of `pejling --help`, `pejling lint` and `pejling status`.

Run from the repository root:

    .venv/bin/python bench/startup.py /tmp/fastdemo          # a demo workspace you built
    .venv/bin/python bench/startup.py                        # builds the demo in a temp folder
    .venv/bin/python bench/startup.py WS --runs 9 --policy roskilde-2015 --top 15

Each command runs `--runs` times as a user runs it (a new process through the `pejling`
script); the median, fastest and slowest wall times are printed, and the median CPU time
(user + system), which the machine's other jobs disturb less than the wall time. The machine's
other jobs make single runs noisy, hence the median. Then each command runs once more under
`python -X importtime`, and the imports taking the most time (cumulative, top-level modules)
are printed with the total, which is what start-up costs before the command does any work.

Issue 14 asks for `--help`, `lint` and `status` under 0.6 s on the demo workspace. `lint` and
`status` keep their results in the workspace's cache (`pejling.cache`): each is timed as a
repeated run on unchanged inputs ("cached", after one untimed run that fills the cache) and with
`--no-cache`, which is what the first run after any change costs. What `status` spends then
beyond its imports is judging every goal of every policy — the national policy in all 98
municipalities — and the joint disclosure control of all of it.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def pejling_command() -> list[str]:
    """The `pejling` script of this interpreter's environment (else `python -m pejling`)."""
    script = Path(sys.executable).with_name("pejling")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pejling"]


def environment() -> dict[str, str]:
    """A terminal of fixed width (rich's layout work is part of the time), no debug, and the
    cache as a user has it (`--no-cache` switches it off where that is timed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PEJLING_DEBUG", "PEJLING_NO_CACHE")}
    env["COLUMNS"] = "120"
    return env


def wall_times(
    args: list[str], runs: int, *, warm: bool = False
) -> tuple[list[float], list[float]]:
    """Seconds per run of `pejling ARGS`, output discarded: (wall times, CPU times of the
    process: user + system). `warm`: one untimed run first (it fills the workspace's cache)."""
    times: list[float] = []
    cpu: list[float] = []
    for i in range(runs + int(warm)):
        before = os.times()
        started = time.perf_counter()
        subprocess.run(
            [*pejling_command(), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment(),
            check=False,
        )
        wall = time.perf_counter() - started
        after = os.times()
        if warm and i == 0:
            continue
        times.append(wall)
        cpu.append(
            after.children_user - before.children_user + after.children_system
            - before.children_system
        )  # fmt: skip
    return times, cpu


def settle(ws: Path) -> None:
    """Wait until the store was last written a few seconds ago: a result computed on a store
    written in the last moments is not cached (`pejling.cache.SETTLE_NS`)."""
    newest = 0.0
    for name in ("pejling.duckdb", "pejling.duckdb.wal"):
        path = ws / name
        if path.exists():
            st = path.stat()
            newest = max(newest, st.st_mtime, st.st_ctime)
    wait = newest + 4 - time.time()
    if wait > 0:
        time.sleep(wait)


def import_profile(args: list[str]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """One run's imports, largest first: (module, cumulative seconds) of every top-level import
    (what the program imported itself, nested imports included), and of every package outside
    pejling wherever it was first imported (numpy, DuckDB, …: what the top-level ones cost)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pejling", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        check=False,
    )
    top: list[tuple[str, float]] = []
    packages: list[tuple[str, float]] = []
    for line in proc.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if not match:
            continue
        name, seconds = match.group(4), int(match.group(2)) / 1e6
        if len(match.group(3)) == 1:  # one space: imported by the program itself
            top.append((name, seconds))
        if "." not in name and not name.startswith("_") and name != "pejling":
            packages.append((name, seconds))
    return sorted(top, key=lambda i: -i[1]), sorted(packages, key=lambda i: -i[1])


def build_demo(folder: Path, persons: int | None) -> Path:
    """Build the demo workspace in `folder` (two to three minutes at real scale)."""
    out = folder / "demo"
    extra = ["--persons", str(persons)] if persons is not None else []
    print(f"building the demo workspace in {out} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*pejling_command(), "demo", "--out", str(out), *extra],
        stdout=subprocess.DEVNULL,
        env=environment(),
        check=True,
    )
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "workspace", nargs="?", type=Path, help="A demo workspace (default: build one)."
    )
    parser.add_argument("--runs", type=int, default=5, help="Runs per command (default 5).")
    parser.add_argument(
        "--policy",
        default="roskilde-2015",
        help="Also time `pejling status POLICY` (default roskilde-2015; '' skips).",
    )
    parser.add_argument(
        "--national",
        default="nationale-maal",
        help="Also time `pejling status NATIONAL` (default nationale-maal; '' skips).",
    )
    parser.add_argument("--top", type=int, default=10, help="Imports listed per command.")
    parser.add_argument(
        "--persons",
        type=int,
        default=None,
        help="When building the demo: `pejling demo --persons N` (default: real scale).",
    )
    parser.add_argument("--no-status", action="store_true", help="Skip `pejling status` (slow).")
    opts = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ws = opts.workspace or build_demo(Path(tmp), opts.persons)
        settle(ws)
        w = ["-w", str(ws)]
        #: (label, arguments, cached: one untimed run first)
        commands: list[tuple[str, list[str], bool]] = [
            ("pejling --help", ["--help"], False),
            ("pejling lint (cached)", ["lint", *w], True),
            ("pejling lint --no-cache", ["lint", *w, "--no-cache"], False),
        ]
        if not opts.no_status:
            for policy in [None, *(p for p in (opts.policy, opts.national) if p)]:
                name = "pejling status" + (f" {policy}" if policy else "")
                args = ["status", *([policy] if policy else []), *w]
                commands.append((f"{name} (cached)", args, True))
                commands.append((f"{name} --no-cache", [*args, "--no-cache"], False))
        print(f"\nworkspace {ws}; {opts.runs} runs each; {os.cpu_count()} cores")
        print(f"{'command':<44} {'median':>8} {'fastest':>8} {'slowest':>8} {'cpu':>8}")
        for label, args, cached in commands:
            times, cpu = wall_times(args, opts.runs, warm=cached)
            print(
                f"{label:<44} {statistics.median(times):>7.2f}s {min(times):>7.2f}s "
                f"{max(times):>7.2f}s {statistics.median(cpu):>7.2f}s",
                flush=True,
            )
        for label, args, _cached in commands:
            top, packages = import_profile(args)
            total = sum(seconds for _name, seconds in top)
            print(f"\n{label}: imports {total:.2f} s (python -X importtime, cumulative)")
            width = max((len(n) for n, _s in [*top, *packages][: opts.top * 2]), default=10)
            print(f"  {'top-level':<{width + 9}}  packages (their own import)")
            for i in range(opts.top):
                left = f"{top[i][1]:6.3f} s  {top[i][0]}" if i < len(top) else ""
                right = f"{packages[i][1]:6.3f} s  {packages[i][0]}" if i < len(packages) else ""
                print(f"  {left:<{width + 9}}  {right}")


if __name__ == "__main__":
    main()
