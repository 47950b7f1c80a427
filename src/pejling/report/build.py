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

from pejling.periods import Period
from pejling.report.data import ObservationCache
from pejling.report.model import Report, build_report, default_as_of
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
from pejling.spec.settings import DEFAULT_MIN_PERSONS
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
        cache = ObservationCache(store, as_of=as_of)
    return build_report(
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
    base = report_basename(report.policy, report.as_of, report.lang)
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
