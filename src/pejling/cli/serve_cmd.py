"""`pejling serve`: the web application on a workspace (docs/web.md, docs/deployment.md).

Registered lazily (`pejling.cli.lazy`): Django and gunicorn load only when the command runs.
"""

from __future__ import annotations

import os
import sys
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
    os.execve(sys.executable, args, dict(os.environ))
