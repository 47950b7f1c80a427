"""Settings from the environment: the database URL, the secret key file, yes/no flags."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pejling.errors import WorkspaceError
from pejling.web import config
from pejling.workspace import Workspace


def test_database_default_is_sqlite_in_the_private_folder(tmp_path: Path) -> None:
    db = config.database(None, tmp_path)
    assert db == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / ".pejling" / "web.sqlite3"),
    }


def test_database_postgres_url_is_parsed(tmp_path: Path) -> None:
    db = config.database("postgres://pejling:p%40ss@db.example:5433/pejling_web", tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "pejling_web",
        "pejling",
        "p@ss",
        "db.example",
        "5433",
    )


def test_an_unknown_database_scheme_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="use sqlite:///PATH or postgres://"):
        config.database("mysql://x@y/z", tmp_path)


def test_the_secret_key_is_made_once_and_kept_owner_only(tmp_path: Path) -> None:
    first = config.secret_key({}, tmp_path)
    assert len(first) >= 50
    path = tmp_path / ".pejling" / config.SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.secret_key({}, tmp_path) == first
    assert config.secret_key({"PEJLING_WEB_SECRET_KEY": "given"}, tmp_path) == "given"
    path.chmod(0o644)
    with pytest.raises(WorkspaceError, match="chmod 600"):
        config.secret_key({}, tmp_path)


def test_load_reads_the_environment(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    cfg = config.load(
        {
            "PEJLING_WORKSPACE": str(ws.root),
            "PEJLING_WEB_ALLOWED_HOSTS": "pejling.kommune.dk, localhost",
            "PEJLING_WEB_DEBUG": "0",
        }
    )
    assert cfg.allowed_hosts == ["pejling.kommune.dk", "localhost"]
    assert not cfg.debug
    assert cfg.secure_cookies
    with pytest.raises(WorkspaceError, match="PEJLING_WEB_DEBUG"):
        config.load({"PEJLING_WORKSPACE": str(ws.root), "PEJLING_WEB_DEBUG": "måske"})
    with pytest.raises(WorkspaceError, match="PEJLING_WORKSPACE is not set"):
        config.load({})
