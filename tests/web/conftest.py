"""Django for the web tests: settings from the environment as in production, on SQLite, or
on a PostgreSQL server this run starts when `PEJLING_TEST_POSTGRES=1` (`make test` runs
tests/web a second time so; tests/web/postgres_server.py).

The settings module reads `PEJLING_WORKSPACE` when imported, before the session's demo
workspace exists, so it starts on an empty placeholder workspace and the `web_ws` fixture
points the application at the demo workspace (`tests/conftest.py::demo_dir`). In a whole-suite run Django is then configured for
the process, but only these tests use it (pytest-django's fixtures act on Django alone).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pejling.workspace import Workspace
from tests.web import postgres_server

#: the PostgreSQL run: a server of our own, started before Django reads its settings and
#: stopped at exit (after pytest-django has dropped its test database there)
POSTGRES = os.environ.get("PEJLING_TEST_POSTGRES", "") not in ("", "0")

_placeholder = Path(tempfile.mkdtemp(prefix="pejling-web-test-"))
atexit.register(shutil.rmtree, _placeholder, True)
Workspace.create(_placeholder / "ws", "web-test", 265)
# the production settings module, with the defaults the tests check (a developer's own
# PEJLING_WEB_* variables must not change what is tested); PEJLING_WEB_DATABASE_URL may name
# another server (pytest-django makes its own test database there). The variables are set only
# while Django reads its settings, so no other test (or the subprocesses it starts) sees them.
_TEST_ENV = {
    "PEJLING_WORKSPACE": str(_placeholder / "ws"),
    "PEJLING_WEB_SECRET_KEY": "test-only-not-a-secret-" + "x" * 40,
    "PEJLING_WEB_ALLOWED_HOSTS": "testserver,localhost",
    "PEJLING_WEB_DEBUG": None,
    "PEJLING_WEB_SECURE_COOKIES": None,
    "DJANGO_SETTINGS_MODULE": "pejling.web.settings",
}
if POSTGRES:
    _server = postgres_server.start()
    _server.create_database("pejling")  # pytest-django makes `test_pejling` beside it
    _TEST_ENV["PEJLING_WEB_DATABASE_URL"] = _server.url("pejling")
_saved = {name: os.environ.get(name) for name in _TEST_ENV}
for _name, _value in _TEST_ENV.items():
    if _value is None:
        os.environ.pop(_name, None)
    else:
        os.environ[_name] = _value

import django  # noqa: E402

try:
    django.setup()
finally:
    for _name, _value in _saved.items():
        if _value is None:
            os.environ.pop(_name, None)
        else:
            os.environ[_name] = _value

from django.conf import settings as _settings  # noqa: E402

if _settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # a test database in a file, not in memory: a job's worker thread and the pages write it at
    # the same time (progress, sessions, the audit log), which in-memory SQLite's table locks
    # refuse at once ("database table is locked") and a file waits for, as in production
    _settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        _placeholder / "test-web.sqlite3"
    )
    _settings.DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30

from django.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402

_close_if_unusable_or_obsolete = BaseDatabaseWrapper.close_if_unusable_or_obsolete


def _close_if_unusable_or_obsolete_outside_tests(self: BaseDatabaseWrapper) -> None:
    """Django's end-of-request clean-up, except inside a test's transaction.

    A test that closes a response itself (`response.close()`, as for a streamed static file)
    sends `request_finished` outside the test client's guard; inside the test's atomic block
    Django then closes the connection (its autocommit looks "not restored"), which on
    PostgreSQL breaks the rest of the test ("the connection is closed") and on in-memory
    SQLite does nothing. A real request never ends inside a transaction, so skipping the
    clean-up there changes nothing but makes both databases behave alike.
    """
    if not self.in_atomic_block:
        _close_if_unusable_or_obsolete(self)


BaseDatabaseWrapper.close_if_unusable_or_obsolete = _close_if_unusable_or_obsolete_outside_tests

from django.contrib.auth.models import User  # noqa: E402
from pytest_django.fixtures import Settings as SettingsWrapper  # noqa: E402

from pejling.web.demo_users import organisation  # noqa: E402
from pejling.web.models import Membership  # noqa: E402
from pejling.web.roles import Role  # noqa: E402

OWN = 265  # Roskilde: the demo users' municipality
OTHER = 326  # Kalundborg: another municipality with policies in the demo
PASSWORD = "en-lang-testadgangskode-42"


@pytest.fixture
def web_ws(demo_dir: Path, settings: SettingsWrapper) -> Path:
    """The application serving the session's demo workspace."""
    settings.PEJLING_WORKSPACE = demo_dir
    return demo_dir


def make_user(username: str, role: Role | None, code: int = OWN) -> User:
    """A user with one membership (None: a user without any role)."""
    user = User.objects.create_user(username, password=PASSWORD)
    if role is not None:
        Membership.objects.create(user=user, organisation=organisation(code), role=role)
    return user


def home_of(role: Role) -> int:
    """The organisation a test user of this role belongs to."""
    return 0 if role is Role.NATIONAL_ANALYST else OWN
