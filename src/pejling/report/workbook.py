"""The report's numbers as an Excel workbook for analysts: every figure in the report, nothing else.

Why this layout: an analyst sums, filters and pivots. So every number is a number (a suppressed
figure is an empty cell with "Ja" in the column "Diskretioneret", never a word in a number column
and never 0), shown rounded as in the report but stored in full; periods have real start and end
dates beside the Danish label; headers and values are Danish (English with `--lang en`). The
identifiers a machine joins on (indicator id, group code, period code, unit code) are kept in the
last columns of the long sheet, named as codes, so the readable columns come first.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pejling.engine.run import SOURCE as COMPUTED_SOURCE
from pejling.evaluation.texts import source_name
from pejling.groups import describe_group_da, parse_group_key
from pejling.periods import Period
from pejling.reference.municipalities import name_of
from pejling.report.model import GoalSection, Report, SeriesView
from pejling.report.texts import labels
from pejling.safe_export import protect_sheet

Cell = str | float | int | date | None

#: display formats by unit: the report's rounding, Excel's own decimal comma
_FORMATS = {
    "percent": "0.0",
    "pp": "0.0",
    "count": "#,##0",
    "days": "#,##0",
    "per_1000": "0.0",
    "dkk": "#,##0",
    "index": "0.0",
}
_DATE = "dd.mm.yyyy"


def _unit_name(t: Mapping[str, str], unit: str) -> str:
    return t.get(f"unit_{unit}", unit)


def describe_group(group_key: str, lang: str) -> str:
    """A group in words: 'indvandrere og efterkommere med ikke-vestlig oprindelse' or 'alle'."""
    group = parse_group_key(group_key) if group_key else {}
    if lang == "da":
        return describe_group_da(group) if group else "alle"
    return ", ".join(v.replace("_", " ") for v in group.values()) or "all"


def _role(t: Mapping[str, str], s: SeriesView) -> str:
    return t.get(f"series_role_{s.role}", s.role)


def _yes(t: Mapping[str, str], flag: bool) -> str | None:
    return t["yes"] if flag else None


def _sheet(
    ws: Worksheet,
    header: list[str],
    rows: list[list[Cell]],
    formats: Mapping[int, str] | None = None,
    row_formats: list[str] | None = None,
    number_cols: set[int] | None = None,
) -> None:
    """Header, rows, display formats, frozen header, filter and column widths.

    `formats` sets a column's format; `row_formats` the format of `number_cols` per row (the
    unit differs row by row in the long sheet).
    """
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    for idx, fmt in (formats or {}).items():
        for cell in ws[get_column_letter(idx + 1)][1:]:
            cell.number_format = fmt
    if row_formats is not None and number_cols:
        for r, fmt in enumerate(row_formats, start=2):
            for idx in number_cols:
                ws.cell(row=r, column=idx + 1).number_format = fmt
    protect_sheet(ws)  # user text (labels, titles, sources) never becomes a formula
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        values = [r[i - 1] for r in rows if r[i - 1] is not None]
        longest = max([min(len(str(name)), 18)] + [len(_shown(v)) for v in values])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(9, longest + 2))


def _shown(v: Cell) -> str:
    if isinstance(v, float):
        return f"{v:,.1f}"
    if isinstance(v, date):
        return "00.00.0000"
    return str(v)


def _period_cells(p: Period | None, lang: str) -> list[Cell]:
    """Label as Danes write it, start date, end date."""
    if p is None:
        return [None, None, None]
    return [p.label_da() if lang == "da" else p.label, p.start, p.end]


def _read_first(ws: Worksheet, report: Report, sheets: list[tuple[str, str]]) -> None:
    """The first sheet: what the workbook is, as of when, and — unmissably — synthetic data."""
    t = labels(report.lang)
    da = report.lang == "da"
    period = report.as_of.label_da() if da else report.as_of.label
    ws.append([f"{t['report_of'].format(year=period)}: {report.policy.title}"])
    ws["A1"].font = Font(bold=True, size=14)
    if report.synthetic:
        ws.append([f"{t['synthetic_short']}. {t['synthetic_banner']}"])
        ws["A2"].font = Font(bold=True, color="A00000")
    ws.append([])
    start, end = report.policy.period.start, report.policy.period.end
    facts: list[tuple[str, Cell]] = [
        (t["municipality"], report.municipality_name),
        (t["policy_period"], f"{start.label_da() if da else start.label}–"
                             f"{end.label_da() if da else end.label}"),
        (t["as_of"], period),
        (t["generated"], report.generated),
    ]  # fmt: skip
    if report.data_dates:
        try:
            facts.append((t["data_date"], date.fromisoformat(report.data_dates[-1])))
        except ValueError:
            facts.append((t["data_date"], report.data_dates[-1]))
    first_fact = ws.max_row + 1
    for name, value in facts:
        ws.append([name, value])
    for row in ws.iter_rows(min_row=first_fact, max_row=ws.max_row):
        row[0].font = Font(bold=True)
        if isinstance(row[1].value, date | datetime):
            row[1].number_format = _DATE
            row[1].alignment = Alignment(horizontal="left")
    ws.append([])
    lines: list[str] = []
    if report.policy_ended:
        lines.append(
            t["policy_ended"].format(
                start=start.label_da() if da else start.label,
                end=end.label_da() if da else end.label,
            )
        )
    lines.append(t["min_persons_text"].format(n=report.min_persons))
    lines.append(t["suppression_text"].format(t=report.threshold, n=report.suppressed_count))
    lines.append(t["workbook_numbers"])
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append([t["workbook_sheets"]])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for name, what in sheets:
        ws.append([name, what])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110
    protect_sheet(ws)


def write_workbook(report: Report, path: Path) -> None:
    """Write the workbook to a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(report))


def _goal_kind(t: Mapping[str, str], g: GoalSection) -> str:
    if g.is_key_figure:
        return t["key_figure"]
    if g.status.status.value == "initiative_only":
        return t["initiative_goal"]
    return t["goal"]


def _overview(report: Report) -> tuple[list[str], list[list[Cell]], list[str]]:
    t = labels(report.lang)
    lang = report.lang
    header = [
        t["theme"], t["goal_id"], t["goal"], t["statement"], t["type"], t["status"],
        t["uncertain_col"],
        t["baseline"], t["baseline_period"], t["baseline_suppressed"],
        t["latest_or_deadline"], t["latest_period"], t["latest_suppressed"],
        t["target"], t["deadline"], t["deadline_date"], t["placement_rank"], t["placement_n"],
        t["unit"], t["judged_on"], t["provenance"], t["reason"],
    ]  # fmt: skip
    rows: list[list[Cell]] = []
    formats: list[str] = []
    for g in report.goals():
        st = g.status
        shown = st.latest or st.baseline
        base_hidden = g.baseline_suppressed
        latest_hidden = g.latest_suppressed
        rows.append(
            [
                g.theme.title,
                st.goal_id,
                g.title,
                " ".join(st.statement.split()),
                _goal_kind(t, g),
                st.status_label(lang),
                _yes(t, st.uncertain and st.is_verdict),
                None if base_hidden or not st.baseline else st.baseline.value,
                _period_cells(st.baseline.period if st.baseline else None, lang)[0],
                _yes(t, base_hidden),
                None if latest_hidden or not st.latest else st.latest.value,
                _period_cells(st.latest.period if st.latest else None, lang)[0],
                _yes(t, latest_hidden),
                st.target_value,
                _period_cells(st.deadline, lang)[0],
                st.deadline.end if st.deadline else None,
                g.map.rank if g.map else None,
                g.map.n if g.map else None,
                _unit_name(t, st.unit) if st.unit else None,
                source_name(shown, lang) if st.series_source and shown else None,
                t.get(f"provenance_{shown.provenance}", shown.provenance) if shown else None,
                g.reason,
            ]
        )
        formats.append(_FORMATS.get(st.unit, "0.0"))
    return header, rows, formats


def _long(report: Report) -> tuple[list[str], list[list[Cell]], list[str]]:
    """Every figure of the report, one row each (the long format pivots want)."""
    t = labels(report.lang)
    lang = report.lang
    header = [
        t["goal_id"], t["goal"], t["series"], t["series_role"], t["area"], t["group"],
        t["period"], t["period_start"], t["period_end"],
        t["value"], t["suppressed"], t["unit"], t["numerator"], t["denominator"],
        t["persons_col"], t["estimate_col"], t["lower95"], t["upper95"],
        t["judged_on"], t["provenance"], t["source"], t["vintage"],
        t["indicator_id"], t["group_code"], t["period_code"], t["unit_code"],
    ]  # fmt: skip
    rows: list[list[Cell]] = []
    formats: list[str] = []
    for g in report.goals():
        for s in g.series:
            area = t["national"] if s.role == "national" else report.municipality_name
            for p in s.points:
                hidden = p.suppressed or p.value is None
                rows.append(
                    [
                        g.status.goal_id,
                        g.title,
                        s.label,
                        _role(t, s),
                        area,
                        describe_group(s.group, lang),
                        *_period_cells(p.period, lang),
                        None if hidden else p.value,
                        _yes(t, hidden),
                        _unit_name(t, g.unit),
                        None if hidden else p.numerator,
                        None if hidden else p.denominator,
                        None if hidden else p.persons,
                        _yes(t, not hidden and p.estimated),
                        p.interval[0] if p.interval and not hidden else None,
                        p.interval[1] if p.interval and not hidden else None,
                        s.source_label,
                        t.get(f"provenance_{p.provenance}", p.provenance),
                        t["computed_source"] if p.source == COMPUTED_SOURCE else p.source,
                        p.vintage,
                        g.spec.id if g.spec else None,
                        s.group or None,
                        p.period.label,
                        g.unit,
                    ]
                )
                formats.append(_FORMATS.get(g.unit, "0.0"))
    return header, rows, formats


def _municipalities(report: Report) -> tuple[list[str], list[list[Cell]], list[str]]:
    t = labels(report.lang)
    lang = report.lang
    header = [
        t["goal_id"], t["goal"], t["period"], t["municipality_code"], t["municipality"],
        t["value"], t["suppressed"], t["unit"], t["source"], t["indicator_id"], t["period_code"],
        t["unit_code"],
    ]  # fmt: skip
    rows: list[list[Cell]] = []
    formats: list[str] = []
    for g in report.goals():
        if g.map is None:
            continue
        values = [(code, name_of(code), g.map.values[code]) for code in sorted(g.map.values)]
        values.append((0, t["national"], g.map.national))
        for code, name, v in values:
            rows.append(
                [g.status.goal_id, g.title, _period_cells(g.map.period, lang)[0], code, name, v,
                 _yes(t, v is None), _unit_name(t, g.unit), g.map.source_label,
                 g.spec.id if g.spec else None, g.map.period.label, g.unit]
            )  # fmt: skip
            formats.append(_FORMATS.get(g.unit, "0.0"))
    return header, rows, formats


def _comparison(report: Report) -> tuple[list[str], list[list[Cell]]]:
    """The comparison section's benchmark tables in long format (or the sentence saying why
    there are none)."""
    from pejling.report.comparison_texts import missing_sentence, title

    t = labels(report.lang)
    c = report.comparison
    header = [
        t["goal"], t["period"], t["municipality_code"], t["municipality"], t["comparison_own"],
        t["comparison_distance"], t["comparison_share_pct"], t["comparison_expected_pct"],
        t["comparison_difference_pp"], t["comparison_lower"], t["comparison_upper"],
        t["comparison_fifth"], t["suppressed"], t["indicator_id"],
    ]  # fmt: skip
    if c is None:
        return header, []
    missing = missing_sentence(c, report.lang)
    if missing:
        return header, [[missing, *([None] * (len(header) - 1))]]
    distance = {r.code: r.distance for r in c.similar.rows} if c.similar else {}
    rows: list[list[Cell]] = []
    for ic in c.indicators:
        for r in ic.rows:
            lo, hi = r.interval if r.interval and not r.hidden else (None, None)
            rows.append(
                [title(ic, report.lang), ic.period, r.code, r.name, _yes(t, r.own),
                 distance.get(r.code), r.observed, r.expected, r.difference, lo, hi,
                 r.fifth, _yes(t, r.hidden), ic.indicator]
            )  # fmt: skip
    return header, rows


def workbook_bytes(report: Report) -> bytes:
    """The workbook (read first, overview, every figure, municipalities, initiatives, notes)."""
    t = labels(report.lang)
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = t["read_first"][:31]
    names = {
        "overview": t["summary"][:31],
        "figures": t["all_figures"][:31],
        "map": t["municipalities_sheet"][:31],
        **({"comparison": t["comparison_sheet"][:31]} if report.comparison else {}),
        "initiatives": t["initiatives"][:31],
        "notes": t["data_notes"][:31],
    }
    sheets = [(names[k], t[f"sheet_{k}_about"]) for k in names]
    _read_first(first, report, sheets)

    header, rows, formats = _overview(report)
    _sheet(wb.create_sheet(names["overview"]), header, rows,
           {15: _DATE}, formats, {7, 10, 13})  # fmt: skip

    header, rows, formats = _long(report)
    _sheet(wb.create_sheet(names["figures"]), header, rows,
           {7: _DATE, 8: _DATE, 12: "#,##0", 13: "#,##0", 14: "#,##0"}, formats,
           {9, 16, 17})  # fmt: skip

    header, rows, formats = _municipalities(report)
    _sheet(wb.create_sheet(names["map"]), header, rows, {}, formats, {5})

    if "comparison" in names:
        header, rows = _comparison(report)
        _sheet(wb.create_sheet(names["comparison"]), header, rows,
               {5: "0.00", 6: "0.0", 7: "0.0", 8: "0.0", 9: "0.0", 10: "0.0"})  # fmt: skip

    irows: list[list[Cell]] = [
        [g.status.goal_id, g.title, i.title, i.owner, ", ".join(i.partners),
         t[f"initiative_status_{i.status.value}"]]
        for g in report.goals()
        for i in g.initiatives
    ]  # fmt: skip
    _sheet(
        wb.create_sheet(names["initiatives"]),
        [t["goal_id"], t["goal"], t["initiative"], t["owner"], t["partners"], t["status"]],
        irows,
    )

    nrows: list[list[Cell]] = [[t["sources"], s] for s in report.sources]
    nrows.append(
        [
            t["suppression"],
            t["suppression_text"].format(t=report.threshold, n=report.suppressed_count),
        ]
    )
    nrows.append([t["lags"], t["lags_text"]])
    nrows.append([t["map"], t["map_attribution"]])
    _sheet(wb.create_sheet(names["notes"]), [t["topic"], t["note"]], nrows)

    period = report.as_of.label_da() if report.lang == "da" else report.as_of.label
    wb.properties.title = f"{t['report_of'].format(year=period)}: {report.policy.title}"
    wb.properties.subject = report.municipality_name
    wb.properties.creator = "pejling"
    wb.properties.language = "da-DK" if report.lang == "da" else "en-GB"
    stamp = datetime.combine(report.generated, time())
    wb.properties.created = wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
