"""`pejling serve`: the web application on a workspace (docs/web.md, docs/deployment.md).

Two processes under one command: gunicorn serving the pages and the background worker running
the jobs (imports, reports, publishing: django-tasks' `db_worker`). Both stop when the command
stops (Ctrl+C or SIGTERM): the worker finishes the job it is running first — a second signal
stops it at once, and the job is recorded as interrupted (the store is untouched: a job writes a
copy). `--no-worker` serves pages only, for a production setup that runs the worker as its own
service (docs/deployment.md).

Registered lazily (`pejling.cli.lazy`): Django and gunicorn load only when the command runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from pejling.cli.common import console, guard, open_workspace

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def setup_django(workspace: Path, *, secure_cookies: bool | None = None) -> None:
    """Point Django at the workspace and configure it (in this process and its children)."""
    os.environ["PEJLING_WORKSPACE"] = str(workspace)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pejling.web.settings")
    if secure_cookies is not None:
        os.environ["PEJLING_WEB_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    import django

    django.setup()


def demo_municipality(workspace: Path) -> int:
    """The workspace's municipality, or (a national workspace) its first municipal policy's."""
    from pejling.workspace import Workspace

    ws = Workspace.open(workspace)
    if ws.settings.workspace.municipality:
        return ws.settings.workspace.municipality
    codes = sorted(
        lp.policy.municipality
        for lp in ws.load_policies()
        if not lp.policy.is_national and lp.policy.municipality
    )
    return codes[0] if codes else 101


@guard
def serve(
    workspace: Annotated[
        Path | None,
        typer.Argument(
            help="Workspace folder (default: $PEJLING_WORKSPACE or the current folder)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
    worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="Run the background worker (imports, reports) beside the web server.",
        ),
    ] = True,
    demo_users: Annotated[
        bool,
        typer.Option(
            "--demo-users",
            help="Create one demo user per role and print their new random passwords once.",
        ),
    ] = False,
) -> None:
    """Serve the web application (migrates its database, then runs gunicorn)."""
    from django.core.management import call_command

    ws = open_workspace(workspace)
    secure: bool | None = None
    if host in LOOPBACK and "PEJLING_WEB_SECURE_COOKIES" not in os.environ:
        secure = False
        console.print(
            "Sikre cookies er slået fra: appen lytter kun på denne maskine over http. "
            "Sæt PEJLING_WEB_SECURE_COOKIES=1 bag https (docs/deployment.md)."
        )
    setup_django(ws.root, secure_cookies=secure)
    call_command("migrate", verbosity=0, interactive=False)
    if demo_users:
        from pejling.web.demo_users import create_demo_users

        console.print("Demo-brugere (adgangskoderne vises kun nu):")
        for u in create_demo_users(demo_municipality(ws.root)):
            console.print(
                f"  {u.username:<22} {u.password}  ({u.role.label}, kode {u.organisation})",
                markup=False,
                highlight=False,
            )
    shown = f"[{host}]" if ":" in host else host
    console.print(f"pejling web kører på http://{shown}:{port}/ (stop med Ctrl+C)")
    sys.stdout.flush()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "pejling.web.wsgi:application",
        "--bind",
        f"{shown}:{port}",
        "--workers",
        str(workers),
        # no control socket in the user's home: two servers on one machine would share its path
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    if not worker:
        os.execve(sys.executable, args, dict(os.environ))
    from pejling.web.jobs.run import abandon_interrupted

    if abandoned := abandon_interrupted():
        console.print(f"{abandoned} job var stadig i gang, da workeren sidst stoppede: afbrudt.")
    console.print("Baggrundsjobbene (indlæsning, rapporter) køres af en worker ved siden af.")
    sys.stdout.flush()
    raise typer.Exit(supervise(args, WORKER_ARGS))


#: the background worker: django-tasks' database worker, polling the job table every second
WORKER_ARGS = [
    sys.executable, "-m", "django", "db_worker",
    "--no-startup-delay", "--no-reload", "--interval", "1",
]  # fmt: skip
#: a worker that ended by itself is started again after this many seconds
RESTART_SECONDS = 5.0


def supervise(server_args: list[str], worker_args: list[str]) -> int:
    """Run the server and the worker until the server ends or we are told to stop; returns the
    server's exit code.

    The children run in their own process group, so a Ctrl+C reaches this process only and
    each child is told once (SIGTERM: gunicorn stops gracefully, the worker after its job).
    """
    server = subprocess.Popen(server_args, start_new_session=True)
    job_worker = subprocess.Popen(worker_args, start_new_session=True)
    stopping = 0

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping += 1
        for child in (server, job_worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signals = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)  # SIGHUP: the terminal closed
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        while server.poll() is None:
            if job_worker.poll() is not None and not stopping:
                console.print(
                    f"Workeren stoppede (kode {job_worker.returncode}); "
                    f"starter den igen om {RESTART_SECONDS:g} sekunder."
                )
                time.sleep(RESTART_SECONDS)
                if not stopping:
                    from pejling.web.jobs.run import abandon_interrupted

                    abandon_interrupted()  # the job it ran never recorded its end
                    job_worker = subprocess.Popen(worker_args, start_new_session=True)
            time.sleep(0.2)
        if job_worker.poll() is None and not stopping:
            job_worker.send_signal(signal.SIGTERM)
        job_worker.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return server.returncode or 0
