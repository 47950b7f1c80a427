"""The national report (HTML, PDF, XLSX): one section per goal, one row per municipality, no
hidden figure, the synthetic label on every page and in the workbook, numbers as numbers; and
the case-mix comparison hiding a municipality whose published figure the matrix hides."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pejling.national.benchmark import BenchmarkResult, benchmark_cells
from pejling.national.goals import national_status
from pejling.national.report import NationalReport, build_national_report
from pejling.national.report_render import (
    national_workbook_bytes,
    render_national_html,
    render_section_charts,
)
from pejling.periods import Period
from pejling.reference.municipalities import municipalities
from pejling.store.database import Store
from pejling.workspace import Workspace
from tests.national.goals_workspace import DATA, IND, make_workspace, observations_csv
from tests.national.helpers import cells

#: the whole population (no group), so the benchmark counts the goal's own group
WHOLE = """\
id: hele
scope: national
title: Beskæftigelse i alle kommuner
period: {start: 2015, end: 2020}
source: {document: hele.txt}
themes:
  - id: arbejde
    title: Arbejde
    goals:
      - id: job
        label: Mål J
        statement: Mindst 60 % af de 25-64-årige i beskæftigelse i 2020.
        indicator: {id: employment_rate_25_64, source: register}
        target: {kind: level, value: 60}
        baseline: {date: 2015, source: Hver kommunes eget tal}
        deadline: 2020
        measurement: {frequency: yearly, source: Register}
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The national-goals workspace, its figures marked as computed from synthetic data."""
    data = observations_csv().replace(",register\n", ",synthetic\n")
    return make_workspace(tmp_path_factory.mktemp("national-report") / "ws", data=data)


@pytest.fixture(scope="module")
def written(ws: Workspace) -> Path:
    """`pejling report nat` through the real CLI (a subprocess)."""
    args = ("report", "nat", "-w", str(ws.root), "--as-of", "2018", "--format", "html,pdf,xlsx")
    proc = subprocess.run([sys.executable, "-m", "pejling", *args], capture_output=True,
                          text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                                          "PYTHONIOENCODING": "utf-8"}, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Skrev reports/nat-status-2018.pdf" in proc.stdout
    assert proc.stdout.startswith("SYNTETISKE DATA")
    return ws.reports_dir


def test_one_section_per_goal_and_a_row_per_municipality(written: Path) -> None:
    html = (written / "nat-status-2018.html").read_text("utf-8")
    assert html.count('<section class="nat-goal"') == 2
    assert "Mindst 60 % af de ikke-vestlige 25-64-årige" in html
    assert html.count('<table class="munis">') == 2
    body = html.split('<table class="munis">')[1].split("</table>")[0]
    assert body.count('<tr><th scope="row">') == len(municipalities()) == 98
    assert "Antal kommuner pr. status" in html
    assert "Om tallene" in html
    assert "data:image/svg+xml;base64," in html  # the maps


def test_a_hidden_figure_is_not_shown(written: Path) -> None:
    # Odense (461): 3 of 100 employed in 2018, suppressed (threshold 5)
    html = (written / "nat-status-2018.html").read_text("utf-8")
    odense = re.search(r"<th scope=\"row\">Odense</th>(.*?)</tr>", html)
    assert odense is not None
    assert "Diskretioneret" in odense.group(1)
    assert "3,0 %" not in html
    wb = load_workbook(written / "nat-status-2018.xlsx")
    rows = {r[1]: r for r in wb[wb.sheetnames[2]].iter_rows(min_row=2, values_only=True)}
    assert rows["Odense"][5] is None
    assert rows["Odense"][6] == "Ja"


def test_synthetic_label_on_every_page_and_in_the_workbook(written: Path) -> None:
    pdf = PdfReader(written / "nat-status-2018.pdf")
    assert len(pdf.pages) >= 4
    for page in pdf.pages:
        assert "SYNTETISKE DATA" in page.extract_text()
    wb = load_workbook(written / "nat-status-2018.xlsx")
    assert wb.sheetnames[:2] == ["Læs først", "Optælling"]
    assert str(wb["Læs først"]["A2"].value).startswith("SYNTETISKE DATA")


def test_workbook_numbers_are_numbers(written: Path) -> None:
    wb = load_workbook(written / "nat-status-2018.xlsx")
    counts = list(wb["Optælling"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in counts] == ["Mål A", "Mål B"]
    assert all(isinstance(v, int) for r in counts for v in r[2:11])
    rows = {r[1]: r for r in wb[wb.sheetnames[2]].iter_rows(min_row=2, values_only=True)}
    assert rows["København"][5] == pytest.approx(65.0)
    assert isinstance(rows["København"][7], int | float)


def _result(shares: dict[int, tuple[int, int]]) -> BenchmarkResult:
    rows = []
    for code, (persons, successes) in shares.items():
        rows += [(code, "f", persons // 2, successes // 2),
                 (code, "m", persons - persons // 2, successes - successes // 2)]  # fmt: skip
    return benchmark_cells(cells(rows, period="2018"), indicator=IND, title="Beskæftigelse",
                           periods=("2018",), min_persons=80, synthetic=True)  # fmt: skip


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> NationalReport:
    """A whole-population goal with the same figures, and a benchmark of it."""
    data = {code: {"": groups["origin=non_western"]} for code, groups in DATA.items()}
    ws = make_workspace(tmp_path_factory.mktemp("national-compare") / "ws", local=False,
                        data=observations_csv(data))  # fmt: skip
    (ws.policies_dir / "nat.yaml").write_text(WHOLE, encoding="utf-8")
    policy = ws.find_policy("hele").policy
    with Store.open(ws.db_path, read_only=True) as store:
        status = national_status(store, policy, Period.year(2018), ws.settings)
    # 461 has plenty of persons in the benchmark, but its published 2018 figure is hidden
    result = _result({101: (600, 390), 265: (200, 110), 326: (200, 90), 461: (100, 60),
                      540: (40, 16), 751: (300, 150)})  # fmt: skip
    return build_national_report(status, {IND: result})


def test_comparison_hides_what_the_matrix_hides(compared: NationalReport) -> None:
    (section,) = compared.sections
    c = section.comparison
    assert c is not None
    assert c.same_group
    assert len(c.lines) == 98
    assert 461 in c.hidden
    odense = next(ln for ln in c.lines if ln.code == 461)
    assert odense.row is None
    assert odense.hidden
    html = render_national_html(compared, render_section_charts(compared))
    assert html.count('<table class="compare">') == 1
    body = html.split('<table class="compare">')[1].split("</table>")[0]
    assert body.count('<tr><th scope="row">') == 98
    row = re.search(r"<th scope=\"row\">Odense</th>(.*?)</tr>", body)
    assert row is not None
    assert "diskretioneret" in row.group(1)
    assert "60,0" not in row.group(1)
    # fewer than 80 persons: shown, not ranked
    small = re.search(r"<th scope=\"row\">Sønderborg</th>(.*?)</tr>", body)
    assert small is not None
    assert "ikke rangeret" in small.group(1)
    assert "95 %-grænserne" in html
    assert "Forventet" in html


def test_comparison_sheet_has_numbers_and_empty_hidden_cells(compared: NationalReport) -> None:
    wb = load_workbook(io.BytesIO(national_workbook_bytes(compared)))
    sheet = next(name for name in wb.sheetnames if name.endswith("(forv.)"))
    rows = {r[1]: r for r in wb[sheet].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 98
    assert rows["København"][3] == pytest.approx(65.0)
    assert isinstance(rows["København"][2], int)
    assert isinstance(rows["København"][5], float)  # the difference
    assert rows["Odense"][2:15] == (None,) * 13
    assert rows["Odense"][15] == "Ja"
    assert rows["Sønderborg"][14] == "Nej"
    assert rows["Sønderborg"][10] is None
