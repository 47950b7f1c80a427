"""The PostgreSQL run (`PEJLING_TEST_POSTGRES=1 pytest tests/web`, from `make test`) really
runs on a PostgreSQL server started by the run, and the audit log is append-only in the
database too once the operator grants what docs/deployment.md says.

In the ordinary (SQLite) run these tests are skipped; every other test in tests/web runs in
both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import ProgrammingError, connection, transaction

from pejling.web.models import AuditEvent
from tests.web import postgres_server
from tests.web.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="the PostgreSQL run only")


@pytest.mark.django_db
def test_the_application_runs_on_the_postgresql_server_of_this_run() -> None:
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 130000, connection.pg_version
    params = connection.get_connection_params()
    assert params["host"] == "127.0.0.1"
    # pytest-django's, beside the run's `pejling` (`test_pejling_gw0` … under pytest-xdist)
    assert params["dbname"].startswith("test_pejling")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('listen_addresses')")
        version, listen = cursor.fetchone()
    assert version.startswith("PostgreSQL "), version
    assert listen == "127.0.0.1"


@pytest.mark.django_db
def test_an_application_role_may_append_to_the_audit_log_but_not_change_it() -> None:
    """docs/deployment.md: grant the application user INSERT and SELECT only on the log."""
    from psycopg import errors

    event = AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, username="x")
    with connection.cursor() as cursor:
        # roles and grants are transactional: the test's rollback removes them
        cursor.execute("CREATE ROLE pejling_app_test NOLOGIN")
        cursor.execute("GRANT SELECT, INSERT ON web_auditevent TO pejling_app_test")
        cursor.execute("SET ROLE pejling_app_test")
        try:
            cursor.execute(
                "INSERT INTO web_auditevent (at, kind, username, ip, path, detail) "
                "VALUES (now(), %s, 'y', NULL, '', '')",
                [AuditEvent.Kind.LOGOUT.value],
            )
            for statement in (
                "UPDATE web_auditevent SET username = 'z' WHERE id = %s",
                "DELETE FROM web_auditevent WHERE id = %s",
            ):
                with pytest.raises(ProgrammingError) as refused, transaction.atomic():
                    cursor.execute(statement, [event.pk])
                assert isinstance(refused.value.__cause__, errors.InsufficientPrivilege)
        finally:
            cursor.execute("RESET ROLE")
    assert list(AuditEvent.objects.order_by("id").values_list("username", flat=True)) == [
        "x",
        "y",
    ]


def test_a_stopped_server_leaves_nothing_behind() -> None:
    server = postgres_server.start()
    root, port = server.root, server.port
    assert (root / "data" / "PG_VERSION").is_file()
    server.stop()
    assert not Path(root).exists()
    # nothing listens on the port any more
    import socket

    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
