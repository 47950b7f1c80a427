"""Expected statuses of the worklist and the national comparison (`pejling.web.routes.work`)."""

from __future__ import annotations

from tests.web.access_cases import Case

TABLE: dict[str, Case] = {}
