"""What a background job does: import an upload, write a policy's report, publish the site.

Each reuses the command line's own functions (`pejling import`, `pejling report`, `pejling
publish`), so the web gives the same results and the same precise errors. An import writes a
copy of the store and renames it over the store (`pejling.store.swap`): readers never wait.

Errors: a `UserError` (a rejected file, a missing key, a policy with lint errors) is the CLI's
own message and is shown as it is; anything else is a bug and is recorded by its type and place
only (its text may quote the data), as the CLI's `guard` does — the task itself then ends
normally, so the task framework stores no traceback either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from pejling.errors import ImportRejected, UserError
from pejling.formatting import fmt_number
from pejling.report.build import FORMATS
from pejling.store.database import Store
from pejling.store.swap import SwapTimes, new_copy
from pejling.web import audit, goals
from pejling.web.jobs import rules
from pejling.web.jobs.progress import Reporter
from pejling.web.jobs.uploads import UploadKind, job_dir, remove, unpack_extract
from pejling.web.models import AuditEvent, Job
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pejling.engine.run import ComputeResult

log = logging.getLogger(__name__)

LANG = "da"
#: what "Dan rapport" writes: what `pejling report` writes by default (HTML, PDF, Excel, Word)
REPORT_FORMATS: tuple[str, ...] = FORMATS


@dataclass
class Outcome:
    """How a job ended: the summary shown when done, or the error when failed."""

    result: str = ""
    error: str = ""
    audit_detail: str = ""


def run_job(job_id: int, workspace: str) -> None:
    """Run one job to its end (the task's body; never raises for a bad file or a bug)."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(
        state=Job.State.RUNNING, started=timezone.now(), message="Starter …"
    )
    reporter = Reporter(job_id)
    outcome = Outcome()
    try:
        ws = Workspace.open(Path(workspace))
        if job.kind == Job.Kind.IMPORT:
            outcome = import_job(ws, job, reporter)
        elif job.kind == Job.Kind.REPORT:
            outcome = report_job(ws, job, reporter)
        else:
            outcome = publish_job(ws, reporter)
    except UserError as exc:
        outcome = Outcome(error=str(exc), audit_detail="afvist")
    except Exception as exc:  # a bug: its text may quote data, so only its type and place
        from pejling.cli.common import _internal

        outcome = Outcome(error=_internal(exc, LANG), audit_detail="intern fejl")
    except BaseException:  # the worker was stopped: say so, then stop
        finish(job, Outcome(error=INTERRUPTED, audit_detail="afbrudt"))
        raise
    finally:
        if job.kind == Job.Kind.IMPORT:
            remove(job_dir(Path(workspace).resolve(), job_id))
    finish(job, outcome)


#: a job whose worker was stopped while it ran
INTERRUPTED = (
    "Jobbet blev afbrudt, fordi baggrundsprocessen blev stoppet (en indlæsning har intet "
    "ændret). Start jobbet igen."
)


def abandon_interrupted() -> int:
    """Mark the jobs a hard-killed worker left "running" as interrupted; how many.

    Called when `pejling serve` starts (or restarts) its one worker, when no job can be
    running: a worker killed with SIGKILL (or a power cut, or out of memory) never recorded the
    end of its job, nor removed its upload. Nothing else needs undoing, since a job writes a copy
    of the store, never the store itself.
    """
    from django.conf import settings

    root = Path(settings.PEJLING_WORKSPACE).resolve()
    stale = list(Job.objects.filter(state=Job.State.RUNNING))
    for job in stale:
        finish(job, Outcome(error=INTERRUPTED, audit_detail="afbrudt"))
        remove(job_dir(root, job.pk))  # the upload (a register extract: person-level data)
    return len(stale)


def finish(job: Job, outcome: Outcome) -> None:
    """Record the end of the job and write it to the audit log."""
    job_id = job.pk
    failed = bool(outcome.error)
    Job.objects.filter(pk=job_id).update(
        state=Job.State.FAILED if failed else Job.State.DONE,
        progress=1.0,
        message="Fejlet" if failed else "Færdig",
        result=outcome.result,
        error=outcome.error,
        finished=timezone.now(),
    )
    kind = {
        Job.Kind.IMPORT: AuditEvent.Kind.IMPORT_DONE,
        Job.Kind.REPORT: AuditEvent.Kind.REPORT,
        Job.Kind.PUBLISH: AuditEvent.Kind.PUBLISH,
    }[Job.Kind(job.kind)]
    audit.record(
        None,
        kind,
        username=job.user.get_username() if job.user else "",
        municipality=job.municipality,
        detail=f"job {job_id}: {job.file_name or job.policy_id or 'site'}: "
        + (outcome.audit_detail or ("fejlet" if failed else "færdig")),
    )


def import_job(ws: Workspace, job: Job, reporter: Reporter) -> Outcome:
    """Import an upload into a copy of the store and swap it in (the rejection too: it is
    logged in the store's import log, as `pejling import` logs it; the data stay as they were).
    """
    from pejling.cli.register_cmd import import_summary, plan_import, run_import

    folder = job_dir(ws.root, job.pk)
    upload = folder / job.file_name
    if job.upload_kind == UploadKind.REGISTER:
        reporter.stage(0.02, "Pakker registerudtrækket ud")
        paths = [unpack_extract(upload, folder)]
    else:
        # a job without a user was queued by a script on the server (as `pejling import`)
        if job.user is not None:
            reporter.stage(0.02, "Kontrollerer kommunerne i filen")
            refusal = rules.observation_refusal(job.user, observation_areas(upload))
            if refusal:
                raise UserError(refusal)
        paths = [upload]
    batch = plan_import(ws, paths)
    times = SwapTimes()
    rejected: UserError | None = None
    reporter.stage(0.05, "Kopierer databasen")
    with new_copy(
        ws.db_path,
        ws.root / ".pejling",
        lang=ws.settings.workspace.language,
        wait_seconds=ws.settings.store.wait_seconds,
        times=times,
        on_copied=lambda: reporter.stage(0.1, "Databasen er kopieret"),
    ) as store:
        register = job.upload_kind == UploadKind.REGISTER
        progress = reporter.within(0.1, 0.5 if register else 0.9)
        progress("Kontrollerer og indlæser rækkerne", 0, 1)
        computed = None
        try:
            result = run_import(ws, store, batch, progress)
        except UserError as exc:  # rejected: only the import log changed, keep that
            rejected = exc
        else:
            if result.register is not None:  # the register's figures, as `pejling compute`
                computed = compute_register(ws, store, reporter)
        reporter.stage(0.9, "Gemmer den nye database")
    if rejected is not None:
        raise rejected
    reporter.stage(0.93, "Beregner målenes status med de nye tal")
    try:  # once here, so the pages load the new judgement instead of each judging it
        goals.warm(ws)
    except Exception as exc:  # the import stands; the pages judge again and show the error
        log.error("judging the imported data failed: %s", type(exc).__name__)
    lines = import_summary(result, LANG)
    if computed is not None:
        lines.append(computed.summary(LANG))
    copy = (
        f"Databasen ({fmt_number(times.size / 1024**2, 1)} MB) blev kopieret på "
        f"{fmt_number(times.copy, 1)} s og skiftet ud."
    )
    outcomes = ", ".join(o.outcome for o in result.observations)
    detail = "register indlæst" if result.register is not None else ""
    return Outcome(
        result="\n".join([*lines, copy]),
        audit_detail=", ".join(x for x in (detail, outcomes) if x),
    )


def compute_register(ws: Workspace, store: Store, reporter: Reporter) -> ComputeResult:
    """Compute every register-based indicator into the copy, as `pejling compute` does after
    `pejling import` of an extract: the new figures are swapped in together with the register,
    so no page ever shows a register whose figures are not computed yet."""
    from pejling.engine.run import cohort_ranges, compute_all

    reporter.stage(0.5, "Beregner indikatorerne fra registret")
    return compute_all(
        store,
        ws.catalog(),
        cohort_ranges=cohort_ranges(ws),
        progress=reporter.within(0.5, 0.9),
    )


def observation_areas(path: Path) -> list[tuple[int, int]]:
    """(row number, area code) of every row whose municipality cell names an area; empty when
    the file cannot be read (the import then gives its precise errors)."""
    from pejling.reference.municipalities import resolve_area
    from pejling.store.tabular import clean_header, read_table

    try:
        table = read_table(path, path.name)
    except (ImportRejected, OSError):
        return []
    header = [clean_header(h).lower() for h in table.header]
    if "municipality" not in header:
        return []
    col = header.index("municipality")
    out = []
    for row in table.rows:
        cell = row.cells[col].strip() if col < len(row.cells) else ""
        area = resolve_area(cell)
        if area.usable and area.code is not None:
            out.append((row.number, area.code))
    return out


def report_job(ws: Workspace, job: Job, reporter: Reporter) -> Outcome:
    """`pejling report POLICY`: the annual report in the CLI's formats, into reports/."""
    from pejling.cli.common import refuse_lint_errors
    from pejling.cli.judging import build_reports
    from pejling.report.build import write_report_files
    from pejling.report.parallel import charts_for

    lp = ws.find_policy(job.policy_id)
    refuse_lint_errors(ws, lp, ws.catalog())
    reporter.stage(0.05, "Vurderer målene")
    reports = build_reports(ws, [lp], None, ws.settings.workspace.language)
    steps = {"charts": (0.3, "Tegner figurerne"), "pdf": (0.5, "Skriver PDF"),
             "xlsx": (0.75, "Skriver Excel-projektmappen"), "docx": (0.85, "Skriver Word-filen")}  # fmt: skip
    written: list[str] = []
    for report, charts in zip(reports, charts_for(reports), strict=True):

        def step(what: str) -> None:
            fraction, text = steps.get(what, (0.5, what))
            reporter.stage(fraction, text)

        files = write_report_files(report, ws.reports_dir, REPORT_FORMATS, step=step, charts=charts)
        written += [p.name for p in (files.pdf, files.xlsx, files.html, files.docx) if p]
    return Outcome(
        result="Skrev " + ", ".join(written) + ".", audit_detail="dannet: " + ", ".join(written)
    )


def publish_job(ws: Workspace, reporter: Reporter) -> Outcome:
    """`pejling publish`: the static public site in reports/site."""
    from pejling.cli.common import refuse_lint_errors
    from pejling.cli.judging import build_reports
    from pejling.cli.report_cmd import build_national_reports
    from pejling.report.site import publish_site

    lang = ws.settings.workspace.language
    policies = ws.load_policies()
    if not policies:
        raise UserError(f"Der er ingen politikker i {ws.policies_dir}.")
    catalog = ws.catalog()
    for lp in policies:
        refuse_lint_errors(ws, lp, catalog)
    municipal = [lp for lp in policies if not lp.policy.is_national]
    national_policies = [lp for lp in policies if lp.policy.is_national]
    reporter.stage(0.05, "Vurderer målene")
    reports = build_reports(ws, municipal, None, lang) if municipal else []
    national = build_national_reports(ws, national_policies, None, lang)
    total = max(1, len(reports) + len(national))
    done = 0

    def step(what: str) -> None:
        nonlocal done
        reporter.stage(0.1 + 0.85 * done / total, f"Skriver {what}")
        done += 1

    summary = publish_site(reports, ws.reports_dir / "site", lang=lang, pdf=True, step=step,
                           national=national)  # fmt: skip
    return Outcome(
        result=f"Skrev webstedet i {ws.display(summary.root)}: {summary.pages} sider, "
        f"{summary.pdfs} PDF-filer, {summary.workbooks} Excel-filer.",
        audit_detail=f"{summary.pages} sider",
    )
