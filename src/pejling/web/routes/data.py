"""URL patterns: Data and reports: uploads, background jobs and their progress, the import log, generating and downloading reports, publishing the public site.

Each view declares its access rule (`pejling.web.access`); tests/web/access_data.py lists the
expected status of every pattern here for every role, own and other municipality.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from pejling.web.views import data_job, data_page, data_reports

routes: list[URLPattern] = [
    path("kommune/<int:code>/data/", data_page.data, name="data"),
    path("kommune/<int:code>/data/job/<int:job>/", data_job.job, name="job"),
    path("kommune/<int:code>/data/job/<int:job>/status/", data_job.job_status, name="job_status"),
    path("kommune/<int:code>/rapporter/", data_reports.reports, name="reports"),
    path("kommune/<int:code>/rapporter/udgiv/", data_reports.publish, name="publish"),
    path(
        "kommune/<int:code>/rapporter/<str:policy>/dan/",
        data_reports.report_make,
        name="report_make",
    ),
    path(
        "kommune/<int:code>/rapporter/<str:policy>/<str:fmt>/",
        data_reports.report_download,
        name="report_download",
    ),
]
