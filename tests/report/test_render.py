"""HTML, charts and the workbook from a hand-made report: golden fragments and clean parsing."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import html5lib
import pytest
from openpyxl import load_workbook

from pejling.report.charts import goal_chart_spec, map_spec, render_map, render_svg
from pejling.report.render import render_charts, render_html
from pejling.report.workbook import write_workbook
from tests.report.test_model import D3, _base, _national, _report, pt

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PEJLING_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with PEJLING_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def _fragment(html: str, start: str, tag: str) -> str:
    i = html.index(start)
    depth, j = 0, i
    pattern = re.compile(rf"<(/?){tag}\b")
    for m in pattern.finditer(html, i):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            j = html.index(">", m.end()) + 1
            break
    return html[i:j] + "\n"


def test_front_page_and_goal_article_match_golden_fragments() -> None:
    data = _base()
    data[(D3, 265, "")][0] = pt("2016", 75, 3, 4)  # one suppressed cell in the table
    html = render_html(_report(data), charts={})
    _golden("front.html", _fragment(html, '<section class="front"', "section"))
    _golden("goal_dansk.html", _fragment(html, '<article class="goal" id="maal-dansk"', "article"))
    _golden("goal_gab.html", _fragment(html, '<article class="goal" id="maal-gab"', "article"))
    notes = _fragment(html, '<section class="notes"', "section")
    assert (
        'href="#maal-dansk">Flere består danskprøven inden for 3 år.</a>: Roskilde (Test): 2016'
        in notes
    )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_whole_report_parses_cleanly_as_html5(lang: str) -> None:
    r = _report(_national(2))
    if lang == "en":
        from dataclasses import replace

        r = replace(r, lang="en")
    html = render_html(r, render_charts(r))
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    doc = parser.parse(html)
    assert doc.get("lang") == lang
    assert not re.search(r"\b(src|href)=\"(https?:)?//", html), "no external assets"
    imgs = re.findall(r"<img [^>]*>", html)
    assert imgs
    assert all('alt="' in i and 'alt=""' not in i for i in imgs)
    assert html.count('src="data:image/svg+xml;base64,') == len(imgs)


def test_chart_spec_golden_and_danish_axis_numbers() -> None:
    r = _report(_base())
    spec = goal_chart_spec(r.goals()[0], r.municipality_name, "da")
    assert spec is not None
    _golden("chart_dansk.vl.json", json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True))
    svg_da = render_svg(spec, "da")
    svg_en = render_svg(spec, "en")
    assert ">70,0<" in svg_da
    assert ">70.0<" in svg_en
    assert "Måltal" in svg_da
    assert "Nødvendig udvikling" in svg_da


def test_map_outlines_the_municipality_and_greys_suppressed_ones() -> None:
    r = _report(_national(2))
    g = r.goals()[0]
    spec = map_spec(g, 265, "da")
    assert spec is not None
    layers = spec["layer"]
    values = {f["properties"]["code"]: f["properties"]["value"] for f in spec["data"]["values"]}
    assert len(values) == 98
    assert values[851] is None
    assert layers[-1]["transform"][0]["filter"] == "datum.properties.code == 265"
    assert "Roskilde ligger nr." in spec["description"]
    svg = render_svg(spec, "da")
    assert svg.startswith("<svg")
    # a legend swatch for "no published figure", a gradient with several ticks, Bornholm framed
    assert "Intet offentliggjort tal" in svg
    assert svg.count("linearGradient") >= 1
    assert layers[1]["data"]["values"][0]["geometry"]["type"] == "Polygon"
    assert "#d9d9d9" in svg


def test_cached_map_gets_each_municipalitys_own_outline() -> None:
    r = _report(_national(2))
    g = r.goals()[0]
    roskilde = render_map(g, 265, "da")
    aarhus = render_map(g, 751, "da")
    assert roskilde is not None
    assert aarhus is not None
    outline = re.compile(r'<path d="([^"]+)" fill="none" stroke="#000000" stroke-width="2"/>')
    (r_path,) = outline.findall(roskilde)
    (a_path,) = outline.findall(aarhus)
    assert r_path != a_path
    # The outline is the municipality's own shape, drawn after (above) all the others.
    assert (
        f'aria-label="Roskilde" role="graphics-symbol" aria-roledescription="geoshape" transform="translate(0,0)" d="{r_path}"'
        in roskilde
    )
    assert roskilde.index('fill="none" stroke="#000000"') > roskilde.rindex(
        'aria-roledescription="geoshape"'
    )
    # Apart from the outline, both maps are the same rendering.
    assert outline.sub("", roskilde) == outline.sub("", aarhus)


def test_workbook_holds_every_figure_and_flags_suppressed(tmp_path: Path) -> None:
    r = _report(_national(2))
    path = tmp_path / "r.xlsx"
    write_workbook(r, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Læs først", "Overblik", "Alle tal", "Kommuner", "Tiltag", "Datanoter"]
    figures = list(wb["Alle tal"].iter_rows(values_only=True))
    shown = sum(len(s.points) for g in r.goals() for s in g.series)
    assert len(figures) == 1 + shown
    munis = list(wb["Kommuner"].iter_rows(values_only=True))
    assert len(munis) == 1 + 98 + 1
    value, flag = munis[0].index("Værdi"), munis[0].index("Diskretioneret")
    hidden = [row for row in munis[1:] if row[flag] == "Ja"]
    assert len(hidden) == 2
    assert all(row[value] is None for row in hidden)  # blank, never the word in a number column
    assert all(isinstance(row[value], float | int) for row in munis[1:] if row[flag] is None)
    cell = wb["Kommuner"].cell(row=2, column=value + 1)
    assert cell.number_format == "0.0"  # shown rounded as in the report
    overview = list(wb["Overblik"].iter_rows(values_only=True))
    assert [row[1] for row in overview[1:]] == ["dansk", "gab", "tiltag"]
