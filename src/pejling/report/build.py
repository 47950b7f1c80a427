"""Write a policy's status report (HTML, PDF, XLSX, DOCX) into the workspace's `reports/` folder.

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

from pejling.periods import Period
from pejling.report.data import ObservationCache, follow_up_lags
from pejling.report.model import Report, ReportDraft, build_report, default_as_of, draft_report
from pejling.report.names import check_publishable
from pejling.report.render import (
    RenderedCharts,
    SiteLinks,
    charts_for_print,
    render_charts,
    render_html,
    render_pdf,
)
from pejling.report.workbook import workbook_bytes
from pejling.spec.catalog import Catalog
from pejling.spec.policy import Policy
from pejling.spec.settings import DEFAULT_MIN_PERSONS
from pejling.store.database import Store

FORMATS = ("html", "pdf", "xlsx", "docx")


@dataclass(frozen=True)
class ReportFiles:
    """What was written for one policy."""

    report: Report
    html: Path | None
    pdf: Path | None
    xlsx: Path | None
    docx: Path | None = None


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


def report_basename(policy: Policy, period: Period | int, lang: str) -> str:
    """`roskilde-2015-status-2018`, `…-status-2019Q3` (plus `-en` for English)."""
    label = period.label if isinstance(period, Period) else str(period)
    return f"{policy.id}-status-{label}" + ("" if lang == "da" else f"-{lang}")


def make_report(
    store: Store,
    policy: Policy,
    catalog: Catalog,
    *,
    as_of: Period | None,
    lang: str,
    threshold: int,
    min_persons: int = DEFAULT_MIN_PERSONS,
    today: date | None = None,
    cache: ObservationCache | None = None,
) -> Report:
    """Evaluate and protect a policy's report as of a period (default: `default_as_of`)."""
    if as_of is None:
        as_of = default_as_of(policy, catalog, cache or ObservationCache(store))
    if cache is None or cache.as_of != as_of:
        cache = ObservationCache(store, as_of=as_of, lags=follow_up_lags(catalog))
    return build_report(
        policy, catalog, cache, as_of=as_of, lang=lang, threshold=threshold,
        min_persons=min_persons, today=today,
    )  # fmt: skip


def make_draft(
    store: Store,
    policy: Policy,
    catalog: Catalog,
    *,
    as_of: Period | None,
    lang: str,
    threshold: int,
    min_persons: int = DEFAULT_MIN_PERSONS,
    today: date | None = None,
    cache: ObservationCache | None = None,
) -> ReportDraft:
    """Evaluate a policy as of a period (default: `default_as_of`) for a publication, whose
    disclosure control `build_publication` decides over all its reports at once."""
    if as_of is None:
        as_of = default_as_of(policy, catalog, cache or ObservationCache(store))
    if cache is None or cache.as_of != as_of:
        cache = ObservationCache(store, as_of=as_of, lags=follow_up_lags(catalog))
    return draft_report(
        policy, catalog, cache, as_of=as_of, lang=lang, threshold=threshold,
        min_persons=min_persons, today=today,
    )  # fmt: skip


def write_report_files(
    report: Report,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    links: SiteLinks | None = None,
    step: Callable[[str], None] | None = None,
    charts: dict[str, RenderedCharts] | None = None,
) -> ReportFiles:
    """Render and write the chosen formats (reusing `charts` when given); returns their paths."""
    check_publishable([report])
    base = report_basename(report.policy, report.as_of, report.lang)
    html_path = pdf_path = xlsx_path = docx_path = None
    print_html: str | None = None  # the report without site links (PDF, DOCX)
    if charts is None and {"html", "pdf", "docx"} & set(formats):
        if step:
            step("charts")
        charts = render_charts(report)
    if charts is not None and ("html" in formats or "pdf" in formats):
        html = render_html(report, charts, links)
        if links is None:
            print_html = html
        if "html" in formats:
            html_path = out_dir / f"{base}.html"
            write_atomic(html_path, html.encode("utf-8"))
        if "pdf" in formats:
            if step:
                step("pdf")
            pdf_path = out_dir / f"{base}.pdf"
            # the PDF is the report without site links, maps as PNG (see charts_for_print)
            pdf_html = print_html = render_html(report, charts_for_print(charts))
            write_atomic(pdf_path, render_pdf(pdf_html))
    if "xlsx" in formats:
        if step:
            step("xlsx")
        xlsx_path = out_dir / f"{base}.xlsx"
        write_atomic(xlsx_path, workbook_bytes(report))
    if "docx" in formats and charts is not None:
        from pejling.report.docx_report import docx_bytes

        if step:
            step("docx")
        docx_path = out_dir / f"{base}.docx"
        write_atomic(docx_path, docx_bytes(report, charts, print_html))
    return ReportFiles(report, html_path, pdf_path, xlsx_path, docx_path)
