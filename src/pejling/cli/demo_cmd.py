"""`pejling demo`: build the demo workspace and print the status of every seed goal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pejling.cli.common import console, guard
from pejling.demo.build import DEMO_DANISH_SAMPLE, build_demo
from pejling.errors import UserError
from pejling.spec.lint import lint_file
from pejling.spec.lint.report import summarise
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pejling.report.model import Report


@guard
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder of the demo workspace.")] = Path(
        "demo-workspace"
    ),
    lang: Annotated[str, typer.Option(help="da or en")] = "da",
    persons: Annotated[
        int | None,
        typer.Option(
            help="Default: the register at real scale (every immigrant and descendant, a sample "
            "of Danish origin with weights; about 1.3 million persons, a minute or two). N: a "
            "small uniform register of N persons instead (tests); 0: no register.",
            min=0,
            show_default=False,
        ),
    ] = None,
    danish_sample: Annotated[
        float,
        typer.Option(
            help="Real-scale register: the sampled fraction of persons of Danish origin (each "
            "stands for 1/fraction persons).",
            min=0.001,
            max=1.0,
        ),
    ] = DEMO_DANISH_SAMPLE,
    municipalities: Annotated[
        str | None,
        typer.Option(
            help="Real-scale register for these municipalities only, e.g. 265,326,540 (the seed "
            "municipalities at their real size in seconds; tests). Default: all 98.",
            show_default=False,
        ),
    ] = None,
    reports: Annotated[
        bool, typer.Option(help="Also write the status reports and the public site.")
    ] = True,
) -> None:
    """Build the demo workspace and show goal status.

    Four seed policies, real Statistics Denmark data and a synthetic person-level register
    (imported, pseudonymised and computed into indicators for all 98 municipalities). The
    register is at real scale by default: immigrants and descendants per municipality as in
    Statistics Denmark's series, persons of Danish origin as a weighted sample.
    """
    from pejling.cli.app import OutputFormat, emit, workspace_reports
    from pejling.cli.register_cmd import lazy_progress

    only = _codes(municipalities)
    if only is not None and persons is not None:
        raise UserError("--municipalities is for the real-scale register; leave out --persons")
    with lazy_progress("Bygger demo") as progress:
        build = build_demo(
            out, persons=persons, danish_sample=danish_sample, only=only, progress=progress
        )
    ws = build.workspace
    console.print(f"[bold]Demo-arbejdsområde:[/] {ws.root}")
    for path, result in build.imports:
        console.print(f"  import {ws.display(path)}: {result.summary()}")
    if build.register is not None:
        console.print("  [bold]Syntetisk personregister[/] (kun til demo – ikke rigtige personer):")
        if build.design:
            console.print(f"    {build.design}")
        for line in build.register.summary().splitlines():
            console.print(f"    {line}")
    if build.computed is not None:
        console.print(f"  {build.computed.summary()}")
    catalog = ws.catalog()
    for path in build.policies:
        _p, issues = lint_file(path, catalog)
        e, w, i = summarise(issues)
        console.print(f"  lint {ws.display(path)}: {e} fejl, {w} advarsler, {i} bemærkninger")
    judged = workspace_reports(ws, None, None, lang, compare=bool(reports))
    emit(judged, OutputFormat.TABLE, None, lang)
    counts: dict[str, int] = {}
    others = {"key": 0, "initiative": 0}
    for r in judged:
        for s in r.statuses():
            if s.is_key_figure:
                others["key"] += 1
            elif not s.is_goal:
                others["initiative"] += 1
            else:
                counts[s.status_label(lang)] = counts.get(s.status_label(lang), 0) + 1
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    console.print(
        f"[bold]{sum(counts.values())} mål[/] ({summary}); desuden {others['key']} nøgletal og "
        f"{others['initiative']} indsatsmål uden resultatmål. "
        f"Kør `pejling status -w {out}` for at se dem igen."
    )
    national = [lp.policy.id for lp in ws.load_policies() if lp.policy.is_national]
    for pid in national:
        console.print(
            f"Nationale mål for alle 98 kommuner: `pejling status {pid} -w {out}`.", markup=False
        )
    if reports:
        _write_reports(ws, lang, judged)


def _codes(text: str | None) -> list[int] | None:
    """--municipalities 265,326,540 as codes (a clear error for anything else)."""
    if text is None:
        return None
    from pejling.reference.municipalities import is_valid_code

    codes = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not is_valid_code(int(part)) or int(part) == 0:
            raise UserError(
                f"--municipalities: '{part}' is not a municipality code; expected codes such as "
                "265,326,540"
            )
        codes.append(int(part))
    return codes


def _write_reports(ws: Workspace, lang: str, reports: list[Report]) -> None:
    """The seed policies' status reports (HTML, PDF, XLSX, DOCX) and the public site."""
    from pejling.cli.register_cmd import lazy_progress
    from pejling.report.build import write_report_files
    from pejling.report.render import render_charts
    from pejling.report.site import publish_site

    pdfs = {}
    docxs = {}
    all_charts = []
    with lazy_progress("Statusrapporter") as progress:
        for i, r in enumerate(reports):
            progress(f"Rapport: {r.policy.id}", i, len(reports) + 1)
            charts = render_charts(r)
            all_charts.append(charts)
            files = write_report_files(r, ws.reports_dir, charts=charts)
            if files.pdf is not None:
                pdfs[r.policy.id] = files.pdf
            if files.docx is not None:
                docxs[r.policy.id] = files.docx
    national_policies = [lp for lp in ws.load_policies() if lp.policy.is_national]
    written = []
    if national_policies:
        from pejling.cli.report_cmd import write_national_reports

        written = write_national_reports(
            ws, national_policies, None, lang, ("html", "pdf", "xlsx"), ws.reports_dir
        )
    national_pdfs = {nr.status.policy.id: f.pdf for nr, f in written if f.pdf is not None}
    with lazy_progress("Offentligt websted") as progress:
        progress("Offentligt websted", 0, 1)
        site = publish_site(
            reports, ws.reports_dir / "site", lang=lang, prebuilt_pdfs=pdfs,
            prebuilt_docx=docxs, charts=all_charts, national=[nr for nr, _f in written],
            prebuilt_national_pdfs=national_pdfs,
        )  # fmt: skip
    console.print(
        f"[bold]Statusrapporter[/] (HTML, PDF, Excel og Word) for {len(reports)} politikker i "
        f"{ws.reports_dir}"
    )
    for r in reports:
        console.print(
            f"  {r.policy.title}: {r.policy.id}-status-{r.period_label}.html / .pdf / .xlsx / .docx"
        )
    console.print(f"[bold]Offentligt websted:[/] {site.root / 'index.html'} ({site.pages} sider)")
