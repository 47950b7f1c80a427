"""The demo's real outputs: the four seed reports (HTML, PDF, XLSX) and the public site.

These read the session's demo workspace (tests/conftest.py), built by `pejling demo` exactly as
the README's main command does, with a smaller synthetic register.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import unquote

import html5lib
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pejling.formatting import fmt_value
from pejling.report.build import make_report
from pejling.report.model import Report
from pejling.report.render import render_charts
from pejling.report.texts import status_label
from pejling.spec.compute import Measure
from pejling.store.database import Store
from pejling.workspace import Workspace

SEEDS = ["kalundborg-2019", "roskilde-2015", "roskilde-handleplan-2021", "soenderborg-strategi"]
THRESHOLD = 5


def _reports(demo_dir: Path) -> list[Report]:
    ws = Workspace.open(demo_dir)
    with Store.open(ws.db_path, read_only=True) as store:
        return [
            make_report(store, lp.policy, ws.catalog(), year=None, lang="da", threshold=THRESHOLD)
            for lp in ws.load_policies()
        ]


def test_demo_wrote_the_four_seed_reports_and_the_site(demo_dir: Path) -> None:
    reports = demo_dir / "reports"
    for seed in SEEDS:
        for ext in ("html", "pdf", "xlsx"):
            files = list(reports.glob(f"{seed}-status-*.{ext}"))
            assert len(files) == 1, (seed, ext)
            assert files[0].stat().st_size > 10_000
        assert (reports / "site" / seed / "index.html").is_file()
    assert (reports / "site" / "index.html").is_file()


def test_pdf_has_the_goals_statuses_and_numbers(demo_dir: Path) -> None:
    report = next(r for r in _reports(demo_dir) if r.policy.id == "roskilde-2015")
    pdf = next((demo_dir / "reports").glob("roskilde-2015-status-*.pdf"))
    reader = PdfReader(pdf)
    assert 5 <= len(reader.pages) <= 80
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Integrationspolitik for Roskilde Kommune" in flat
    assert "Side 1 / " in flat
    assert "Indhold" in flat
    assert "Datanoter" in flat
    for g in report.goals():
        assert g.title in flat, g.title
        assert status_label(g.status.status, "da") in flat
        if g.status.latest is not None and not g.latest_suppressed:
            number = fmt_value(g.status.latest.value, g.status.unit, "da")
            assert number in flat, (g.status.goal_id, number)
    first = reader.pages[0].extract_text() or ""
    assert "Overblik" in first
    assert "Ikke på rette vej" in first


def _site_pages(demo_dir: Path) -> list[Path]:
    return sorted((demo_dir / "reports" / "site").rglob("*.html"))


def test_site_links_resolve_and_nothing_comes_from_the_network(demo_dir: Path) -> None:
    pages = _site_pages(demo_dir)
    assert len(pages) > 30
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser.parse(html)
        for attr, target in re.findall(r'\b(href|src)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", target), (page, target)
            if target.startswith(("#", "data:")):
                continue
            path = (page.parent / unquote(target.split("#")[0])).resolve()
            assert path.is_file(), (page, attr, target)
        assert "<link " not in html
        assert "<script" not in html


def _small(x: float) -> bool:
    return 0 < round(x) < THRESHOLD


def _check_counts(where: str, num: float | None, den: float | None) -> None:
    if den is not None:
        assert not _small(den), f"{where}: denominator {den}"
    if num is not None and den is not None and num <= den:
        assert not _small(num), f"{where}: numerator {num}"
        assert not _small(den - num), f"{where}: rest {den - num}"


def test_no_small_figure_is_published_in_site_tables(demo_dir: Path) -> None:
    checked = 0
    for page in _site_pages(demo_dir):
        html = page.read_text(encoding="utf-8")
        for num, den in re.findall(r'<td class="num">([\d.]+)/([\d.]+)</td>', html):
            _check_counts(str(page), float(num.replace(".", "")), float(den.replace(".", "")))
            checked += 1
    assert checked > 100


def test_no_small_figure_is_published_in_the_workbooks(demo_dir: Path) -> None:
    ws = Workspace.open(demo_dir)
    catalog = ws.catalog()
    books = sorted((demo_dir / "reports" / "site").rglob("*.xlsx"))
    assert len(books) == 4
    checked = suppressed = 0
    for book in books:
        sheet = load_workbook(book)["Tal bag figuren"]
        for row in list(sheet.iter_rows(values_only=True))[1:]:
            goal, indicator, _s, _g, period, value, num, den = row[:8]
            where = f"{book.name} {goal} {indicator} {period}"
            if value == "Diskretioneret":
                assert num is None, where
                assert den is None, where
                suppressed += 1
                continue
            spec = catalog.get(str(indicator))
            assert spec is not None
            measure = spec.compute.measure if spec.compute else None
            if measure is Measure.COUNT:
                assert not _small(float(value)), where  # type: ignore[arg-type]
            elif measure is Measure.MEAN:
                _check_counts(where, None, den)  # type: ignore[arg-type]
            elif measure is not Measure.RATIO and spec.unit.value == "percent":
                _check_counts(where, num, den)  # type: ignore[arg-type]
            checked += 1
    assert checked > 100
    assert suppressed > 0


def test_chart_data_sets_hold_only_published_figures(demo_dir: Path) -> None:
    for report in _reports(demo_dir):
        charts = render_charts(report)
        for g in report.goals():
            c = charts[g.anchor]
            published = {
                (p.period.t, round(p.value, 9))
                for s in g.series
                for p in s.points
                if p.value is not None
            }
            hidden_t = {p.period.t for s in g.series for p in s.points if p.suppressed}
            if c.chart_spec is not None:
                line = next(
                    layer for layer in c.chart_spec["layer"] if layer["mark"]["type"] == "line"
                )
                for row in line["data"]["values"]:
                    assert (row["t"], round(row["value"], 9)) in published, (g.anchor, row)
                band = [layer for layer in c.chart_spec["layer"] if layer["mark"]["type"] == "area"]
                for layer in band:
                    assert not {row["t"] for row in layer["data"]["values"]} & hidden_t
            if c.map_spec is not None and g.map is not None:
                values = {
                    f["properties"]["code"]: f["properties"]["value"]
                    for f in c.map_spec["data"]["values"]
                }
                for code, v in g.map.values.items():
                    assert values[code] == v
                svg = base64.b64decode(c.map.split(",", 1)[1]) if c.map else b""
                assert svg.startswith(b"<svg")


@pytest.mark.parametrize("seed", SEEDS)
def test_workbook_sheets(demo_dir: Path, seed: str) -> None:
    book = next((demo_dir / "reports").glob(f"{seed}-status-*.xlsx"))
    wb = load_workbook(book)
    assert wb.sheetnames[:2] == ["Overblik", "Tal bag figuren"]
