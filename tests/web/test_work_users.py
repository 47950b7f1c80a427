"""The administrators' users page: who is listed, creating and deactivating users, the audit
log, and that no password is ever shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from pejling.web.demo_users import organisation
from pejling.web.models import AuditEvent, Membership
from pejling.web.roles import Role
from tests.web.conftest import OTHER, OWN, PASSWORD, make_user
from tests.web.html_table import table_rows

NEW_PASSWORD = "en-anden-lang-adgangskode-77"


def _admin(code: int = OWN) -> Client:
    client = Client()
    client.force_login(make_user(f"admin-{code}", Role.ADMINISTRATOR, code))
    return client


@pytest.mark.django_db
def test_a_municipal_administrator_lists_only_their_users(web_ws: Path) -> None:
    make_user("laeser-roskilde", Role.READER, OWN)
    make_user("laeser-kalundborg", Role.READER, OTHER)
    page = _admin().get("/brugere/").content.decode()
    names = [r[0] for r in table_rows(page)[1:]]
    assert "laeser-roskilde" in names
    assert "admin-265" in names
    assert "laeser-kalundborg" not in page
    # the organisations offered: only their own
    assert 'value="265"' in page
    assert f'value="{OTHER}"' not in page
    assert PASSWORD not in page
    assert "pbkdf2" not in page
    assert "argon2" not in page


@pytest.mark.django_db
def test_create_a_user_with_a_role_and_audit_it(web_ws: Path) -> None:
    client = _admin()
    response = client.post(
        "/brugere/",
        {
            "action": "create",
            "username": "ny-redaktoer",
            "password": NEW_PASSWORD,
            "organisation": OWN,
            "role": "editor",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ny-redaktoer")
    assert user.check_password(NEW_PASSWORD)
    assert list(Membership.objects.filter(user=user).values_list("organisation__code", "role")) == [
        (OWN, "editor")
    ]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.USER_CHANGE)
    assert (event.username, event.municipality) == ("admin-265", OWN)
    assert event.detail == "oprettet ny-redaktoer: redaktør, Roskilde"
    assert NEW_PASSWORD not in client.get("/brugere/").content.decode()


@pytest.mark.django_db
def test_create_refuses_bad_input_with_danish_errors(web_ws: Path) -> None:
    client = _admin()
    response = client.post(
        "/brugere/",
        {
            "action": "create",
            "username": "kort",
            "password": "123",
            "organisation": OTHER,
            "role": "x",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    page = response.content.decode()
    assert "Brugeren blev ikke oprettet" in page
    assert 'aria-describedby="id_password-fejl"' in page
    assert "123" not in page.split('name="password"')[1][:80]  # the password is not echoed
    assert not User.objects.filter(username="kort").exists()
    # another municipality's organisation is not a valid choice
    assert 'id="id_organisation-fejl"' in page
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.USER_CHANGE).exists()
    response = client.post("/brugere/", {"action": "create", "username": "admin-265",
                                         "password": NEW_PASSWORD, "organisation": OWN,
                                         "role": "reader"})  # fmt: skip
    assert "Brugernavnet findes allerede." in response.content.decode()


@pytest.mark.django_db
def test_deactivate_only_users_wholly_in_the_administered_organisations(web_ws: Path) -> None:
    client = _admin()
    local = make_user("laeser-roskilde", Role.READER, OWN)
    shared = make_user("delt", Role.READER, OWN)
    Membership.objects.create(user=shared, organisation=organisation(OTHER), role="reader")
    other = make_user("laeser-kalundborg", Role.READER, OTHER)
    assert client.post("/brugere/", {"action": "deactivate", "user": local.pk}).status_code == 302
    local.refresh_from_db()
    assert not local.is_active
    for refused in (shared, other, User.objects.get(username="admin-265")):
        response = client.post("/brugere/", {"action": "deactivate", "user": refused.pk})
        assert response.status_code == 400, refused.username
        refused.refresh_from_db()
        assert refused.is_active
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.USER_CHANGE)
    assert event.detail == "deaktiveret laeser-roskilde"
    assert event.municipality == OWN  # in the audit log of the user's municipality
    assert client.post("/brugere/", {"action": "slet"}).status_code == 400


@pytest.mark.django_db
def test_a_national_administrator_administers_every_organisation(web_ws: Path) -> None:
    make_user("laeser-kalundborg", Role.READER, OTHER)
    page = _admin(0).get("/brugere/").content.decode()
    assert "laeser-kalundborg" in page
    assert 'value="0"' in page
    assert f'value="{OTHER}"' in page
