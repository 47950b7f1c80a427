"""A throw-away PostgreSQL server on loopback, for the PostgreSQL test run and the benchmark.

Why our own launcher rather than pytest-postgresql: the tests and CI run as root, which
PostgreSQL refuses, so the server runs as the `postgres` system user (created by Debian's
package) in a temporary folder that user owns; as any other user it runs as that user. The
server listens on 127.0.0.1 only, on a free port, with its socket in the same temporary folder
(never /var/run/postgresql), and password authentication, as in production. `stop()` (also
registered with `atexit`) stops it and removes the folder, so a failing test run leaves nothing
behind. Debian's binaries live in /usr/lib/postgresql/VERSION/bin, not on PATH
(`scripts/postgres-deps.sh` installs them).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_USER = "postgres"
SUPERUSER = "postgres"
#: settings for a server whose data may be lost: no fsync, for a faster test run
THROWAWAY = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed here (or cannot run): says how to get it."""


def bin_dir() -> Path:
    """The newest installed server's binaries (Debian's layout first, then PATH)."""

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed: run scripts/postgres-deps.sh (Debian's postgresql)."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PostgresServer:
    """One running server; `url(db)` is what `PEJLING_WEB_DATABASE_URL` takes."""

    root: Path
    port: int
    password: str
    bin: Path
    as_user: str | None
    running: bool = field(default=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "pejling") -> str:
        return f"postgres://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def command(self, program: str, *args: str) -> list[str]:
        argv = [str(self.bin / program), *args]
        if self.as_user:
            return ["runuser", "-u", self.as_user, "--", *argv]
        return argv

    def run(self, program: str, *args: str) -> None:
        proc = subprocess.run(
            self.command(program, *args),
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
        )
        if proc.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{program} {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}{tail}"
            )

    def create_database(self, name: str) -> None:
        """An empty database (the test run lets pytest-django make its own)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server (immediately: its data is thrown away) and remove its folder."""
        if self.running:
            self.running = False
            with contextlib.suppress(PostgresUnavailable):
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _owned_root(as_user: str | None) -> Path:
    """A fresh private folder the server's user owns (under the system's temporary folder,
    which every user can reach, unlike a root-only pytest folder)."""
    root = Path(tempfile.mkdtemp(prefix="pejling-pg-", dir="/tmp" if as_user else None))
    if as_user:
        entry = pwd.getpwnam(as_user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    return root


def start(*, durable: bool = False, attempts: int = 3) -> PostgresServer:
    """Initialise and start a server on a free loopback port; stopped at exit at the latest.

    `durable=False` (tests) turns off fsync; the benchmark keeps PostgreSQL's defaults.
    """
    binaries = bin_dir()
    as_user: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root, and there is no {SYSTEM_USER!r} user to run PostgreSQL as: "
                "run scripts/postgres-deps.sh"
            ) from None
        as_user = SYSTEM_USER
    root = _owned_root(as_user)
    server = PostgresServer(
        root=root, port=0, password=secrets.token_urlsafe(16), bin=binaries, as_user=as_user
    )
    atexit.register(server.stop)
    try:
        pwfile = root / "pwfile"
        pwfile.write_text(server.password + "\n")
        if as_user:
            entry = pwd.getpwnam(as_user)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        server.run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()
        options = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={root}",
            *(() if durable else THROWAWAY),
        ]
        for attempt in range(attempts):
            server.port = free_port()
            try:
                server.run(
                    "pg_ctl",
                    "-D",
                    str(server.data),
                    "-l",
                    str(root / "server.log"),
                    "-o",
                    " ".join([*options, "-p", str(server.port)]),
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
            except PostgresUnavailable:
                # the port was taken between our check and the server's bind: try another
                if attempt == attempts - 1:
                    raise
                continue
            server.running = True
            break
    except BaseException:
        server.stop()
        raise
    return server
