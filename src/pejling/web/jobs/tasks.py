"""The task the worker runs (Django's task API, the django-tasks backport).

One task for every kind of job: the `Job` row says what to do. Only its id and the workspace's
folder go through the task queue, never a file's content.
"""

from __future__ import annotations

from django_tasks import task

from pejling.web.jobs.run import run_job


@task()
def job_task(job_id: int, workspace: str) -> None:
    """Run the job (see `pejling.web.jobs.run.run_job`)."""
    run_job(job_id, workspace)
