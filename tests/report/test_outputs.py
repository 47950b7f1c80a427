"""The demo's real outputs: the four seed reports (HTML, PDF, XLSX) and the public site.

These read the session's demo workspace (tests/conftest.py), built by `pejling demo` exactly as
the README's main command does, with a smaller synthetic register.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import html5lib
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pejling.formatting import fmt_value
from pejling.report.charts import legend_name
from pejling.report.model import Report
from pejling.report.render import render_charts
from pejling.spec.compute import Measure
from pejling.workspace import Workspace

SEEDS = ["kalundborg-2019", "roskilde-2015", "roskilde-handleplan-2021", "soenderborg-strategi"]
THRESHOLD = 5


def _reports(demo_dir: Path) -> list[Report]:
    """The demo's reports as published: disclosure control over all four policies at once."""
    from pejling.cli.judging import build_reports

    ws = Workspace.open(demo_dir)
    assert ws.settings.disclosure.threshold == THRESHOLD
    return build_reports(ws, ws.load_policies(), None, "da")


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
        assert g.status.status_label("da") in flat, g.status.status_label("da")
        if g.status.latest is not None and not g.latest_suppressed:
            number = fmt_value(g.status.latest.value, g.status.unit, "da")
            assert number in flat, (g.status.goal_id, number)
    first = reader.pages[0].extract_text() or ""
    assert "Overblik" in first
    assert "Politikkens periode (2015–2018) er udløbet" in re.sub(r"\s+", " ", first)


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
    # the index links to the data download (every published figure, `pejling.report.download`)
    index = (demo_dir / "reports" / "site" / "index.html").read_text(encoding="utf-8")
    for name in ("pejling-observationer.csv", "pejling-observationer.parquet", "LAES-MIG.txt"):
        assert f'href="data/{name}"' in index, name


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


def _records(sheet: Any) -> list[dict[str, Any]]:
    """A sheet's rows as dicts keyed by the header."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_no_small_figure_is_published_in_the_workbooks(demo_dir: Path) -> None:
    ws = Workspace.open(demo_dir)
    catalog = ws.catalog()
    national = {lp.policy.id for lp in ws.load_policies() if lp.policy.is_national}
    site = demo_dir / "reports" / "site"
    books = sorted(b for b in site.rglob("*.xlsx") if b.parent.name not in national)
    assert len(books) == 4
    checked = suppressed = 0
    for book in books:
        for row in _records(load_workbook(book)["Alle tal"]):
            indicator, period = row["Indikator-id"], row["Periodekode"]
            value, num, den = row["Værdi"], row["Tæller"], row["Nævner"]
            where = f"{book.name} {row['Mål-id']} {indicator} {period}"
            if row["Diskretioneret"] == "Ja":
                assert value is None, where  # blank, never a word or 0 in a number column
                assert num is None, where
                assert den is None, where
                suppressed += 1
                continue
            assert isinstance(value, int | float), where
            spec = catalog.get(str(indicator))
            assert spec is not None
            measure = spec.compute.measure if spec.compute else None
            if measure is Measure.COUNT:
                assert not _small(float(value)), where
            elif measure is Measure.MEAN:
                _check_counts(where, None, den)
            elif measure is not Measure.RATIO and spec.unit.value == "percent":
                _check_counts(where, num, den)
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
            if c.chart_spec is not None:
                line = next(
                    layer for layer in c.chart_spec["layer"] if layer["mark"]["type"] == "line"
                )
                hidden_in = {
                    legend_name(g, s, report.municipality_name, "da"): {
                        p.period.t for p in s.points if p.suppressed
                    }
                    for s in g.series
                }
                segments: dict[str, list[float]] = {}
                for row in line["data"]["values"]:
                    assert (row["t"], round(row["value"], 9)) in published, (g.anchor, row)
                    segments.setdefault(row["segment"], []).append(row["t"])
                    hidden_in.setdefault(row["segment"], hidden_in[row["serie"]])
                # no line segment bridges a year its own series hides
                for segment, ts in segments.items():
                    gap = {t for t in hidden_in[segment] if min(ts) < t < max(ts)}
                    assert not gap, (g.anchor, segment, ts)
                band = [layer for layer in c.chart_spec["layer"] if layer["mark"]["type"] == "area"]
                for layer in band:
                    for row in layer["data"]["values"]:
                        assert row["t"] not in hidden_in[row["serie"]], (g.anchor, row)
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
    assert wb.sheetnames == [
        "Læs først", "Overblik", "Alle tal", "Kommuner", "Sammenligning", "Tiltag", "Datanoter",
    ]  # fmt: skip
    for row in _records(wb["Sammenligning"]):
        # a hidden benchmark row: empty figures and "Ja", as in the other sheets
        assert row["Diskretioneret"] in (None, "Ja"), row
        numbers = [row[k] for k in ("Andel (procent)", "Forventet andel (procent)")]
        assert all(v is None or isinstance(v, int | float) for v in numbers), row
        if row["Diskretioneret"] == "Ja":
            assert numbers == [None, None], row
    assert str(wb.properties.title).startswith("Statusrapport pr. ")
    figures = _records(wb["Alle tal"])
    assert figures
    for row in figures:
        # dates are dates, numbers are numbers, the flag is the only word about suppression
        assert isinstance(row["Periodens start"], datetime), row
        assert row["Diskretioneret"] in (None, "Ja"), row
        assert row["Værdi"] is None or isinstance(row["Værdi"], int | float), row
        assert row["Enhed"] in {"Procent", "Antal", "Dage", "Pr. 1.000", "Kr.", "Indeks"}, row
        assert "=" not in str(row["Gruppe"]), row  # the group in words; its code is apart
    header = list(figures[0])
    assert header[-4:] == ["Indikator-id", "Gruppekode", "Periodekode", "Enhedskode"]
    english = {"goal", "indicator", "group", "unit", "lo95", "hi95", "code"}
    for name in wb.sheetnames:
        first = next(wb[name].iter_rows(values_only=True), ())
        assert not english & {str(c).lower() for c in first if c}, name


SYNTHETIC = "SYNTETISKE DATA"


def test_every_output_of_the_demo_says_the_data_are_synthetic(demo_dir: Path) -> None:
    """Every PDF page, every site page and every workbook carries the synthetic label."""
    reports = demo_dir / "reports"
    for pdf in sorted(reports.glob("*.pdf")):
        reader = PdfReader(pdf)
        for number, page in enumerate(reader.pages, start=1):
            text = re.sub(r"\s+", " ", page.extract_text() or "")
            assert SYNTHETIC in text, f"{pdf.name} page {number}"
        first = re.sub(r"\s+", " ", reader.pages[0].extract_text() or "")
        assert "beskriver ikke rigtige personer" in first, pdf.name  # the front-page banner
    site_pages = _site_pages(demo_dir)
    assert site_pages
    for site_page in site_pages:
        html = site_page.read_text(encoding="utf-8")
        assert 'class="synthetic-banner"' in html, site_page
        assert SYNTHETIC in html, site_page
    books = sorted(reports.glob("*.xlsx")) + sorted((reports / "site").rglob("*.xlsx"))
    for book in books:
        wb = load_workbook(book)
        sheet = wb[wb.sheetnames[0]]
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        assert SYNTHETIC in text, book.name
        if book.name.startswith("nationale-maal-"):  # the national report: no register sheet
            continue
        figures = wb["Alle tal"]
        header = [c.value for c in figures[1]]
        assert "Oprindelse" in header, book.name
        column = header.index("Oprindelse")
        values = {row[column] for row in figures.iter_rows(min_row=2, values_only=True)}
        assert "Syntetisk (genereret)" in values, book.name
