"""Observation import: validation with locations, atomicity, idempotence, vintages, formats."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from pejling.errors import ImportRejected, WorkspaceError
from pejling.spec.catalog import Catalog, load_catalog
from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.store.queries import current_observations, import_log, observation_count

HEADER = "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pejling.duckdb") as s:
        yield s


def write(path: Path, body: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(body.encode(encoding))
    return path


def series(store: Store, indicator: str, code: int, grp: str) -> list[tuple[str, float | None]]:
    rows = current_observations(store, indicator_id=indicator, municipality_code=code, grp=grp)
    return [(r.period, r.value) for r in rows]


def test_import_is_idempotent_and_vintage_replacing(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    f = write(
        tmp_path / "a.csv",
        HEADER
        + "danish_passed_within_programme,265,2014,target_group=programme_participants,32,48,,percent,Doc,2015\n"
        + "danish_passed_within_programme,265,2015,target_group=programme_participants,35,54,64.8,percent,Doc,2015\n",
    )
    first = import_observations(store, f, catalog)
    assert (first.outcome, first.rows, first.replaced) == ("imported", 2, 0)
    got = series(
        store, "danish_passed_within_programme", 265, "target_group=programme_participants"
    )
    assert got[0][0] == "2014"
    assert got[0][1] == pytest.approx(100 * 32 / 48)
    again = import_observations(store, f, catalog)
    assert again.outcome == "unchanged"
    assert observation_count(store) == 2
    # A corrected file of the same vintage replaces it (one row fewer, one value changed).
    write(
        f,
        HEADER
        + "danish_passed_within_programme,265,2014,target_group=programme_participants,33,48,,percent,Doc,2015\n",
    )
    fixed = import_observations(store, f, catalog)
    assert (fixed.outcome, fixed.replaced) == ("imported", 2)
    assert observation_count(store) == 1
    # A newer vintage wins per period; the old one is kept.
    newer = write(
        tmp_path / "b.csv",
        HEADER
        + "danish_passed_within_programme,265,2014,target_group=programme_participants,34,48,,percent,Doc,2016\n",
    )
    import_observations(store, newer, catalog)
    assert observation_count(store) == 2
    value = series(
        store, "danish_passed_within_programme", 265, "target_group=programme_participants"
    )[0][1]
    assert value == pytest.approx(100 * 34 / 48)
    outcomes = [r.outcome for r in import_log(store)]
    assert outcomes == ["imported", "imported", "unchanged", "imported"]


def test_rejected_whole_with_locations(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    good = write(
        tmp_path / "good.csv", HEADER + "unemployment_rate,265,2020,,,,4.1,percent,DST,2021\n"
    )
    import_observations(store, good, catalog)
    bad = write(
        tmp_path / "bad.csv",
        HEADER
        + "unemployment_rate,265,2021,,,,4.0,percent,DST,2022\n"  # fine, but must not be written
        + "unemploymnet_rate,265,2021,,,,4.0,percent,DST,2022\n"
        + "unemployment_rate,999,2021,,,,4.0,percent,DST,2022\n"
        + "unemployment_rate,265,2021Q5,,,,4.0,percent,DST,2022\n"
        + "unemployment_rate,265,2021,origin=martian,,,4.0,percent,DST,2022\n"
        + "unemployment_rate,265,2022,,,,fire,percent,DST,2022\n"
        + "unemployment_rate,265,2023,,,,4.0,count,DST,2022\n"
        + "unemployment_rate,265,2024,,,,140,percent,DST,2022\n"
        + "unemployment_rate,265,2025,,60,50,,percent,DST,2022\n"
        + "unemployment_rate,265,2026,,10,50,30,percent,DST,2022\n"
        + "unemployment_rate,265,2021,,,,4.0,percent,DST,2022\n"
        + "unemployment_rate,265,2027,,,,,percent,,\n",
    )
    with pytest.raises(ImportRejected) as err:
        import_observations(store, bad, catalog)
    text = err.value.render()
    expected = [
        "bad.csv:3 column 'indicator': unknown indicator 'unemploymnet_rate'",
        "did you mean 'unemployment_rate'?",
        "bad.csv:4 column 'municipality': '999' is not a municipality code",
        "bad.csv:5 column 'period':",
        "bad.csv:6 column 'group': unknown origin 'martian'",
        "bad.csv:7 column 'value': 'fire' is not a number",
        "bad.csv:8 column 'unit': unit 'count' does not match indicator 'unemployment_rate'; expected 'percent'",
        "bad.csv:9 column 'value': 140 is outside 0–100",
        "bad.csv:10 column 'numerator': numerator 60 exceeds denominator 50",
        "bad.csv:11 column 'value': value 30 disagrees with numerator/denominator (10/50 = 20.00)",
        "bad.csv:12: duplicate of line 2",
        "bad.csv:13 column 'source': empty",
        "bad.csv:13 column 'vintage': empty",
        "nothing was written",
    ]
    for piece in expected:
        assert piece in text, piece
    assert observation_count(store) == 1
    assert import_log(store)[0].outcome == "rejected"


def test_header_problems(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    f = write(tmp_path / "h.csv", "indicator,kommune,period,value,unit,source\nx,1,2,3,4,5\n")
    with pytest.raises(ImportRejected) as err:
        import_observations(store, f, catalog)
    text = err.value.render()
    assert "h.csv:1 column 2: unknown column 'kommune'" in text
    assert "missing column 'municipality'" in text
    assert "missing column 'vintage'" in text


def test_danish_excel_csv_cp1252_semicolon_decimal_comma(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    f = write(
        tmp_path / "excel.csv",
        HEADER.replace(",", ";")
        + "activation_degree;265;2014K1;;;;53,9;percent;Jobcenter Roskilde, Opera;2015\n"
        "population;0;2020;origin=danish_origin;;;4.823.567;count;Danmarks Statistik (FOLK1E);2021\n",
        encoding="cp1252",
    )
    result = import_observations(store, f, catalog)
    assert result.rows == 2
    assert series(store, "activation_degree", 265, "") == [("2014Q1", 53.9)]
    assert series(store, "population", 0, "origin=danish_origin") == [("2020", 4823567.0)]
    rows = current_observations(
        store, indicator_id="activation_degree", municipality_code=265, grp=""
    )
    assert rows[0].source == "Jobcenter Roskilde, Opera"


def test_xlsx_with_cell_locations(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Ark1"
    ws.append(HEADER.strip().split(","))
    ws.append(["unemployment_rate", 326, 2019, None, None, None, 3.5, "percent", "DST", "2020"])
    ws.append(["unemployment_rate", 326, 2020, None, None, None, "x", "percent", "DST", "2020"])
    path = tmp_path / "obs.xlsx"
    wb.save(path)
    with pytest.raises(ImportRejected) as err:
        import_observations(store, path, catalog)
    assert "obs.xlsx Ark1!G3 column 'value'" in err.value.render()
    ws.delete_rows(3)
    wb.save(path)
    assert import_observations(store, path, catalog).rows == 1
    assert series(store, "unemployment_rate", 326, "") == [("2019", 3.5)]


def test_unsupported_and_empty_files(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="unsupported file type"):
        import_observations(store, write(tmp_path / "x.json", "{}"), catalog)
    with pytest.raises(ImportRejected, match="no data rows"):
        import_observations(store, write(tmp_path / "e.csv", HEADER), catalog)


def test_read_only_store_needs_existing_file(tmp_path: Path) -> None:
    with (
        pytest.raises(WorkspaceError, match="no database yet"),
        Store.open(tmp_path / "none.duckdb", read_only=True),
    ):
        pass


def test_municipalities_table(store: Store) -> None:
    row = store.con.execute(
        "SELECT count(*), count(DISTINCT region_code) FROM municipalities"
    ).fetchone()
    assert row == (98, 5)
