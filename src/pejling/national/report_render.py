"""The national report as HTML, PDF (A4, WeasyPrint) and an Excel workbook.

The HTML is the report template `national_report.html.j2` (it extends the municipal reports'
`base.html.j2` and uses their stylesheet, so the synthetic label, page numbers and fonts are the
same); the PDF is that HTML through the print stylesheet, with the maps as PNG. The workbook has
a *Læs først* sheet and one sheet of numbers per goal; every number is a number and a hidden
figure an empty cell with "Ja" in *Diskretioneret*.
"""

from __future__ import annotations

import base64
import copy
import io
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pejling.evaluation.status import GOAL_CODES, GoalStatus, GoalStatusCode
from pejling.formatting import fmt_number, fmt_percent, fmt_pp, fmt_value
from pejling.national.benchmark import BenchmarkResult, MunicipalityBenchmark
from pejling.national.goals import NationalGoal
from pejling.national.report import (
    GoalComparison,
    NationalReport,
    NationalSection,
    figure_key,
)
from pejling.periods import Period
from pejling.report.build import write_atomic
from pejling.report.charts import (
    choropleth_spec,
    data_uri,
    render_svg,
)
from pejling.report.render import SiteLinks, _page, environment, render_pdf
from pejling.report.texts import STATUS_COLOUR, labels, status_label
from pejling.report.texts_national import covariates_text, funnel_name, national_labels
from pejling.safe_export import protect_sheet
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import Policy

FORMATS = ("html", "pdf", "xlsx")

MOVEMENT = {"positive": "positiv", "negative": "negativ", "unchanged": "uændret"}
MOVEMENT_EN = {"positive": "positive", "negative": "negative", "unchanged": "unchanged"}
HIDDEN = "–"


@dataclass(frozen=True)
class NationalFiles:
    """What was written."""

    html: Path | None
    pdf: Path | None
    xlsx: Path | None


# --- charts ---------------------------------------------------------------------------------


def values_map_spec(
    values: dict[int, float | None], unit: str, *, lower_better: bool, lang: str = "da"
) -> dict[str, Any]:
    """A choropleth of {municipality code: value} in the report maps' look, with its legends
    below the map: the picture is then no wider than the map, so on a phone its text stays
    readable (at least 11 px)."""
    spec = choropleth_spec(values, unit, lower_better=lower_better, lang=lang)
    for layer in spec.get("layer", []):
        for channel in ("fill", "color"):
            enc = layer.get("encoding", {}).get(channel)
            if isinstance(enc, dict) and isinstance(enc.get("legend"), dict):
                below: dict[str, Any] = {"orient": "bottom", "direction": "horizontal"}
                if enc.get("type") == "quantitative":  # a gradient: room for its labels
                    below |= {"gradientLength": 180, "labelOverlap": "greedy", "tickCount": 4}
                enc["legend"] = {**enc["legend"], **below}
    return spec


@dataclass(frozen=True)
class SectionCharts:
    """A goal's map and funnel plot as data URIs, with their text alternatives."""

    map: str | None
    map_alt: str
    funnel: str | None
    funnel_alt: str


def _lower_better(s: NationalSection) -> bool:
    spec = s.goal.spec
    return spec is not None and spec.direction is not None and spec.direction.sign < 0


def _period_text(p: Period | None, lang: str) -> str:
    if p is None:
        return "–"
    return p.label_da() if lang != "en" else p.label


def spec_title(spec: IndicatorSpec | None, lang: str = "da") -> str:
    """The indicator's title in the report's language."""
    if spec is None:
        return ""
    return (spec.title_en or spec.title) if lang == "en" else spec.title


def map_alt(s: NationalSection, lang: str = "da") -> str:
    """The map's text alternative: what it shows and its range."""
    n = national_labels(lang)
    unit = s.goal.spec.unit.value if s.goal.spec else ""
    shown = [v for v in s.map_values.values() if v is not None]
    period = _period_text(s.map_period, lang)
    title = spec_title(s.goal.spec, lang) or s.goal.label
    if not shown:
        return n["map_alt_none"].format(title=title, period=period)
    return n["map_alt"].format(
        title=title, period=period, shown=len(shown), all=len(s.map_values),
        lo=fmt_value(min(shown), unit, lang), hi=fmt_value(max(shown), unit, lang),
    )  # fmt: skip


def funnel_alt(c: GoalComparison, lang: str = "da") -> str:
    """The funnel plot's text alternative: the counts above and below the limits."""
    rows = c.shown
    above = sum(1 for r in rows if r.funnel.startswith("above"))
    below = sum(1 for r in rows if r.funnel.startswith("below"))
    return national_labels(lang)["funnel_alt"].format(
        n=kommuner(len(rows), lang), above=above, below=below
    )


def render_section_charts(
    report: NationalReport, *, for_print: bool = False
) -> dict[str, SectionCharts]:
    """Every goal's map and funnel plot (maps as PNG for print: WeasyPrint draws no SVG
    gradient)."""
    from pejling.national.charts import funnel_spec

    lang = report.status.lang
    out: dict[str, SectionCharts] = {}
    for s in report.sections:
        unit = s.goal.spec.unit.value if s.goal.spec else "percent"
        map_uri = None
        if s.map_period is not None:
            svg = render_svg(
                values_map_spec(s.map_values, unit, lower_better=_lower_better(s), lang=lang), lang
            )
            map_uri = _png_uri(svg) if for_print else data_uri(svg)
        funnel_uri = None
        if s.comparison is not None:
            spec = _tidy_funnel(
                funnel_spec(s.comparison.result, lang=lang, hidden=s.comparison.hidden)
            )
            funnel_uri = data_uri(render_svg(spec, lang))
        out[s.anchor] = SectionCharts(
            map_uri,
            map_alt(s, lang),
            funnel_uri,
            funnel_alt(s.comparison, lang) if s.comparison else "",
        )
    return out


def _tidy_funnel(spec: dict[str, Any]) -> dict[str, Any]:
    """The funnel spec without its title (the section's heading and the caption name it) and
    with the log axis labelled at powers of ten only, so neighbouring labels cannot collide."""
    out = copy.deepcopy(spec)
    out.pop("title", None)
    persons = [
        float(v["persons"])
        for layer in out["layer"]
        for v in layer.get("data", {}).get("values", [])
        if "persons" in v
    ]
    top = max(persons, default=10.0)
    ticks = [10**k for k in range(0, 8) if 10**k <= top * 1.2]
    for layer in out["layer"]:
        x = layer.get("encoding", {}).get("x")
        if isinstance(x, dict) and x.get("field") == "persons":
            x["axis"] = {"values": ticks, "format": ",d"}
        y = layer.get("encoding", {}).get("y")
        if isinstance(y, dict) and isinstance(y.get("title"), str):
            # the English axis title is longer than the plot is high: say "pp" for the points
            y["title"] = y["title"].replace("(percentage points)", "(pp)")
    return out


def _png_uri(svg: str) -> str:
    import vl_convert as vlc

    png = vlc.svg_to_png(svg, scale=2.5)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --- texts ----------------------------------------------------------------------------------


def target_text(s: NationalSection, lang: str = "da") -> str:
    """The goal's target in words (as `pejling status` prints it)."""
    from pejling.cli.national_status import WORDS, _target_text

    text = _target_text(s.goal, lang)
    return text.removeprefix(f"{WORDS[lang]['target']}: ")


def figure_source(s: NationalSection, lang: str = "da") -> str:
    """Where a goal's figures come from, for every figure of its section: the judged series'
    source (the register, or the publisher) as the municipal reports name it."""
    from pejling.evaluation.texts import source_name

    rows = [s.goal.main.national, *s.goal.main.rows]
    value = next((st.latest for st in rows if st is not None and st.latest is not None), None)
    if value is not None:
        return source_name(value, lang)
    measurement = s.goal.goal.measurement
    return measurement.source if measurement is not None and measurement.source else "–"


def counts_row(s: NationalSection) -> list[int]:
    """Municipalities per status (GOAL_CODES order) for the goal's own group."""
    c = s.goal.main.counts
    return [c.counts.get(code, 0) for code in GOAL_CODES]


def movement_text(s: NationalSection, lang: str = "da") -> str:
    """'positiv i 61, negativ i 30, uændret i 7 kommuner' ('' without a barometer)."""
    n = national_labels(lang)
    m = s.goal.main.counts.movements
    parts = [
        n["movement_in"].format(word=n[w], n=m[w])
        for w in ("positive", "negative", "unchanged")
        if m.get(w)
    ]
    return ", ".join(parts) + n["movement_suffix"] if parts else ""


def kommuner(k: int, lang: str = "da") -> str:
    """'1 kommune', '3 kommuner' ('1 municipality', '3 municipalities')."""
    n = national_labels(lang)
    return (n["one_municipality"] if k == 1 else n["many_municipalities"]).format(n=k)


def _num(x: float, decimals: int = 1, lang: str = "da") -> str:
    """A number in the report's language, never '-0,0' (a value that rounds to zero is 0,0)."""
    return fmt_number(round(x, decimals) + 0.0, decimals, lang)


def _interval(lo: float, hi: float, lang: str = "da") -> str:
    return f"{_num(lo, lang=lang)} {national_labels(lang)['to']} {_num(hi, lang=lang)}"


def comparison_cells(r: MunicipalityBenchmark, lang: str = "da") -> dict[str, str]:
    """A comparison row's figures formatted in the report's language."""
    rank = national_labels(lang)["not_ranked"]
    if r.rank_median is not None and r.rank_interval is not None:
        rank = f"{fmt_number(r.rank_median, 0, lang)} ({r.rank_interval[0]}–{r.rank_interval[1]})"
    return {
        "persons": fmt_number(r.persons, 0, lang),
        "observed": _num(r.observed_share, lang=lang),
        "expected": _num(r.expected_share, lang=lang),
        "difference": _num(r.difference, lang=lang),
        "interval": _interval(*r.difference_interval, lang=lang),
        "shrunken": _num(r.shrunken, lang=lang),
        "fifth": "–" if r.fifth is None else f"{r.fifth}.",
        "rank": rank,
        "funnel": funnel_name(r.funnel, lang),
    }


def model_text(result: BenchmarkResult, lang: str = "da") -> str:
    """The covariates of the model in words."""
    return covariates_text(result.model.covariates, lang)


def explained_text(result: BenchmarkResult, lang: str = "da") -> str:
    """The share of the between-municipality variation the case mix explains."""
    if result.explained is None:
        return national_labels(lang)["explained_none"]
    return f"{fmt_number(100 * result.explained, 0, lang)} %"


def summary_counts(c: GoalComparison) -> dict[str, int]:
    """Published rows above, below and within the 95 % limits."""
    rows = c.shown
    return {
        "above": sum(1 for r in rows if r.funnel.startswith("above")),
        "below": sum(1 for r in rows if r.funnel.startswith("below")),
        "within": sum(1 for r in rows if r.funnel == "within"),
        "hidden": len(c.hidden),
        "ranked": sum(1 for r in rows if r.ranked),
    }


def status_value(st: GoalStatus | None, unit: str, lang: str = "da") -> str:
    """The judged figure of a status ('Diskretioneret' when hidden, '–' without one)."""
    if st is None:
        return "–"
    if st.suppressed:
        return labels(lang)["suppressed"]
    return fmt_value(st.latest.value, unit, lang) if st.latest is not None else "–"


# --- HTML and PDF ---------------------------------------------------------------------------


def render_national_html(
    report: NationalReport, charts: dict[str, SectionCharts], links: SiteLinks | None = None
) -> str:
    """The national report as one self-contained HTML document (`links`: as a page of the public
    site, with the way back to its index and the downloads)."""
    lang = report.status.lang
    env = environment(lang)
    env.globals.update(
        n=national_labels(lang),
        target_text=lambda s: target_text(s, lang),
        figure_source=lambda s: figure_source(s, lang),
        spec_title=lambda spec: spec_title(spec, lang),
        main_group=lambda s: main_group(s.goal),
        policy_source=policy_source,
        counts_row=counts_row,
        movement_text=lambda s: movement_text(s, lang),
        comparison_cells=lambda r: comparison_cells(r, lang),
        model_text=lambda r: model_text(r, lang),
        explained_text=lambda r: explained_text(r, lang),
        summary_counts=summary_counts,
        status_value=lambda st, unit: status_value(st, unit, lang),
        fmt_pp=lambda v: fmt_pp(v, 1, lang),
        fmt_number=lambda v, d=1: fmt_number(v, d, lang),
        fmt_percent=lambda v: fmt_percent(v, 1, lang),
        goal_codes=[c.value for c in GOAL_CODES],
        status_label_of=lambda code: status_label(GoalStatusCode(code), lang),
        colour_of=lambda code: STATUS_COLOUR[GoalStatusCode(code)],
        isfinite=math.isfinite,
        area=lambda code: _name(code, lang),
        period_code=benchmark_period_code,
        figure_key=lambda g, st: figure_key(report.status, g, st),
        by_name=lambda rows: sorted(rows, key=lambda st: _name(st.municipality_code)),
        kommuner=lambda k: kommuner(k, lang),
        movement=lambda text: movement(text, lang),
    )
    return env.get_template("national_report.html.j2").render(
        r=report, s=report.status, charts=charts, links=links,
        **_page(lang, report.generated, report.synthetic),
    )  # fmt: skip


def benchmark_period_code(result: BenchmarkResult) -> str:
    """The comparison's period as a code: '2024', or '2020-2024' for pooled years (as the data
    download writes it)."""
    first, last = result.periods[0], result.periods[-1]
    return first if first == last else f"{first}-{last}"


def main_group(goal: NationalGoal) -> str:
    """The goal's own group as a code (`origin=non_western`)."""
    from pejling.groups import group_key

    return group_key(dict(goal.goal.indicator.group)) if goal.goal.indicator else ""


def policy_source(policy: Policy) -> str:
    """The policy's source document with its publisher."""
    src = policy.source
    text = src.title or src.document
    return f"{text} ({src.publisher})" if src.publisher else text


def national_basename(report: NationalReport) -> str:
    """`nationale-maal-status-2024` (plus `-en` for English)."""
    lang = report.status.lang
    return f"{report.status.policy.id}-status-{report.period_label}" + (
        "" if lang == "da" else f"-{lang}"
    )


def write_national_files(
    report: NationalReport, out_dir: Path, formats: tuple[str, ...] = FORMATS
) -> NationalFiles:
    """Render and write the chosen formats atomically; returns their paths."""
    base = national_basename(report)
    html_path = pdf_path = xlsx_path = None
    if "html" in formats:
        html_path = out_dir / f"{base}.html"
        html = render_national_html(report, render_section_charts(report))
        write_atomic(html_path, html.encode("utf-8"))
    if "pdf" in formats:
        pdf_path = out_dir / f"{base}.pdf"
        html = render_national_html(report, render_section_charts(report, for_print=True))
        write_atomic(pdf_path, render_pdf(html))
    if "xlsx" in formats:
        xlsx_path = out_dir / f"{base}.xlsx"
        write_atomic(xlsx_path, national_workbook_bytes(report))
    return NationalFiles(html_path, pdf_path, xlsx_path)


# --- the workbook ---------------------------------------------------------------------------

Cell = str | int | float | date | None
_PCT = "0.0"


def _sheet(ws: Worksheet, header: list[str], rows: list[list[Cell]],
           formats: dict[int, str]) -> None:  # fmt: skip
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for idx, fmt in formats.items():
        for cell in ws[get_column_letter(idx + 1)][1:]:
            cell.number_format = fmt
    protect_sheet(ws)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        longest = max([min(len(name), 18)] + [len(str(r[i - 1])) for r in rows if r[i - 1]])
        ws.column_dimensions[get_column_letter(i)].width = min(50, max(9, longest + 2))


def _sheet_names(sections: tuple[NationalSection, ...]) -> list[str]:
    """A sheet name per goal from its label (Excel: at most 31 characters, no []:*?/\\),
    numbered only when two would be the same; the comparison sheet adds ' (forv.)'."""
    bad = set("[]:*?/\\")
    names: list[str] = []
    for i, s in enumerate(sections, start=1):
        name = " ".join("".join(ch for ch in s.goal.label if ch not in bad).split())[:22]
        names.append(f"{i} {name}"[:22] if name in names or not name else name)
    return names


def movement(text: str | None, lang: str = "da") -> str | None:
    """The barometer's movement in words ('positive (2/3)' → 'positiv (2/3)')."""
    if not text:
        return None
    word, _, rest = text.partition(" ")
    words = MOVEMENT_EN if lang == "en" else MOVEMENT
    return f"{words.get(word, word)} {rest}".strip()


#: the workbook's words (Danish, English)
_WB: dict[str, dict[str, Any]] = {
    "da": {
        "read_first": "Læs først", "counts": "Optælling", "expected": "forv.",
        "title": "Statusrapport pr. {period}: {title}", "as_of": "Vurderet pr.",
        "municipalities": "Kommuner", "made": "Dannet", "sheets": "Ark", "yes": "Ja", "no": "Nej",
        "counts_about": "Antal kommuner pr. status for hvert mål",
        "goal_about": "{label}: hver kommunes status og tal",
        "expected_about": "{label}: faktisk mod forventet andel",
        "rules": [
            "Tal er tal: procenter i procent (66,7 betyder 66,7 %), forskelle i procentpoint.",
            "Et tal på under {t} personer (eller som et skjult tal kan regnes ud af) er en tom "
            "celle med 'Ja' i kolonnen Diskretioneret – aldrig 0.",
            "Tal på under {m} personer vises, men får ingen vurdering.",
            "Forventet andel: den andel kommunen ville have, hvis dens personer klarede sig som "
            "personer med samme baggrund i hele landet (docs/benchmark.md).",
        ],
        "status_header": ["Kommunekode", "Kommune", "Status", "Usikker", "Periode", "Tal",
                          "Diskretioneret", "Personer", "Barometerets bevægelse", "Begrundelse"],
        "compare_header": ["Kommunekode", "Kommune", "Personer", "Faktisk andel (%)",
                           "Forventet andel (%)", "Forskel (procentpoint)", "Forskel, nedre 95 %",
                           "Forskel, øvre 95 %", "Krympet skøn (procentpoint)", "Femtedel",
                           "Rang (median)", "Rang, nedre 95 %", "Rang, øvre 95 %", "Tragt",
                           "Rangeret", "Diskretioneret"],
        "counts_header": ["Mål", "Udsagn", "Heraf usikre", "Kommuner i alt",
                          "Hele landets status"],
        "language": "da-DK",
    },
    "en": {
        "read_first": "Read first", "counts": "Counts", "expected": "exp.",
        "title": "Status report as of {period}: {title}", "as_of": "Judged as of",
        "municipalities": "Municipalities", "made": "Made", "sheets": "Sheets", "yes": "Yes",
        "no": "No", "counts_about": "Municipalities per status for each goal",
        "goal_about": "{label}: each municipality's status and figure",
        "expected_about": "{label}: observed against expected share",
        "rules": [
            "Numbers are numbers: percentages in percent (66.7 means 66.7 %), differences in "
            "percentage points.",
            "A figure on fewer than {t} persons (or from which a hidden figure could be "
            "computed) is an empty cell with 'Yes' in the column Suppressed – never 0.",
            "Figures on fewer than {m} persons are shown but not judged.",
            "Expected share: the share the municipality would have if its persons did as persons "
            "with the same background do nationally (docs/benchmark.md).",
        ],
        "status_header": ["Municipality code", "Municipality", "Status", "Uncertain", "Period",
                          "Figure", "Suppressed", "Persons", "Barometer movement", "Reason"],
        "compare_header": ["Municipality code", "Municipality", "Persons", "Observed share (%)",
                           "Expected share (%)", "Difference (percentage points)",
                           "Difference, lower 95 %", "Difference, upper 95 %",
                           "Shrunken estimate (percentage points)", "Fifth", "Rank (median)",
                           "Rank, lower 95 %", "Rank, upper 95 %", "Funnel", "Ranked",
                           "Suppressed"],
        "counts_header": ["Goal", "Statement", "Of which uncertain", "Municipalities in all",
                          "Status of Denmark"],
        "language": "en-GB",
    },
}  # fmt: skip


def _wb(lang: str) -> dict[str, Any]:
    return _WB["en" if lang == "en" else "da"]


def _status_rows(
    s: NationalSection, lang: str = "da"
) -> tuple[list[str], list[list[Cell]], dict[int, str]]:
    w = _wb(lang)
    unit = s.goal.spec.unit.value if s.goal.spec else ""
    rows: list[list[Cell]] = []
    statuses = [s.goal.main.national, *s.goal.main.rows]
    for st in statuses:
        if st is None:
            continue
        latest = st.latest
        rows.append(
            [st.municipality_code, _name(st.municipality_code, lang), st.status_label(lang),
             w["yes"] if st.uncertain and st.is_verdict else None,
             _period_text(latest.period, lang) if latest else None,
             latest.value if latest else None, w["yes"] if st.suppressed else None,
             st.persons, movement(st.barometer_movement, lang), _reason(st, lang)]
        )  # fmt: skip
    return list(w["status_header"]), rows, {5: _PCT if unit == "percent" else "#,##0.0", 7: "#,##0"}


def _name(code: int, lang: str = "da") -> str:
    from pejling.national.goals import area_name

    if code == 0 and lang == "en":
        return labels("en")["national"]
    return area_name(code)


def _reason(st: GoalStatus, lang: str = "da") -> str:
    from pejling.evaluation.texts import short_reason

    return short_reason(st, lang)


def _comparison_rows(
    c: GoalComparison, lang: str = "da"
) -> tuple[list[str], list[list[Cell]], dict[int, str]]:
    w = _wb(lang)
    rows: list[list[Cell]] = []
    for ln in c.lines:
        r = ln.row
        if r is None:
            rows.append([ln.code, ln.name, *[None] * 13, w["yes"] if ln.hidden else None])
            continue
        lo, hi = r.difference_interval
        ri = r.rank_interval
        rows.append(
            [ln.code, ln.name, r.persons, r.observed_share, r.expected_share, r.difference, lo,
             hi, r.shrunken, r.fifth, r.rank_median, ri[0] if ri else None,
             ri[1] if ri else None, funnel_name(r.funnel, lang),
             w["yes"] if r.ranked else w["no"], None]
        )  # fmt: skip
    fmts = {2: "#,##0", **{i: "0.0" for i in range(3, 9)}, 10: "0"}
    return list(w["compare_header"]), rows, fmts


def national_workbook_bytes(report: NationalReport) -> bytes:
    """*Læs først*, *Optælling* (statuses per goal), then per goal its municipalities and,
    when benchmarked, the comparison (in the report's language)."""
    st = report.status
    lang = st.lang
    w = _wb(lang)
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = w["read_first"]
    title = w["title"].format(period=_period_text(st.as_of, lang), title=st.policy.title)
    first.append([title])
    first["A1"].font = Font(bold=True, size=14)
    t = labels(lang)
    if report.synthetic:
        first.append([f"{t['synthetic_short']}. {t['synthetic_banner']}"])
        first["A2"].font = Font(bold=True, color="A00000")
    first.append([])
    facts: tuple[tuple[str, Cell], ...] = (
        (w["as_of"], _period_text(st.as_of, lang)),
        (w["municipalities"], report.municipalities),
        (w["made"], report.generated),
    )
    for name, value in facts:
        first.append([name, value])
        first.cell(row=first.max_row, column=1).font = Font(bold=True)
        first.cell(row=first.max_row, column=2).alignment = Alignment(horizontal="left")
        if name == w["made"]:
            first.cell(row=first.max_row, column=2).number_format = "DD.MM.YYYY"
    first.append([])
    for line in w["rules"]:
        first.append([line.format(t=st.threshold, m=st.min_persons)])
    first.append([])
    first.append([w["sheets"]])
    first.cell(row=first.max_row, column=1).font = Font(bold=True)
    first.append([w["counts"], w["counts_about"]])
    sheets = list(zip(_sheet_names(report.sections), report.sections, strict=True))
    for name, s in sheets:
        first.append([name, w["goal_about"].format(label=s.goal.label)])
        if s.comparison is not None:
            first.append(
                [f"{name} ({w['expected']})", w["expected_about"].format(label=s.goal.label)]
            )
    first.column_dimensions["A"].width = 30
    first.column_dimensions["B"].width = 110
    protect_sheet(first)

    ch = w["counts_header"]
    header = [ch[0], ch[1], *[status_label(c, lang) for c in GOAL_CODES], *ch[2:]]
    rows: list[list[Cell]] = []
    for s in report.sections:
        c = s.goal.main.counts
        nat = s.goal.main.national
        rows.append([s.goal.label, s.goal.goal.statement, *counts_row(s), c.uncertain,
                     c.municipalities, nat.status_label(lang) if nat else None])  # fmt: skip
    _sheet(wb.create_sheet(w["counts"]), header, rows, {})
    for name, s in sheets:
        h, r, f = _status_rows(s, lang)
        _sheet(wb.create_sheet(name), h, r, f)
        if s.comparison is not None:
            h, r, f = _comparison_rows(s.comparison, lang)
            _sheet(wb.create_sheet(f"{name} ({w['expected']})"), h, r, f)
    wb.properties.title = title
    wb.properties.creator = "pejling"
    wb.properties.language = w["language"]
    stamp = datetime.combine(report.generated, time())
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


__all__ = [
    "FORMATS",
    "NationalFiles",
    "national_basename",
    "national_workbook_bytes",
    "render_national_html",
    "render_section_charts",
    "values_map_spec",
    "write_national_files",
]
