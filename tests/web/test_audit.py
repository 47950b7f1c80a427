"""The audit log records logins, failed logins and logouts, and cannot be changed."""

from __future__ import annotations

import pytest
from django.test import Client

from pejling.web.models import AppendOnlyError, AuditEvent
from pejling.web.roles import Role
from tests.web.conftest import PASSWORD, make_user


@pytest.mark.django_db
def test_logins_failures_and_logouts_are_recorded() -> None:
    make_user("laeser", Role.READER)
    client = Client()
    client.post("/login/", {"username": "laeser", "password": "forkert-kode-123"})
    client.post("/login/", {"username": "laeser", "password": PASSWORD})
    client.post("/logout/")
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", "username"))
    assert kinds == [
        (AuditEvent.Kind.LOGIN_FAILED, "laeser"),
        (AuditEvent.Kind.LOGIN, "laeser"),
        (AuditEvent.Kind.LOGOUT, "laeser"),
    ]
    assert all(e.ip == "127.0.0.1" for e in AuditEvent.objects.all())
    assert not any("forkert" in e.detail for e in AuditEvent.objects.all())


@pytest.mark.django_db
def test_the_audit_log_is_append_only() -> None:
    event = AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, username="x")
    event.username = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(username="y")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["username"])
    assert AuditEvent.objects.get(pk=event.pk).username == "x"


@pytest.mark.django_db
def test_a_user_in_the_log_cannot_be_deleted() -> None:
    from django.db.models import ProtectedError

    user = make_user("laeser", Role.READER)
    client = Client()
    client.post("/login/", {"username": "laeser", "password": PASSWORD})
    with pytest.raises(ProtectedError):
        user.delete()


@pytest.mark.django_db
def test_administrators_see_the_log_of_their_municipality_only() -> None:
    make_user("laeser", Role.READER)
    make_user("fremmed", Role.READER, 326)
    for name in ("laeser", "fremmed"):
        Client().post("/login/", {"username": name, "password": PASSWORD})
    local = Client()
    local.force_login(make_user("admin", Role.ADMINISTRATOR))
    page = local.get("/revision/").content.decode()
    assert "laeser" in page
    assert "fremmed" not in page
    national = Client()
    national.force_login(make_user("admin-dk", Role.ADMINISTRATOR, 0))
    page = national.get("/revision/").content.decode()
    assert "laeser" in page
    assert "fremmed" in page
