"""`pejling publish`: a static public site for every policy of a workspace.

Layout (all links relative, so the folder works opened from disk or from any web server;
no fonts, scripts or styles from the network — the CSS is inline and the charts are SVG data):

    index.html                      every policy with status counts and downloads
    <policy>/index.html             the report
    <policy>/<goal anchor>.html     one page per goal
    <policy>/<report>.pdf / .docx / .xlsx   downloads
    <national policy>/index.html    the national report (every goal in all municipalities)
    <national policy>/<report>.pdf / .xlsx  its downloads
    data/pejling-observationer.csv / .parquet   every published figure, long format
    data/LAES-MIG.txt               what the data files and their columns are

The site is built in a temporary folder next to the target and swapped in at the end, so a
failed build leaves the previous site untouched; an interrupted build removes its folder, and a
killed one's is removed by the next build.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.report.build import report_basename, write_atomic
from pejling.report.docx_report import docx_bytes
from pejling.report.download import write_site_data
from pejling.report.model import Report
from pejling.report.names import check_publishable
from pejling.report.parallel import charts_for
from pejling.report.render import (
    IndexEntry,
    RenderedCharts,
    SiteLinks,
    charts_for_print,
    goal_page_name,
    render_goal_page,
    render_html,
    render_index,
    render_pdf,
)
from pejling.report.workbook import write_workbook

if TYPE_CHECKING:
    from pejling.national.report import NationalReport

#: a file in a site being built, holding the building process's id (for cleaning up after a
#: build that was killed: its folder is removed by the next `publish`)
BUILD_MARK = ".pejling-build"
#: a half-built folder without a mark is left alone until it is this old
STALE_SECONDS = 3600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_builds(out: Path) -> list[Path]:
    """Remove what killed builds of this site left next to it (`.site.xxxx`, `.site.old`);
    a folder whose building process still runs is left alone."""
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    for candidate in out.parent.glob(f".{out.name}.*"):
        if not candidate.is_dir():
            continue
        mark = candidate / BUILD_MARK
        if candidate.name == f".{out.name}.old":
            stale = True
        elif mark.is_file():
            text = mark.read_text(encoding="ascii", errors="replace").strip()
            stale = not (text.isdigit() and _alive(int(text)))
        else:
            stale = time.time() - candidate.stat().st_mtime > STALE_SECONDS
        if stale:
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


@contextmanager
def terminated_as_exit() -> Iterator[None]:
    """While building, turn SIGTERM and SIGHUP into SystemExit, so an interrupted build removes
    its temporary folder (a KeyboardInterrupt already does; kill -9 cannot be caught, and its
    leftovers are removed by the next build)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@dataclass(frozen=True)
class SiteSummary:
    """What `publish` wrote."""

    root: Path
    pages: int
    pdfs: int
    workbooks: int
    data_files: int = 0


@dataclass(frozen=True)
class NationalEntry:
    """A national policy on the site's front page: its page and downloads."""

    report: NationalReport
    href: str
    pdf: str
    xlsx: str


def write_national_page(
    report: NationalReport,
    folder: Path,
    *,
    pdf: bool = True,
    prebuilt_pdf: Path | None = None,
) -> tuple[str, str]:
    """The national report as a site page (`<policy>/index.html`) with its PDF and workbook
    beside it; returns the names of the PDF ('' without) and the workbook."""
    from pejling.national.report_render import (
        national_basename,
        national_workbook_bytes,
        render_national_html,
        render_section_charts,
    )

    base = national_basename(report)
    links = SiteLinks(index="../index.html", pdf=f"{base}.pdf" if pdf else "", xlsx=f"{base}.xlsx")
    html = render_national_html(report, render_section_charts(report), links)
    write_atomic(folder / "index.html", html.encode())
    if pdf:
        if prebuilt_pdf is not None and prebuilt_pdf.is_file():
            shutil.copyfile(prebuilt_pdf, folder / links.pdf)
        else:
            printed = render_national_html(report, render_section_charts(report, for_print=True))
            write_atomic(folder / links.pdf, render_pdf(printed))
    write_atomic(folder / links.xlsx, national_workbook_bytes(report))
    return links.pdf, links.xlsx


def publish_site(
    reports: list[Report],
    out: Path,
    *,
    lang: str,
    pdf: bool = True,
    prebuilt_pdfs: Mapping[str, Path] | None = None,
    prebuilt_docx: Mapping[str, Path] | None = None,
    charts: Sequence[dict[str, RenderedCharts]] | None = None,
    jobs: int | None = None,
    today: date | None = None,
    step: Callable[[str], None] | None = None,
    national: Sequence[NationalReport] = (),
    prebuilt_national_pdfs: Mapping[str, Path] | None = None,
) -> SiteSummary:
    """Build the whole site into `out` (replacing what was there).

    `prebuilt_pdfs` maps policy ids to PDFs just written by `pejling report` for the same
    report, which are copied instead of rendered again (the PDF is the slow part), and
    `prebuilt_docx` likewise the Word files; `charts`
    likewise reuses charts already rendered for the same reports, else they are rendered on
    `jobs` cores. `national`: the national reports published with them (one page each, with
    its PDF and workbook; `prebuilt_national_pdfs` as `prebuilt_pdfs`), built from the same
    publication (`pejling.cli.report_cmd.build_national_reports`).
    """
    check_publishable(reports)
    ids = [r.policy.id for r in reports]
    clash = [nr.status.policy.id for nr in national if nr.status.policy.id in ids]
    if clash:
        raise ValueError(f"a national and a municipal policy share the id {clash[0]}")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_builds(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    (tmp / BUILD_MARK).write_text(str(os.getpid()), encoding="ascii")
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
                docx=f"{base}.docx",
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
                    pdf_html = render_html(report, charts_for_print(report_charts))
                    write_atomic(folder / f"{base}.pdf", render_pdf(pdf_html))
                pdfs += 1
            ready_docx = (prebuilt_docx or {}).get(report.policy.id)
            if ready_docx is not None and ready_docx.is_file():
                shutil.copyfile(ready_docx, folder / f"{base}.docx")
            else:
                write_atomic(folder / f"{base}.docx", docx_bytes(report, report_charts))
            write_workbook(report, folder / f"{base}.xlsx")
            books += 1
            entries.append(
                IndexEntry(
                    report,
                    f"{report.policy.id}/index.html",
                    f"{report.policy.id}/{base}.pdf" if pdf else "",
                    f"{report.policy.id}/{base}.xlsx",
                    f"{report.policy.id}/{base}.docx",
                )
            )
        national_entries: list[NationalEntry] = []
        for nr in national:
            pid = nr.status.policy.id
            if step:
                step(pid)
            folder = tmp / pid
            folder.mkdir()
            ready = (prebuilt_national_pdfs or {}).get(pid)
            pdf_name, xlsx_name = write_national_page(nr, folder, pdf=pdf, prebuilt_pdf=ready)
            pages += 1
            pdfs += int(bool(pdf_name))
            books += 1
            national_entries.append(
                NationalEntry(
                    nr,
                    f"{pid}/index.html",
                    f"{pid}/{pdf_name}" if pdf_name else "",
                    f"{pid}/{xlsx_name}",
                )
            )
        generated = today or date.today()
        data = write_site_data(reports, tmp, generated, lang, national=national)
        index = render_index(entries, lang, generated, data, national=national_entries)
        write_atomic(tmp / "index.html", index.encode())
        pages += 1
        (tmp / BUILD_MARK).unlink()
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
    return SiteSummary(out, pages, pdfs, books, len(data))
