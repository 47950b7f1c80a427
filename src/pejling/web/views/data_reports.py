"""Reports of a municipality: download each policy's annual report (PDF, Excel) once written;
editors and administrators write it anew ("Dan rapport": `pejling report POLICY` as a job) and
publish the public site ("Udgiv sitet": `pejling publish` as a job).

The files are the ones the command line writes into the workspace's `reports/` folder
(`<policy>-status-<period>.pdf|xlsx`), so a report written by either is downloadable here.
Publishing builds the whole workspace's site, as `pejling publish` does (it holds only
disclosure-controlled figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pejling.formatting import fmt_number
from pejling.reference.municipalities import name_of
from pejling.web import audit
from pejling.web.access import Rule, allow, reaches
from pejling.web.goals import workspace
from pejling.web.jobs import enqueue_publish, enqueue_report
from pejling.web.jobs.rules import publish_refusal
from pejling.web.models import AuditEvent, Job
from pejling.web.roles import READERS
from pejling.web.views.data_job import EDIT_ROLES, title, when
from pejling.workspace import LoadedPolicy, Workspace

FORMATS = {"pdf": "PDF", "xlsx": "Excel"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Download:
    """One written report file."""

    fmt: str
    label: str
    url: str
    period: str
    written: str
    size: str


@dataclass(frozen=True)
class PolicyReports:
    """A policy and its downloadable reports."""

    policy_id: str
    title: str
    downloads: list[Download]


def municipal_policies(ws: Workspace, code: int) -> list[LoadedPolicy]:
    """The municipality's own (not national) policies."""
    return [
        lp
        for lp in ws.load_policies()
        if not lp.policy.is_national and lp.policy.municipality == code
    ]


def policy_of(ws: Workspace, code: int, policy_id: str) -> LoadedPolicy:
    """One of the municipality's policies (404: not one of them)."""
    for lp in municipal_policies(ws, code):
        if lp.policy.id == policy_id:
            return lp
    raise Http404("Ukendt politik.")


def newest_file(ws: Workspace, policy_id: str, fmt: str) -> Path | None:
    """The newest written Danish report of the policy in this format (`report_basename`)."""
    pattern = re.compile(rf"{re.escape(policy_id)}-status-([0-9A-Za-z]+)\.{fmt}")
    found = [
        p for p in ws.reports_dir.glob(f"{policy_id}-status-*.{fmt}") if pattern.fullmatch(p.name)
    ]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def downloads(ws: Workspace, code: int, policy_id: str) -> list[Download]:
    """The policy's report files that exist now."""
    out = []
    for fmt, label in FORMATS.items():
        path = newest_file(ws, policy_id, fmt)
        if path is None:
            continue
        st = path.stat()
        period = path.stem.rsplit("-status-", 1)[-1]
        out.append(
            Download(
                fmt,
                label,
                reverse(
                    "web:report_download", kwargs={"code": code, "policy": policy_id, "fmt": fmt}
                ),
                period,
                when(datetime.fromtimestamp(st.st_mtime, tz=timezone.get_current_timezone())),
                f"{fmt_number(st.st_size / 1024, 0)} kB",
            )
        )
    return out


@allow(READERS, scoped=True)
def reports(request: HttpRequest, code: int) -> HttpResponse:
    """Every policy of the municipality with its report files; the editors' buttons."""
    ws = workspace()
    policies = [
        PolicyReports(lp.policy.id, lp.policy.title, downloads(ws, code, lp.policy.id))
        for lp in municipal_policies(ws, code)
    ]
    editor = reaches(request.user, Rule(EDIT_ROLES, scoped=True), code)
    jobs = (
        [
            (j, title(j))
            for j in Job.objects.filter(
                municipality=code, kind__in=[Job.Kind.REPORT, Job.Kind.PUBLISH]
            )[:10]
        ]
        if editor
        else []
    )
    site = ws.reports_dir / "site" / "index.html"
    site_written = (
        when(datetime.fromtimestamp(site.stat().st_mtime, tz=timezone.get_current_timezone()))
        if site.exists()
        else ""
    )
    return render(
        request,
        "web/reports.html",
        {
            "code": code,
            "name": name_of(code),
            "policies": policies,
            "editor": editor,
            "may_publish": publish_refusal(request.user, code, ws.settings.workspace.municipality)
            is None,
            "jobs": jobs,
            "site_written": site_written,
        },
    )


def _to_job(code: int, job: Job) -> HttpResponse:
    return HttpResponseRedirect(
        reverse("web:job", kwargs={"code": code, "job": job.pk}), status=303
    )


@allow(EDIT_ROLES, scoped=True)
@require_POST
def report_make(request: HttpRequest, code: int, policy: str) -> HttpResponse:
    """Queue `pejling report POLICY` and show its job."""
    ws = workspace()
    lp = policy_of(ws, code, policy)
    return _to_job(code, enqueue_report(ws.root, lp.policy.id, request.user, code))


@allow(EDIT_ROLES, scoped=True)
@require_POST
def publish(request: HttpRequest, code: int) -> HttpResponse:
    """Queue `pejling publish` and show its job."""
    ws = workspace()
    refusal = publish_refusal(request.user, code, ws.settings.workspace.municipality)
    if refusal:
        raise PermissionDenied(refusal)
    return _to_job(code, enqueue_publish(ws.root, request.user, code))


@allow(READERS, scoped=True)
def report_download(request: HttpRequest, code: int, policy: str, fmt: str) -> HttpResponse:
    """The newest written report file of the policy (404 when none is written yet)."""
    if fmt not in FORMATS:
        raise Http404("Ukendt format.")
    ws = workspace()
    lp = policy_of(ws, code, policy)
    path = newest_file(ws, lp.policy.id, fmt)
    if path is None:
        raise Http404("Rapporten er ikke dannet endnu.")
    audit.record(request, AuditEvent.Kind.REPORT, municipality=code, detail=f"hentet: {path.name}")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[fmt]
    )
