"""The funnel plot of a benchmark as a Vega-Lite specification (rendered like the report charts).

x: the persons a municipality's figure rests on (log scale); y: observed − expected in
percentage points. Around 0 the 95 % (dashed) and 99,8 % (solid) limits, widened for the
variation between municipalities that chance does not explain (τ², `pejling.national.funnel`);
the limits are drawn at the national share, each municipality's own verdict uses its own
standard error. Hidden municipalities (disclosure control) are left out; one municipality can be
highlighted. Same palette, font and number locale as `pejling.report.charts`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pejling.national.benchmark import BenchmarkResult
from pejling.report.charts import (
    CHART_SPEC_WIDTH,
    FOCAL,
    NATIONAL,
    OTHER,
    SCHEMA,
    TARGET,
    render_svg,
)
from pejling.report.charts import _config as chart_config

Spec = dict[str, Any]

TEXTS = {
    "da": {
        "x": "Personer (logaritmisk skala)",
        "y": "Faktisk − forventet (procentpoint)",
        "limit95": "95 %-grænse",
        "limit998": "99,8 %-grænse",
        "municipality": "Kommune",
        "persons": "Personer",
        "difference": "Forskel (procentpoint)",
        "others": "Kommuner",
    },
    "en": {
        "x": "Persons (log scale)",
        "y": "Observed − expected (percentage points)",
        "limit95": "95% limit",
        "limit998": "99.8% limit",
        "municipality": "Municipality",
        "persons": "Persons",
        "difference": "Difference (percentage points)",
        "others": "Municipalities",
    },
}


def funnel_spec(
    result: BenchmarkResult,
    *,
    lang: str = "da",
    hidden: Collection[int] = (),
    highlight: int | None = None,
    width: int = CHART_SPEC_WIDTH,
    height: int = 260,
) -> Spec:
    """A Vega-Lite funnel plot of one benchmark (numbers only from `result`)."""
    t = TEXTS["en" if lang == "en" else "da"]
    limits = [
        {"persons": p.persons, "limit": name, "low": low, "high": high}
        for p in result.funnel
        for name, low, high in ((t["limit95"], p.lo95, p.hi95), (t["limit998"], p.lo998, p.hi998))
    ]
    points = [
        {
            "municipality": r.name,
            "persons": r.persons,
            "difference": round(r.difference, 2),
            "focal": r.municipality == highlight,
        }
        for r in result.rows
        if r.municipality not in hidden and r.persons > 0
    ]
    x = {"field": "persons", "type": "quantitative", "scale": {"type": "log"},
         "title": t["x"]}  # fmt: skip
    dash = {
        "field": "limit",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [t["limit95"], t["limit998"]], "range": [[6, 4], [1, 0]]},
    }
    colour = {"value": NATIONAL}
    layers: list[Spec] = [
        {"mark": {"type": "rule", "color": TARGET}, "encoding": {"y": {"datum": 0}}},
        *(
            {
                "data": {"values": limits},
                "mark": {"type": "line", "strokeWidth": 1.5},
                "encoding": {
                    "x": x,
                    "y": {"field": edge, "type": "quantitative", "title": t["y"]},
                    "strokeDash": dash,
                    "detail": {"field": "limit"},
                    "color": colour,
                },
            }
            for edge in ("low", "high")
        ),
        {
            "data": {"values": points},
            "mark": {"type": "circle", "opacity": 0.8},
            "encoding": {
                "x": x,
                "y": {"field": "difference", "type": "quantitative"},
                "color": {
                    "condition": {"test": "datum.focal", "value": FOCAL},
                    "value": OTHER,
                },
                "size": {"condition": {"test": "datum.focal", "value": 120}, "value": 40},
                "tooltip": [
                    {"field": "municipality", "title": t["municipality"]},
                    {"field": "persons", "title": t["persons"], "format": ",d"},
                    {"field": "difference", "title": t["difference"], "format": ",.1f"},
                ],
            },
        },
    ]
    return {
        "$schema": SCHEMA,
        "config": chart_config(),
        "width": width,
        "height": height,
        "title": f"{result.title} ({result.period_label})",
        "layer": layers,
    }


def funnel_svg(result: BenchmarkResult, *, lang: str = "da", **options: Any) -> str:
    """The funnel plot rendered to SVG (offline, vl-convert)."""
    return render_svg(funnel_spec(result, lang=lang, **options), lang)
