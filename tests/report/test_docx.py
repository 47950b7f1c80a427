"""The Word version of the report: the structure, statuses and figures of the HTML and the PDF.

A hand-made report is written as DOCX and read back with python-docx: its headings (Word's Title
and Heading styles) are the HTML's `<h1>`–`<h4>` in order, its tables are the HTML's tables cell
for cell, every published figure is there in Danish number format and every suppressed one reads
"Diskretioneret". On the demo workspace, the DOCX of a seed policy is compared with the demo's
PDF: the headings with the PDF's outline (WeasyPrint makes one bookmark per heading), every table
cell, status and reason with the PDF's text.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import html5lib
import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm
from pypdf import PdfReader
from pypdf.generic import Destination

from pejling.formatting import fmt_number, fmt_value
from pejling.report.data import InMemoryReportSource
from pejling.report.docx_report import docx_bytes, html_to_docx
from pejling.report.model import Report, build_report
from pejling.report.render import RenderedCharts, render_charts, render_html
from pejling.report.texts import labels
from pejling.spec.catalog import load_catalog
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy
from pejling.workspace import Workspace
from tests.report.test_model import D3, POLICY, _base, _national, _report, pt

# Word's built-in styles for <h1>…<h4>
LEVELS = {"Title": 1, "Heading 1": 2, "Heading 2": 3, "Heading 3": 4}
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _word(report: Report) -> tuple[WordDocument, str, dict[str, RenderedCharts]]:
    charts = render_charts(report)
    data = docx_bytes(report, charts)
    assert data[:2] == b"PK"
    return Document(io.BytesIO(data)), render_html(report, charts), charts


def _headings(doc: WordDocument) -> list[tuple[int, str]]:
    return [
        (LEVELS[p.style.name], _squash(p.text))
        for p in doc.paragraphs
        if p.style is not None and p.style.name in LEVELS
    ]


def _text(element: Any) -> str:
    """An HTML element's text as a reader sees it (a line break is a space)."""
    parts = [element.text or ""]
    for child in element:
        parts.append(" " if child.tag == "br" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _html_headings(html: str) -> list[tuple[int, str]]:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return [
        (int(e.tag[1]), _squash(_text(e))) for e in tree.iter() if e.tag in ("h1", "h2", "h3", "h4")
    ]


def _html_tables(html: str) -> list[list[list[str]]]:
    """Each table's rows of cell texts, spanned cells repeated (as python-docx reads them)."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    out = []
    for table in tree.iter("table"):
        rows = [tr for tr in table.iter("tr")]
        grid: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(rows):
            c = 0
            for cell in (e for e in tr if e.tag in ("th", "td")):
                while (r, c) in grid:
                    c += 1
                text = _squash(_text(cell))
                for dr in range(int(cell.get("rowspan", "1"))):
                    for dc in range(int(cell.get("colspan", "1"))):
                        grid[(r + dr, c + dc)] = text
                c += int(cell.get("colspan", "1"))
        width = max(c for _r, c in grid) + 1
        out.append([[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))])
    return out


def _word_tables(doc: WordDocument) -> list[list[list[str]]]:
    return [[[_squash(c.text) for c in row.cells] for row in t.rows] for t in doc.tables]


def _all_text(doc: WordDocument) -> str:
    """Every paragraph of the body, the tables, the headers and footers, one per line."""
    parts = [doc.element.body]
    for section in doc.sections:
        parts += [section.header._element, section.footer._element]
        parts += [section.first_page_footer._element]
    lines = []
    for part in parts:
        for p in part.iter(qn("w:p")):
            lines.append("".join(t.text or "" for t in p.iter(qn("w:t"), qn("w:instrText"))))
    return "\n".join(lines)


def _pictures(doc: WordDocument) -> list[tuple[str, str]]:
    """(description, title) of every picture."""
    return [
        (pr.get("descr", ""), pr.get("title", "")) for pr in doc.element.body.iter(f"{WP}docPr")
    ]


def _rows_of(doc: WordDocument, period: str) -> list[list[str]]:
    return [row for t in _word_tables(doc) for row in t if row and row[0] == period]


def test_headings_are_word_styles_in_the_order_of_the_html() -> None:
    report = _report(_national(None))
    doc, html, _charts = _word(report)
    headings = _headings(doc)
    assert headings == _html_headings(html)
    assert headings[0] == (1, "Testpolitik")
    titles = [text for level, text in headings if level == 3]
    for g in report.goals():
        assert g.title in titles, g.title


def test_tables_are_the_html_tables_cell_for_cell() -> None:
    report = _report(_national(None))
    doc, html, _charts = _word(report)
    assert _word_tables(doc) == _html_tables(html)


def test_statuses_reasons_and_every_published_figure_in_danish() -> None:
    data = _base()
    data[(D3, 265, "")][-1] = pt("2019", 75, 3, 4)  # 3 of 4: suppressed
    report = _report(data)
    doc, _html, _charts = _word(report)
    text = _squash(_all_text(doc))
    checked = suppressed = 0
    for g in report.goals():
        assert g.status.status_label("da") in text, g.status.goal_id
        assert _squash(g.reason) in text, g.status.goal_id
        for s in g.series:
            for p in s.points:
                rows = _rows_of(doc, p.period.label_da())
                if p.suppressed:
                    assert any("Diskretioneret" in row for row in rows), (g.anchor, p.period)
                    suppressed += 1
                    continue
                value = fmt_value(p.value, g.unit, "da")
                assert any(value in row for row in rows), (g.anchor, p.period, value)
                if p.denominator is not None:
                    counts = f"{fmt_number(p.numerator, 0)}/{fmt_number(p.denominator, 0)}"
                    assert any(counts in row for row in rows), (g.anchor, p.period, counts)
                checked += 1
    assert suppressed == 1
    assert checked >= 8
    assert "60,0 %" in text  # Danish: decimal comma, a space before the percent sign
    assert "75,0 %" not in text  # the hidden figure is nowhere, not even in a reason


def test_charts_and_maps_are_pictures_with_their_alt_text() -> None:
    report = _report(_national(None))
    doc, _html, charts = _word(report)
    alts = [a for c in charts.values() for a in (c.chart_alt if c.chart else None,
                                                  c.map_alt if c.map else None) if a]  # fmt: skip
    pictures = _pictures(doc)
    assert len(pictures) == len(alts) >= 2  # a chart per goal with figures, and a map
    assert [_squash(d) for d, _t in pictures] == [_squash(a) for a in alts]
    for descr, title in pictures:
        assert descr.strip()
        assert title.strip()
    for shape in doc.inline_shapes:
        assert shape.width is not None
        assert Mm(50) < shape.width <= Mm(180)


def test_page_language_properties_and_internal_links() -> None:
    report = _report(_base())
    doc, _html, _charts = _word(report)
    section = doc.sections[0]
    assert section.page_width is not None
    assert section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    props = doc.core_properties
    assert props.language == "da-DK"
    assert props.title is not None
    assert "Testpolitik" in props.title
    assert props.created is not None
    assert props.created.date() == date(2026, 11, 25)
    styles = doc.styles.element
    assert {e.get(qn("w:val")) for e in styles.iter(qn("w:lang"))} == {"da-DK"}
    # "Side X af Y": fields Word fills in on every page
    footer = _all_text_of(section.footer._element)
    assert re.search(r"Side\s*PAGE\s*1\s*af\s*NUMPAGES\s*1", footer), footer
    assert "SYNTETISKE" not in footer  # hand-made data are not synthetic
    # every link within the report leads to a bookmark
    body = doc.element.body
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))}
    marks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors
    assert anchors <= marks


def _all_text_of(element: BaseOxmlElement) -> str:
    return " ".join(t.text or "" for t in element.iter(qn("w:t"), qn("w:instrText")))


def test_synthetic_figures_are_marked_in_the_body_and_on_every_page() -> None:
    report = replace(_report(_base()), synthetic=True)
    doc, _html, _charts = _word(report)
    mark = labels("da")["synthetic_short"]
    assert mark == "SYNTETISKE DATA – ikke rigtige tal"
    section = doc.sections[0]
    assert mark in _all_text_of(section.footer._element)
    assert mark in _all_text_of(section.first_page_footer._element)
    assert mark in _squash(_all_text(doc).split("Testpolitik")[0])  # the banner, before the title


def test_english_report_is_english() -> None:
    policy, _ = load_model_text(Policy, POLICY, "t.yaml")
    report = build_report(
        policy, load_catalog(), InMemoryReportSource(_base()), year=2019, lang="en",
        today=date(2026, 11, 25),
    )  # fmt: skip
    doc, html, _charts = _word(report)
    assert doc.core_properties.language == "en-US"
    assert _headings(doc) == _html_headings(html)
    footer = _all_text_of(doc.sections[0].footer._element)
    assert re.search(r"Page\s*PAGE\s*1\s*of\s*NUMPAGES\s*1", footer), footer
    text = _all_text(doc)
    for g in report.goals():
        assert g.status.status_label("en") in text


def test_the_word_file_is_deterministic() -> None:
    report = _report(_base())
    charts = render_charts(report)
    first = Document(io.BytesIO(docx_bytes(report, charts)))
    second = Document(io.BytesIO(docx_bytes(report, charts)))
    assert first.element.xml == second.element.xml


PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_the_converter_keeps_what_the_templates_may_write() -> None:
    """Spanned cells, nested lists, a table in a cell, definition lists, a PNG picture, and what
    print hides (skip link, visually hidden text) is left out."""
    html = f"""<!DOCTYPE html><html lang="da"><head><title>Dokument</title>
    <style>p {{ color: red }}</style></head><body>
    <a class="skip" href="#x">Gå til indholdet</a>
    <h1>Titel</h1><p>Et <strong>fedt</strong> og <em>kursivt</em> ord,<br>en ny linje
    og <a href="#afsnit">et link</a> og <span lang="en">English</span>.</p>
    <p class="visually-hidden">Kun for skærmlæsere</p>
    <ul><li>Et<ul><li>Indlejret</li></ul></li><li>To</li></ul>
    <dl><dt>Begreb</dt><dd>Forklaring</dd></dl>
    <section id="afsnit"><h2>Afsnit</h2>
    <table><caption>Tabel</caption>
      <thead><tr><th rowspan="2">Periode</th><th colspan="2">Serie</th></tr>
      <tr><th>Værdi</th><th>Antal</th></tr></thead>
      <tbody><tr><th>2019</th><td class="num">1,0 %</td><td>2/3</td></tr>
      <tr><th>2020</th><td colspan="2">Diskretioneret</td></tr>
      <tr><th>2021</th><td><table><tr><td>indre</td></tr></table></td><td>–</td></tr></tbody>
    </table>
    <figure class="chart"><img src="data:image/png;base64,{PNG_1PX}" alt="Et billede."
    width="100"><figcaption>Et billede.</figcaption></figure></section></body></html>"""
    data = html_to_docx(html, lang="da", running_title="Titel")
    doc = Document(io.BytesIO(data))
    assert _headings(doc) == [(1, "Titel"), (2, "Afsnit")]
    text = _all_text(doc)
    assert "Gå til indholdet" not in text
    assert "Kun for skærmlæsere" not in text
    first = next(p for p in doc.paragraphs if p.text.startswith("Et "))
    assert first.text == "Et fedt og kursivt ord,\nen ny linje og et link og English."
    assert [r.text for r in first.runs if r.bold] == ["fedt"]
    assert [r.text for r in first.runs if r.italic] == ["kursivt"]
    styles = [(p.style.name if p.style else "", p.text) for p in doc.paragraphs]
    assert ("List Bullet", "Et") in styles
    assert ("List Bullet 2", "Indlejret") in styles
    assert ("List Bullet", "To") in styles
    outer = doc.tables[0]
    assert _word_tables(doc)[0][:3] == [
        ["Periode", "Serie", "Serie"],
        ["Periode", "Værdi", "Antal"],
        ["2019", "1,0 %", "2/3"],
    ]
    assert _word_tables(doc)[0][3] == ["2020", "Diskretioneret", "Diskretioneret"]
    assert outer.rows[4].cells[1].tables[0].rows[0].cells[0].text == "indre"
    assert _pictures(doc) == [("Et billede.", "Afsnit")]
    anchors = {h.get(qn("w:anchor")) for h in doc.element.body.iter(qn("w:hyperlink"))}
    marks = {b.get(qn("w:name")) for b in doc.element.body.iter(qn("w:bookmarkStart"))}
    assert anchors == {"afsnit"} <= marks


# --- the demo: the Word version against the PDF ---------------------------------------------------

SEED = "roskilde-2015"


def _outline(items: list[object], level: int = 1) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for item in items:
        if isinstance(item, list):
            out += _outline(item, level + 1)
        elif isinstance(item, Destination):
            out.append((level, _squash(str(item.title))))
    return out


def _flat(text: str) -> str:
    """Text for comparing with a PDF's: no whitespace (lines wrap differently), any case."""
    return re.sub(r"\s+", "", text).casefold()


@pytest.fixture(scope="module")
def demo_word(demo_dir: Path) -> tuple[Report, WordDocument, dict[str, RenderedCharts]]:
    ws = Workspace.open(demo_dir)
    # the report as the demo published it: disclosure control decided over all four policies
    from pejling.cli.judging import build_reports

    chosen = [lp for lp in ws.load_policies() if lp.policy.id == SEED]
    report = build_reports(ws, chosen, None, "da")[0]
    doc, _html, charts = _word(report)
    return report, doc, charts


def test_docx_headings_and_figures_match_the_demo_pdf(
    demo_dir: Path, demo_word: tuple[Report, WordDocument, dict[str, RenderedCharts]]
) -> None:
    report, doc, charts = demo_word
    reader = PdfReader(next((demo_dir / "reports").glob(f"{SEED}-status-*.pdf")))
    # the same headings, at the same levels, in the same order: the PDF's outline is its h1–h4
    headings = _headings(doc)
    assert len(headings) > 10
    assert headings == _outline(list(reader.outline))
    pdf = _flat("".join(page.extract_text() or "" for page in reader.pages))
    # every cell of every table (facts, overview, figures, initiatives) is in the PDF
    cells = [cell for table in _word_tables(doc) for row in table for cell in row if cell]
    assert len(cells) > 200
    for cell in cells:
        assert _flat(cell) in pdf, cell
    # and so is every goal's status and reason, and every published figure of its tables
    text = _squash(_all_text(doc))
    hidden = 0
    for g in report.goals():
        for words in (g.status.status_label("da"), g.reason):
            assert _squash(words) in text, (g.anchor, words)
            assert _flat(words) in pdf, (g.anchor, words)
        for s in g.series:
            for p in s.points:
                rows = _rows_of(doc, p.period.label_da())
                if p.suppressed:
                    assert any("Diskretioneret" in row for row in rows), (g.anchor, p.period)
                    hidden += 1
                else:
                    value = fmt_value(p.value, g.unit, "da")
                    assert any(value in row for row in rows), (g.anchor, p.period, value)
    assert hidden > 0  # the demo has suppressed figures, and the Word version shows them so
    descriptions = [d for d, _t in _pictures(doc)]
    assert len(descriptions) == sum(bool(c.chart) + bool(c.map) for c in charts.values())
    assert all(d.strip() for d in descriptions)


def test_demo_writes_a_word_file_per_seed_policy(demo_dir: Path) -> None:
    files = sorted((demo_dir / "reports").glob("*-status-*.docx"))
    assert len(files) == 4
    for path in files:
        doc = Document(str(path))
        assert doc.paragraphs
        assert _headings(doc)[0][0] == 1
        assert all(d.strip() for d, _t in _pictures(doc))
