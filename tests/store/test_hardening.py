"""Issue 9, findings 3–8: every bad input is a clear, logged rejection, and no CPR number leaks.

Each test names the finding it covers. Observation files and register files are both tried where
the finding concerns both readers.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pejling.errors import ImportRejected
from pejling.register.batch import import_files
from pejling.register.importer import import_register
from pejling.register.messages_da import render_da
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import Catalog, load_catalog
from pejling.store.database import Store
from pejling.store.limits import Limits
from pejling.store.observation_import import import_observation_files, import_observations
from pejling.store.queries import import_log, observation_count

KEY = PseudonymKey(b"test-key-0123456789")
CPR = "010190-1234"
HEADER = "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage\n"
PERSONS = (
    "cpr;birth_date;sex;origin;country_of_origin;residence_basis;arrival_date;education_at_arrival\n"
    f"{CPR};01.01.1990;f;immigrant;SYR;refugee;15.06.2015;basic\n"
)


def row(mun: str = "265", period: str = "2015", num: str = "10", source: str = "Doc",
        unit: str = "percent", value: str = "", ind: str = "employment_rate_25_64") -> str:  # fmt: skip
    den = "20" if unit == "percent" else ""
    num = num if unit == "percent" else ""
    return f"{ind},{mun},{period},,{num},{den},{value},{unit},{source},2015\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "ws.duckdb") as s:
        yield s


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def rejected(store: Store, catalog: Catalog, path: Path) -> ImportRejected:
    before = observation_count(store)
    with pytest.raises(ImportRejected) as info:
        import_observations(store, path, catalog)
    assert observation_count(store) == before
    log = import_log(store, 1)[0]
    assert log.outcome == "rejected"
    assert log.file == path.name
    return info.value


def reg_rejected(store: Store, folder: Path, limits: Limits | None = None) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        import_register(store, [folder], KEY, limits=limits or Limits())
    row_ = store.con.execute("SELECT count(*) FROM persons").fetchone()
    assert row_ == (0,)
    return info.value


# --- finding 3: CPR numbers outside the cpr column ------------------------------------------


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("municipality", row(mun=CPR)),
        ("source", row(source=f"Notat om {CPR}")),
        ("numerator", row(num="0101901234")),
        ("period", row(period="101901234")),  # the leading zero a spreadsheet drops
    ],
)
def test_cpr_in_any_observation_field_is_rejected_unseen(
    store: Store, catalog: Catalog, tmp_path: Path, column: str, text: str
) -> None:
    exc = rejected(store, catalog, write(tmp_path / "o.csv", HEADER + text))
    message = exc.render()
    assert f"column '{column}'" in message
    assert "looks like a CPR number" in message
    for form in ("010190", "0101901234", "101901234"):
        assert form not in message
        assert form not in repr(import_log(store, 5))
    raw = store.path.read_bytes()
    assert b"010190" not in raw


def test_cpr_in_an_integer_register_column_is_rejected_unseen(store: Store, tmp_path: Path) -> None:
    education = (
        "cpr;track;start;end;modules_passed;final_test;test_date;result\n"
        f"{CPR};DU2;01.01.2016;;0101901234;;;\n"
    )
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS)
    write(folder / "danish_education.csv", education)
    exc = reg_rejected(store, folder)
    assert exc.total == 1
    assert "looks like a CPR number" in exc.render()
    assert "0101901234" not in exc.render()


def test_cpr_in_an_xlsx_number_cell_is_recognised(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.strip().split(","))
    ws.append(["employment_rate_25_64", 265, 2015, None, 101901234, 20, None, "percent", "D", "1"])
    wb.save(tmp_path / "o.xlsx")
    exc = rejected(store, catalog, tmp_path / "o.xlsx")
    assert "looks like a CPR number" in exc.render()
    assert "101901234" not in exc.render()


# --- finding 4: size limits -------------------------------------------------------------------


def _bomb(path: Path, megabytes: int = 40) -> Path:
    """A valid-looking XLSX whose sheet unpacks to `megabytes` of empty rows."""
    ok = tmp_workbook()
    with zipfile.ZipFile(ok) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                rows = b"<row/>" * (megabytes * 1024 * 1024 // 6)
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def tmp_workbook() -> Path:
    import tempfile

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.strip().split(","))
    path = Path(tempfile.mkdtemp()) / "ok.xlsx"
    wb.save(path)
    return path


def test_xlsx_bomb_is_refused_before_it_is_unpacked(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 500_000
    started = time.perf_counter()
    exc = rejected(store, catalog, bomb)
    assert time.perf_counter() - started < 5
    assert "zip bomb" in exc.render()
    folder = tmp_path / "reg"
    folder.mkdir()
    _bomb(folder / "persons.xlsx")
    exc = reg_rejected(store, folder)
    assert "zip bomb" in exc.render()


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (Limits(max_observation_bytes=100), r"too large \(on disk"),
        (Limits(max_rows=2), "more than 2 rows"),
        (Limits(max_columns=5), "more than 5 columns"),
        (Limits(max_line_bytes=50), "longer than"),
    ],
)
def test_observation_limits(
    store: Store, catalog: Catalog, tmp_path: Path, limits: Limits, expected: str
) -> None:
    path = write(tmp_path / "o.csv", HEADER + row() + row(period="2016") + row(period="2017"))
    with pytest.raises(ImportRejected, match=expected):
        import_observations(store, path, catalog, limits=limits)
    assert observation_count(store) == 0


def test_register_limits(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS)
    assert "more than 0 rows" in reg_rejected(store, folder, Limits(max_register_rows=0)).render()
    con = duckdb.connect()
    parquet = tmp_path / "pq" / "persons.parquet"
    parquet.parent.mkdir()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{folder / 'persons.csv'}', all_varchar=true)) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    message = reg_rejected(store, parquet.parent, Limits(max_register_rows=0)).render()
    assert "more than 0 rows" in message


# --- finding 5: tracebacks become messages -------------------------------------------------


def test_byte_undefined_in_windows_1252_is_named(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    data = (HEADER + row(source="D\x81c")).encode("latin-1")
    exc = rejected(store, catalog, write(tmp_path / "o.csv", data))
    assert "byte 0x81" in exc.render()
    assert "o.csv:2" in exc.render()
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS.replace("basic", "basic\x81").encode("latin-1"))
    assert "byte 0x81" in reg_rejected(store, folder).render()


def test_duplicate_register_header_csv_and_xlsx(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS.replace("sex;origin", "sex;sex"))
    assert "appears twice" in reg_rejected(store, folder).render()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    header, line = PERSONS.strip().split("\n")
    ws.append(header.replace("sex;origin", "origin;origin").split(";"))
    ws.append(line.split(";"))
    xlsx = tmp_path / "x" / "persons.xlsx"
    xlsx.parent.mkdir()
    wb.save(xlsx)
    assert "appears twice" in reg_rejected(store, xlsx.parent).render()


def test_integers_too_large_are_located_problems(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS)
    write(
        folder / "danish_education.csv",
        "cpr;track;start;end;modules_passed;final_test;test_date;result\n"
        f"{CPR};DU2;01.01.2016;;{'9' * 40};;;\n",
    )
    message = reg_rejected(store, folder).render()
    assert "danish_education.csv:2, column modules_passed" in message


def test_an_unexpected_failure_is_logged_without_data(
    store: Store, catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pejling.register.batch as batch

    def boom(*_a: object, **_k: object) -> object:
        raise KeyError(CPR)

    monkeypatch.setattr(batch, "write_observations", boom)
    path = write(tmp_path / "o.csv", HEADER + row())
    with pytest.raises(KeyError):
        import_files(store, [], [path], catalog, None)
    log = import_log(store, 1)[0]
    assert log.outcome == "rejected"
    assert log.message is not None
    assert "internal error (KeyError)" in log.message
    assert CPR not in log.message
    assert observation_count(store) == 0


# --- finding 6: one import command, one transaction ----------------------------------------


@pytest.mark.parametrize("order", ["good first", "bad first"])
def test_several_observation_files_are_all_or_nothing(
    store: Store, catalog: Catalog, tmp_path: Path, order: str
) -> None:
    good = write(tmp_path / "good.csv", HEADER + row())
    bad = write(tmp_path / "bad.csv", HEADER + row(mun="999"))
    files = [good, bad] if order == "good first" else [bad, good]
    with pytest.raises(ImportRejected) as info:
        import_observation_files(store, files, catalog)
    assert observation_count(store) == 0
    assert "bad.csv" in info.value.render()
    log = {r.file: r for r in import_log(store, 5)}
    assert log["good.csv"].outcome == "rejected"
    assert log["good.csv"].message == "rejected with the rest of the import"
    assert log["bad.csv"].outcome == "rejected"
    assert log["bad.csv"].problems == 1


def test_register_and_observation_files_are_all_or_nothing(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS)
    bad = write(tmp_path / "bad.csv", HEADER + row(period="2015Q9"))
    with pytest.raises(ImportRejected):
        import_files(store, [folder], [bad], catalog, KEY)
    assert store.con.execute("SELECT count(*) FROM persons").fetchone() == (0,)
    assert {r.file: r.outcome for r in import_log(store, 5)} == {
        "persons.csv": "rejected",
        "bad.csv": "rejected",
    }
    good = write(tmp_path / "good.csv", HEADER + row())
    result = import_files(store, [folder], [good], catalog, KEY)
    assert result.register is not None
    assert [r.outcome for r in result.observations] == ["imported"]
    assert store.con.execute("SELECT count(*) FROM persons").fetchone() == (1,)


# --- finding 7: bad data is no longer accepted ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (row(unit="count", value="-5", ind="refugees_received"), "negative value -5"),
        (row(mun="-0"), "'-0' is not a municipality code"),
        (row(mun="٢٦٥"), "is not a municipality code"),
        (row(num="1_0"), "'1_0' is not a number"),
        (row(num="١٠"), "is not a number"),
        (row(period="9999"), "is not a period from 1900 to 2100"),
        (row(period="٢٠١٥"), "is not a period"),
        (row(source="Do\x07c"), "control character"),
    ],
)
def test_bad_observation_values_are_refused(
    store: Store, catalog: Catalog, tmp_path: Path, text: str, expected: str
) -> None:
    exc = rejected(store, catalog, write(tmp_path / "o.csv", HEADER + text))
    assert expected in exc.render()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((HEADER + row(source="Dø")).encode() + row(source="Dø").encode("cp1252"),
         "mixes two encodings: line 2 is UTF-8, line 3 is not"),
        ((HEADER + row(source="D\x00c")).encode(), "NUL byte"),
    ],
)  # fmt: skip
def test_mixed_encodings_and_nul_bytes(
    store: Store, catalog: Catalog, tmp_path: Path, data: bytes, expected: str
) -> None:
    assert expected in rejected(store, catalog, write(tmp_path / "o.csv", data)).render()


def test_register_numbers_and_codes_take_ascii_digits_only(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS)
    write(
        folder / "danish_education.csv",
        f"cpr;track;start;end;modules_passed;final_test;test_date;result\n{CPR};DU2;01.01.2016;;6_6;;;\n",
    )
    write(folder / "residence_spells.csv", f"cpr,municipality,start,end\n{CPR},2_65,2015-06-15,\n")
    message = reg_rejected(store, folder).render()
    assert "'6_6' is not a number" in message
    assert "'2_65' is not a municipality code" in message


# --- finding 8: messages name the cause ----------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_are_named(
    store: Store, catalog: Catalog, tmp_path: Path, encoding: str
) -> None:
    data = (HEADER + row()).encode(encoding)
    exc = rejected(store, catalog, write(tmp_path / "o.csv", data))
    assert exc.total == 1
    assert f"the file is {encoding[:6].upper()}" in exc.render()
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS.encode(encoding))
    assert f"the file is {encoding[:6].upper()}" in reg_rejected(store, folder).render()


def test_a_second_byte_order_mark_is_ignored(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    path = write(tmp_path / "o.csv", "\ufeff\ufeff" + HEADER + row())
    assert import_observations(store, path, catalog).rows == 1


def test_a_long_line_is_named_with_its_number(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    path = write(tmp_path / "o.csv", HEADER + row() + row(source="x" * 3_000_000))
    message = rejected(store, catalog, path).render()
    assert "o.csv:3: the line is longer than 1,0 MB" in message
    folder = tmp_path / "reg"
    write(folder / "persons.csv", PERSONS + "x" * 3_000_000 + "\n")
    assert "persons.csv:3: the line is longer" in reg_rejected(store, folder).render()


def test_mixed_line_endings_name_the_lines(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    header, line = PERSONS.strip().split("\n")
    second = line.replace(CPR, "020285-1235").replace("01.01.1990", "02.02.1985")
    write(folder / "persons.csv", f"{header}\r\n{line}\r\n{second}\n")
    message = reg_rejected(store, folder).render()
    assert "persons.csv:3: mixed line endings" in message
    assert "first in line 1" in message


def test_observation_problems_read_in_danish(
    store: Store, catalog: Catalog, tmp_path: Path
) -> None:
    path = write(tmp_path / "o.csv", HEADER + row(mun="999") + row(period="9999") + row(num="x"))
    text = render_da(rejected(store, catalog, path))
    assert "afvist, 3 problem(er); intet er skrevet" in text
    assert "o.csv:2 kolonne 'municipality': '999' er ikke en kommunekode" in text
    assert "o.csv:3 kolonne 'period': '9999' er ikke en periode fra 1900 til 2100" in text
    assert "'x' er ikke et tal; forventet et tal som 66,7 eller 66.7" in text
