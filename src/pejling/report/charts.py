"""Charts as Vega-Lite specifications, rendered to SVG offline with vl-convert.

Why Vega-Lite: the spec is data (golden-testable, reusable in the web application), and
vl-convert renders it without a browser or network. Colours are Okabe-Ito (colour-blind
safe), every line also differs by dash pattern, and numbers on axes use the Danish (or English)
number format through vl-convert's d3 format locale.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import vl_convert as vlc

from pejling.formatting import fmt_value
from pejling.groups import describe_group_da
from pejling.periods import Period
from pejling.reference.municipalities import name_of
from pejling.report.model import GoalSection, SeriesView
from pejling.report.texts import labels

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "sans-serif"  # a named font makes vl-convert ~4x slower (text measuring)
FOCAL = "#0072B2"
REFERENCE = "#E69F00"
NATIONAL = "#666666"
TARGET = "#D55E00"
TRAJECTORY = "#009E73"
PROJECTION = "#CC79A7"
OTHER = "#56B4E9"
OUTLINE = "#000000"
LOCALES = {"da": "da-DK", "en": "en-US"}


def _config() -> Spec:
    return {
        "font": FONT,
        "view": {"stroke": None},
        # 14 px text in a chart about 400 px wide: 11 px or more when a phone 390 px wide shows
        # it (checked in tests/report/test_a11y.py)
        "axis": {"labelFontSize": 14, "titleFontSize": 14, "gridColor": "#e6e6e6"},
        "legend": {
            "labelFontSize": 14,
            "titleFontSize": 14,
            "orient": "bottom",
            "columns": 1,
            "symbolStrokeWidth": 2,
            "labelLimit": CHART_SPEC_WIDTH - 30,  # within the picture; longer names end in …
        },
        "title": {"fontSize": 14, "anchor": "start"},
    }


CHART_SPEC_WIDTH = 340  # the plot area; with the axis the SVG is about 400 px wide
FONT_SIZE = 14


def _unique_legend(
    domain: list[str], rng: list[str], dash: list[list[int]]
) -> tuple[list[str], list[str], list[list[int]]]:
    """One legend entry per label (two series with one name would share a colour anyway)."""
    seen: set[str] = set()
    d2, r2, s2 = [], [], []
    for name, colour, pattern in zip(domain, rng, dash, strict=True):
        if name in seen:
            continue
        seen.add(name)
        d2.append(name)
        r2.append(colour)
        s2.append(pattern)
    return d2, r2, s2


def _axis_format(unit: str) -> str:
    return ",.0f" if unit in {"count", "dkk", "days"} else ",.1f"


def unit_title(unit: str, lang: str) -> str:
    """The y-axis title for a unit."""
    return labels(lang).get(f"unit_{unit}", unit)


def goal_chart_spec(section: GoalSection, municipality_name: str, lang: str) -> Spec | None:
    """Line chart of a goal's indicator: the municipality (and reference group or nation) in the
    judged source, other sources as separate points (never joined to the line), uncertainty band,
    baseline, target at the deadline, required path and projection (within natural bounds)."""
    t = labels(lang)
    shown = [s for s in section.series if s.visible()]
    if not shown:
        return None
    names: dict[int, str] = {}
    rows: list[Spec] = []
    dots: list[Spec] = []
    for i, s in enumerate(shown):
        name = legend_name(section, s, municipality_name, lang)
        names[i] = name
        segment = 0
        for p in s.points:
            if s.role == "other":
                if p.value is not None:
                    dots.append({"t": p.period.t, "period": p.period.label, "value": p.value,
                                 "serie": name})  # fmt: skip
                continue
            if p.value is None:
                # a suppressed year is a gap in the line, never a bridge across it
                segment += 1
                continue
            row: Spec = {"t": p.period.t, "period": p.period.label, "value": p.value,
                         "serie": name, "segment": f"{i}-{segment}"}  # fmt: skip
            if p.interval and s.role == "focal":
                row["lo"], row["hi"] = p.interval
            rows.append(row)
    colours = {"focal": FOCAL, "reference": REFERENCE, "national": NATIONAL, "other": OTHER}
    dashes = {"focal": [1, 0], "reference": [6, 3], "national": [2, 2], "other": [1, 0]}
    order = sorted(
        range(len(shown)),
        key=lambda i: ("focal", "reference", "national", "other").index(shown[i].role),
    )
    domain = [names[i] for i in order]
    rng = [colours[shown[i].role] for i in order]
    dash = [dashes[shown[i].role] for i in order]

    st = section.status
    deadline = st.target_deadline or st.deadline
    guides: list[Spec] = []
    if not section.is_gap and st.target_value is not None and deadline is not None:
        t_dead = deadline.t
        if st.baseline is not None and not st.final:
            guides += [
                {"t": st.baseline.period.t, "value": st.baseline.value, "serie": t["legend_trajectory"]},
                {"t": t_dead, "value": st.target_value, "serie": t["legend_trajectory"]},
            ]  # fmt: skip
        if st.latest is not None and st.projection is not None:
            guides += [
                {"t": st.latest.period.t, "value": st.latest.value, "serie": t["legend_projection"]},
                {"t": t_dead, "value": st.projection, "serie": t["legend_projection"]},
            ]  # fmt: skip
    for g in guides:
        if g["serie"] not in domain:
            domain.append(g["serie"])
            rng.append(TRAJECTORY if g["serie"] == t["legend_trajectory"] else PROJECTION)
            dash.append([6, 4] if g["serie"] == t["legend_trajectory"] else [2, 3])
    marks: list[Spec] = []
    if not section.is_gap and st.target_value is not None and deadline is not None:
        marks.append({"t": deadline.t, "value": st.target_value, "serie": t["legend_target"]})
        domain.append(t["legend_target"])
        rng.append(TARGET)
        dash.append([1, 0])
    if st.baseline is not None and not section.is_gap:
        marks.append(
            {"t": st.baseline.period.t, "value": st.baseline.value, "serie": t["legend_baseline"]}
        )
        domain.append(t["legend_baseline"])
        rng.append("#000000")
        dash.append([1, 0])

    domain, rng, dash = _unique_legend(domain, rng, dash)
    fmt = _axis_format(section.unit)
    all_t = [r["t"] for r in rows + guides + marks + dots]
    x: Spec = {
        "field": "t",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [min(all_t) - 0.3, max(all_t) + 0.3], "nice": False, "zero": False},
        "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": "parity", "labelSeparation": 8},
    }
    y: Spec = {
        "field": "value",
        "type": "quantitative",
        "title": unit_title(section.unit, lang),
        # counts get whole-number ticks only (never 3, 3, 2, 2, 1, 1, 0)
        "axis": {"format": fmt, **({"tickMinStep": 1} if section.unit == "count" else {})},
        "scale": {"zero": section.unit in {"percent", "count"}},
    }
    colour: Spec = {
        "field": "serie",
        "type": "nominal",
        "title": None,
        "scale": {"domain": domain, "range": rng},
        "legend": {"symbolType": "stroke", "symbolSize": 300},
    }
    layers: list[Spec] = []
    focal_name = next((names[i] for i in order if shown[i].role == "focal"), None)
    band = [r for r in rows if r["serie"] == focal_name and "lo" in r]
    if band:
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "area", "opacity": 0.18, "color": FOCAL},
                "encoding": {
                    "x": x,
                    "y": {**y, "field": "lo"},
                    "y2": {"field": "hi"},
                    "detail": {"field": "segment"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "detail": {"field": "segment"},
                "strokeDash": {
                    "field": "serie",
                    "type": "nominal",
                    "scale": {"domain": domain, "range": dash},
                    "title": None,
                },
            },
        }
    )
    if guides:
        layers.append(
            {
                "data": {"values": guides},
                "mark": {"type": "line", "strokeWidth": 1.5},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "detail": {"field": "serie"},
                    "strokeDash": {
                        "field": "serie",
                        "type": "nominal",
                        "scale": {"domain": domain, "range": dash},
                    },
                },
            }
        )
    if dots:
        layers.append(
            {
                "data": {"values": dots},
                "mark": {"type": "point", "filled": True, "size": 70, "shape": "square"},
                "encoding": {"x": x, "y": y, "color": colour},
            }
        )
    if marks:
        layers.append(
            {
                "data": {"values": marks},
                "mark": {"type": "point", "filled": True, "size": 110, "shape": "diamond"},
                "encoding": {"x": x, "y": y, "color": colour},
            }
        )
    return {
        "$schema": SCHEMA,
        "description": chart_alt(section, municipality_name, lang),
        "width": CHART_SPEC_WIDTH,
        "height": 230,
        "layer": layers,
        "config": _config(),
    }


def legend_name(section: GoalSection, s: SeriesView, municipality_name: str, lang: str) -> str:
    """A series' name in a chart legend: short (the chart is narrow); the caption names the
    judged source, and a series from another source carries its source in its name."""
    t = labels(lang)
    if s.role == "national":
        return t["national"]
    group = dict(kv.split("=", 1) for kv in s.group.split(";") if kv)
    if lang == "da":
        who = describe_group_da(group)
    else:
        who = ", ".join(v.replace("_", " ") for v in group.values()) or "all"
    # the legend is narrow: the group without its explanation in brackets (the caption and the
    # table below the chart give the full name); the comparison group is the dashed line
    who = re.sub(r"\s*\([^)]*\)", "", who)
    # "indvandrere og efterkommere med ikke-vestlig oprindelse" is what "ikke-vestlig
    # oprindelse" means in Statistics Denmark's terms; the long form is in the caption
    who = re.sub(r"^indvandrere og efterkommere med ", "", who)
    who = who[:1].upper() + who[1:]
    if s.role == "reference":
        return who
    if s.role == "other":
        return s.source_label if section.is_gap else f"{municipality_name}: {s.source_label}"
    return who if section.is_gap else municipality_name


def chart_alt(section: GoalSection, municipality_name: str, lang: str) -> str:
    """Text alternative for the goal chart (the figures are also in the table below it)."""
    t = labels(lang)
    focal = next((s for s in section.series if s.role == "focal"), None)
    pts = focal.visible() if focal else []
    label = focal.label if focal else (section.spec.title if section.spec else "")
    if not pts or focal is None:
        return label

    def period(p: Period) -> str:
        return p.label_da() if lang == "da" else p.label

    text = t["chart_alt"].format(
        label=label,
        municipality=municipality_name,
        first=period(pts[0].period),
        last=period(pts[-1].period),
    )
    text += t["chart_alt_latest"].format(
        latest=fmt_value(pts[-1].value, section.unit, lang), period=period(pts[-1].period)
    )
    st = section.status
    deadline = st.target_deadline or st.deadline
    if st.target_value is not None and deadline is not None and not section.is_gap:
        text += t["chart_alt_target"].format(
            target=fmt_value(st.target_value, st.unit, lang), deadline=period(deadline)
        )
    others = [s.source_label for s in section.series if s.role == "other" and s.visible()]
    text += " " + t["source"] + ": " + focal.source_label + "."
    if others:
        text += " " + t["chart_other_sources"].format(sources=", ".join(others))
    return text


@cache
def _geo_features() -> tuple[Spec, ...]:
    path = resources.files("pejling.data").joinpath("geo/kommuner.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["features"])


def choropleth_spec(
    values: Mapping[int, float | None], unit: str, *, lower_better: bool, lang: str
) -> Spec:
    """Choropleth of {municipality code: value} for the 98 municipalities: viridis (reversed when
    lower is better), a grey swatch for "no published figure", Bornholm's inset framed. The
    municipal reports' maps and the national report's maps share it."""
    feats = []
    for f in _geo_features():
        g = copy.copy(f)
        props = dict(f["properties"])
        props["value"] = values.get(props["code"])
        g["properties"] = props
        feats.append(g)
    return {
        "$schema": SCHEMA,
        "width": 360,
        "height": 300,
        "projection": {"type": "transverseMercator", "rotate": [-10.5, 0, 0]},
        "data": {"values": feats},
        "layer": [
            {
                "transform": [{"filter": "datum.properties.value == null"}],
                "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.4},
                "encoding": {
                    "description": {"field": "properties.name"},
                    # a swatch in the legend for the municipalities without a published figure
                    "fill": {
                        "datum": labels(lang)["map_no_figure"],
                        "type": "nominal",
                        "scale": {"range": ["#d9d9d9"]},
                        "legend": {"title": None, "orient": "right", "symbolType": "square"},
                    },
                },
            },
            {
                "data": {"values": [_bornholm_frame()]},
                "mark": {"type": "geoshape", "fill": None, "stroke": "#888888", "strokeWidth": 0.8},
            },
            {
                "transform": [{"filter": "datum.properties.value != null"}],
                "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.4},
                "encoding": {
                    "description": {"field": "properties.name"},
                    "color": {
                        "field": "properties.value",
                        "type": "quantitative",
                        "title": unit_title(unit, lang),
                        "scale": {"scheme": "viridis", "reverse": lower_better},
                        "legend": {
                            "format": _axis_format(unit),
                            "orient": "right",
                            "direction": "vertical",
                            "gradientLength": 170,
                            "tickCount": 4,
                        },
                    },
                },
            },
        ],
        "config": _config(),
    }


def map_spec(
    section: GoalSection, municipality: int, lang: str, outline: bool = True
) -> Spec | None:
    """Choropleth of the 98 municipalities with this one outlined.

    With `outline=False` the spec has no outline layer and no description, so it is the same for
    every municipality of a national run: `render_map` renders it once and draws the outline
    into the SVG.
    """
    m = section.map
    if m is None or section.spec is None:
        return None
    reverse = section.spec.direction is not None and section.spec.direction.sign < 0
    spec = choropleth_spec(m.values, section.unit, lower_better=reverse, lang=lang)
    if outline:
        spec["description"] = map_alt(section, municipality, lang)
        spec["layer"].append(
            {
                "transform": [{"filter": f"datum.properties.code == {municipality}"}],
                "mark": {"type": "geoshape", "fill": None, "stroke": OUTLINE, "strokeWidth": 2},
            }
        )
    return spec


def map_alt(section: GoalSection, municipality: int, lang: str) -> str:
    """Text alternative for the map."""
    t = labels(lang)
    m = section.map
    assert m is not None
    name = name_of(municipality) if municipality else t["national"]
    mine = m.values.get(municipality)
    if m.rank is not None and mine is not None:
        place = t["map_alt_place"].format(
            municipality=name,
            rank=m.rank,
            n=m.n,
            value=fmt_value(mine, section.unit, lang),
            national=fmt_value(m.national, section.unit, lang),
        )
    else:
        place = t["map_alt_noplace"].format(municipality=name)
    label = section.series[0].label if section.series else ""
    period = m.period.label_da() if lang == "da" else m.period.label
    return t["map_alt"].format(label=label, period=period, placement=place)


@cache
def _bornholm_frame() -> Spec:
    """A frame around Bornholm, which the map data draws as an inset north of Zealand."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
            return
        for c in coords:
            walk(c)

    for f in _geo_features():
        if f["properties"]["code"] == BORNHOLM:
            walk(f["geometry"]["coordinates"])
    pad = 0.08
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad / 2, max(ys) + pad / 2
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
            "coordinates": [ring[::-1]]}}  # fmt: skip


BORNHOLM = 400

_MAP_CACHE: dict[str, str] = {}
_MAP_CACHE_SIZE = 64


def render_map(section: GoalSection, municipality: int, lang: str) -> str | None:
    """The map as SVG: the choropleth is rendered once per distinct data set and cached (in a
    national run all 98 reports share it), then this municipality's outline is drawn in."""
    base = map_spec(section, municipality, lang, outline=False)
    if base is None:
        return None
    key = hashlib.sha256(
        (lang + json.dumps(base, sort_keys=True, ensure_ascii=False)).encode()
    ).hexdigest()
    svg = _MAP_CACHE.get(key)
    if svg is None:
        svg = render_svg(base, lang)
        if len(_MAP_CACHE) >= _MAP_CACHE_SIZE:
            _MAP_CACHE.pop(next(iter(_MAP_CACHE)))
        _MAP_CACHE[key] = svg
    name = next(
        (
            f["properties"]["name"]
            for f in _geo_features()
            if f["properties"]["code"] == municipality
        ),
        None,
    )
    return outline_municipality(svg, name) if name else svg


def outline_municipality(svg: str, name: str) -> str:
    """Draw a black outline on top of the municipality whose shape is labelled `name`.

    Vega writes each geoshape as `<path aria-label="<name>" … d="…"/>` inside a
    `mark-shape` group; the outline is a copy of that path's `d`, appended to the last mark group
    so it is drawn above every neighbour.
    """
    m = re.search(
        r'<path aria-label="' + re.escape(xml_escape(name)) + r'"[^>]*?\sd="([^"]+)"', svg
    )
    last = svg.rfind('<g class="mark-shape')
    if m is None or last < 0:
        return svg
    end = svg.index("</g>", last)
    path = f'<path d="{m.group(1)}" fill="none" stroke="{OUTLINE}" stroke-width="2"/>'
    return svg[:end] + path + svg[end:]


def render_svg(spec: Spec, lang: str) -> str:
    """Render a Vega-Lite spec to SVG text (offline)."""
    locale: Any = LOCALES.get(lang, "da-DK")
    return str(vlc.vegalite_to_svg(spec, format_locale=locale))


def data_uri(svg: str) -> str:
    """An SVG as a data URI, so an HTML file stays self-contained."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


__all__ = [
    "chart_alt",
    "goal_chart_spec",
    "map_alt",
    "map_spec",
    "outline_municipality",
    "render_map",
    "render_svg",
]
