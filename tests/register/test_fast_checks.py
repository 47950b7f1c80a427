"""The fast detection of problems agrees with the located checks.

A clean file is read once into its typed table, whose `_bad` column marks every row that a cell
check or a row-level rule may object to; only a file with marked rows (or a repeated key, an
overlap, an unknown person) is read again to locate its problems. If `_bad` missed a row the
located checks would report, a bad file would be imported: these tests compare the two, row by
row, on edge values of every column of every table, in CSV and in Parquet (where dates are read
without their text).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pejling.errors import ImportRejected
from pejling.register.checks import (
    _cell_checks,
    _codes,
    _codes_may_look_like_cpr,
    _row_checks,
    _used,
    check_parameters,
    count_key_suspects,
    count_unknown_persons,
    create_typed,
)
from pejling.register.importer import import_register
from pejling.register.pseudonym import CPR_LIKE_SQL, PseudonymKey
from pejling.register.staging import open_source, stage
from pejling.register.synthetic import generate
from pejling.register.tables import TABLES, Column, ColumnType, Table
from pejling.store.database import Store

KEY = PseudonymKey(b"test-key-0123456789")

DATES = [
    "", "01.01.1990", "1.1.1990", "31.02.2020", "2020-01-01", " 2020-01-01 ",
    "2020-01-01 00:00:00", "2020-01-01T00:00:00.000", "2020-01-01 00:00:00.0000000000",
    "2020-01-01 13:00:00", "0101901234", "010190-1234", "1990", "abc", "99-99-9999",
    "2020-13-01", "01-02-2003", "10000-01-01", "1.1.19900",
]  # fmt: skip
NUMBERS = [
    "", "0", "37,5", "37.5", "1.234,5", "1e3", "nan", "inf", "-inf", "-1", "81", "61", "7",
    "0000000037.5", "0101901234", "6_6", "12345678901", "2147483648", "3.5", "+5", "2000",
    "1989", "2101", " 12 ", "1,5e1",
]  # fmt: skip
MUNICIPALITIES = ["", "101", "0101", "411", "12345", "0101901234", "abc", "-101", "1e2"]
PERSON_IDS = ["", "p00001", "ab", "0101901234", "010190-1234", "p 1", "x" * 65, "p-01_ab"]
CPRS = ["", "321390-1234", "0101901234", "010190 1234", "01019012345", "abc"]


def edge_values(col: Column, had_cpr: bool) -> list[str]:
    """Values that each cell check accepts or rejects, and values near the boundaries."""
    if col.type is ColumnType.PERSON:
        return CPRS if had_cpr else PERSON_IDS
    if col.type is ColumnType.DATE:
        return DATES
    if col.type in (ColumnType.INT, ColumnType.FLOAT):
        return NUMBERS
    if col.type is ColumnType.MUNICIPALITY:
        return MUNICIPALITIES
    return ["", "xx", "0101901234", *_codes(col)[:3], " " + _codes(col)[0]]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid register in CSV: its first rows are the base the edge values go into."""
    folder = tmp_path_factory.mktemp("synth")
    generate(40, 7, folder, fmt="csv", as_of=date(2024, 12, 31))
    return folder


def base_rows(synthetic: Path, table: Table) -> tuple[list[str], list[list[str]]]:
    with (synthetic / f"{table.name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=","))
    return rows[0], rows[1:]


def edge_file(synthetic: Path, table: Table, folder: Path, had_cpr: bool) -> Path:
    """One row per (column, edge value), each a valid row with that one cell replaced."""
    header, rows = base_rows(synthetic, table)
    if not had_cpr:
        header = ["person_id" if h == "cpr" else h for h in header]
    base = rows[0]
    if not had_cpr:
        base = ["p00001" if h == "person_id" else v for h, v in zip(header, base, strict=True)]
    out = [header, base]
    for col in table.columns:
        name = "person_id" if col.type is ColumnType.PERSON else col.name
        if name not in header and not (had_cpr and col.type is ColumnType.PERSON):
            continue
        i = header.index("cpr" if had_cpr and col.type is ColumnType.PERSON else name)
        for value in edge_values(col, had_cpr):
            row = list(base)
            row[i] = value
            out.append(row)
    # row-level rules: every date column moved before and after every other one
    dates = [i for i, h in enumerate(header) if h in {c.name for c in table.columns
                                                      if c.type is ColumnType.DATE}]  # fmt: skip
    for i in dates:
        for j in dates:
            if i != j:
                row = list(base)
                row[i], row[j] = "2030-01-01", "2000-01-01"
                out.append(row)
    if table.name == "persons":
        origin, country = header.index("origin"), header.index("country_of_origin")
        arrival = header.index("arrival_date")
        for o in ("immigrant", "descendant", "danish_origin"):
            for c in ("DNK", "SYR", ""):
                for a in ("", "2015-06-15"):
                    row = list(base)
                    row[origin], row[country], row[arrival] = o, c, a
                    out.append(row)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=",").writerows(out)
    return path


ROW_KINDS = {"duplicate_key", "overlap", "unknown_person"}


def located_rows(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> tuple[set[int], set[int]]:  # fmt: skip
    """(rows marked `_bad`, rows the located cell checks and row-level rules report)."""
    source = open_source(con, path, table, KEY, path.name)
    create_typed(con, source)
    marked = {int(r[0]) for r in con.execute(f"SELECT _row FROM typed_{table.name} WHERE _bad").fetchall()}  # fmt: skip
    staged = stage(con, source)
    checks = [*_cell_checks(staged), *_row_checks(table, f"typed_{table.name}", None)]
    sql = " UNION ALL ".join(checks)
    found = con.execute(sql, _used(sql, check_parameters(table))).fetchall()
    located = {int(r[0]) for r in found if r[2] not in ROW_KINDS}
    return marked, located


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
@pytest.mark.parametrize("had_cpr", [True, False], ids=["cpr", "person_id"])
def test_marked_rows_are_the_located_rows(
    synthetic: Path, tmp_path: Path, table: Table, had_cpr: bool
) -> None:
    path = edge_file(synthetic, table, tmp_path / "csv", had_cpr)
    con = duckdb.connect()
    marked, located = located_rows(con, path, table)
    assert located, "the edge values must find problems"
    assert located <= marked, f"problems the fast check missed, rows {sorted(located - marked)}"
    assert marked == located, f"needless re-reads, rows {sorted(marked - located)}"


WITH_DATES = [t for t in TABLES if any(c.type is ColumnType.DATE for c in t.columns)]


@pytest.mark.parametrize("table", WITH_DATES, ids=lambda t: t.name)
def test_parquet_dates_read_without_text_agree(synthetic: Path, tmp_path: Path, table: Table) -> None:  # fmt: skip
    """A Parquet file with DATE columns, including dates whose text is not yyyy-mm-dd."""
    csv_path = edge_file(synthetic, table, tmp_path / "csv", True)
    con = duckdb.connect()
    dates = [c.name for c in table.columns if c.type is ColumnType.DATE]
    casts = ", ".join(
        f"CASE WHEN regexp_full_match(\"{d}\", '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN TRY_CAST(\"{d}\" AS DATE) WHEN \"{d}\" = '1990' THEN DATE '12000-01-01' "
        f"WHEN \"{d}\" = 'abc' THEN DATE '0044-03-15 (BC)' END AS \"{d}\""
        for d in dates
    )
    out = tmp_path / "pq" / f"{table.name}.parquet"
    out.parent.mkdir()
    con.execute(
        f"COPY (SELECT * REPLACE ({casts}) FROM read_csv('{csv_path}', all_varchar=true, "
        f"delim=',', header=true)) TO '{out}' (FORMAT parquet)"
    )
    source = open_source(con, out, table, KEY, out.name)
    assert source.native_dates == frozenset(dates)
    marked, located = located_rows(con, out, table)
    assert located <= marked
    assert marked == located


def test_no_code_looks_like_a_cpr_number() -> None:
    """The fast check trusts a listed code not to be CPR-like (else it runs the pattern too)."""
    for table in TABLES:
        for col in table.columns:
            if col.type is ColumnType.CODE:
                assert not _codes_may_look_like_cpr(col), col.name
    assert CPR_LIKE_SQL


def test_key_and_overlap_suspects(synthetic: Path, tmp_path: Path) -> None:
    """A repeated key or an overlap is detected in every table; a clean table has none."""
    con = duckdb.connect()
    for table in TABLES:
        header, rows = base_rows(synthetic, table)
        path = tmp_path / table.name / f"{table.name}.csv"
        path.parent.mkdir()
        path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
        create_typed(con, open_source(con, path, table, KEY, path.name))
        assert count_key_suspects(con, table) == 0, table.name
        path.write_text(
            "\n".join(",".join(r) for r in [header, *rows, rows[0]]) + "\n", encoding="utf-8"
        )
        create_typed(con, open_source(con, path, table, KEY, path.name))
        assert count_key_suspects(con, table) > 0, table.name


def test_unknown_persons_in_one_pass(synthetic: Path, tmp_path: Path) -> None:
    con = duckdb.connect()
    read = []
    for table in TABLES:
        header, rows = base_rows(synthetic, table)
        if table.name == "residence_spells":
            rows = [*rows, ["0303030303", *rows[0][1:]]]
        path = tmp_path / f"{table.name}.csv"
        path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
        create_typed(con, open_source(con, path, table, KEY, path.name))
        read.append(table)
    assert count_unknown_persons(con, read[1:], "typed_persons") == {"residence_spells": 1}


def test_a_rejected_parquet_date_is_located(tmp_path: Path) -> None:
    """A Parquet DATE beyond year 9999 is reported with its file, row, column and value."""
    folder = tmp_path / "reg"
    generate(30, 3, folder, fmt="parquet", as_of=date(2024, 12, 31))
    con = duckdb.connect()
    path = folder / "residence_spells.parquet"
    con.execute(
        f"COPY (SELECT * EXCLUDE (file_row_number) REPLACE (CASE WHEN file_row_number = 4 THEN DATE '12000-01-01' "
        f'ELSE "end" END AS "end") FROM read_parquet(\'{path}\', file_row_number=true)) '
        f"TO '{tmp_path / 'r.parquet'}' (FORMAT parquet)"
    )
    (tmp_path / "r.parquet").replace(path)
    with Store.open(tmp_path / "ws.duckdb") as store, pytest.raises(ImportRejected) as info:
        import_register(store, [folder], KEY)
    text = info.value.render()
    assert "residence_spells.parquet row 5, column end: '12000-01-01' is not a date" in text


def test_memory_is_bounded_during_an_import_and_restored(tmp_path: Path) -> None:
    """An import lowers DuckDB's memory limit (big typed tables spill) and restores it."""
    from pejling.register import importer

    seen: list[str] = []
    real = importer.prepare_register

    def spy(
        store: Store, paths: Sequence[Path], key: PseudonymKey, **kwargs: Any
    ) -> importer.PreparedRegister:
        row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
        seen.append(str(row[0]) if row else "")
        return real(store, paths, key, **kwargs)

    folder = tmp_path / "reg"
    generate(20, 5, folder, fmt="parquet", as_of=date(2024, 12, 31))
    with Store.open(tmp_path / "ws.duckdb") as store:
        before = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(importer, "prepare_register", spy)
            importer.import_register(store, [folder], KEY)
        after = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert (
        seen == ["3.0 GiB"]
        or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") < 4 * 1024**3
    )
    assert after == before
    with Store.open(tmp_path / "ws.duckdb") as store:
        store.con.execute("SET memory_limit = '1GiB'")  # a lower limit is kept, and restored
        with importer.bounded_memory(store):
            row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
            assert row is not None
            assert row[0] in {"1.0 GiB", "1024.0 MiB"}
        row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert row is not None
        assert row[0] in {"1.0 GiB", "1024.0 MiB"}
