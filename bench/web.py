"""Load benchmark of the web application (issue 13): 50 users browse while an import runs.

Run from the repository root (locust is in the `bench` dependency group):

    .tools/bin/uv run --group bench python bench/web.py                 # the full run
    .venv/bin/python bench/web.py --workspace /tmp/demo                 # a demo you built
    .venv/bin/python bench/web.py --users 10 --duration 20 \\
        --demo-args="--municipalities 265,326,540"                       # a quick smoke run

What it does, all on loopback and bounded in time:

1. the workspace: a copy of `--workspace` (never the original: the imports change it), else
   the demo workspace built by `pejling demo` in a temporary folder;
2. a PostgreSQL server of its own (tests/web/postgres_server.py: Debian's postgresql, run as
   the `postgres` user when we are root; `scripts/postgres-deps.sh` installs it), with its
   default (durable) settings;
3. the users through Django's ORM: readers of the workspace's municipality, a few national
   analysts (who browse every municipality with a policy) and a national data steward who
   imports;
4. `pejling serve WORKSPACE --workers 4`: the production setting (gunicorn, PostgreSQL, the
   background worker beside it);
5. locust, headless, as a library in a process of its own (gevent must patch the standard
   library before anything else is imported): every user logs in (measured, but not part of
   the target: a login hashes a password on purpose), then browses the overview and goal pages
   with a think time between pages; the measured window starts when all are logged in;
6. during the window, imports through the application's background-job path
   (`pejling.web.jobs.enqueue_import`, the same path as an upload on the data page, run by
   the worker `pejling serve` starts), by a national data steward, of the workspace's own
   `imports/dst_unemployment_rate.csv` (all municipalities) unless `--import-file` names
   another: one import `--import-delay` seconds into the window (`--imports once`, the
   default: "while an import runs"), or one after another until the window ends
   (`--imports continuous`, a stress test). Each import copies the store, imports into the
   copy and swaps it in; pages read the last committed store. The import that is running
   when the window ends is waited for (the window's figures are not affected).

Then it prints requests, failures, median, p95 and p99 per page type, the imports (how many
completed, their durations) and the machine's load, and whether the target holds: p95 of the
pages ≤ 300 ms, 0 failed requests, at least one import completed and none failed. Exit code 0
when it holds, 1 when not, 2 when the benchmark itself could not run. Every process it starts
(PostgreSQL, the server and its worker, locust, the import driver) is stopped at the end, also
on Ctrl+C or an error; `--keep` keeps the temporary folder (logs, workspace) for a look.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # tests.web.postgres_server: the launcher the tests use

TARGET_P95_MS = 300.0
PAGES = ("overview", "goal")
#: the environment variable carrying a role's configuration to its process (JSON, never argv:
#: it holds the users' password)
CONFIG_ENV = "PEJLING_BENCH_CONFIG"


# ---------------------------------------------------------------------------------------------
# the orchestrator


@dataclass
class Run:
    """What one benchmark run uses: its folder, workspace, database and server address."""

    folder: Path
    workspace: Path
    env: dict[str, str]
    port: int
    password: str


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workspace", type=Path, help="a workspace to copy (default: the demo)")
    parser.add_argument(
        "--demo-args",
        default="",
        help="extra arguments for `pejling demo`, e.g. '--municipalities 265,326,540'",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument(
        "--analysts", type=int, default=5, help="of them national analysts (default 5)"
    )
    parser.add_argument(
        "--duration", type=float, default=120.0, help="measured seconds (default 120)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="a user's think time between pages, seconds (default 1 3)",
    )
    parser.add_argument(
        "--imports",
        choices=("once", "continuous", "none"),
        default="once",
        help="imports during the window: one (default), one after another until the window "
        "ends (a stress test: far more imports than a municipality makes), or none",
    )
    parser.add_argument(
        "--import-delay",
        type=float,
        default=10.0,
        help="seconds into the window the (first) import starts (default 10)",
    )
    parser.add_argument(
        "--import-file",
        type=Path,
        help="the observation file to import (default: the workspace's "
        "imports/dst_unemployment_rate.csv, all municipalities, by a national data steward)",
    )
    parser.add_argument(
        "--import-kind",
        choices=("observations", "register"),
        default="observations",
        help="observations (a CSV/XLSX) or register (a .zip of an extract)",
    )
    parser.add_argument("--target-p95", type=float, default=TARGET_P95_MS, help="milliseconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--internal", choices=("setup", "load", "imports"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.internal:
        if args.users < 1 or not 0 <= args.analysts <= args.users:
            parser.error("--users must be ≥ 1 and --analysts between 0 and --users")
        if args.duration <= 0 or args.think[0] < 0 or args.think[1] < args.think[0]:
            parser.error("--duration must be > 0 and --think MIN ≤ MAX, both ≥ 0")
        if args.workspace and not (args.workspace / "pejling.toml").is_file():
            parser.error(f"--workspace {args.workspace}: not a pejling workspace")
    return args


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def python() -> list[str]:
    return [sys.executable]


def child(
    role: str, config: dict[str, Any], env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """This script in another role (a process of its own), its output to `log`."""
    full = {**env, CONFIG_ENV: json.dumps(config)}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [*python(), str(Path(__file__).resolve()), "--internal", role],
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_tree(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM to a process (it stops its own children), then SIGKILL to what is left of its
    whole tree after `grace` seconds."""
    import psutil

    if proc.poll() is not None:
        return
    try:
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)
    _gone, alive = psutil.wait_procs(tree, timeout=max(1.0, grace / 4))
    for p in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(alive, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


@contextlib.contextmanager
def started(procs: list[subprocess.Popen[bytes]], grace: float) -> Iterator[None]:
    """Stop these processes (last started first) however the block ends."""
    try:
        yield
    finally:
        for proc in reversed(procs):
            stop_tree(proc, grace)


def build_workspace(args: argparse.Namespace, folder: Path) -> Path:
    ws = folder / "ws"
    if args.workspace:
        say(f"copying {args.workspace} (the imports change the copy, not the original)")
        shutil.copytree(args.workspace, ws, ignore=shutil.ignore_patterns("uploads"))
        return ws
    say(f"building the demo workspace: pejling demo --out {ws} {args.demo_args}".rstrip())
    started_at = time.monotonic()
    proc = subprocess.run(
        [*python(), "-m", "pejling", "demo", "--out", str(ws), *args.demo_args.split()],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "120"},
    )
    if proc.returncode != 0:
        raise SystemExit(f"pejling demo failed:\n{proc.stdout}\n{proc.stderr}")
    say(f"demo built in {time.monotonic() - started_at:.0f} s")
    return ws


def wait_for_server(port: int, log: Path, server: subprocess.Popen[bytes], limit: float) -> None:
    import urllib.request  # here: the load role's gevent must patch ssl before it is imported

    deadline = time.monotonic() + limit
    url = f"http://127.0.0.1:{port}/login/"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"pejling serve ended ({server.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"pejling serve did not answer within {limit:.0f} s:\n{tail(log)}")


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def run_setup(run: Run, args: argparse.Namespace) -> dict[str, Any]:
    """Migrate and create the users (a Django process of its own); returns who is who."""
    out = run.folder / "setup.json"
    config = {
        "workspace": str(run.workspace),
        "users": args.users,
        "analysts": args.analysts,
        "password": run.password,
        "out": str(out),
    }
    proc = child("setup", config, run.env, run.folder / "setup.log")
    if proc.wait() != 0:
        raise SystemExit(f"creating the users failed:\n{tail(run.folder / 'setup.log')}")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.internal:
        return {"setup": setup_role, "load": load_role, "imports": imports_role}[args.internal]()
    # a SIGTERM ends the run as Ctrl+C does: every `finally` below stops what it started
    signal.signal(signal.SIGTERM, interrupt)
    folder = Path(tempfile.mkdtemp(prefix="pejling-bench-web-"))
    try:
        return benchmark(args, folder)
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        return 2
    finally:
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def benchmark(args: argparse.Namespace, folder: Path) -> int:
    from tests.web import postgres_server

    load_before = os.getloadavg()
    say(f"machine: {os.cpu_count()} cores, load average {fmt_load(load_before)}")
    workspace = build_workspace(args, folder)
    say("starting PostgreSQL")
    server_db = postgres_server.start(durable=True)
    try:
        server_db.create_database("pejling")
        port = postgres_server.free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PEJLING_")},
            "PEJLING_WORKSPACE": str(workspace),
            "PEJLING_WEB_DATABASE_URL": server_db.url("pejling"),
            "PEJLING_WEB_SECRET_KEY": secrets.token_urlsafe(50),
            "PEJLING_WEB_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PEJLING_WEB_SECURE_COOKIES": "0",  # plain http on loopback
            "DJANGO_SETTINGS_MODULE": "pejling.web.settings",
            "COLUMNS": "120",
        }
        run = Run(folder, workspace, env, port, secrets.token_urlsafe(18))
        say(f"creating {args.users} users and a data steward")
        who = run_setup(run, args)
        return serve_and_load(run, args, who, load_before)
    finally:
        say("stopping PostgreSQL")
        server_db.stop()


def serve_and_load(
    run: Run, args: argparse.Namespace, who: dict[str, Any], load_before: tuple[float, ...]
) -> int:
    serve_log = run.folder / "serve.log"
    say(f"starting pejling serve --workers {args.workers} on 127.0.0.1:{run.port}")
    with open(serve_log, "ab") as out:
        server = subprocess.Popen(
            [
                *python(),
                "-m",
                "pejling",
                "serve",
                str(run.workspace),
                "--host",
                "127.0.0.1",
                "--port",
                str(run.port),
                "--workers",
                str(args.workers),
            ],
            env=run.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    procs = [server]
    with started(procs, grace=60):
        wait_for_server(run.port, serve_log, server, 120)
        say("server ready; warming every worker's report cache is part of the ramp-up")
        ready = run.folder / "ready"
        done = run.folder / "load-done"
        load_out = run.folder / "load.json"
        load_config = {
            "host": f"http://127.0.0.1:{run.port}",
            "users": args.users,
            "readers": who["readers"],
            "analysts": who["analysts"],
            "codes": who["codes"],
            "home": who["home"],
            "password": run.password,
            "duration": args.duration,
            "think": list(args.think),
            "ready": str(ready),
            "out": str(load_out),
        }
        load = child("load", load_config, run.env, run.folder / "load.log")
        procs.append(load)
        importer: subprocess.Popen[bytes] | None = None
        imports_out = run.folder / "imports.jsonl"
        while not ready.exists():
            if load.poll() is not None:
                raise SystemExit(f"the load ended early:\n{tail(run.folder / 'load.log')}")
            time.sleep(0.2)
        say(f"all {args.users} users logged in: measuring for {args.duration:g} s")
        if args.imports != "none":
            import_config = {
                "workspace": str(run.workspace),
                "file": str(import_file(args, run.workspace)),
                "kind": args.import_kind,
                "steward": who["steward"],
                "once": args.imports == "once",
                "delay": args.import_delay,
                "stop": str(done),
                "out": str(imports_out),
            }
            importer = child("imports", import_config, run.env, run.folder / "imports.log")
            procs.append(importer)
        # the load ends itself after the window; bounded by a generous limit
        limit = args.duration + 120
        started_at = time.monotonic()
        while load.poll() is None and time.monotonic() - started_at < limit:
            time.sleep(0.5)
        if load.poll() is None:
            raise SystemExit(f"the load did not end in time:\n{tail(run.folder / 'load.log')}")
        done.touch()
        if importer is not None:
            say("window over: waiting for the running import to finish")
            try:
                importer.wait(600)
            except subprocess.TimeoutExpired:
                say("the import did not finish within 10 minutes: stopping it")
        if load.returncode != 0 or not load_out.exists():
            raise SystemExit(f"the load failed:\n{tail(run.folder / 'load.log')}")
        stats = json.loads(load_out.read_text())
        imports = (
            [json.loads(line) for line in imports_out.read_text().splitlines()]
            if imports_out.exists()
            else []
        )
        errors_in_log = server_errors(serve_log)
    load_after = os.getloadavg()
    return report(args, stats, imports, errors_in_log, load_before, load_after, run)


def import_file(args: argparse.Namespace, workspace: Path) -> Path:
    if args.import_file:
        given: Path = args.import_file
        return given.resolve()
    if args.import_kind == "register":
        raise SystemExit("--import-kind register needs --import-file EXTRACT.zip")
    path = workspace / "imports" / "dst_unemployment_rate.csv"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: name a file with --import-file")
    return path


def server_errors(log: Path) -> list[str]:
    """Lines of the server's log that speak of an error (tracebacks, 5xx in the access log)."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if "Traceback" in line or "[ERROR]" in line or re.search(r'" 5\d\d ', line):
            found.append(line)
    return found


def fmt_load(load: tuple[float, ...]) -> str:
    return " / ".join(f"{x:.2f}" for x in load) + " (1/5/15 min)"


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by the nearest-rank method (what "p95" usually means)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 1))  # ceil(n·q)
    return ordered[int(rank) - 1]


def print_timeline(stats: dict[str, Any], imports: list[dict[str, Any]], duration: float) -> None:
    """The pages' requests and p95 per slice of the window, and when the imports ran: where
    the slow requests are (a store swap makes every server worker judge the reports again)."""
    step = 10.0 if duration >= 40 else max(1.0, duration / 4)
    start = stats["start"]
    marks = [(i["wall_start"] - start, i["wall_end"] - start) for i in imports if "wall_start" in i]
    print(f"timeline of the pages (slices of {step:g} s; '*' an import ran in the slice):")
    t = 0.0
    while t < duration:
        inside = [ms for at, ms in stats["timeline"] if t <= at < t + step]
        busy = any(a < t + step and b >= t for a, b in marks)
        print(
            f"  {t:>5.0f}–{t + step:<5.0f}s {'*' if busy else ' '} {len(inside):>5} requests, "
            f"median {percentile(inside, 0.5):>7.0f} ms, p95 {percentile(inside, 0.95):>7.0f} ms"
        )
        t += step


def report(
    args: argparse.Namespace,
    stats: dict[str, Any],
    imports: list[dict[str, Any]],
    errors_in_log: list[str],
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    run: Run,
) -> int:
    print()
    print(
        f"{args.users} users ({args.analysts} national analysts), {args.duration:g} s measured, "
        f"think time {args.think[0]:g}–{args.think[1]:g} s, pejling serve --workers "
        f"{args.workers}, PostgreSQL"
    )
    print(
        f"{'page':<10} {'requests':>9} {'failures':>9} {'req/s':>7} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}  (ms)"
    )
    rows: dict[str, list[float]] = {
        name: stats["times"].get(name, []) for name in ("login", *PAGES)
    }
    rows["pages"] = [t for name in PAGES for t in rows[name]]
    failures: dict[str, int] = dict(stats["failures"])
    failures["pages"] = sum(failures.get(name, 0) for name in PAGES)
    for name, times in rows.items():
        rate = len(times) / args.duration if name != "login" else float("nan")
        print(
            f"{name:<10} {len(times):>9} {failures.get(name, 0):>9} {rate:>7.1f} "
            f"{percentile(times, 0.5):>8.0f} {percentile(times, 0.95):>8.0f} "
            f"{percentile(times, 0.99):>8.0f} {max(times, default=float('nan')):>8.0f}"
        )
    for message in stats["errors"][:10]:
        print(f"  failure: {message}")
    done = [i for i in imports if i["state"] == "done"]
    failed = [i for i in imports if i["state"] != "done"]
    durations = ", ".join(f"{i['seconds']:.1f}" for i in imports)
    print(
        f"imports: {len(done)} completed, {len(failed)} failed ({args.imports}, "
        f"{args.import_kind}); durations (s): {durations or '–'}"
    )
    for i in failed:
        print(f"  import failed: {i.get('error', '')[:300]}")
    print_timeline(stats, imports, args.duration)
    if errors_in_log:
        print(f"server log: {len(errors_in_log)} error lines, e.g. {errors_in_log[0][:200]}")
    print(
        f"machine: {os.cpu_count()} cores; load average before {fmt_load(load_before)}, after {fmt_load(load_after)}"
    )
    p95 = percentile(rows["pages"], 0.95)
    failed_requests = sum(stats["failures"].values())
    checks = {
        f"p95 of the pages {p95:.0f} ms ≤ {args.target_p95:g} ms": p95 <= args.target_p95,
        f"0 failed requests, ramp-up included (got {failed_requests})": failed_requests == 0,
        f"0 error lines in the server's log (got {len(errors_in_log)})": not errors_in_log,
    }
    if args.imports != "none":
        checks[
            f"≥ 1 import completed in the window, none failed (got {len(done)}, {len(failed)})"
        ] = bool(done) and not failed
    p99 = percentile(rows["pages"], 0.99)
    if p99 > 10 * args.target_p95:
        print(
            f"  note: p99 {p99:.0f} ms. The users wait for each answer before their next page, "
            "so while the server stalls they send little and the stall weighs little in p95: "
            "read the timeline."
        )
    for text, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    holds = all(checks.values())
    print("target holds" if holds else "target does NOT hold")
    if args.keep:
        print(f"logs: {run.folder}/serve.log, load.log, imports.log")
    return 0 if holds else 1


# ---------------------------------------------------------------------------------------------
# the roles: each runs in a process of its own, configured by CONFIG_ENV


def config() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(os.environ[CONFIG_ENV])
    return loaded


def setup_role() -> int:
    """Migrate the application's database and create the benchmark's users (one password
    hash for all: hashing is slow on purpose, and the logins are not what is measured)."""
    cfg = config()
    from pejling.cli.serve_cmd import demo_municipality, setup_django

    ws = Path(cfg["workspace"])
    setup_django(ws)
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from pejling.web.demo_users import organisation
    from pejling.web.models import NATIONAL, Membership
    from pejling.web.roles import Role
    from pejling.workspace import Workspace

    call_command("migrate", verbosity=0, interactive=False)
    home = demo_municipality(ws)
    codes = sorted(
        {
            lp.policy.municipality
            for lp in Workspace.open(ws).load_policies()
            if not lp.policy.is_national and lp.policy.municipality
        }
    ) or [home]
    hashed = make_password(cfg["password"])
    n_analysts = cfg["analysts"]
    readers = [f"bench-laeser-{i:02d}" for i in range(cfg["users"] - n_analysts)]
    analysts = [f"bench-analytiker-{i:02d}" for i in range(n_analysts)]
    steward = "bench-dataansvarlig"
    users = User.objects.bulk_create(
        [User(username=name, password=hashed) for name in [*readers, *analysts, steward]]
    )
    by_name = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    assert len(by_name) == len(users)
    memberships = [
        *(
            Membership(user=by_name[n], organisation=organisation(home), role=Role.READER)
            for n in readers
        ),
        *(
            Membership(
                user=by_name[n], organisation=organisation(NATIONAL), role=Role.NATIONAL_ANALYST
            )
            for n in analysts
        ),
        Membership(
            user=by_name[steward], organisation=organisation(NATIONAL), role=Role.DATA_STEWARD
        ),
    ]
    Membership.objects.bulk_create(memberships)
    Path(cfg["out"]).write_text(
        json.dumps(
            {
                "readers": readers,
                "analysts": analysts,
                "steward": steward,
                "home": home,
                "codes": codes,
            }
        )
    )
    return 0


def imports_role() -> int:
    """Import through the background-job path until told to stop (or once): enqueue, wait for
    the worker of `pejling serve` to finish it, write one JSON line per import."""
    cfg = config()
    from pejling.cli.serve_cmd import setup_django

    ws = Path(cfg["workspace"])
    setup_django(ws)
    from django.contrib.auth.models import User

    from pejling.web.jobs import UploadKind, enqueue_import
    from pejling.web.models import Job

    steward = User.objects.get(username=cfg["steward"])
    stop = Path(cfg["stop"])
    stopping = False

    def on_term(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    waited = 0.0
    while waited < cfg["delay"] and not stopping and not stop.exists():
        time.sleep(0.1)
        waited += 0.1
    with open(cfg["out"], "a", encoding="utf-8") as out:
        while not stopping and not stop.exists():
            started_at = time.monotonic()
            wall = time.time()
            job = enqueue_import(ws, Path(cfg["file"]), UploadKind(cfg["kind"]), steward, 0)
            while True:
                job.refresh_from_db()
                if job.state in (Job.State.DONE, Job.State.FAILED):
                    break
                time.sleep(0.25)
            seconds = (
                (job.finished - job.started).total_seconds()
                if job.finished and job.started
                else time.monotonic() - started_at
            )
            out.write(
                json.dumps(
                    {
                        "job": job.pk,
                        "state": job.state,
                        "seconds": seconds,
                        "queued_to_done": time.monotonic() - started_at,
                        "wall_start": wall,
                        "wall_end": time.time(),
                        "error": job.error,
                    }
                )
                + "\n"
            )
            out.flush()
            if cfg["once"]:
                break
    return 0


def load_role() -> int:
    """The users, with locust as a library (gevent patches the standard library first)."""
    cfg = config()
    import random

    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    think = cfg["think"]
    goal_link = re.compile(r'href="(/kommune/\d+/maal/[^"/]+/[^"/]+/)"')
    usernames = iter([*cfg["readers"], *cfg["analysts"]])
    analysts = set(cfg["analysts"])
    logged_in = 0
    measuring = False
    times: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    errors: list[str] = []
    timeline: list[tuple[float, float]] = []  # (seconds into the window at the end, ms)
    window_start = 0.0

    def on_request(
        request_type: str,
        name: str,
        response_time: float,
        exception: BaseException | None,
        **kw: Any,
    ) -> None:
        # a failure counts whenever it happens; times only in the window (and the logins)
        if measuring or name == "login":
            times.setdefault(name, []).append(response_time)
        if measuring and name in PAGES:
            timeline.append((time.time() - window_start, response_time))
        if exception is not None:
            name = name if measuring or name == "login" else f"{name} (ramp-up)"
            failures[name] = failures.get(name, 0) + 1
            if len(errors) < 50:
                errors.append(f"{name}: {exception}")

    class Browser(HttpUser):
        wait_time = between(*think)
        host = cfg["host"]

        def on_start(self) -> None:
            nonlocal logged_in
            self.username = next(usernames)
            self.codes = cfg["codes"] if self.username in analysts else [cfg["home"]]
            self.goals: dict[int, list[str]] = {}
            page = self.client.get("/login/", name="login-form")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            with self.client.post(
                "/login/",
                data={
                    "username": self.username,
                    "password": cfg["password"],
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={"Referer": f"{cfg['host']}/login/"},
                name="login",
                catch_response=True,
            ) as response:
                if "/login/" in response.url or response.status_code != 200:
                    response.failure(f"login refused ({response.status_code} {response.url})")
                    return
            for code in self.codes:
                self.overview(code)
            logged_in += 1

        def overview(self, code: int) -> None:
            with self.client.get(f"/kommune/{code}/", name="overview", catch_response=True) as r:
                links = sorted(set(goal_link.findall(r.text)))
                if r.status_code != 200 or "/login/" in r.url:
                    r.failure(f"overview {code}: {r.status_code} {r.url}")
                elif not links:
                    r.failure(f"overview {code}: no goal links")
                else:
                    self.goals[code] = links

        def code(self) -> int:
            return int(random.choice(self.codes))

        @task(1)
        def browse_overview(self) -> None:
            self.overview(self.code())

        @task(4)
        def browse_goal(self) -> None:
            code = self.code()
            links = self.goals.get(code)
            if not links:
                self.overview(code)
                return
            url = random.choice(links)
            with self.client.get(url, name="goal", catch_response=True) as r:
                if r.status_code != 200 or "/login/" in r.url:
                    r.failure(f"goal {url}: {r.status_code} {r.url}")
                elif "<h1" not in r.text:
                    r.failure(f"goal {url}: not a page")

    env = Environment(user_classes=[Browser], events=events)
    events.request.add_listener(on_request)  # type: ignore[no-untyped-call]
    runner = env.create_local_runner()
    users = cfg["users"]
    runner.start(users, spawn_rate=min(users, 10))
    deadline = time.monotonic() + 300
    while logged_in < users:
        if time.monotonic() > deadline:
            print(f"only {logged_in} of {users} users logged in within 5 minutes", flush=True)
            runner.quit()
            return 1
        gevent.sleep(0.2)
    # the measured window: every user logged in and has seen its overview once
    window_start = time.time()
    measuring = True
    Path(cfg["ready"]).touch()
    gevent.sleep(cfg["duration"])
    measuring = False
    runner.quit()
    Path(cfg["out"]).write_text(
        json.dumps(
            {
                "times": times,
                "failures": failures,
                "errors": errors,
                "timeline": timeline,
                "start": window_start,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
