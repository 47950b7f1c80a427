"""Expected statuses of the policy editor, versions, follow-up and comments (`pejling.web.routes.policy`)."""

from __future__ import annotations

from tests.web.access_cases import Case

TABLE: dict[str, Case] = {}
