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
from pejling.formatting import fmt_number, fmt_pp, fmt_value
from pejling.national.benchmark import BenchmarkResult, MunicipalityBenchmark
from pejling.national.benchmark_texts import FUNNEL_NAMES, covariate_list
from pejling.national.report import GoalComparison, NationalReport, NationalSection
from pejling.report.build import write_atomic
from pejling.report.charts import (
    choropleth_spec,
    data_uri,
    render_svg,
)
from pejling.report.render import _page, environment, render_pdf
from pejling.report.texts import STATUS_COLOUR, labels, status_label
from pejling.safe_export import protect_sheet

FORMATS = ("html", "pdf", "xlsx")

MOVEMENT = {"positive": "positiv", "negative": "negativ", "unchanged": "uændret"}
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
    """A choropleth of {municipality code: value} in the report maps' look."""
    return choropleth_spec(values, unit, lower_better=lower_better, lang=lang)


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


def map_alt(s: NationalSection) -> str:
    """The map's text alternative: what it shows and its range."""
    unit = s.goal.spec.unit.value if s.goal.spec else ""
    shown = [v for v in s.map_values.values() if v is not None]
    period = s.map_period.label_da() if s.map_period else "–"
    title = s.goal.spec.title if s.goal.spec else s.goal.label
    if not shown:
        return f"Kort over kommunerne: {title}, {period}. Ingen kommune har et offentliggjort tal."
    return (
        f"Kort over kommunerne: {title}, {period}. {len(shown)} af {len(s.map_values)} kommuner "
        f"har et offentliggjort tal, fra {fmt_value(min(shown), unit)} til "
        f"{fmt_value(max(shown), unit)}; de øvrige er grå."
    )


def funnel_alt(c: GoalComparison) -> str:
    """The funnel plot's text alternative: the counts above and below the limits."""
    rows = c.shown
    above = sum(1 for r in rows if r.funnel.startswith("above"))
    below = sum(1 for r in rows if r.funnel.startswith("below"))
    return (
        f"Tragtdiagram: faktisk minus forventet andel i procentpoint mod antal personer for "
        f"{kommuner(len(rows))}. {above} ligger over og {below} under 95 %-grænserne; de øvrige "
        "inden for."
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
            map_alt(s),
            funnel_uri,
            funnel_alt(s.comparison) if s.comparison else "",
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
    return out


def _png_uri(svg: str) -> str:
    import vl_convert as vlc

    png = vlc.svg_to_png(svg, scale=2.5)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --- texts ----------------------------------------------------------------------------------


def target_text(s: NationalSection) -> str:
    """The goal's target in words (as `pejling status` prints it)."""
    from pejling.cli.national_status import _target_text

    text = _target_text(s.goal, "da")
    return text.removeprefix("Mål: ")


def counts_row(s: NationalSection) -> list[int]:
    """Municipalities per status (GOAL_CODES order) for the goal's own group."""
    c = s.goal.main.counts
    return [c.counts.get(code, 0) for code in GOAL_CODES]


def movement_text(s: NationalSection) -> str:
    """'positiv i 61, negativ i 30, uændret i 7 kommuner' ('' without a barometer)."""
    m = s.goal.main.counts.movements
    parts = [f"{MOVEMENT[w]} i {m[w]}" for w in ("positive", "negative", "unchanged") if m.get(w)]
    return ", ".join(parts) + " kommuner" if parts else ""


def kommuner(n: int) -> str:
    """'1 kommune', '3 kommuner'."""
    return f"{n} kommune" if n == 1 else f"{n} kommuner"


def _num(x: float, decimals: int = 1) -> str:
    """A number in Danish, never '-0,0' (a value that rounds to zero is 0,0)."""
    return fmt_number(round(x, decimals) + 0.0, decimals)


def _interval(lo: float, hi: float) -> str:
    return f"{_num(lo)} til {_num(hi)}"


def comparison_cells(r: MunicipalityBenchmark) -> dict[str, str]:
    """A comparison row's figures formatted in Danish."""
    rank = "ikke rangeret"
    if r.rank_median is not None and r.rank_interval is not None:
        rank = f"{fmt_number(r.rank_median, 0)} ({r.rank_interval[0]}–{r.rank_interval[1]})"
    return {
        "persons": fmt_number(r.persons, 0),
        "observed": _num(r.observed_share),
        "expected": _num(r.expected_share),
        "difference": _num(r.difference),
        "interval": _interval(*r.difference_interval),
        "shrunken": _num(r.shrunken),
        "fifth": "–" if r.fifth is None else f"{r.fifth}.",
        "rank": rank,
        "funnel": FUNNEL_NAMES.get(r.funnel, r.funnel),
    }


def model_text(result: BenchmarkResult) -> str:
    """The covariates of the model in Danish."""
    return covariate_list(result.model.covariates)


def explained_text(result: BenchmarkResult) -> str:
    """The share of the between-municipality variation the case mix explains."""
    if result.explained is None:
        return "kan ikke opgøres (ingen variation ud over tilfældighed i de rå tal)"
    return f"{fmt_number(100 * result.explained, 0)} %"


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


def status_value(st: GoalStatus | None, unit: str) -> str:
    """The judged figure of a status ('Diskretioneret' when hidden, '–' without one)."""
    if st is None:
        return "–"
    if st.suppressed:
        return "Diskretioneret"
    return fmt_value(st.latest.value, unit) if st.latest is not None else "–"


# --- HTML and PDF ---------------------------------------------------------------------------


def render_national_html(report: NationalReport, charts: dict[str, SectionCharts]) -> str:
    """The national report as one self-contained HTML document."""
    lang = report.status.lang
    env = environment(lang)
    env.globals.update(
        target_text=target_text,
        counts_row=counts_row,
        movement_text=movement_text,
        comparison_cells=comparison_cells,
        model_text=model_text,
        explained_text=explained_text,
        summary_counts=summary_counts,
        status_value=status_value,
        fmt_pp=fmt_pp,
        fmt_number=fmt_number,
        goal_codes=[c.value for c in GOAL_CODES],
        status_label_of=lambda code: status_label(GoalStatusCode(code), lang),
        colour_of=lambda code: STATUS_COLOUR[GoalStatusCode(code)],
        isfinite=math.isfinite,
        area=_name,
        by_name=lambda rows: sorted(rows, key=lambda st: _name(st.municipality_code)),
        kommuner=kommuner,
        movement=movement,
    )
    return env.get_template("national_report.html.j2").render(
        r=report, s=report.status, charts=charts, links=None,
        **_page(lang, report.generated, report.synthetic),
    )  # fmt: skip


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


def movement(text: str | None) -> str | None:
    """The barometer's movement in Danish ('positive (2/3)' → 'positiv (2/3)')."""
    if not text:
        return None
    word, _, rest = text.partition(" ")
    return f"{MOVEMENT.get(word, word)} {rest}".strip()


def _status_rows(s: NationalSection) -> tuple[list[str], list[list[Cell]], dict[int, str]]:
    unit = s.goal.spec.unit.value if s.goal.spec else ""
    header = ["Kommunekode", "Kommune", "Status", "Usikker", "Periode", "Tal", "Diskretioneret",
              "Personer", "Barometerets bevægelse", "Begrundelse"]  # fmt: skip
    rows: list[list[Cell]] = []
    statuses = [s.goal.main.national, *s.goal.main.rows]
    for st in statuses:
        if st is None:
            continue
        latest = st.latest
        rows.append(
            [st.municipality_code, "Hele landet" if st.municipality_code == 0 else
             _name(st.municipality_code), st.status_label("da"),
             "Ja" if st.uncertain and st.is_verdict else None,
             latest.period.label_da() if latest else None,
             latest.value if latest else None, "Ja" if st.suppressed else None,
             st.persons, movement(st.barometer_movement), _reason(st)]
        )  # fmt: skip
    return header, rows, {5: _PCT if unit == "percent" else "#,##0.0", 7: "#,##0"}


def _name(code: int) -> str:
    from pejling.national.goals import area_name

    return area_name(code)


def _reason(st: GoalStatus) -> str:
    from pejling.evaluation.texts import short_reason

    return short_reason(st, "da")


def _comparison_rows(c: GoalComparison) -> tuple[list[str], list[list[Cell]], dict[int, str]]:
    header = ["Kommunekode", "Kommune", "Personer", "Faktisk andel (%)", "Forventet andel (%)",
              "Forskel (procentpoint)", "Forskel, nedre 95 %", "Forskel, øvre 95 %",
              "Krympet skøn (procentpoint)", "Femtedel", "Rang (median)", "Rang, nedre 95 %",
              "Rang, øvre 95 %", "Tragt", "Rangeret", "Diskretioneret"]  # fmt: skip
    rows: list[list[Cell]] = []
    for ln in c.lines:
        r = ln.row
        if r is None:
            rows.append([ln.code, ln.name, *[None] * 13, "Ja" if ln.hidden else None])
            continue
        lo, hi = r.difference_interval
        ri = r.rank_interval
        rows.append(
            [ln.code, ln.name, r.persons, r.observed_share, r.expected_share, r.difference, lo,
             hi, r.shrunken, r.fifth, r.rank_median, ri[0] if ri else None,
             ri[1] if ri else None, FUNNEL_NAMES.get(r.funnel, r.funnel), "Ja" if r.ranked else "Nej",
             None]
        )  # fmt: skip
    fmts = {2: "#,##0", **{i: "0.0" for i in range(3, 9)}, 10: "0"}
    return header, rows, fmts


def national_workbook_bytes(report: NationalReport) -> bytes:
    """*Læs først*, *Optælling* (statuses per goal), then per goal its municipalities and,
    when benchmarked, the comparison."""
    st = report.status
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Læs først"
    title = f"Statusrapport pr. {st.as_of.label_da()}: {st.policy.title}"
    first.append([title])
    first["A1"].font = Font(bold=True, size=14)
    t = labels("da")
    if report.synthetic:
        first.append([f"{t['synthetic_short']}. {t['synthetic_banner']}"])
        first["A2"].font = Font(bold=True, color="A00000")
    first.append([])
    for name, value in (("Vurderet pr.", st.as_of.label_da()), ("Kommuner", report.municipalities),
                        ("Dannet", report.generated)):  # fmt: skip
        first.append([name, value])
        first.cell(row=first.max_row, column=1).font = Font(bold=True)
        first.cell(row=first.max_row, column=2).alignment = Alignment(horizontal="left")
        if name == "Dannet":
            first.cell(row=first.max_row, column=2).number_format = "DD.MM.YYYY"
    first.append([])
    for line in (
        "Tal er tal: procenter i procent (66,7 betyder 66,7 %), forskelle i procentpoint.",
        f"Et tal på under {st.threshold} personer (eller som et skjult tal kan regnes ud af) er "
        "en tom celle med 'Ja' i kolonnen Diskretioneret – aldrig 0.",
        f"Tal på under {st.min_persons} personer vises, men får ingen vurdering.",
        "Forventet andel: den andel kommunen ville have, hvis dens personer klarede sig som "
        "personer med samme baggrund i hele landet (docs/benchmark.md).",
    ):
        first.append([line])
    first.append([])
    first.append(["Ark"])
    first.cell(row=first.max_row, column=1).font = Font(bold=True)
    first.append(["Optælling", "Antal kommuner pr. status for hvert mål"])
    sheets = list(zip(_sheet_names(report.sections), report.sections, strict=True))
    for name, s in sheets:
        first.append([name, f"{s.goal.label}: hver kommunes status og tal"])
        if s.comparison is not None:
            first.append([f"{name} (forv.)", f"{s.goal.label}: faktisk mod forventet andel"])
    first.column_dimensions["A"].width = 30
    first.column_dimensions["B"].width = 110
    protect_sheet(first)

    header = ["Mål", "Udsagn", *[status_label(c, "da") for c in GOAL_CODES], "Heraf usikre",
              "Kommuner i alt", "Hele landets status"]  # fmt: skip
    rows: list[list[Cell]] = []
    for s in report.sections:
        c = s.goal.main.counts
        nat = s.goal.main.national
        rows.append([s.goal.label, s.goal.goal.statement, *counts_row(s), c.uncertain,
                     c.municipalities, nat.status_label("da") if nat else None])  # fmt: skip
    _sheet(wb.create_sheet("Optælling"), header, rows, {})
    for name, s in sheets:
        h, r, f = _status_rows(s)
        _sheet(wb.create_sheet(name), h, r, f)
        if s.comparison is not None:
            h, r, f = _comparison_rows(s.comparison)
            _sheet(wb.create_sheet(f"{name} (forv.)"), h, r, f)
    wb.properties.title = title
    wb.properties.creator = "pejling"
    wb.properties.language = "da-DK"
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
