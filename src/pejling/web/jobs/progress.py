"""A job's progress, written to its `Job` row for the progress bar (and nowhere else).

The import and report code report progress as `(what, done, total)` (the CLI draws a bar from
the same calls); here each call becomes a fraction within the current stage of the job and a
Danish message, written at most a few times a second so a long import does not flood the
database. `PEJLING_JOB_STEP_DELAY` (a setting, seconds, 0 unless a test sets it) pauses after
each stage so a browser test can watch the bar move on a small file.
"""

from __future__ import annotations

import time

from django.conf import settings

from pejling.register.importer import ProgressCallback
from pejling.web.models import Job

#: at most this often (seconds) a progress callback writes the row
WRITE_EVERY = 0.25


class Reporter:
    """Writes one job's progress and message."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last = 0.0

    def stage(self, fraction: float, message: str) -> None:
        """A new stage of the job: always written."""
        Job.objects.filter(pk=self.job_id).update(
            progress=max(0.0, min(1.0, fraction)), message=message[:300]
        )
        self._last = time.monotonic()
        delay = float(getattr(settings, "PEJLING_JOB_STEP_DELAY", 0.0) or 0.0)
        if delay > 0:
            time.sleep(delay)

    def within(self, low: float, high: float) -> ProgressCallback:
        """A callback for code that reports `(what, done, total)`: mapped onto [low, high]."""

        def update(text: str, done: int, total: int) -> None:
            now = time.monotonic()
            if now - self._last < WRITE_EVERY and done < total:
                return
            share = done / total if total > 0 else 0.0
            Job.objects.filter(pk=self.job_id).update(
                progress=low + (high - low) * max(0.0, min(1.0, share)), message=text[:300]
            )
            self._last = now

        return update
