"""Expected statuses of the policy editor, versions, follow-up and comments (`pejling.web.routes.policy`).

Own: Roskilde's policy roskilde-2015 (goal maal-3a); other: Kalundborg's kalundborg-2019. A
national analyst reads every municipality's policies and history but edits none. The live
check (`policy_lint`) answers POST only; an empty POST checks the file as it is (200).
"""

from __future__ import annotations

from tests.web.access_cases import EDIT_OTHER, EDIT_OWN, READ_OTHER, READ_OWN, Case

OWN_P = {"code": 265, "policy": "roskilde-2015"}
OTHER_P = {"code": 326, "policy": "kalundborg-2019"}

TABLE: dict[str, Case] = {
    "web:policy_list": Case({"code": 265}, {"code": 326}, READ_OWN, READ_OTHER),
    "web:policy_edit": Case(OWN_P, OTHER_P, EDIT_OWN, EDIT_OTHER),
    "web:policy_lint": Case(OWN_P, OTHER_P, EDIT_OWN, EDIT_OTHER, method="post"),
    "web:policy_history": Case(OWN_P, OTHER_P, READ_OWN, READ_OTHER),
    "web:policy_diff": Case(
        {**OWN_P, "a": 1, "b": 1}, {**OTHER_P, "a": 1, "b": 1}, READ_OWN, READ_OTHER
    ),
    "web:policy_export": Case(
        {**OWN_P, "number": 1}, {**OTHER_P, "number": 1}, READ_OWN, READ_OTHER
    ),
    "web:policy_import": Case(OWN_P, OTHER_P, EDIT_OWN, EDIT_OTHER),
    "web:followup": Case({"code": 265}, {"code": 326}, READ_OWN, READ_OTHER),
    "web:goal_comment": Case(
        {**OWN_P, "anchor": "maal-3a"},
        {**OTHER_P, "anchor": "maal-boligplacering"},
        EDIT_OWN,
        EDIT_OTHER,
    ),
}
