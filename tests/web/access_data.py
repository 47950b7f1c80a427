"""Expected statuses of data, jobs and reports (`pejling.web.routes.data`).

The job pages are asked for a job that does not exist: who passes the access rule gets 404
(tests/web/test_data_pages.py checks existing jobs of each kind for every role). The POST-only
actions are posted without data: an editor's POST queues the job (303 to its page; no worker
runs in the matrix, so nothing is written); a GET of them is 405.
"""

from __future__ import annotations

from tests.web.access_cases import DATA_OTHER, DATA_OWN, READ_OTHER, READ_OWN, Case
from tests.web.conftest import OTHER, OWN

#: editors, data stewards and administrators pass the rule; the job then does not exist
JOB_OWN = (302, 403, 403, 404, 404, 403, 404)
JOB_OTHER = (302, 403, 403, 403, 403, 403, 403)
#: editors and administrators queue the job (303 See Other to the job's page)
QUEUE_OWN = (302, 403, 403, 303, 403, 403, 303)
QUEUE_OTHER = (302, 403, 403, 403, 403, 403, 403)
NO_JOB = 999999

TABLE: dict[str, Case] = {
    "web:data": Case({"code": OWN}, {"code": OTHER}, DATA_OWN, DATA_OTHER),
    "web:job": Case(
        {"code": OWN, "job": NO_JOB}, {"code": OTHER, "job": NO_JOB}, JOB_OWN, JOB_OTHER
    ),
    "web:job_status": Case(
        {"code": OWN, "job": NO_JOB}, {"code": OTHER, "job": NO_JOB}, JOB_OWN, JOB_OTHER
    ),
    "web:reports": Case({"code": OWN}, {"code": OTHER}, READ_OWN, READ_OTHER),
    "web:report_make": Case(
        {"code": OWN, "policy": "roskilde-2015"},
        {"code": OTHER, "policy": "kalundborg-2019"},
        QUEUE_OWN,
        QUEUE_OTHER,
        method="post",
    ),
    # the demo workspace is a shared (national) one: its site is published from the national
    # level only (tests/web/test_data_reports.py: the national administrator, and a municipal
    # workspace's own editor)
    "web:publish": Case({"code": OWN}, {"code": OTHER}, QUEUE_OTHER, QUEUE_OTHER, method="post"),
    "web:report_download": Case(
        {"code": OWN, "policy": "roskilde-2015", "fmt": "pdf"},
        {"code": OTHER, "policy": "kalundborg-2019", "fmt": "xlsx"},
        READ_OWN,
        READ_OTHER,
    ),
}
