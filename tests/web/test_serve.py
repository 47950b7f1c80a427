"""`pejling serve`: demo users, and the real command serving the demo workspace via gunicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from pejling.web.demo_users import USERNAMES, create_demo_users
from pejling.web.models import Membership
from pejling.web.roles import Role


@pytest.mark.django_db
def test_demo_users_one_per_role_with_fresh_passwords() -> None:
    first = create_demo_users(265)
    assert sorted(u.role for u in first) == sorted(Role)
    for u in first:
        assert User.objects.get(username=u.username).check_password(u.password)
        m = Membership.objects.get(user__username=u.username)
        assert (m.role, m.organisation.code) == (
            u.role,
            0 if u.role is Role.NATIONAL_ANALYST else 265,
        )
    again = create_demo_users(265)
    assert {u.password for u in again}.isdisjoint({u.password for u in first})
    assert Membership.objects.count() == len(USERNAMES)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_migrates_prints_demo_users_and_serves(demo_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "200",
        "PEJLING_WEB_DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "PEJLING_WEB_SECRET_KEY": "test-only-" + "y" * 50,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pejling",
            "serve",
            str(demo_dir),
            "--port",
            str(port),
            "--workers",
            "1",
            "--demo-users",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    body = r.read().decode()
                    headers = r.headers
                break
            except OSError:
                time.sleep(0.5)
        assert "Log ind" in body
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "Sikre cookies er slået fra" in out
    for username in USERNAMES.values():
        assert username in out
    assert (tmp_path / "web.sqlite3").is_file()
    assert not (demo_dir / ".pejling" / "web-secret").exists()


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "pejling-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def test_serve_runs_the_worker_beside_the_server_and_stops_both(
    demo_dir: Path, tmp_path: Path
) -> None:
    """A data steward logs in over HTTP and uploads a file; the worker `pejling serve` started
    imports it; stopping the command stops the worker too."""
    import http.cookiejar
    import re
    import shutil

    from tests.web.data_helpers import GOOD

    ws = tmp_path / "ws"
    shutil.copytree(demo_dir, ws)
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "200",
        "PEJLING_WEB_DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "PEJLING_WEB_SECRET_KEY": "test-only-" + "y" * 50,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "pejling", "serve", str(ws), "--port", str(port),
         "--workers", "1", "--demo-users"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        # the demo users, then the line saying the worker runs beside the server
        while not any("worker ved siden af" in line for line in lines):
            lines.append(proc.stdout.readline())
            assert proc.poll() is None, "".join(lines)
        password = next(ln.split()[1] for ln in lines if ln.strip().startswith("dataansvarlig "))
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(120):
            try:
                opener.open(f"{base}/login/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)

        def csrf() -> str:
            return next(c.value or "" for c in jar if c.name == "csrftoken")

        login = urllib.parse.urlencode(
            {"username": "dataansvarlig", "password": password, "csrfmiddlewaretoken": csrf()}
        ).encode()
        opener.open(f"{base}/login/", login, timeout=30).read()
        body, boundary = _multipart(
            {"kind": "observations", "csrfmiddlewaretoken": csrf()},
            "ledighed.csv",
            GOOD.encode(),
        )
        request = urllib.request.Request(
            f"{base}/kommune/265/data/", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        with opener.open(request, timeout=30) as r:
            job_url = r.geturl()
        found = re.search(r"/data/job/(\d+)/$", job_url)
        assert found, job_url
        status: dict[str, object] = {}
        for _ in range(120):
            with opener.open(f"{job_url}status/", timeout=10) as r:
                status = json.loads(r.read())
            if status["finished"]:
                break
            time.sleep(0.5)
        assert status["state"] == "done", status
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2  # gunicorn and the worker
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    for pid in children:  # neither is left behind
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
