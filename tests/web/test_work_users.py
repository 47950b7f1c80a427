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


def _create(client: Client, username: str, organisation: int, role: str) -> str:
    response = client.post(
        "/brugere/",
        {
            "action": "create",
            "username": username,
            "password": NEW_PASSWORD,
            "organisation": organisation,
            "role": role,
        },
    )
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    page = response.content.decode()
    return (
        page.split('id="id_role-fejl">', 1)[1].split("</span>", 1)[0]
        if "id_role-fejl" in page
        else "?"
    )


@pytest.mark.django_db
def test_the_role_must_fit_the_organisation(web_ws: Path) -> None:
    client = _admin(0)
    # at the national level only the national analyst, data steward and administrator
    for role in ("editor", "reader"):
        error = _create(client, f"national-{role}", 0, role)
        assert "På nationalt niveau kan en bruger kun være" in error, role
        assert not User.objects.filter(username=f"national-{role}").exists()
    for role in ("national_analyst", "data_steward", "administrator"):
        assert _create(client, f"national-{role}", 0, role) == "", role
    # in a municipality every role but the national analyst
    error = _create(client, "kommune-analytiker", OTHER, "national_analyst")
    assert "hører til det nationale niveau" in error
    for role in ("reader", "editor", "data_steward", "administrator"):
        assert _create(client, f"kommune-{role}", OTHER, role) == "", role
    page = client.get("/brugere/").content.decode()
    assert 'id="id_role-hjaelp"' in page
    assert 'aria-describedby="id_role-hjaelp"' in page


@pytest.mark.django_db
def test_a_municipal_administrator_offers_only_municipal_roles(web_ws: Path) -> None:
    client = _admin()
    form = client.get("/brugere/").content.decode().split('name="role"', 1)[1]
    assert 'value="national_analyst"' not in form.split("</select>", 1)[0]
    assert _create(client, "analytiker", OWN, "national_analyst") != ""
    assert not User.objects.filter(username="analytiker").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("organisation", [OTHER, 0])
def test_a_municipal_administrator_creates_no_user_elsewhere(
    web_ws: Path, organisation: int
) -> None:
    client = _admin()
    response = client.post(
        "/brugere/",
        {
            "action": "create",
            "username": "udenfor",
            "password": NEW_PASSWORD,
            "organisation": organisation,
            "role": "administrator",
        },
    )
    assert response.status_code == 200
    assert 'id="id_organisation-fejl"' in response.content.decode()
    assert not User.objects.filter(username="udenfor").exists()
    assert not Membership.objects.filter(organisation__code=organisation).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.USER_CHANGE).exists()
