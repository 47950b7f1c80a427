"""Issue 9: a fuzz test of the CSV/XLSX observation and register readers.

Whatever the bytes, an import ends in a clean import or a clean rejection (`ImportRejected`) —
never another exception — a rejection changes nothing but the import log, and no message shows
a CPR number. Deterministic (`derandomize`) and bounded, so `make check` stays fast.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pejling.errors import ImportRejected
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import Catalog, load_catalog
from pejling.store.database import Store
from pejling.store.observation_import import import_observations

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KEY = PseudonymKey(b"fuzz-key-0123456789")
CPR = "010190-1234"
COLUMNS = ["indicator", "municipality", "period", "group", "numerator", "denominator", "value",
           "unit", "source", "vintage", "provenance", "publisher"]  # fmt: skip
GOOD = ["employment_rate_25_64", "265", "2015", "sex=f", "10", "20", "", "percent", "Doc", "2015",
        "", ""]  # fmt: skip
ODD = st.sampled_from(
    ["", "0", "000", "-0", "265", "٢٦٥", "6_6", "1e400", "nan", "-5", "9999", "2015Q9", CPR,
     "0101901234", "101901234", "[link=http://x]y[/link]", "=1+1", "\x00", "ø", "Ã¸", "\ufeff",
     "a;b", 'a"b', "\r", "\n", "x" * 300, "origin=martian", "sex=f", "percent", "count",
     "register", "synthetic", "1.234,5", "66,7"]
)  # fmt: skip
CELL = st.one_of(ODD, st.text(max_size=12))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "f.duckdb") as s:
        yield s


def writable(value: object) -> object:
    """A value openpyxl can write (no control characters, no formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return None if value.startswith("=") else value
    return value


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything but the import log."""
    out: list[object] = []
    for table in ("observations", "persons", "residence_spells", "register_tables"):
        out.append(store.con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone())
    return tuple(out)


def attempt(store: Store, run: object) -> None:
    before = snapshot(store)
    try:
        run()  # type: ignore[operator]
    except ImportRejected as exc:
        assert snapshot(store) == before
        text = exc.render()
        assert "010190" not in text
        assert "0101901234" not in text


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from([*COLUMNS, "Indicator", "x", ""]), min_size=1,
                           max_size=14) | st.just(COLUMNS))  # fmt: skip
    rows = draw(
        st.lists(
            st.lists(st.one_of(st.sampled_from(GOOD), CELL), min_size=0, max_size=14),
            max_size=6,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [delimiter.join(header), *(delimiter.join(r) for r in rows)]
    text = ending.join(lines) + ending
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    noise = draw(st.binary(max_size=8))
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at] + noise + data[at:] if draw(st.booleans()) else data


@settings(FUZZ, max_examples=300)
@given(data=csv_files())
def test_observation_csv(store: Store, catalog: Catalog, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "o.csv"
        path.write_bytes(data)
        attempt(store, lambda: import_observations(store, path, catalog))


XLSX_CELL = st.one_of(
    CELL,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.dates(),
)


@settings(FUZZ, max_examples=60)
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "x"]), min_size=1, max_size=13) | st.just(COLUMNS),
    rows=st.lists(st.lists(XLSX_CELL, max_size=13), max_size=4),
)
def test_observation_xlsx(
    store: Store, catalog: Catalog, header: list[str], rows: list[list[object]]
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([writable(h) for h in header])
    for row in rows:
        ws.append([writable(v) for v in row])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "o.xlsx"
        wb.save(path)
        attempt(store, lambda: import_observations(store, path, catalog))


PERSONS = [
    ["cpr", "birth_date", "sex", "origin", "country_of_origin", "residence_basis", "arrival_date",
     "education_at_arrival"],
    [CPR, "01.01.1990", "f", "immigrant", "SYR", "refugee", "15.06.2015", "basic"],
    ["020285-1235", "1985-02-02", "m", "danish_origin", "DNK", "", "", ""],
]  # fmt: skip
RESIDENCE = [["cpr", "municipality", "start", "end"], [CPR, "265", "2015-06-15", ""]]


@st.composite
def mutated(draw: st.DrawFn, table: list[list[str]]) -> list[list[str]]:
    out = [list(r) for r in table]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        r = draw(st.integers(min_value=0, max_value=len(out) - 1))
        if not out[r]:
            continue
        c = draw(st.integers(min_value=0, max_value=len(out[r]) - 1))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            out[r][c] = draw(CELL)
        elif action == "drop":
            del out[r][c]
        else:
            out[r].insert(c, draw(CELL))
    return out


@settings(FUZZ, max_examples=150)
@given(
    persons=mutated(PERSONS),
    residence=mutated(RESIDENCE),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
def test_register_csv(
    store: Store, persons: list[list[str]], residence: list[list[str]], delimiter: str,
    encoding: str,
) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, table in (("persons.csv", persons), ("residence_spells.csv", residence)):
            text = "\n".join(delimiter.join(r) for r in table) + "\n"
            (root / name).write_bytes(text.encode(encoding, errors="replace"))
        attempt(store, lambda: import_register(store, [root], KEY))


@settings(FUZZ, max_examples=40)
@given(persons=mutated(PERSONS), extra=st.lists(XLSX_CELL, max_size=8))
def test_register_xlsx(store: Store, persons: list[list[str]], extra: list[object]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in persons:
        ws.append([writable(v) for v in row])
    ws.append([writable(v) for v in extra])
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "persons.xlsx").parent.mkdir(exist_ok=True)
        wb.save(Path(folder) / "persons.xlsx")
        attempt(store, lambda: import_register(store, [Path(folder)], KEY))
