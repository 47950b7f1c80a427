"""Every URL pattern × every role × own/other municipality gets the expected status.

The table below is the authorisation policy written out: a URL pattern the table does not
list fails `test_every_url_pattern_is_in_the_table`, so a new page cannot ship without
someone deciding who may open it. Municipal roles belong to Roskilde (265); the national
analyst to the national level (0); "other" is Kalundborg (326), which has its own policies.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pejling.web.access import rule_of
from pejling.web.roles import Role
from tests.web.conftest import OTHER, OWN, home_of, make_user

ANON = "anonym"
NOROLE = "uden-rolle"
R, E, D, N, A = (
    Role.READER,
    Role.EDITOR,
    Role.DATA_STEWARD,
    Role.NATIONAL_ANALYST,
    Role.ADMINISTRATOR,
)
WHO: tuple[str | Role, ...] = (ANON, NOROLE, R, E, D, N, A)


@dataclass(frozen=True)
class Case:
    """How to request one URL pattern for the own and the other municipality, and the
    expected status for each kind of user (in the order of `WHO`)."""

    own_kwargs: dict[str, object]
    other_kwargs: dict[str, object] | None  # None: the page belongs to no municipality
    own: tuple[int, ...]
    other: tuple[int, ...] = ()
    method: str = "get"


READ_OWN = (302, 403, 200, 200, 200, 200, 200)
READ_OTHER = (302, 403, 403, 403, 403, 200, 403)

TABLE: dict[str, Case] = {
    # a municipal user is sent on to their municipality; a national one chooses
    "web:home": Case({}, None, (302, 403, 302, 302, 302, 200, 302)),
    # a logged-in user is sent on from the login page
    "web:login": Case({}, None, (200, 302, 302, 302, 302, 302, 302)),
    # POST only: a GET (a link, an image) never logs anyone out
    "web:logout": Case({}, None, (405,) * 7),
    "web:overview": Case({"code": OWN}, {"code": OTHER}, READ_OWN, READ_OTHER),
    "web:goal": Case(
        {"code": OWN, "policy": "roskilde-2015", "anchor": "maal-3a"},
        {"code": OTHER, "policy": "kalundborg-2019", "anchor": "maal-klare-krav"},
        READ_OWN,
        READ_OTHER,
    ),
    "web:audit": Case({}, None, (302, 403, 403, 403, 403, 403, 200)),
    "web:static": Case({"path": "web/app.css"}, None, (200,) * 7),
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
