"""The report's numbers as an Excel workbook: every figure in the report, nothing else.

Numbers are stored as numbers (Excel shows them with the reader's decimal comma); suppressed
figures are the word "Diskretioneret", never an empty cell or 0, so a sum in Excel cannot
silently treat them as zero.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pejling.evaluation.texts import source_name
from pejling.reference.municipalities import name_of
from pejling.report.model import Report
from pejling.report.texts import labels

Cell = str | float | int | None


def _sheet(ws: Worksheet, header: list[str], rows: list[list[Cell]], number_cols: set[int]) -> None:
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for idx in number_cols:
        letter = get_column_letter(idx + 1)
        for cell in ws[letter][1:]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0" if abs(cell.value) < 1000 else "#,##0"
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[i - 1])) for r in rows if r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))


def _provenance(t: dict[str, str], provenance: str) -> str:
    return t.get(f"provenance_{provenance}", provenance)


def _read_first(ws: Worksheet, report: Report) -> None:
    """The first sheet: what the workbook is, as of when, and — unmissably — synthetic data."""
    t = labels(report.lang)
    period = report.as_of.label_da() if report.lang == "da" else report.as_of.label
    lines: list[str] = [f"{t['report_of'].format(year=period)}: {report.policy.title}"]
    if report.synthetic:
        lines.append(f"{t['synthetic_short']}. {t['synthetic_banner']}")
    lines += [
        f"{t['municipality']}: {report.municipality_name}",
        f"{t['policy_period']}: {report.policy.period.start.label}–{report.policy.period.end.label}",
        f"{t['as_of']}: {period}",
    ]
    if report.policy_ended:
        lines.append(
            t["policy_ended"].format(
                start=report.policy.period.start.label, end=report.policy.period.end.label
            )
        )
    lines.append(t["min_persons_text"].format(n=report.min_persons))
    lines.append(t["suppression_text"].format(t=report.threshold, n=report.suppressed_count))
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    if report.synthetic:
        ws["A2"].font = Font(bold=True, color="A00000")
    ws.column_dimensions["A"].width = 140


def write_workbook(report: Report, path: Path) -> None:
    """Write the workbook to a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(report))


def workbook_bytes(report: Report) -> bytes:
    """The workbook (overview, figures, municipalities, initiatives, notes) as XLSX bytes."""
    t = labels(report.lang)
    supp = t["suppressed"]
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = t["read_first"][:31]
    _read_first(first, report)
    overview = wb.create_sheet(t["summary"][:31])
    rows: list[list[Cell]] = []
    for g in report.goals():
        st = g.status
        shown = st.latest or st.baseline
        rows.append(
            [
                g.theme.title,
                st.goal_id,
                g.title,
                t["key_figure"] if g.is_key_figure else t["goal"],
                st.status_label(report.lang),
                supp if g.baseline_suppressed else (st.baseline.value if st.baseline else None),
                st.baseline.period.label if st.baseline else None,
                supp if g.latest_suppressed else (st.latest.value if st.latest else None),
                st.latest.period.label if st.latest else None,
                st.target_value,
                st.deadline.label if st.deadline else None,
                g.map.rank if g.map else None,
                g.map.n if g.map else None,
                st.unit,
                source_name(st.latest or st.baseline, report.lang) if st.series_source else None,
                _provenance(t, shown.provenance) if shown else None,
                g.reason,
            ]
        )
    _sheet(
        overview,
        [t["theme"], "id", t["goal"], "type", t["status"], t["baseline"], t["period"], t["latest"],
         t["period"], t["target"], t["deadline"], t["placement"], "n", "unit", t["judged_on"],
         t["provenance"], t["reason"]],
        rows,
        {5, 7, 9},
    )  # fmt: skip

    figures = wb.create_sheet(t["figures"][:31])
    frows: list[list[Cell]] = []
    for g in report.goals():
        for s in g.series:
            for p in s.points:
                frows.append(
                    [
                        g.status.goal_id,
                        g.spec.id if g.spec else None,
                        s.label,
                        s.group or "alle",
                        p.period.label,
                        supp if p.suppressed else p.value,
                        None if p.suppressed else p.numerator,
                        None if p.suppressed else p.denominator,
                        p.interval[0] if p.interval else None,
                        p.interval[1] if p.interval else None,
                        g.unit,
                        s.source_label,
                        _provenance(t, p.provenance),
                        p.source,
                        p.vintage,
                    ]
                )
    _sheet(
        figures,
        ["goal", "indicator", t["series"], "group", t["period"], t["value"], t["numerator"],
         t["denominator"], "lo95", "hi95", "unit", t["judged_on"], t["provenance"], t["source"],
         t["vintage"]],
        frows,
        {5, 6, 7, 8, 9},
    )  # fmt: skip

    munis = wb.create_sheet(t["map"][:31])
    mrows: list[list[Cell]] = []
    for g in report.goals():
        if g.map is None:
            continue
        for code in sorted(g.map.values):
            v = g.map.values[code]
            mrows.append(
                [g.status.goal_id, g.spec.id if g.spec else None, g.map.period.label, code,
                 name_of(code), supp if v is None else v, g.unit, g.map.source_label]
            )  # fmt: skip
        mrows.append(
            [g.status.goal_id, g.spec.id if g.spec else None, g.map.period.label, 0,
             t["national"], supp if g.map.national is None else g.map.national, g.unit,
             g.map.source_label]
        )  # fmt: skip
    _sheet(
        munis,
        [
            "goal",
            "indicator",
            t["period"],
            "code",
            t["municipality"],
            t["value"],
            "unit",
            t["source"],
        ],
        mrows,
        {5},
    )

    inits = wb.create_sheet(t["initiatives"][:31])
    irows: list[list[Cell]] = [
        [g.status.goal_id, i.id, i.title, i.owner, ", ".join(i.partners),
         t[f"initiative_status_{i.status.value}"]]
        for g in report.goals()
        for i in g.initiatives
    ]  # fmt: skip
    _sheet(
        inits, ["goal", "id", t["initiative"], t["owner"], t["partners"], t["status"]], irows, set()
    )

    notes = wb.create_sheet(t["data_notes"][:31])
    nrows: list[list[Cell]] = [[t["sources"], s] for s in report.sources]
    nrows.append(
        [
            t["suppression"],
            t["suppression_text"].format(t=report.threshold, n=report.suppressed_count),
        ]
    )
    nrows.append([t["lags"], t["lags_text"]])
    nrows.append([t["map"], t["map_attribution"]])
    _sheet(notes, ["", ""], nrows, set())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
