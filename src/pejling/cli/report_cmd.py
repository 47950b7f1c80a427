"""`pejling report` and `pejling publish`: the annual status report and the public site."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pejling.cli.common import (
    console,
    guard,
    open_store,
    open_workspace,
    parse_as_of,
    refuse_lint_errors,
    say,
)
from pejling.cli.judging import build_reports, published_with
from pejling.cli.register_cmd import lazy_progress
from pejling.errors import UserError
from pejling.periods import Period
from pejling.report.build import FORMATS, write_report_files
from pejling.report.model import Report
from pejling.report.parallel import charts_for
from pejling.report.texts import SYNTHETIC_LINE, status_label
from pejling.workspace import LoadedPolicy, Workspace

if TYPE_CHECKING:
    from pejling.national.report import NationalReport
    from pejling.national.report_render import NationalFiles

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: $PEJLING_WORKSPACE or .)."),
]
YearOpt = Annotated[
    int | None,
    typer.Option("--year", "-y", help="Report year (the same as --as-of YEAR)."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Judge goals as of this period: 2018, 2018H2, 2018Q4, 2018-12 (default: a policy "
        "that has ended is judged as of its last year, others as of the newest data).",
    ),
]


LangOpt = Annotated[
    str | None, typer.Option("--lang", help="da or en (default: the workspace's language).")
]


def _lang(ws: Workspace, lang: str | None) -> str:
    value = lang or ws.settings.workspace.language
    if value not in ("da", "en"):
        raise UserError(f"--lang {value!r}: expected da or en")
    return value


def _split(ws: Workspace, key: str | None) -> tuple[list[LoadedPolicy], list[LoadedPolicy]]:
    """The municipal and the national policies to report on (one named, or every policy)."""
    policies = [ws.find_policy(key)] if key else ws.load_policies()
    national = [lp for lp in policies if lp.policy.is_national]
    municipal = [lp for lp in policies if not lp.policy.is_national]
    if not municipal and not national:
        raise UserError(f"no policies in {ws.policies_dir}; add one or run `pejling demo`")
    catalog = ws.catalog()
    for lp in [*municipal, *national]:
        refuse_lint_errors(ws, lp, catalog)
    return municipal, national


def _policies(ws: Workspace, key: str | None) -> tuple[list[LoadedPolicy], list[LoadedPolicy]]:
    """The municipal and the national policies the site and the data download publish."""
    return _split(ws, key)


def build_national_reports(
    ws: Workspace, policies: list[LoadedPolicy], as_of: Period | None, lang: str
) -> list[NationalReport]:
    """Judge national policies in every municipality (suppressed jointly with the workspace's
    publishable municipal policies, as `pejling status`) and benchmark their outcome
    indicators, each once."""
    from pejling.national.goals import national_status
    from pejling.national.report import build_national_report, national_benchmarks, period_counts

    if not policies:
        return []
    catalog = ws.catalog()
    together = [lp.policy for lp in published_with(ws, [], catalog)]
    out = []
    with open_store(ws, read_only=True) as store:
        for lp in policies:
            ns = national_status(
                store, lp.policy, as_of, ws.settings, catalog=catalog, together=together, lang=lang
            )
            benchmarks = national_benchmarks(store, catalog, ns)
            counts = period_counts(store, catalog, benchmarks)
            out.append(build_national_report(ns, benchmarks, counts=counts))
    return out


def write_national_reports(
    ws: Workspace,
    policies: list[LoadedPolicy],
    as_of: Period | None,
    lang: str,
    formats: tuple[str, ...],
    target: Path,
) -> list[tuple[NationalReport, NationalFiles]]:
    """Write the national report of each national policy (HTML, PDF, XLSX) and say so; returns
    the reports and their files (the site reuses both)."""
    from pejling.national.report_render import write_national_files

    wanted = tuple(f for f in formats if f in ("html", "pdf", "xlsx"))
    written: list[tuple[NationalReport, NationalFiles]] = []
    if not policies:
        return written
    if not wanted:
        say("Den nationale rapport findes som HTML, PDF og Excel; --format docx springes over.")
        return written
    with lazy_progress("Nationale rapporter") as progress:
        progress("nationale mål og sammenligning", 0, len(policies))
        reports = build_national_reports(ws, policies, as_of, lang)
        for i, nr in enumerate(reports):
            progress(f"{nr.status.policy.id}: skriver", i, len(reports))
            files = write_national_files(nr, target, wanted)
            written.append((nr, files))
            progress(nr.status.policy.id, i + 1, len(reports))
            if nr.synthetic:
                console.print(SYNTHETIC_LINE[lang])
            meeting = ", ".join(
                f"{s.goal.label}: {s.goal.main.counts.meeting}" for s in nr.sections
            )
            say(
                f"{nr.status.policy.title} ({nr.status.as_of.label}; {nr.municipalities} kommuner; "
                f"har nået målet – {meeting})",
                style="bold",
            )
            for path in (files.html, files.pdf, files.xlsx):
                if path is not None:
                    say(f"  Skrev {ws.display(path)}")
    return written


@guard
def report(
    policy: Annotated[
        str | None, typer.Argument(help="Policy id or file name (default: every policy).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    year: YearOpt = None,
    lang: LangOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated: html, pdf, xlsx, docx.")
    ] = ",".join(FORMATS),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder (default: the workspace's reports/).")
    ] = None,
) -> None:
    """Write the annual status report of a policy: HTML, PDF (A4), an Excel workbook and an
    editable Word document.

    Goals are judged on the data known at the end of the report period (a goal whose deadline
    has passed on its value at the deadline); figures resting on fewer persons than the
    disclosure threshold in pejling.toml are suppressed, and no status rests on them. A national
    policy (scope: national) gets the national report (HTML, PDF, Excel): every goal in all 98
    municipalities, a map and, for outcome indicators, the case-mix comparison.
    """
    ws = open_workspace(workspace)
    language = _lang(ws, lang)
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"--format {fmt!r}: expected some of {', '.join(FORMATS)}")
    policies, national = _split(ws, policy)
    period = parse_as_of(as_of, year)
    target = out or ws.reports_dir
    reports = build_reports(ws, policies, period, language) if policies else []
    needs_charts = bool({"html", "pdf", "docx"} & set(formats))
    rendered = charts_for(reports) if needs_charts else iter([None] * len(reports))
    with lazy_progress("Rapporter") as progress:
        for i, (r, charts) in enumerate(zip(reports, rendered, strict=True)):

            def step(what: str, r: Report = r, i: int = i) -> None:
                progress(f"{r.policy.id}: {what}", i, len(reports))

            files = write_report_files(r, target, formats, step=step, charts=charts)
            progress(r.policy.id, i + 1, len(reports))
            counts = ", ".join(
                f"{status_label(code, language)}: {n}" for code, n in r.status_counts.items() if n
            )
            if r.synthetic:
                console.print(SYNTHETIC_LINE[language])
            say(f"{r.policy.title} ({r.period_label}; {counts})", style="bold")
            for path in (files.html, files.pdf, files.xlsx, files.docx):
                if path is not None:
                    say(f"  Skrev {ws.display(path)}")
    write_national_reports(ws, national, period, language, formats, target)


@guard
def publish(
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    year: YearOpt = None,
    lang: LangOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Site folder (default: the workspace's reports/site)."),
    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also render the PDFs for download.")] = True,
) -> None:
    """Build the static public site: an index, one page per policy and per goal, a page per
    national policy (the national report), downloads.

    The site has no external assets and works opened from disk; only disclosure-controlled
    figures appear in it.
    """
    from pejling.report.site import publish_site, terminated_as_exit

    ws = open_workspace(workspace)
    language = _lang(ws, lang)
    municipal, national_policies = _policies(ws, None)
    period = parse_as_of(as_of, year)
    reports = build_reports(ws, municipal, period, language) if municipal else []
    national = build_national_reports(ws, national_policies, period, language)
    target = out or ws.reports_dir / "site"
    with lazy_progress("Offentligt websted") as progress:
        done = 0
        total = len(reports) + len(national)

        def step(what: str) -> None:
            nonlocal done
            progress(what, done, total)
            done += 1

        with terminated_as_exit():
            summary = publish_site(
                reports, target, lang=language, pdf=pdf, step=step, national=national
            )
    say(
        f"Skrev websted i {ws.display(summary.root)}: {summary.pages} sider, "
        f"{summary.pdfs} PDF-filer, {summary.workbooks} Excel-filer. "
        f"Åbn {ws.display(summary.root / 'index.html')}."
    )
