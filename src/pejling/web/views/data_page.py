"""The data page of a municipality: upload an observation file or a register extract (it becomes
a background import job), the recent jobs, and the store's import log (`pejling imports`).

Data stewards and administrators of the municipality only. What they may import is decided in
`pejling.web.jobs.rules`; the upload is checked at the edge (type, size) and then queued.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from pejling.errors import UserError, WorkspaceError
from pejling.formatting import fmt_number
from pejling.reference.municipalities import name_of
from pejling.store.database import Store
from pejling.web import audit
from pejling.web.access import allow
from pejling.web.goals import workspace
from pejling.web.jobs import enqueue, new_import_job
from pejling.web.jobs.rules import DATA_ROLES, register_refusal, sees_whole_import_log
from pejling.web.jobs.uploads import UploadKind, check_upload, job_dir, save_upload
from pejling.web.models import AuditEvent, Job
from pejling.workspace import Workspace

#: how many attempts of the import log the page shows (`pejling imports --limit`)
LOG_ROWS = 20
#: a reader of the import log waits at most this long for a command-line import to finish
LOG_WAIT_SECONDS = 2.0
OUTCOMES = {"imported": "indlæst", "unchanged": "uændret", "rejected": "afvist"}


class UploadForm(forms.Form):
    """What to upload: its kind and the file."""

    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in UploadKind],
        initial=UploadKind.OBSERVATIONS.value,
        error_messages={
            "required": "Vælg, hvad filen indeholder.",
            "invalid_choice": "Vælg observationsfil eller registerudtræk.",
        },
    )
    file = forms.FileField(
        error_messages={
            "required": "Vælg en fil at indlæse.",
            "empty": "Filen er tom.",
            "invalid": "Filen kunne ikke modtages; prøv igen.",
        }
    )


@dataclass(frozen=True)
class LogRow:
    """One attempt of the import log, as the page shows it."""

    number: int
    when: str
    outcome: str
    rows: str
    replaced: str
    problems: str
    file: str


def import_log(ws: Workspace) -> tuple[list[LogRow], str]:
    """The newest attempts first (and a Danish note when the log cannot be read now)."""
    from pejling.store.queries import import_log as read_log

    if not ws.db_path.exists():
        return [], "Arbejdsområdet har endnu ingen database: intet er indlæst."
    try:
        with Store.open(ws.db_path, read_only=True, wait_seconds=LOG_WAIT_SECONDS, lang="da") as s:
            rows = read_log(s, LOG_ROWS)
    except WorkspaceError:
        return [], "Importloggen kan ikke læses lige nu (en indlæsning fra kommandolinjen kører)."
    return [
        LogRow(
            r.id,
            r.imported_at.strftime("%d.%m.%Y %H:%M"),
            OUTCOMES.get(r.outcome, r.outcome),
            fmt_number(r.rows, 0),
            fmt_number(r.replaced, 0),
            fmt_number(r.problems, 0),
            r.file,
        )
        for r in rows
    ], ""


def start_import(request: HttpRequest, code: int, ws: Workspace, form: UploadForm) -> Job | None:
    """Check the upload, save it and queue its import (None: the form now holds the error)."""
    kind = UploadKind(form.cleaned_data["kind"])
    upload = form.cleaned_data["file"]
    try:
        if kind is UploadKind.REGISTER:
            refusal = register_refusal(request.user, code, ws.settings.workspace.municipality)
            if refusal:
                raise UserError(refusal)
        checked = check_upload(upload, kind)
    except UserError as exc:
        form.add_error("file", str(exc))
        return None
    job = new_import_job(checked, request.user, code)
    save_upload(upload, checked, job_dir(ws.root, job.pk))
    audit.record(
        request, AuditEvent.Kind.UPLOAD, municipality=code,
        detail=f"job {job.pk}: {checked.name} ({kind.label}, {fmt_number(upload.size or 0, 0)} byte)",
    )  # fmt: skip
    return enqueue(job, ws.root)


@allow(DATA_ROLES, scoped=True)
def data(request: HttpRequest, code: int) -> HttpResponse:
    """The upload form, the jobs and the import log; a valid upload goes to its job page."""
    ws = workspace()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import(request, code, ws, form)
        if job is not None:
            url = reverse("web:job", kwargs={"code": code, "job": job.pk})
            return HttpResponseRedirect(url, status=303)
    whole_log = sees_whole_import_log(request.user, code, ws.settings.workspace.municipality)
    log, log_note = import_log(ws) if whole_log else ([], "")
    jobs = Job.objects.filter(municipality=code, kind=Job.Kind.IMPORT).select_related("user")[:20]
    return render(
        request,
        "web/data.html",
        {
            "code": code,
            "name": name_of(code),
            "form": form,
            "kinds": [(k.value, k.label) for k in UploadKind],
            "chosen": form["kind"].value() or UploadKind.OBSERVATIONS.value,
            "jobs": jobs,
            "log": log,
            "log_note": log_note,
            "whole_log": whole_log,
            "register_allowed": register_refusal(
                request.user, code, ws.settings.workspace.municipality
            )
            is None,
        },
    )
