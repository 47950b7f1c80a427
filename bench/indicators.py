"""Benchmark (issue 14): synthetic register → import → full catalog, with the engine's peers.

Run from the repository root:

    uv run --group bench python bench/indicators.py --persons 1000000
    uv run --group bench python bench/indicators.py --persons 1000000 6000000 --json bench.json
    uv run --group bench python bench/indicators.py --persons 6000000 --keep /data/bench
    uv run --group bench python bench/indicators.py --persons 6000000 --keep /data/bench \\
        --stages compute compute3 hand_sql polars       # reuse the kept register and store

Stages, each in its own process so that its peak memory (max RSS) is its own:

  synth     the synthetic register (Parquet), seed 42, as of 31.12.2024
  import    `import_register` into a fresh store
  compute   the full catalog (`compute_all`); per indicator its seconds and its peak memory
            (a thread samples the RSS every 10 ms; the engine's progress callback marks where
            each indicator starts)
  compute3  the engine on the three reference indicators only
  hand_sql  the same three in hand-written DuckDB SQL (bench/peers/hand_sql.py)
  polars    the same three in polars (bench/peers/polars_peer.py; the tables are read into
            memory before the clock starts)

compute3, hand_sql and polars each run twice and the faster run counts (the first run also
reads the tables from disk). After each peer its rows are compared with the engine's rows in
`computed_observations`, exactly: the run prints "identical" or the first differences and
then exits with status 1.

Printed per size: rows, seconds and peak memory per stage and per indicator, the reference
indicators side by side in the engine and its peers with the ratios, the issue's targets and
whether they are met; across sizes, the growth from the smallest to the largest size. `--json`
writes every figure.

Targets (issue 14, at 6 000 000 persons): full catalog ≤ 60 s and ≤ 8 GiB peak; import
≤ 90 s and ≤ 6 GiB; the engine at least as fast as the hand-written SQL on the reference
indicators.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ("employment_rate_25_64", "youth_education_20_24", "danish_test_within_5y")
STAGES = ("synth", "import", "compute", "compute3", "hand_sql", "polars")
TITLES = {
    "synth": "synthetic register",
    "import": "import",
    "compute": "full catalog (engine)",
    "compute3": "3 reference indicators (engine)",
    "hand_sql": "3 reference indicators (hand SQL)",
    "polars": "3 reference indicators (polars)",
}
PEERS = ("hand_sql", "polars")
AS_OF = date(2024, 12, 31)
FIRST_YEAR = 2012
SEED = 42
KEY = "bench-key-synthetic-data-only"
GIB = 1024.0
#: issue 14's targets, at TARGET_PERSONS persons
TARGET_PERSONS = 6_000_000
TARGETS = {"compute": (60.0, 8.0), "import": (90.0, 6.0)}  # stage: (seconds, GiB)
Result = dict[str, Any]


def peak_mib() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Meter:
    """The resident memory of this process, sampled every `every` seconds by a thread.

    Why: max RSS (getrusage) gives one peak per process; the peak of each indicator inside a
    stage needs samples with times, so that `peak(t0, t1)` is the largest RSS in an interval.
    `mark(label)` records where a step starts (and samples at once, so that a step shorter than
    the sampling period still has a figure).
    """

    def __init__(self, every: float = 0.01) -> None:
        import psutil

        self.process = psutil.Process()
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self.marks: list[tuple[str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        """Record the RSS now."""
        self.samples.append((time.perf_counter(), self.process.memory_info().rss))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def __enter__(self) -> Meter:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def mark(self, label: str) -> None:
        """A step called `label` starts now."""
        self.marks.append((label, time.perf_counter()))
        self.sample()

    def peak(self, t0: float, t1: float) -> float:
        """Largest RSS (MiB) sampled in [t0, t1], or at the last sample before t0."""
        inside = [rss for t, rss in self.samples if t0 <= t <= t1]
        if not inside:
            before = [rss for t, rss in self.samples if t <= t0]
            inside = before[-1:] or [self.samples[0][1]]
        return max(inside) / 2**20

    def steps(self, end: float) -> list[tuple[str, float, float]]:
        """(label, start, end) of each marked step; the last ends at `end`."""
        times = [t for _, t in self.marks[1:]] + [end]
        return [(label, t0, t1) for (label, t0), t1 in zip(self.marks, times, strict=True)]


# --- stages (run in a child process) --------------------------------------------------------


def stage_synth(n: int, folder: Path) -> Result:
    from pejling.register.synthetic import generate

    started = time.perf_counter()
    summary = generate(n, SEED, folder, fmt="parquet", as_of=AS_OF)
    return {"rows": sum(summary.rows.values()), "seconds": time.perf_counter() - started}


def stage_import(folder: Path, db: Path) -> Result:
    from pejling.register.importer import import_register
    from pejling.register.pseudonym import PseudonymKey
    from pejling.store.database import Store

    started = time.perf_counter()
    with Store.open(db) as store:
        result = import_register(store, [folder], PseudonymKey(KEY.encode()))
    rows = sum(t.rows for t in result.tables)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def stage_compute(db: Path, only: tuple[str, ...] | None) -> Result:
    """The engine: the full catalog once, or the reference indicators twice (the faster run)."""
    from pejling.engine.run import compute_all
    from pejling.spec.catalog import load_catalog
    from pejling.store.database import Store

    catalog = load_catalog()
    runs = 2 if only else 1
    best: Result = {}
    peaks: dict[str, float] = {}
    with Store.open(db) as store, Meter() as meter:
        for _ in range(runs):
            meter.marks.clear()
            started = time.perf_counter()
            result = compute_all(
                store,
                catalog,
                as_of=AS_OF,
                only=list(only) if only else None,
                progress=lambda _text, number, _total: meter.mark(str(number)),
            )
            seconds = time.perf_counter() - started
            starts = {int(label): t for label, t in meter.marks}
            # before the first indicator: the shared steps (tables several indicators read)
            first = starts.get(0, started + seconds)
            peaks["shared"] = max(peaks.get("shared", 0.0), meter.peak(started, first))
            indicators: Result = {"shared": {"rows": 0, "seconds": first - started}}
            for number, timing in enumerate(result.indicators):
                t0 = starts[number]
                peak = meter.peak(t0, t0 + timing.seconds)
                peaks[timing.indicator] = max(peaks.get(timing.indicator, 0.0), peak)
                indicators[timing.indicator] = {
                    "rows": timing.rows,
                    "seconds": timing.seconds,
                    "peak_mib": peaks[timing.indicator],
                }
            if not best or seconds < best["seconds"]:
                # after the indicators: the import log and the commit
                other = seconds - sum(f["seconds"] for f in indicators.values())
                best = {
                    "rows": result.rows,
                    "seconds": seconds,
                    "other_seconds": other,
                    "indicators": indicators,
                }
    for ind, figures in best["indicators"].items():
        figures["peak_mib"] = peaks[ind]
    return best


def stage_peer(db: Path, peer: str) -> Result:
    """A peer, twice (the faster run counts), then the exact comparison with the engine."""
    sys.path.insert(0, str(ROOT))
    from bench.peers import compare, engine_rows

    from pejling.store.database import Store

    with Store.open(db, read_only=True) as store:
        con = store.con
        engine = engine_rows(con)
        load_seconds = 0.0
        compute: Callable[..., Any]
        if peer == "polars":
            from bench.peers import polars_peer

            started = time.perf_counter()
            source: Any = polars_peer.load(con)
            load_seconds = time.perf_counter() - started
            compute = polars_peer.compute
        else:
            from bench.peers import hand_sql

            source, compute = con, hand_sql.compute
        best: Result = {}
        peaks: dict[str, float] = {}
        with Meter() as meter:
            for _ in range(2):
                meter.marks.clear()
                started = time.perf_counter()
                rows = compute(source, AS_OF, FIRST_YEAR, mark=meter.mark)
                ended = time.perf_counter()
                steps: Result = {}
                for label, t0, t1 in meter.steps(ended):
                    peaks[label] = max(peaks.get(label, 0.0), meter.peak(t0, t1))
                    steps[label] = {"seconds": t1 - t0, "peak_mib": peaks[label]}
                for label, figures in steps.items():
                    figures["rows"] = sum(1 for r in rows if r[0] == label)
                if not best or ended - started < best["seconds"]:
                    best = {"rows": len(rows), "seconds": ended - started, "indicators": steps}
    for label, figures in best["indicators"].items():
        figures["peak_mib"] = peaks[label]
    differences = compare(engine, rows) if engine else ["the store has no engine rows to compare"]
    best.update(
        load_seconds=load_seconds,
        engine_rows=len(engine),
        identical=not differences,
        differences=differences,
    )
    return best


def child(args: argparse.Namespace) -> None:
    folder, db = Path(args.folder), Path(args.db)
    stages: dict[str, Callable[[], Result]] = {
        "synth": lambda: stage_synth(args.n, folder),
        "import": lambda: stage_import(folder, db),
        "compute": lambda: stage_compute(db, None),
        "compute3": lambda: stage_compute(db, REFERENCE),
        "hand_sql": lambda: stage_peer(db, "hand_sql"),
        "polars": lambda: stage_peer(db, "polars"),
    }
    result = stages[args.stage]()
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))


# --- the parent: run the stages, print and write the figures ----------------------------------


def run_stage(stage: str, n: int, folder: Path, db: Path) -> Result:
    env = {**os.environ, "PEJLING_PSEUDONYM_KEY": KEY}
    command = [
        sys.executable,
        __file__,
        "--stage",
        stage,
        "--n",
        str(n),
        "--folder",
        str(folder),
        "--db",
        str(db),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{proc.stderr}")
    result: Result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def gib(mib: float) -> str:
    return f"{mib / GIB:6.2f}"


def times(a: float, b: float) -> float:
    return a / b if b else float("nan")


@contextmanager
def workplace(n: int, keep: Path | None) -> Iterator[Path]:
    """The folder for one size: kept under `keep`, else temporary."""
    if keep is not None:
        place = keep / f"persons-{n}"
        place.mkdir(parents=True, exist_ok=True)
        yield place
        return
    with tempfile.TemporaryDirectory(prefix="pejling-bench-") as tmp:
        yield Path(tmp)


def measure(n: int, stages: tuple[str, ...], keep: Path | None) -> dict[str, Result]:
    """Run the stages for one size, printing a line as each finishes."""
    out: dict[str, Result] = {}
    with workplace(n, keep) as place:
        folder, db = place / "register", place / "bench.duckdb"
        done = folder / ".complete"
        for stage in stages:
            if stage == "synth" and done.exists():
                print(f"{n:>11,} persons  synth     reusing {folder}", flush=True)
                continue
            if stage == "synth":
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
            if stage == "import":
                for old in (db, db.with_name(db.name + ".wal")):
                    old.unlink(missing_ok=True)
            result = out[stage] = run_stage(stage, n, folder, db)
            # the machine may be shared: the 1-minute load average says how busy it was
            result["load_1min"] = os.getloadavg()[0]
            if stage == "synth":
                done.touch()
            print(
                f"{n:>11,} persons  {stage:<9} {int(result['rows']):>11,} rows  "
                f"{result['seconds']:8.2f} s  peak {gib(result['peak_mib'])} GiB  "
                f"(load {result['load_1min']:.1f} on {os.cpu_count()} CPUs)",
                flush=True,
            )
            if stage in PEERS:
                if result["identical"]:
                    print(
                        f"{'':>21}{stage} rows identical to the engine's "
                        f"({result['engine_rows']:,} rows)",
                        flush=True,
                    )
                else:
                    print(f"{'':>21}{stage} rows DIFFER from the engine's:", flush=True)
                    for line in result["differences"]:
                        print(f"{'':>23}{line}", flush=True)
    return out


def targets(n: int, stages: dict[str, Result]) -> list[dict[str, Any]]:
    """Issue 14's targets and whether this size meets them."""
    out: list[dict[str, Any]] = []
    for stage, (seconds, gib_limit) in TARGETS.items():
        if stage in stages:
            s = stages[stage]
            out.append(
                {
                    "target": f"{stage} ≤ {seconds:g} s",
                    "value": s["seconds"],
                    "met": s["seconds"] <= seconds,
                }
            )
            peak = s["peak_mib"] / GIB
            out.append(
                {
                    "target": f"{stage} peak ≤ {gib_limit:g} GiB",
                    "value": peak,
                    "met": peak <= gib_limit,
                }
            )
    if "compute3" in stages and "hand_sql" in stages:
        ratio = times(stages["compute3"]["seconds"], stages["hand_sql"]["seconds"])
        out.append({"target": "engine time ≤ hand SQL time", "value": ratio, "met": ratio <= 1.0})
    for t in out:
        t["persons"] = n
        t["applies"] = n == TARGET_PERSONS or t["target"].startswith("engine")
    return out


def report(n: int, stages: dict[str, Result]) -> list[dict[str, Any]]:
    """Print the figures of one size; return its targets."""
    print(f"\n=== {n:,} persons, as of {AS_OF:%d.%m.%Y} ===")
    print(f"{'stage':<10}{'':36}{'rows':>12}{'seconds':>10}{'peak GiB':>10}")
    for stage, st in stages.items():
        print(
            f"{stage:<10}{TITLES[stage]:<36}{int(st['rows']):>12,}{st['seconds']:>10.2f}"
            f"{gib(st['peak_mib']):>10}"
        )
        if stage == "polars":
            print(
                f"{'':<10}{'(reading the tables into polars)':<36}{'':>12}"
                f"{st['load_seconds']:>10.2f}"
            )
    if "compute3" in stages:
        print(
            "(the engine's rows include employment_gap_25_64, derived from employment_rate_25_64)"
        )
    if "compute" in stages:
        full = stages["compute"]
        print(
            f"\nfull catalog per indicator ({len(full['indicators']) - 1} indicators; peak = "
            "largest RSS of the process while the indicator ran)"
        )
        print(f"{'indicator':<44}{'rows':>10}{'seconds':>10}{'peak GiB':>10}")
        ranked = sorted(full["indicators"].items(), key=lambda kv: -kv[1]["seconds"])
        for ind, f in ranked:
            if ind != "shared":
                print(f"{ind:<44}{f['rows']:>10,}{f['seconds']:>10.2f}{gib(f['peak_mib']):>10}")
        f = full["indicators"]["shared"]
        print(
            f"{'(shared steps, before the first indicator)':<44}{'':>10}{f['seconds']:>10.2f}"
            f"{gib(f['peak_mib']):>10}"
        )
        print(
            f"{'(import log and commit, after the last)':<44}{'':>10}{full['other_seconds']:>10.2f}"
        )
    sides = [s for s in ("compute3", *PEERS) if s in stages]
    if len(sides) > 1 or "compute3" in sides:
        names = {"compute3": "engine", "hand_sql": "hand SQL", "polars": "polars"}
        print("\nreference indicators, seconds (peak GiB) — the faster of two runs")
        print(f"{'':<28}" + "".join(f"{names[s]:>20}" for s in sides))
        for label in ("shared", *REFERENCE):
            cells = []
            for s in sides:
                f = stages[s]["indicators"].get(label)
                cells.append(f"{f['seconds']:8.2f} ({gib(f['peak_mib']).strip()})" if f else "")
            if any(cells):
                print(f"{label:<28}" + "".join(f"{c:>20}" for c in cells))
        if "compute3" in stages:
            other = f"{stages['compute3']['other_seconds']:8.2f}"
            print(f"{'import log, commit':<28}{other:>20}")
        print(
            f"{'all three':<28}"
            + "".join(
                f"{stages[s]['seconds']:8.2f} ({gib(stages[s]['peak_mib']).strip()})".rjust(20)
                for s in sides
            )
        )
        if "compute3" in stages:
            engine = stages["compute3"]["seconds"]
            for peer in PEERS:
                if peer in stages:
                    r = times(engine, stages[peer]["seconds"])
                    verdict = (
                        f"the engine is {1 / r:.2f}× as fast"
                        if r <= 1
                        else f"{names[peer]} is {r:.2f}× as fast as the engine"
                    )
                    same = "identical rows" if stages[peer]["identical"] else "ROWS DIFFER"
                    print(
                        f"engine vs {names[peer]}: engine time / {names[peer]} time = "
                        f"{r:.2f} ({verdict}; {same})"
                    )
    checks = targets(n, stages)
    if checks:
        scope = (
            ""
            if n == TARGET_PERSONS
            else f" (time and memory targets are for {TARGET_PERSONS:,} persons; shown for reference)"
        )
        print(f"\ntargets (issue 14){scope}")
        for t in checks:
            print(f"  {t['target']:<34} {t['value']:8.2f}  {'met' if t['met'] else 'MISSED'}")
    return checks


def growth(summary: dict[int, dict[str, Result]]) -> dict[str, Any]:
    """Growth of time and peak memory from the smallest to the largest size."""
    sizes = sorted(summary)
    lo, hi = sizes[0], sizes[-1]
    factor = hi / lo
    out: dict[str, Any] = {"from": lo, "to": hi, "persons": factor, "stages": {}, "indicators": {}}
    print(f"\n=== growth from {lo:,} to {hi:,} persons ({factor:g}× the persons) ===")
    print(f"{'':<48}{'time':>8}{'peak':>8}")

    def line(label: str, a: Result, b: Result) -> dict[str, float]:
        g = {
            "seconds": times(b["seconds"], a["seconds"]),
            "peak_mib": times(b["peak_mib"], a["peak_mib"]),
        }
        flag = "" if g["seconds"] <= factor else "  super-linear"
        print(f"{label:<48}{g['seconds']:>7.1f}×{g['peak_mib']:>7.1f}×{flag}")
        return g

    for stage in STAGES:
        if stage in summary[lo] and stage in summary[hi]:
            out["stages"][stage] = line(stage, summary[lo][stage], summary[hi][stage])
    for stage in ("compute", "compute3", *PEERS):
        if stage in summary[lo] and stage in summary[hi]:
            a, b = summary[lo][stage]["indicators"], summary[hi][stage]["indicators"]
            for ind in sorted(set(a) & set(b), key=lambda i: -b[i]["seconds"]):
                key = f"{stage}: {ind}"
                out["indicators"][key] = line(f"  {key}"[:48], a[ind], b[ind])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--persons",
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000_000],
        dest="persons",
        help="register sizes (default 1000000); --sizes is an alias",
    )
    parser.add_argument(
        "--stages",
        nargs="+",
        choices=STAGES,
        default=list(STAGES),
        help="stages to run, in this order (default all)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the register and store under DIR/persons-N "
        "and reuse a complete register there (synth is skipped)",
    )
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args)
        return
    stages = tuple(s for s in STAGES if s in args.stages)
    summary = {n: measure(n, stages, args.keep) for n in args.persons}
    checks = [t for n in args.persons for t in report(n, summary[n])]
    grown = growth(summary) if len(summary) > 1 else None
    different = [
        f"{n:,} persons: {peer}"
        for n, s in summary.items()
        for peer in PEERS
        if peer in s and not s[peer]["identical"]
    ]
    if args.json:
        figures = {
            "as_of": AS_OF.isoformat(),
            "seed": SEED,
            "machine": {
                "load_1min_at_end": os.getloadavg()[0],
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "sizes": {str(n): s for n, s in summary.items()},
            "targets": checks,
            "growth": grown,
            "identical": not different,
        }
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    if different:
        raise SystemExit("peer rows differ from the engine's: " + ", ".join(different))


if __name__ == "__main__":
    main()
