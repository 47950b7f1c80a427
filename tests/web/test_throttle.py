"""django-axes locks a username out from an address after five failed logins."""

from __future__ import annotations

import pytest
from django.test import Client

from pejling.web.roles import Role
from tests.web.conftest import PASSWORD, make_user


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_for_the_right_password() -> None:
    make_user("laeser", Role.READER)
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": "laeser", "password": "forkert-kode"})
        assert response.status_code in (200, 429)
    response = client.post("/login/", {"username": "laeser", "password": PASSWORD})
    assert response.status_code == 429
    assert "For mange mislykkede forsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count() -> None:
    make_user("laeser", Role.READER)
    client = Client()
    for _ in range(4):
        client.post("/login/", {"username": "laeser", "password": "forkert-kode"})
    assert client.post("/login/", {"username": "laeser", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        client.post("/login/", {"username": "laeser", "password": "forkert-kode"})
    assert client.post("/login/", {"username": "laeser", "password": PASSWORD}).status_code == 302
