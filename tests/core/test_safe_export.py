"""Issue 9, finding 2: no text pejling writes to XLSX or CSV becomes a live formula."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from pejling.evaluation.points import Point
from pejling.periods import Period
from pejling.report.data import InMemoryReportSource
from pejling.report.model import build_report
from pejling.report.workbook import workbook_bytes
from pejling.safe_export import csv_value, is_formula_like, protect_sheet, xlsx_row
from pejling.spec.catalog import load_catalog
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy

EVIL = '=HYPERLINK("http://evil.example","klik")'
POLICY = f"""\
id: t
municipality: 265
title: "+Testpolitik"
period: {{start: 2015, end: 2020}}
source: {{document: t.txt}}
initiatives:
  - {{id: i1, title: "@SUM(1+1)", goals: [dansk], status: running, owner: "-2+3"}}
themes:
  - id: th
    title: "=1+1"
    goals:
      - id: dansk
        label: '{EVIL}'
        statement: Flere består danskprøven.
        indicator: {{id: danish_passed_within_programme}}
        target: {{kind: level, value: 70}}
        deadline: 2020
"""


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("=1+1", True),
        ("+45 12 34", True),
        ("-cmd|' /C calc'!A0", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        (" =1", True),
        ("-3", False),  # a number stays a number
        ("-12,5", False),
        ("+1.234,5", False),
        ("Roskilde", False),
        ("", False),
        ("a=b", False),
    ],
)
def test_formula_like(text: str, risky: bool) -> None:
    assert is_formula_like(text) is risky


def test_csv_values() -> None:
    assert csv_value("=1+1") == "'=1+1"
    assert csv_value("-3") == "-3"
    assert csv_value(-3.5) == -3.5
    assert csv_value(None) is None


def _formulas(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    return [
        f"{ws.title}!{c.coordinate}={c.value}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def test_protected_sheet_keeps_text_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["=1+1", "+1", 12.5, -3, "-3", "tekst"])
    ws.append(xlsx_row(["=2+2", 7]))
    protect_sheet(ws)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    data = path.read_bytes()
    assert _formulas(data) == []
    back = load_workbook(path).active
    assert back is not None
    assert [c.value for c in back[1]] == ["=1+1", "+1", 12.5, -3, "-3", "tekst"]
    assert back["A1"].quotePrefix
    assert back["C1"].data_type == "n"
    assert [c.value for c in back[2]][:2] == ["=2+2", 7]


def test_report_workbook_has_no_formula_from_labels_titles_or_sources() -> None:
    policy, _ = load_model_text(Policy, POLICY, "t.yaml")
    data = {
        ("danish_passed_within_programme", 265, ""): [
            Point(
                Period.parse(y),
                60,
                60,
                100,
                source="=IMPORTXML(1)",
                vintage="2024",
                publisher="=IMPORTXML(1)",
            )
            for y in ("2016", "2018")
        ]
    }
    report = build_report(policy, load_catalog(), InMemoryReportSource(data), year=2019,
                          today=date(2026, 1, 1))  # fmt: skip
    data_bytes = workbook_bytes(report)
    assert _formulas(data_bytes) == []
    wb = load_workbook(io.BytesIO(data_bytes))
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert EVIL in texts  # shown exactly as written, as text
    assert "@SUM(1+1)" in texts


def test_status_csv_and_xlsx_neutralise_formulas(tmp_path: Path) -> None:
    from pejling.cli.output import to_csv, to_xlsx

    policy, _ = load_model_text(Policy, POLICY, "t.yaml")
    report = build_report(policy, load_catalog(), InMemoryReportSource({}), year=2019,
                          today=date(2026, 1, 1))  # fmt: skip
    statuses = report.statuses()
    rows = list(csv.reader(io.StringIO(to_csv(statuses, "da")), delimiter=";"))
    cells = [c for row in rows[1:] for c in row]
    assert "'" + EVIL in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    out = tmp_path / "status.xlsx"
    to_xlsx(statuses, "da", out)
    assert _formulas(out.read_bytes()) == []
