"""The web application's settings, read from the environment once.

Why a module of its own: `settings.py` must stay a flat list of Django names; the parsing and
the secret's file handling are testable functions here. Nothing secret is in the repository:
without `PEJLING_WEB_SECRET_KEY` a key is generated once and kept, readable by its owner only,
in the workspace's private folder `.pejling/`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pejling.errors import WorkspaceError

SECRET_FILE = "web-secret"
TRUE = {"1", "true", "yes", "on", "ja"}
FALSE = {"0", "false", "no", "off", "nej", ""}


@dataclass(frozen=True)
class WebConfig:
    """Everything the environment decides about one running web application."""

    workspace: Path
    database: dict[str, Any]
    secret_key: str
    allowed_hosts: list[str]
    debug: bool
    secure_cookies: bool


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no variable; anything else is an error naming the variable (never a silent no)."""
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise WorkspaceError(f"{name}={raw!r} is not a yes/no value: use 1 or 0.")


def database(url: str | None, workspace: Path) -> dict[str, Any]:
    """Django's DATABASES entry for a URL: `sqlite:///path` or `postgres://user:pw@host:port/db`
    (default: SQLite beside the store). Only these two shapes, so no extra dependency."""
    if not url:
        path = workspace / ".pejling" / "web.sqlite3"
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path) or ":memory:"}
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise WorkspaceError(
        f"PEJLING_WEB_DATABASE_URL: the scheme {parts.scheme!r} is not supported; "
        "use sqlite:///PATH or postgres://USER:PASSWORD@HOST:PORT/NAME."
    )


def private_folder(workspace: Path) -> Path:
    """The workspace's `.pejling/` folder, created readable by its owner only."""
    folder = workspace / ".pejling"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def secret_key(env: Mapping[str, str], workspace: Path) -> str:
    """The key signing sessions and CSRF tokens: from the environment, else generated once and
    kept owner-only in `.pejling/web-secret` (so sessions survive a restart)."""
    given = env.get("PEJLING_WEB_SECRET_KEY")
    if given:
        return given
    path = private_folder(workspace) / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise WorkspaceError(
                f"{path} is readable by others; make it private with `chmod 600 {path}`."
            ) from None
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


def load(env: Mapping[str, str] | None = None) -> WebConfig:
    """The configuration from the environment (`os.environ` when not given)."""
    env = os.environ if env is None else env
    raw = env.get("PEJLING_WORKSPACE")
    if not raw:
        raise WorkspaceError("PEJLING_WORKSPACE is not set: name the workspace folder.")
    workspace = Path(raw).resolve()
    if not (workspace / "pejling.toml").is_file():
        raise WorkspaceError(f"PEJLING_WORKSPACE={raw}: {workspace} is not a pejling workspace.")
    hosts = env.get("PEJLING_WEB_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    return WebConfig(
        workspace=workspace,
        database=database(env.get("PEJLING_WEB_DATABASE_URL"), private_folder(workspace).parent),
        secret_key=secret_key(env, workspace),
        allowed_hosts=[h.strip() for h in hosts.split(",") if h.strip()],
        debug=flag(env, "PEJLING_WEB_DEBUG", False),
        secure_cookies=flag(env, "PEJLING_WEB_SECURE_COOKIES", True),
    )
