"""A background job's page (a progress bar, then the result or the precise errors) and its
status as JSON, which `static/web/progress.js` polls to move the bar; without JavaScript the page
reloads itself every few seconds while the job runs.

An import job is shown to the municipality's data stewards and administrators, a report or
publishing job to its editors and administrators (the roles that may start them).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from pejling.formatting import fmt_date, fmt_number
from pejling.reference.municipalities import name_of
from pejling.web.access import Rule, allow, reaches
from pejling.web.jobs.rules import DATA_ROLES
from pejling.web.jobs.uploads import UploadKind
from pejling.web.models import Job
from pejling.web.roles import Role

EDIT_ROLES = frozenset({Role.EDITOR, Role.ADMINISTRATOR})
JOB_ROLES = DATA_ROLES | EDIT_ROLES
#: how often (seconds) the page without JavaScript reloads, and the script asks, while it runs
POLL_SECONDS = 1


def job_for(request: HttpRequest, code: int, job_id: int) -> Job:
    """The municipality's job, when the user's role may see its kind (else 403; 404: none)."""
    job: Job = get_object_or_404(Job.objects.select_related("user"), pk=job_id, municipality=code)
    needed = DATA_ROLES if job.kind == Job.Kind.IMPORT else EDIT_ROLES
    if not reaches(request.user, Rule(needed, scoped=True), code):
        raise PermissionDenied("Din rolle giver ikke adgang til dette job.")
    return job


def when(at: datetime | None) -> str:
    """`07.12.2026 04:12` in the application's time zone (– when not yet)."""
    if at is None:
        return "–"
    local = timezone.localtime(at)
    return f"{fmt_date(local.date())} {local:%H:%M}"


def percent(job: Job) -> str:
    """`40 %`, as Danish text."""
    return f"{fmt_number(job.progress * 100, 0)} %"


def title(job: Job) -> str:
    """What the job is, in Danish."""
    if job.kind == Job.Kind.IMPORT:
        kind = UploadKind(job.upload_kind).label if job.upload_kind else "fil"
        return f"Indlæsning af {kind} {job.file_name}"
    if job.kind == Job.Kind.REPORT:
        return f"Rapport for {job.policy_id}"
    return "Offentligt site"


@allow(JOB_ROLES, scoped=True)
def job(request: HttpRequest, code: int, job: int) -> HttpResponse:
    """The job's progress, then its result or its errors."""
    found = job_for(request, code, job)
    back = (
        reverse("web:data", kwargs={"code": code})
        if found.kind == Job.Kind.IMPORT
        else reverse("web:reports", kwargs={"code": code})
    )
    return render(
        request,
        "web/job.html",
        {
            "code": code,
            "name": name_of(code),
            "job": found,
            "title": title(found),
            "percent": percent(found),
            "created": when(found.created),
            "finished": when(found.finished),
            "errors": [line for line in found.error.splitlines() if line.strip()],
            "results": [line for line in found.result.splitlines() if line.strip()],
            "status_url": reverse("web:job_status", kwargs={"code": code, "job": found.pk}),
            "back": back,
            "poll": POLL_SECONDS,
        },
    )


@allow(JOB_ROLES, scoped=True)
def job_status(request: HttpRequest, code: int, job: int) -> JsonResponse:
    """The job's state for the progress bar."""
    found = job_for(request, code, job)
    response = JsonResponse(
        {
            "state": found.state,
            "label": found.get_state_display(),
            "progress": round(found.progress, 4),
            "percent": percent(found),
            "message": found.message,
            "finished": found.is_finished,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
