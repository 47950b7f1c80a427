"""Expected statuses of the first slice's pages (login, overview, goal page, audit log)."""

from __future__ import annotations

from tests.web.access_cases import READ_OTHER, READ_OWN, Case
from tests.web.conftest import OTHER, OWN

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
