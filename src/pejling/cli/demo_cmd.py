"""`pejling demo`: build the demo workspace and print the status of every seed goal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pejling.cli.common import console, guard
from pejling.demo.build import DEMO_PERSONS, build_demo
from pejling.spec.lint import lint_file
from pejling.spec.lint.report import summarise
from pejling.workspace import Workspace


@guard
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder of the demo workspace.")] = Path(
        "demo-workspace"
    ),
    lang: Annotated[str, typer.Option(help="da or en")] = "da",
    persons: Annotated[
        int, typer.Option(help="Persons in the synthetic register (0: no register).", min=0)
    ] = DEMO_PERSONS,
    reports: Annotated[
        bool, typer.Option(help="Also write the status reports and the public site.")
    ] = True,
) -> None:
    """Build the demo workspace and show goal status.

    Four seed policies, real Statistics Denmark data and a synthetic person-level register
    (imported, pseudonymised and computed into indicators for all 98 municipalities).
    """
    from pejling.cli.app import OutputFormat, emit, workspace_statuses
    from pejling.cli.register_cmd import lazy_progress

    with lazy_progress("Bygger demo") as progress:
        build = build_demo(out, persons=persons, progress=progress)
    ws = build.workspace
    console.print(f"[bold]Demo-arbejdsområde:[/] {ws.root}")
    for path, result in build.imports:
        console.print(f"  import {ws.display(path)}: {result.summary()}")
    if build.register is not None:
        console.print("  [bold]Syntetisk personregister[/] (kun til demo – ikke rigtige personer):")
        for line in build.register.summary().splitlines():
            console.print(f"    {line}")
    if build.computed is not None:
        console.print(f"  {build.computed.summary()}")
    catalog = ws.catalog()
    for path in build.policies:
        _p, issues = lint_file(path, catalog)
        e, w, i = summarise(issues)
        console.print(f"  lint {ws.display(path)}: {e} fejl, {w} advarsler, {i} bemærkninger")
    statuses = workspace_statuses(ws, None)
    emit(statuses, OutputFormat.TABLE, None, lang)
    counts: dict[str, int] = {}
    for s in statuses:
        if not s.is_key_figure:
            counts[s.status_label(lang)] = counts.get(s.status_label(lang), 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    console.print(
        f"[bold]{sum(counts.values())} mål[/] ({summary}). Kør `pejling status -w {out}` for at se dem igen."
    )
    if reports:
        _write_reports(ws, lang)


def _write_reports(ws: Workspace, lang: str) -> None:
    """The seed policies' status reports (HTML, PDF, XLSX) and the public site."""
    from pejling.cli.register_cmd import lazy_progress
    from pejling.cli.report_cmd import build_reports
    from pejling.report.build import write_report_files
    from pejling.report.render import render_charts
    from pejling.report.site import publish_site

    reports = build_reports(ws, ws.load_policies(), None, lang)
    pdfs = {}
    all_charts = []
    with lazy_progress("Statusrapporter") as progress:
        for i, r in enumerate(reports):
            progress(f"Rapport: {r.policy.id}", i, len(reports) + 1)
            charts = render_charts(r)
            all_charts.append(charts)
            files = write_report_files(r, ws.reports_dir, charts=charts)
            if files.pdf is not None:
                pdfs[r.policy.id] = files.pdf
        progress("Offentligt websted", len(reports), len(reports) + 1)
        site = publish_site(
            reports, ws.reports_dir / "site", lang=lang, prebuilt_pdfs=pdfs, charts=all_charts
        )
    console.print(
        f"[bold]Statusrapporter[/] (HTML, PDF og Excel) for {len(reports)} politikker i "
        f"{ws.reports_dir}"
    )
    for r in reports:
        console.print(f"  {r.policy.title}: {r.policy.id}-status-{r.year}.html / .pdf / .xlsx")
    console.print(f"[bold]Offentligt websted:[/] {site.root / 'index.html'} ({site.pages} sider)")
