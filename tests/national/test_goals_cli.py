"""National goals end to end: `pejling lint`, `pejling status NATIONAL` in every format, and
`pejling report` writing the national report after the municipal ones (the real CLI in a
subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pejling.workspace import Workspace
from tests.conftest import Run
from tests.national.goals_workspace import make_workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("national-cli") / "ws")


def test_lint_accepts_it(run: Run, ws: Workspace) -> None:
    out = run("lint", "-w", str(ws.root)).stdout
    assert "nat.yaml: 0 fejl" in out


def test_status_table(run: Run, ws: Workspace) -> None:
    out = run("status", "nat", "-w", str(ws.root), "--as-of", "2018").stdout
    assert "nat: Nationale mål — vurderet pr. 2018, 98 kommuner." in out
    assert "Mål: mindst 60,0 %, frist 2020." in out
    assert "Udgangspunkt: hver kommunes eget tal for 2015." in out
    assert "Hele landet: På rette vej — 50,0 % (2015) → 58,0 % (2018)" in out
    assert "1 af 98 kommuner har nået målet" in out
    assert "  kvinder" in out
    lines = {line.split("│")[2].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert "I risiko*" in lines["Roskilde"]
    assert "Ikke på rette vej" in lines["Kalundborg"]
    assert "Kan ikke vurderes" in lines["Odense"]
    assert "Ingen data" in lines["Aarhus"]


def test_status_json_is_for_reuse(run: Run, ws: Workspace) -> None:
    doc = json.loads(
        run("status", "nat", "-w", str(ws.root), "--as-of", "2018", "--format", "json").stdout
    )
    assert doc["scope"] == "national"
    assert doc["as_of"] == "2018"
    assert len(doc["municipalities"]) == 98
    level = doc["goals"][0]
    assert level["counts"]["achieved"] == 1
    assert level["counts"]["uncertain"] == 1
    assert level["national"]["status"] == "on_track"
    odense = next(m for m in level["municipalities"] if m["municipality"] == 461)
    assert odense["municipality_name"] == "Odense"
    assert odense["status_label"] == "Kan ikke vurderes – tallet er diskretioneret"
    assert odense["latest"] is None
    assert odense["latest_detail"] is None
    assert [b["group_label"] for b in level["breakdowns"]] == [
        "indvandrere og efterkommere med ikke-vestlig oprindelse, kvinder",
        "indvandrere og efterkommere med ikke-vestlig oprindelse, mænd",
    ]


def test_status_csv_and_xlsx(run: Run, ws: Workspace, tmp_path: Path) -> None:
    text = run("status", "nat", "-w", str(ws.root), "--as-of", "2018", "-f", "csv").stdout
    rows = text.splitlines()
    assert rows[0].startswith("Mål;Gruppe;Opdeling;Kode;Kommune;Udgangspunkt;Seneste")
    odense = [r for r in rows if ";målets gruppe;461;Odense;" in r and r.startswith("Mål A;")]
    assert len(odense) == 1
    assert ";–;" in odense[0]  # the hidden 2018 figure is not in the file
    assert "3,0 %" not in odense[0]
    out = tmp_path / "nat.xlsx"
    run("status", "nat", "-w", str(ws.root), "--as-of", "2018", "-f", "xlsx", "-o", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Læs først", "Optælling", "Kommuner", "Alle"]
    matrix = {row[1]: row for row in wb["Kommuner"].iter_rows(min_row=2, values_only=True)}
    assert matrix["København"][2:] == ("Nået", "Nået")
    assert matrix["Roskilde"][2:] == ("I risiko*", "Nået*")


def test_report_writes_the_national_report_and_status_skips_it(run: Run, ws: Workspace) -> None:
    proc = run("report", "-w", str(ws.root), "--as-of", "2018", "--format", "xlsx")
    assert (ws.reports_dir / "lokal-status-2018.xlsx").is_file()
    assert (ws.reports_dir / "nat-status-2018.xlsx").is_file()  # after the municipal ones
    assert proc.stdout.index("lokal-status-2018.xlsx") < proc.stdout.index("nat-status-2018.xlsx")
    records = json.loads(run("status", "-w", str(ws.root), "--format", "json").stdout)
    assert {r["policy"] for r in records} == {"lokal"}
