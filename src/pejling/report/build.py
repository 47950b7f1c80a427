"""Write a policy's status report (HTML, PDF, XLSX) into the workspace's `reports/` folder.

Files are written to a temporary name and renamed into place, so a report folder never holds a
half-written file if rendering fails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pejling.report.data import ObservationCache
from pejling.report.model import Report, build_report, default_year
from pejling.report.render import (
    RenderedCharts,
    SiteLinks,
    render_charts,
    render_html,
    render_pdf,
)
from pejling.report.workbook import workbook_bytes
from pejling.spec.catalog import Catalog
from pejling.spec.policy import Policy
from pejling.store.database import Store

FORMATS = ("html", "pdf", "xlsx")


@dataclass(frozen=True)
class ReportFiles:
    """What was written for one policy."""

    report: Report
    html: Path | None
    pdf: Path | None
    xlsx: Path | None


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to `path` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_basename(policy: Policy, year: int, lang: str) -> str:
    """`roskilde-2015-status-2024` (plus `-en` for English)."""
    return f"{policy.id}-status-{year}" + ("" if lang == "da" else f"-{lang}")


def make_report(
    store: Store,
    policy: Policy,
    catalog: Catalog,
    *,
    year: int | None,
    lang: str,
    threshold: int,
    today: date | None = None,
    cache: ObservationCache | None = None,
) -> Report:
    """Evaluate and protect a policy's report as of `year` (default: newest data)."""
    if year is None:
        year = default_year(policy, catalog, cache or ObservationCache(store))
    if cache is None or cache.until_t != year + 0.999:
        cache = ObservationCache(store, until_t=year + 0.999)
    return build_report(
        policy, catalog, cache, year=year, lang=lang, threshold=threshold, today=today
    )


def write_report_files(
    report: Report,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    links: SiteLinks | None = None,
    step: Callable[[str], None] | None = None,
    charts: dict[str, RenderedCharts] | None = None,
) -> ReportFiles:
    """Render and write the chosen formats (reusing `charts` when given); returns their paths."""
    base = report_basename(report.policy, report.year, report.lang)
    html_path = pdf_path = xlsx_path = None
    if "html" in formats or "pdf" in formats:
        if charts is None:
            if step:
                step("charts")
            charts = render_charts(report)
        html = render_html(report, charts, links)
        if "html" in formats:
            html_path = out_dir / f"{base}.html"
            write_atomic(html_path, html.encode("utf-8"))
        if "pdf" in formats:
            if step:
                step("pdf")
            pdf_path = out_dir / f"{base}.pdf"
            # the PDF is the report without site links (the same HTML when there are none)
            pdf_html = html if links is None else render_html(report, charts)
            write_atomic(pdf_path, render_pdf(pdf_html))
    if "xlsx" in formats:
        if step:
            step("xlsx")
        xlsx_path = out_dir / f"{base}.xlsx"
        write_atomic(xlsx_path, workbook_bytes(report))
    return ReportFiles(report, html_path, pdf_path, xlsx_path)
