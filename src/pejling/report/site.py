"""`pejling publish`: a static public site for every policy of a workspace.

Layout (all links relative, so the folder works opened from disk or from any web server;
no fonts, scripts or styles from the network — the CSS is inline and the charts are SVG data):

    index.html                      every policy with status counts and downloads
    <policy>/index.html             the report
    <policy>/<goal anchor>.html     one page per goal
    <policy>/<report>.pdf / .xlsx   downloads

The site is built in a temporary folder next to the target and swapped in at the end, so a
failed build leaves the previous site untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pejling.report.build import report_basename, write_atomic
from pejling.report.model import Report
from pejling.report.parallel import charts_for
from pejling.report.render import (
    IndexEntry,
    RenderedCharts,
    SiteLinks,
    goal_page_name,
    render_goal_page,
    render_html,
    render_index,
    render_pdf,
)
from pejling.report.workbook import write_workbook


@dataclass(frozen=True)
class SiteSummary:
    """What `publish` wrote."""

    root: Path
    pages: int
    pdfs: int
    workbooks: int


def publish_site(
    reports: list[Report],
    out: Path,
    *,
    lang: str,
    pdf: bool = True,
    prebuilt_pdfs: Mapping[str, Path] | None = None,
    charts: Sequence[dict[str, RenderedCharts]] | None = None,
    jobs: int | None = None,
    today: date | None = None,
    step: Callable[[str], None] | None = None,
) -> SiteSummary:
    """Build the whole site into `out` (replacing what was there).

    `prebuilt_pdfs` maps policy ids to PDFs just written by `pejling report` for the same
    report, which are copied instead of rendered again (the PDF is the slow part); `charts`
    likewise reuses charts already rendered for the same reports, else they are rendered on
    `jobs` cores.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    pages = pdfs = books = 0
    try:
        entries: list[IndexEntry] = []
        rendered = iter(charts) if charts is not None else charts_for(list(reports), jobs)
        for report, report_charts in zip(reports, rendered, strict=True):
            if step:
                step(report.policy.id)
            folder = tmp / report.policy.id
            folder.mkdir()
            base = report_basename(report.policy, report.as_of, report.lang)
            links = SiteLinks(
                index="../index.html",
                pdf=f"{base}.pdf" if pdf else "",
                xlsx=f"{base}.xlsx",
                policy="index.html",
                goal_pages=True,
            )
            write_atomic(folder / "index.html", render_html(report, report_charts, links).encode())
            pages += 1
            for g in report.goals():
                html = render_goal_page(report, g, report_charts, links)
                write_atomic(folder / goal_page_name(g), html.encode())
                pages += 1
            if pdf:
                ready = (prebuilt_pdfs or {}).get(report.policy.id)
                if ready is not None and ready.is_file():
                    shutil.copyfile(ready, folder / f"{base}.pdf")
                else:
                    pdf_html = render_html(report, report_charts)
                    write_atomic(folder / f"{base}.pdf", render_pdf(pdf_html))
                pdfs += 1
            write_workbook(report, folder / f"{base}.xlsx")
            books += 1
            entries.append(
                IndexEntry(
                    report,
                    f"{report.policy.id}/index.html",
                    f"{report.policy.id}/{base}.pdf" if pdf else "",
                    f"{report.policy.id}/{base}.xlsx",
                )
            )
        index = render_index(entries, lang, today or date.today())
        write_atomic(tmp / "index.html", index.encode())
        pages += 1
        tmp.chmod(0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteSummary(out, pages, pdfs, books)
