"""The web application's own data: organisations, memberships and the audit log.

The policies, figures and verdicts are not here: they stay in the workspace (YAML and the
DuckDB store) and are read through the report model, so the command line and the web agree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from pejling.web.roles import CHOICES

NATIONAL = 0


class Organisation(models.Model):
    """A municipality (by its code) or the national level (code 0)."""

    code = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_national(self) -> bool:
        """The national level: its members reach every municipality."""
        return bool(self.code == NATIONAL)


class Membership(models.Model):
    """A user's role in one organisation; a user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    role = models.CharField(max_length=32, choices=CHOICES)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.role}"


class AppendOnlyError(Exception):
    """An audit event was to be changed or deleted; the log only grows."""


class EventKind(StrEnum):
    """What an audit event records (a plain enum: typed, and usable without Django)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    GOAL_VIEW = "goal_view"
    POLICY_CHANGE = "policy_change"  # a new policy version saved in the web application
    POLICY_OUTSIDE = "policy_outside"  # a policy file found changed outside the application
    POLICY_IMPORT = "policy_import"  # a policy YAML file uploaded as a new version
    POLICY_EXPORT = "policy_export"  # a policy version downloaded as YAML
    UPLOAD = "upload"  # a data file uploaded and queued for import
    IMPORT_DONE = "import_done"  # a background import finished (imported, unchanged, rejected)
    REPORT = "report"  # an annual report generated or downloaded
    PUBLISH = "publish"  # the public site built
    NATIONAL_VIEW = "national_view"  # the national comparison opened
    USER_CHANGE = "user_change"  # a user or membership created, changed or deactivated

    @property
    def label(self) -> str:
        """The Danish name the audit page shows."""
        return {
            "login": "log ind",
            "login_failed": "mislykket log ind",
            "logout": "log ud",
            "goal_view": "målside vist",
            "policy_change": "politik ændret",
            "policy_outside": "politik ændret uden for pejling web",
            "policy_import": "politik indlæst fra YAML",
            "policy_export": "politik hentet som YAML",
            "upload": "datafil sendt til indlæsning",
            "import_done": "indlæsning afsluttet",
            "report": "rapport dannet eller hentet",
            "publish": "offentligt site dannet",
            "national_view": "national sammenligning vist",
            "user_change": "bruger ændret",
        }[self.value]


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses bulk changes and deletion (the ORM's paths around `save` and `delete`)."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log is append-only: events are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only: events are never deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log is append-only: events are never changed")


class AuditEvent(models.Model):
    """Who did what, when, from where: logins (and failed attempts), logouts, goal-page views.

    Append-only through the ORM: saving an existing event, deleting one and the queryset's
    bulk `update`/`delete` raise `AppendOnlyError`, and a user named in the log cannot be
    deleted (deactivate the account instead). (A database administrator can still change
    the table; a production setup should grant the application INSERT and SELECT only.)
    """

    Kind = EventKind

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32, choices=[(k.value, k.label) for k in EventKind])
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    municipality = models.PositiveSmallIntegerField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only."""
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("the audit log is append-only: events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Never."""
        raise AppendOnlyError("the audit log is append-only: events are never deleted")


class PolicyVersion(models.Model):
    """One version of a policy file: the whole YAML text, who saved it, when and why.

    The file in the workspace (`policies/*.yaml`) stays the one source of truth that every
    command reads; this table is its history (docs/architecture.md, "Policies"). Number 1 is
    the file as the application first found it; a file changed outside the application is
    recorded as a new version with `origin = outside` before anyone may edit it further.
    Versions are never changed or deleted.
    """

    class Origin(models.TextChoices):
        FOUND = "found", "fundet i arbejdsområdet"
        WEB = "web", "gemt i pejling web"
        OUTSIDE = "outside", "ændret uden for pejling web"
        IMPORT = "import", "indlæst fra YAML-fil"

    policy_id = models.CharField(max_length=100, db_index=True)
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    municipality = models.PositiveSmallIntegerField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices)

    class Meta:
        ordering: ClassVar[list[str]] = ["policy_id", "-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["policy_id", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a version, once saved, is history."""
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("policy versions are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Never."""
        raise AppendOnlyError("policy versions are never deleted")


class Job(models.Model):
    """A background job the application started (an import, a report, publishing the site)
    and how far it has come: the progress bar reads this row.

    Why a table of our own: the task framework's result table has no progress and its error is
    a traceback (which may quote the data); this row holds what the pages show — a Danish
    message, a fraction done, the result's summary or the same precise errors as the CLI.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "indlæsning"
        REPORT = "report", "rapport"
        PUBLISH = "publish", "offentligt site"

    class State(models.TextChoices):
        QUEUED = "queued", "i kø"
        RUNNING = "running", "i gang"
        DONE = "done", "færdig"
        FAILED = "failed", "fejlet"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    municipality = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    file_name = models.CharField(max_length=255, blank=True)  # the upload's sanitised name
    upload_kind = models.CharField(max_length=16, blank=True)  # observations | register
    policy_id = models.CharField(max_length=100, blank=True)  # a report's policy
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.FloatField(default=0.0)  # 0–1
    message = models.CharField(max_length=300, blank=True)  # Danish: what is happening
    result = models.TextField(blank=True)  # the summary when done
    error = models.TextField(blank=True)  # the precise errors when failed
    task_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        """Done or failed: the page stops polling."""
        return self.state in (self.State.DONE, self.State.FAILED)
