"""Background jobs of the web application: imports, reports, publishing the site.

A view (or the load benchmark) creates a `Job` row and enqueues it; the worker started beside
the web server (`pejling serve`; `manage.py db_worker` in production) runs it and writes its
progress to the row, which the job page's progress bar polls. `enqueue_import` is the one way to
start an import, from a request or from a script (bench/web.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pejling.web.jobs.uploads import CheckedUpload, UploadKind, job_dir, safe_name
from pejling.web.models import AuditEvent, Job

__all__ = ["UploadKind", "enqueue", "enqueue_import", "enqueue_publish", "enqueue_report"]


def enqueue(job: Job, workspace: Path) -> Job:
    """Hand a saved job to the task queue (the immediate backend runs it right here)."""
    from pejling.web.jobs.tasks import job_task

    result = job_task.enqueue(job.pk, str(Path(workspace).resolve()))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def enqueue_import(
    workspace: Path, path: Path, kind: UploadKind, user: Any, municipality: int
) -> Job:
    """Queue an import of a file on the server (copied into the job's upload folder, which the
    job removes when it ends); for scripts: the web's upload view saves the upload itself.

    `kind`: observations (a CSV/XLSX file) or register (a .zip of an extract's files).
    `user`: who asked (their municipalities limit the observation rows, `rules`), or None for
    a script on the server, which imports what `pejling import` would.
    """
    import shutil

    from pejling.web import audit

    workspace = Path(workspace).resolve()
    checked = CheckedUpload(safe_name(path.name), kind)
    job = new_import_job(checked, user, municipality)
    folder = job_dir(workspace, job.pk)
    folder.mkdir(mode=0o700)
    target = folder / checked.name
    shutil.copyfile(path, target)
    target.chmod(0o600)
    audit.record(
        None, AuditEvent.Kind.UPLOAD, username=getattr(user, "username", "") or "",
        municipality=municipality, detail=f"job {job.pk}: {checked.name} ({kind.label})",
    )  # fmt: skip
    return enqueue(job, workspace)


def new_import_job(checked: CheckedUpload, user: Any, municipality: int) -> Job:
    """The row of an import job, before its file is saved."""
    job: Job = Job.objects.create(
        kind=Job.Kind.IMPORT,
        municipality=municipality,
        user=user if user is not None and getattr(user, "pk", None) else None,
        file_name=checked.name,
        upload_kind=checked.kind.value,
        message="I kø",
    )
    return job


def enqueue_report(workspace: Path, policy_id: str, user: Any, municipality: int) -> Job:
    """Queue `pejling report POLICY`."""
    job: Job = Job.objects.create(
        kind=Job.Kind.REPORT, municipality=municipality, user=user, policy_id=policy_id,
        message="I kø",
    )  # fmt: skip
    return enqueue(job, workspace)


def enqueue_publish(workspace: Path, user: Any, municipality: int) -> Job:
    """Queue `pejling publish`."""
    job: Job = Job.objects.create(
        kind=Job.Kind.PUBLISH, municipality=municipality, user=user, message="I kø"
    )
    return enqueue(job, workspace)
