"""Expected statuses of the worklist, the national comparison and the users page
(`pejling.web.routes.work`)."""

from __future__ import annotations

from tests.web.access_cases import Case

#: every logged-in role has a worklist (of the municipalities it reaches)
WORKLIST = (302, 403, 200, 200, 200, 200, 200)
#: national analysts (and administrators at the national level: the test administrator
#: belongs to Roskilde, so is refused)
NATIONAL = (302, 403, 403, 403, 403, 200, 403)

#: administrators (of the municipality: they administer its users)
ADMIN = (302, 403, 403, 403, 403, 403, 200)

TABLE: dict[str, Case] = {
    "web:worklist": Case({}, None, WORKLIST),
    "web:national": Case({}, None, NATIONAL),
    "web:national_goal": Case(
        {"policy": "nationale-maal", "goal": "maal-1-arbejde"}, None, NATIONAL
    ),
    "web:users": Case({}, None, ADMIN),
}
