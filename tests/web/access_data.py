"""Expected statuses of data, jobs and reports (`pejling.web.routes.data`)."""

from __future__ import annotations

from tests.web.access_cases import Case

TABLE: dict[str, Case] = {}
