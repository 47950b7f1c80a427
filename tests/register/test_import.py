"""Person-level imports: good files in every format, each kind of bad file, no raw CPR anywhere."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pejling.errors import ImportRejected
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey, looks_like_cpr, mask
from pejling.store.database import Store

KEY = PseudonymKey(b"test-key-0123456789")
CPR_A = "010190-1234"
CPR_B = "0202851235"
PERSONS = (
    "cpr;birth_date;sex;origin;country_of_origin;residence_basis;arrival_date;education_at_arrival\n"
    f"{CPR_A};01.01.1990;f;immigrant;SYR;refugee;15.06.2015;basic\n"
    f"{CPR_B};1985-02-02;m;danish_origin;DNK;;;\n"
)
RESIDENCE = (
    "cpr,municipality,start,end\n"
    f"{CPR_A},265,2015-06-15,2018-03-31\n"
    f"{CPR_A},326,2018-04-01,\n"
    f"{CPR_B},265,1985-02-02,\n"
)
EMPLOYMENT = f"cpr;start;end;weekly_hours;kind\n{CPR_A};01.02.2017;;37,5;ordinary\n"


def weighted(weight_a: str, weight_b: str) -> str:
    """PERSONS with the optional provenance and weight columns (B sampled of Danish origin)."""
    header, a, b = PERSONS.strip().split("\n")
    return f"{header};provenance;weight\n{a};synthetic;{weight_a}\n{b};synthetic;{weight_b}\n"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "ws.duckdb") as s:
        yield s


def good(tmp_path: Path) -> Path:
    return write(
        tmp_path / "good",
        {
            "persons.csv": PERSONS,
            "residence_spells.csv": RESIDENCE,
            "employment_spells.csv": EMPLOYMENT,
        },
    )


def count(store: Store, table: str) -> int:
    row = store.con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def test_good_batch_is_imported_and_pseudonymised(store: Store, tmp_path: Path) -> None:
    result = import_register(store, [good(tmp_path)], KEY)
    assert [(r.table, r.rows, r.outcome) for r in result.tables] == [
        ("persons", 2, "imported"),
        ("residence_spells", 3, "imported"),
        ("employment_spells", 1, "imported"),
    ]
    ids = {r[0] for r in store.con.execute("SELECT person_id FROM persons").fetchall()}
    assert ids == {KEY.person_id(CPR_A), KEY.person_id(CPR_B)}
    row = store.con.execute(
        "SELECT weekly_hours, start, western, menapt FROM employment_spells JOIN persons "
        "USING (person_id)"
    ).fetchone()
    assert row is not None
    assert row[0] == 37.5  # decimal comma
    assert str(row[1]) == "2017-02-01"  # Danish date
    assert row[2] is False
    assert row[3] is True


def test_reimport_is_unchanged_and_other_key_is_not(store: Store, tmp_path: Path) -> None:
    folder = good(tmp_path)
    import_register(store, [folder], KEY)
    again = import_register(store, [folder], KEY)
    assert {r.outcome for r in again.tables} == {"unchanged"}
    assert "uændret" in again.summary()
    other = import_register(store, [folder], PseudonymKey(b"another-key-0123456789"))
    assert {r.outcome for r in other.tables} == {"imported"}


def test_weights_are_optional_and_read_as_numbers(store: Store, tmp_path: Path) -> None:
    # with the weight column: B stands for 12.5 persons (decimal comma), A's empty weight is 1
    folder = write(tmp_path / "weighted", {"persons.csv": weighted("", "12,5"),
                                           "residence_spells.csv": RESIDENCE})  # fmt: skip
    import_register(store, [folder], KEY)
    rows = store.con.execute(
        "SELECT origin, provenance, weight FROM persons ORDER BY origin"
    ).fetchall()
    assert rows == [("danish_origin", "synthetic", 12.5), ("immigrant", "synthetic", None)]
    # without the columns (a real register): empty provenance and weight
    import_register(store, [good(tmp_path)], KEY)
    rows = store.con.execute("SELECT provenance, weight FROM persons").fetchall()
    assert rows == [(None, None), (None, None)]


def test_sql_hmac_matches_python_hmac() -> None:
    expected = hmac.new(KEY.secret, b"0101901234", hashlib.sha256).hexdigest()[:20]
    assert KEY.person_id("010190-1234") == expected


def test_parquet_and_xlsx(store: Store, tmp_path: Path) -> None:
    folder = good(tmp_path)
    con = duckdb.connect()
    out = tmp_path / "mixed"
    out.mkdir()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{folder / 'residence_spells.csv'}', all_varchar=true)) "
        f"TO '{out / 'residence_spells.parquet'}' (FORMAT parquet)"
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in PERSONS.strip().split("\n"):
        ws.append(line.split(";"))
    wb.save(out / "persons.xlsx")
    result = import_register(store, [out], KEY)
    assert {r.table: r.rows for r in result.tables} == {"persons": 2, "residence_spells": 3}


def rejected(store: Store, folder: Path) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        import_register(store, [folder], KEY)
    for table in ("persons", "residence_spells", "employment_spells"):
        assert count(store, table) == 0, "nothing may be half-imported"
    outcomes = {r[0] for r in store.con.execute("SELECT outcome FROM imports").fetchall()}
    assert outcomes == {"rejected"}
    return info.value


BAD_CASES: dict[str, tuple[dict[str, str | bytes], str, str]] = {
    "wrong_encoding": (
        {"persons.csv": PERSONS.encode("utf-16")},
        "persons.csv",
        "UTF-16",
    ),
    "wrong_delimiter": (
        {"persons.csv": PERSONS.replace(";", ":")},
        "persons.csv",
        "missing column(s)",
    ),
    "missing_column": (
        {"persons.csv": PERSONS.replace(";education_at_arrival", "").replace(";basic", "")},
        "persons.csv",
        "missing column(s): education_at_arrival",
    ),
    "unknown_code": (
        {"persons.csv": PERSONS.replace(";refugee;", ";flygtning;")},
        "persons.csv:2, column residence_basis",
        "unknown code 'flygtning'",
    ),
    "end_before_start": (
        {
            "persons.csv": PERSONS,
            "residence_spells.csv": RESIDENCE.replace("2018-03-31", "2014-01-01"),
        },
        "residence_spells.csv:2, column end",
        "end 01.01.2014 is before start 15.06.2015",
    ),
    "overlap": (
        {
            "persons.csv": PERSONS,
            "residence_spells.csv": RESIDENCE.replace("2018-04-01", "2018-03-01"),
        },
        "residence_spells.csv:3, column start",
        "overlaps the spell in line 2",
    ),
    "duplicate_id": (
        {"persons.csv": PERSONS + PERSONS.split("\n")[1] + "\n"},
        "persons.csv:4, column cpr",
        "the same person_id as line 2",
    ),
    "cpr_in_other_column": (
        {"persons.csv": PERSONS.replace("15.06.2015", "1506150000")},
        "persons.csv:2, column arrival_date",
        "looks like a CPR number (not shown)",
    ),
    "invalid_cpr": (
        {"persons.csv": PERSONS.replace(CPR_A, "321390-1234")},
        "persons.csv:2, column cpr",
        "not a valid CPR number (the value is not shown)",
    ),
    "dangling_reference": (
        {
            "persons.csv": PERSONS,
            "residence_spells.csv": RESIDENCE + "0303030303,101,2020-01-01,\n",
        },
        "residence_spells.csv:5, column cpr",
        "refers to a person who is not in persons",
    ),
    "unknown_municipality": (
        {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE.replace(",326,", ",411,")},
        "residence_spells.csv:3, column municipality",
        "'411' is not a municipality code",
    ),
    "ragged_row": (
        {"persons.csv": PERSONS + "1;2;3\n"},
        "persons.csv",
        "cannot be read as a table",
    ),
    "weight_below_one": (
        {"persons.csv": weighted("", "0,5")},
        "persons.csv:3, column weight",
        "'0,5' is out of range",
    ),
    "weight_not_a_number": (
        {"persons.csv": weighted("", "halvtreds")},
        "persons.csv:3, column weight",
        "'halvtreds' is not a number",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_rejected_whole(store: Store, tmp_path: Path, case: str) -> None:
    files, where, message = BAD_CASES[case]
    # a good employment file rides along: it must not be imported either
    folder = write(tmp_path / case, {"employment_spells.csv": EMPLOYMENT, **files})
    if "persons.csv" in files and "residence_spells.csv" not in files:
        write(folder, {"residence_spells.csv": RESIDENCE})
    error = rejected(store, folder)
    text = error.render()
    assert where in text, text
    assert message in text, text
    assert "nothing was written" in text
    for raw in (CPR_A, CPR_A.replace("-", ""), CPR_B, "3213901234", "1506150000", "0303030303"):
        assert raw not in text


def test_cp1252_file_is_read(store: Store, tmp_path: Path) -> None:
    bad = PERSONS.replace(";refugee;", ";flygtning-ø;").encode("cp1252")
    error = rejected(store, write(tmp_path / "w", {"persons.csv": bad}))
    assert "'flygtning-ø'" in error.render()


def test_counts_per_kind_and_first_n(store: Store, tmp_path: Path) -> None:
    lines = [PERSONS.split("\n")[0].replace("cpr", "person_id")]
    for i in range(120):
        lines.append(f"p{i:06d};01.01.1990;x;immigrant;SYR;refugee;15.06.2015;basic")
    error = rejected(store, write(tmp_path / "many", {"persons.csv": "\n".join(lines) + "\n"}))
    assert error.total == 120
    assert len(error.problems) == 51  # the first 50 and the count per kind
    assert "unknown_code: 120" in error.problems[-1].message


def test_no_raw_cpr_in_database_file_or_log(tmp_path: Path) -> None:
    db = tmp_path / "ws.duckdb"
    with Store.open(db) as store:
        import_register(store, [good(tmp_path)], KEY)
        bad = write(tmp_path / "bad", {"persons.csv": PERSONS.replace("15.06.2015", CPR_B)})
        with pytest.raises(ImportRejected):
            import_register(store, [bad], KEY)
        log = store.con.execute("SELECT * FROM imports").fetchall()
    raw = db.read_bytes()
    for cpr in (CPR_A, CPR_A.replace("-", ""), CPR_B):
        assert cpr.encode() not in raw
        assert cpr not in repr(log)
    wal = db.with_suffix(".duckdb.wal")
    assert not wal.exists() or CPR_B.encode() not in wal.read_bytes()


def test_mask_and_looks_like_cpr() -> None:
    assert looks_like_cpr("0101901234")
    assert looks_like_cpr("x 010190-1234 y")
    assert not looks_like_cpr("4823567")
    assert not looks_like_cpr("9999991234")
    assert "0101901234" not in mask("value 0101901234")


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_every_bad_case_reads_in_danish(store: Store, tmp_path: Path, case: str) -> None:
    from pejling.register.messages_da import render_da

    files, _where, _message = BAD_CASES[case]
    folder = write(tmp_path / case, {"employment_spells.csv": EMPLOYMENT, **files})
    if "persons.csv" in files and "residence_spells.csv" not in files:
        write(folder, {"residence_spells.csv": RESIDENCE})
    text = render_da(rejected(store, folder))
    assert "afvist" in text
    assert "intet er skrevet" in text
    for english in ("expected", "column ", " is not ", "rejected", "missing ", "unknown "):
        assert english not in text, text
