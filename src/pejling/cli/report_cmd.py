"""`pejling report` and `pejling publish`: the annual status report and the public site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pejling.cli.common import console, guard, open_workspace, refuse_lint_errors
from pejling.cli.register_cmd import lazy_progress
from pejling.errors import UserError
from pejling.periods import Period
from pejling.report.build import FORMATS, make_report, write_report_files
from pejling.report.data import ObservationCache
from pejling.report.model import Report
from pejling.report.parallel import charts_for
from pejling.report.texts import SYNTHETIC_LINE, status_label
from pejling.store.database import Store
from pejling.workspace import LoadedPolicy, Workspace

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


def parse_as_of(as_of: str | None, year: int | None) -> Period | None:
    """--as-of PERIOD or --year YEAR as a period (None: each policy's default)."""
    if as_of is not None and year is not None:
        raise UserError("give either --as-of or --year, not both")
    if year is not None:
        return Period.year(year)
    if as_of is None:
        return None
    try:
        return Period.parse(as_of)
    except ValueError as exc:
        raise UserError(f"--as-of: {exc}") from None


LangOpt = Annotated[
    str | None, typer.Option("--lang", help="da or en (default: the workspace's language).")
]


def _lang(ws: Workspace, lang: str | None) -> str:
    value = lang or ws.settings.workspace.language
    if value not in ("da", "en"):
        raise UserError(f"--lang {value!r}: expected da or en")
    return value


def _policies(ws: Workspace, key: str | None) -> list[LoadedPolicy]:
    policies = [ws.find_policy(key)] if key else ws.load_policies()
    if not policies:
        raise UserError(f"no policies in {ws.policies_dir}; add one or run `pejling demo`")
    catalog = ws.catalog()
    for lp in policies:
        refuse_lint_errors(ws, lp, catalog)
    return policies


def build_reports(
    ws: Workspace, policies: list[LoadedPolicy], as_of: Period | None, lang: str
) -> list[Report]:
    """Evaluate, judge and disclosure-control the reports of these policies (one store session).

    This is also what `pejling status` prints, so the command line and the reports agree.
    """
    from pejling.report.model import default_as_of

    catalog = ws.catalog()
    threshold = ws.settings.disclosure.threshold
    min_persons = ws.settings.evaluation.min_persons
    with Store.open(ws.db_path, read_only=True) as store:
        cache = ObservationCache(store)
        caches: dict[str, ObservationCache] = {}
        out = []
        for lp in policies:
            period = as_of or default_as_of(lp.policy, catalog, cache)
            c = caches.setdefault(period.label, ObservationCache(store, as_of=period))
            out.append(
                make_report(
                    store,
                    lp.policy,
                    catalog,
                    as_of=period,
                    lang=lang,
                    threshold=threshold,
                    min_persons=min_persons,
                    cache=c,
                )
            )
    return out


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
        str, typer.Option("--format", "-f", help="Comma-separated: html, pdf, xlsx.")
    ] = ",".join(FORMATS),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder (default: the workspace's reports/).")
    ] = None,
) -> None:
    """Write the annual status report of a policy: HTML, PDF (A4) and an Excel workbook.

    Goals are judged on the data known at the end of the report period (a goal whose deadline
    has passed on its value at the deadline); figures resting on fewer persons than the
    disclosure threshold in pejling.toml are suppressed, and no status rests on them.
    """
    ws = open_workspace(workspace)
    language = _lang(ws, lang)
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(f"--format {fmt!r}: expected some of {', '.join(FORMATS)}")
    policies = _policies(ws, policy)
    reports = build_reports(ws, policies, parse_as_of(as_of, year), language)
    target = out or ws.reports_dir
    needs_charts = "html" in formats or "pdf" in formats
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
            console.print(f"[bold]{r.policy.title}[/] ({r.period_label}; {counts})")
            for path in (files.html, files.pdf, files.xlsx):
                if path is not None:
                    console.print(f"  Skrev {ws.display(path)}")


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
    """Build the static public site: an index, one page per policy and per goal, downloads.

    The site has no external assets and works opened from disk; only disclosure-controlled
    figures appear in it.
    """
    from pejling.report.site import publish_site

    ws = open_workspace(workspace)
    language = _lang(ws, lang)
    reports = build_reports(ws, _policies(ws, None), parse_as_of(as_of, year), language)
    target = out or ws.reports_dir / "site"
    with lazy_progress("Offentligt websted") as progress:
        done = 0

        def step(what: str) -> None:
            nonlocal done
            progress(what, done, len(reports))
            done += 1

        summary = publish_site(reports, target, lang=language, pdf=pdf, step=step)
    console.print(
        f"Skrev websted i {ws.display(summary.root)}: {summary.pages} sider, "
        f"{summary.pdfs} PDF-filer, {summary.workbooks} Excel-filer. "
        f"Åbn {ws.display(summary.root / 'index.html')}."
    )
