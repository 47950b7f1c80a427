"""Every URL pattern × every role × own/other municipality gets the expected status.

The tables (tests/web/access_*.py, one per area) are the authorisation policy written out: a
URL pattern none of them lists fails `test_every_url_pattern_is_in_the_table`, so a new page cannot ship without
someone deciding who may open it. Municipal roles belong to Roskilde (265); the national
analyst to the national level (0); "other" is Kalundborg (326), which has its own policies.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pejling.web.access import rule_of
from pejling.web.roles import Role
from tests.web import access_core, access_data, access_policy, access_work
from tests.web.access_cases import ANON, NOROLE, WHO, Case
from tests.web.conftest import OWN, home_of, make_user

TABLE: dict[str, Case] = {
    **access_core.TABLE,
    **access_policy.TABLE,
    **access_data.TABLE,
    **access_work.TABLE,
}


def _patterns(
    patterns: list[URLPattern | URLResolver], ns: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _patterns(p.url_patterns, inner)
        else:
            yield f"{ns}{p.name}", p


def test_every_url_pattern_is_in_the_table() -> None:
    found = dict(_patterns(get_resolver().url_patterns))
    assert set(found) == set(TABLE), "add the new URL pattern to TABLE with its expected statuses"


def test_every_view_declares_its_access() -> None:
    for name, pattern in _patterns(get_resolver().url_patterns):
        assert rule_of(pattern.callback) is not None, name


def _client(who: str | Role) -> Client:
    client = Client()
    if who == ANON:
        return client
    role = None if who == NOROLE else Role(who)
    code = home_of(role) if role is not None else OWN
    client.force_login(make_user(f"u-{who}", role, code))
    return client


@pytest.mark.django_db
def test_authorisation_matrix(web_ws: Path) -> None:
    clients = {who: _client(who) for who in WHO}
    wrong = []
    for name, case in TABLE.items():
        targets = [("own", case.own_kwargs, case.own)]
        if case.other_kwargs is not None:
            targets.append(("other", case.other_kwargs, case.other))
        for where, kwargs, expected in targets:
            url = reverse(name, kwargs=kwargs)
            for who, want in zip(WHO, expected, strict=True):
                response = getattr(clients[who], case.method)(url)
                response.close()  # a static file is streamed from an open file
                got = response.status_code
                if got != want:
                    wrong.append(f"{name} {where} {who}: {got}, expected {want} ({url})")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/kommune/999/",  # not a municipality
        "/kommune/265/maal/kalundborg-2019/maal-klare-krav/",  # another municipality's policy
        "/kommune/265/maal/roskilde-2015/findes-ikke/",
    ],
)
def test_what_does_not_exist_is_404(web_ws: Path, url: str) -> None:
    client = Client()
    client.force_login(make_user("analytiker", Role.NATIONAL_ANALYST, 0))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_anonymous_are_sent_to_login_with_the_page_they_asked_for(web_ws: Path) -> None:
    response = Client().get(f"/kommune/{OWN}/")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/kommune/{OWN}/"


@pytest.mark.django_db
def test_static_files_stay_in_their_folder() -> None:
    for url in ("/static/../settings.py", "/static/web/../../settings.py"):
        response = Client().get(url)
        response.close()
        assert response.status_code in (400, 404), url
