"""`pejling serve`: demo users, and the real command serving the demo workspace via gunicorn."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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
