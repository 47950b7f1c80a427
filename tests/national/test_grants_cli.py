"""`pejling grants` as a user runs it: tables in Danish, JSON/CSV/XLSX, errors without tracebacks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.register.synthetic import generate
from pejling.store.database import Store
from tests.conftest import Run
from tests.national.test_grants import FILES


def _workspace(run: Run, root: Path, folder: Path, threshold: int) -> Path:
    ws = root / "ws"
    run("init", str(ws), "--municipality", "0")
    settings = ws / "pejling.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("threshold = 5", f"threshold = {threshold}"),
        encoding="utf-8",
    )
    with Store.open(ws / "pejling.duckdb") as store:
        import_register(store, [folder], PseudonymKey(b"hand-made-key-0123"))
    return ws


@pytest.fixture(scope="module")
def hand_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("grants_cli")
    folder = root / "register"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_table_json_csv_xlsx(run: Run, hand_ws: Path, tmp_path: Path) -> None:
    ws = _workspace(run, tmp_path, hand_ws, threshold=1)
    out = run("grants", "-w", str(ws), "--year", "2020").stdout
    assert "Resultattilskud optjent i 2020" in out
    assert "204.000 kr." in out  # 76.500 + 76.500 + 51.000 in Roskilde
    assert "Hele landet" in out
    assert "SYNTETISKE" not in out
    data = run("grants", "-w", str(ws), "--format", "json").stdout
    assert '"amount_dkk": 204000.0' in data
    csv_text = run("grants", "-w", str(ws), "--format", "csv", "--year", "2021").stdout
    assert csv_text.splitlines()[0].startswith("Kommunekode;Kommune;År;Hændelse")
    assert "326;Kalundborg;2021;Beskæftigelse;år 1–3;1;1;76500;" in csv_text
    target = tmp_path / "tilskud.xlsx"
    run("grants", "-w", str(ws), "--format", "xlsx", "-o", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames == ["Læs først", "Tilskud", "Satser"]
    first = [str(c.value) for row in wb["Læs først"].iter_rows() for c in row if c.value]
    assert any("Regelsæt 2017" in v for v in first)
    assert any("BEK" in v or "1591" in v for v in first)
    amounts = [r[7] for r in wb["Tilskud"].iter_rows(min_row=2, values_only=True)]
    assert 204000 in amounts
    assert all(a is None or isinstance(a, int) for a in amounts)


def test_disclosure_hides_small_cells(run: Run, hand_ws: Path, tmp_path: Path) -> None:
    ws = _workspace(run, tmp_path, hand_ws, threshold=5)
    out = run("grants", "-w", str(ws), "--year", "2020").stdout
    assert "204.000" not in out
    assert "76.500" not in out
    assert "færre end 5 personer" in out


def test_errors(run: Run, hand_ws: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    run("init", str(empty))
    proc = run("grants", "-w", str(empty), check=False)
    assert proc.returncode == 1
    assert "intet personregister" in proc.stderr
    assert "Traceback" not in proc.stderr
    ws = _workspace(run, tmp_path, hand_ws, threshold=1)
    proc = run("grants", "-w", str(ws), "--rules", "2071", check=False)
    assert proc.returncode == 1
    assert "Did you mean '2017'" in proc.stderr
    (ws / "grants").mkdir()
    (ws / "grants" / "mine.yaml").write_text("id: mine\ntitle: x\nvalid_fro: 2030-01-01\n")
    proc = run("grants", "-w", str(ws), check=False)
    assert proc.returncode == 1
    assert "grants/mine.yaml:3" in proc.stderr


def test_forecast_on_a_synthetic_register(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "synth"
    folder.mkdir()
    generate(4000, 7, folder, fmt="parquet", as_of=date(2024, 12, 31))
    ws = _workspace(run, tmp_path, folder, threshold=5)
    out = run("grants", "-w", str(ws), "--forecast").stdout
    assert out.count("SYNTETISKE DATA") == 2
    assert "Forventede resultattilskud" in out
    assert "Hele landet" in out
    assert "kr." in out
    target = tmp_path / "prognose.xlsx"
    run("grants", "-w", str(ws), "--forecast", "--format", "xlsx", "-o", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames == ["Læs først", "Prognose", "Satser"]
    assert "SYNTETISKE DATA" in str(wb["Læs først"]["A2"].value)
