"""The StatBank client on recorded responses: table info, JSON-stat, CSV, BULK, errors, markers,
retries and the cache (tests/sources/fixtures/README.md says where the shapes come from)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pejling.sources.cache import ResponseCache
from pejling.sources.http import (
    HttpResponse,
    RetryPolicy,
    SourceOffline,
    SourceRequestError,
)
from pejling.sources.selection import expand, resolve_selection
from pejling.sources.statbank import StatBankClient
from pejling.sources.statbank_formats import parse_csv_data, parse_tableinfo
from pejling.sources.table import TableInfo, Variable, read_number
from tests.sources.fakes import FIXTURES, NoNetwork, RecordedStatBank, Scripted, Sleeps, error_body

STATBANK = FIXTURES / "statbank"
RAS200 = {
    "OMRÅDE": ["*"], "HERKOMST": ["10", "25", "35"], "ALDER": ["16-64"], "KØN": ["TOT"],
    "BEREGNING": ["BFK"], "Tid": ["*"],
}  # fmt: skip


def client(tmp_path: Path, transport: object) -> StatBankClient:
    return StatBankClient(
        ResponseCache(tmp_path / "cache"), transport=transport,  # type: ignore[arg-type]
        policy=RetryPolicy(attempts=3), sleep=Sleeps(),
    )  # fmt: skip


def test_table_info_in_danish_and_english(tmp_path: Path) -> None:
    c = client(tmp_path, RecordedStatBank())
    da = c.tableinfo("folk1e").value
    en = c.tableinfo("FOLK1E", "en").value
    assert (da.id, da.text, da.unit, da.updated_date) == (
        "FOLK1E", "Befolkningen den 1. i kvartalet", "Antal", "2025-08-11",
    )  # fmt: skip
    assert [v.id for v in da.variables] == ["OMRÅDE", "KØN", "ALDER", "HERKOMST", "Tid"]
    time = en.time_variable()
    assert time is not None
    assert time.id == "Tid"
    assert time.find("2025Q3") == "2025K3"  # English label, Danish code
    area = en.variable("region")
    assert area is not None
    assert area.find("All Denmark") == "000"
    assert da.suppressed_value == "0"


def test_json_stat_data_keeps_markers_and_never_reads_them_as_zero(tmp_path: Path) -> None:
    c = client(tmp_path, RecordedStatBank())
    info = c.tableinfo("RAS200").value
    got = c.data(info, resolve_selection(info, RAS200, fill=False))
    table = got.value
    assert not got.from_cache
    assert [d.id for d in table.dimensions] == [
        "OMRÅDE",
        "HERKOMST",
        "ALDER",
        "KØN",
        "BEREGNING",
        "Tid",
    ]  # fmt: skip  (the one-value ContentsCode dimension is dropped)
    cells = {c.key: c for c in table.cells}
    laeso = cells[("825", "35", "16-64", "TOT", "BFK", "2023")]
    assert laeso.value is None
    assert laeso.marker == ".."
    assert table.marker_counts() == {"..": 10}
    roskilde = cells[("265", "10", "16-64", "TOT", "BFK", "2023")]
    assert roskilde.value is not None
    assert 75 < roskilde.value < 90
    assert table.updated is not None
    assert table.updated.startswith("2024-10-28")


def test_csv_with_bom_english_labels_and_markers() -> None:
    info = parse_tableinfo((STATBANK / "tableinfo_RAS200_en.json").read_bytes(), "en")
    data = (STATBANK / "data_RAS200_csv_en.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    table = parse_csv_data(data, "RAS200", [info], "en")
    assert [d.id for d in table.dimensions][-1] == "Tid"  # header TID is the variable Tid
    cells = {c.key: c for c in table.cells}
    assert cells[("000", "10", "16-64", "TOT", "BFK", "2022")].value == 81.5
    assert cells[("825", "35", "16-64", "TOT", "BFK", "2022")].marker == ".."
    assert all(c.value != 0 for c in table.cells)


def test_bulk_in_danish_with_decimal_comma() -> None:
    info = parse_tableinfo((STATBANK / "tableinfo_AUP02_da.json").read_bytes())
    data = (STATBANK / "data_AUP02_bulk_da.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    table = parse_csv_data(data, "AUP02", [info], "da")
    cells = {c.key: c.value for c in table.cells}
    assert cells[("000", "TOT", "TOT", "2024M02")] == 2.9
    assert cells[("01", "TOT", "TOT", "2024M01")] is not None  # a landsdel, by its label


@pytest.mark.parametrize(
    ("text", "decimal", "value", "marker"),
    [
        ("37,7", ",", 37.7, None),
        ("37.7", ".", 37.7, None),
        ("5.932.654", ",", 5932654.0, None),
        ("5,932,654", ".", 5932654.0, None),
        ("..", ",", None, ".."),
        ("...", ".", None, "..."),
        ("-", ",", None, "-"),
        ("", ",", None, ""),
        ("x", ",", None, "x"),
    ],
)
def test_numbers_and_markers(text: str, decimal: str, value: float | None, marker: str) -> None:
    assert read_number(text, decimal) == (value, marker)


def test_unknown_table_variable_and_value_are_clear_errors(tmp_path: Path) -> None:
    c = client(tmp_path, RecordedStatBank())
    with pytest.raises(SourceRequestError) as err:
        c.tableinfo("FOLK1X")
    assert "kender ikke tabellen 'FOLK1X'" in err.value.da
    assert 'Tabellen "FOLK1X" blev ikke fundet (TABLE-NOTFOUND)' in err.value.da
    info = c.tableinfo("FOLK1E").value
    with pytest.raises(SourceRequestError) as err:
        resolve_selection(info, {"HERKOMS": ["25"]})
    assert "did you mean 'HERKOMST'?" in err.value.en
    assert "mente du 'HERKOMST'?" in err.value.da
    with pytest.raises(SourceRequestError) as err:
        resolve_selection(info, {"OMRÅDE": ["2655"]})
    assert "variable OMRÅDE has no value '2655'" in err.value.en


def test_the_apis_own_error_is_passed_on(tmp_path: Path) -> None:
    info = parse_tableinfo((STATBANK / "tableinfo_FOLK1A_da.json").read_bytes())
    message = (
        "Forespørgslen på op mod 4.800.600 celler er over begrænsningen på 1.000.000 celler for "
        "denne filtype. Anvend BULK eller andet streaming format i stedet."
    )
    c = client(tmp_path, Scripted([HttpResponse(400, error_body("REQUEST-LIMIT", message))]))
    with pytest.raises(SourceRequestError) as err:
        c.data(info, {"OMRÅDE": ["000"], "KØN": ["TOT"], "ALDER": ["IALT"],
                      "CIVILSTAND": ["TOT"], "Tid": ["2025K3"]})  # fmt: skip
    assert "REQUEST-LIMIT" in err.value.da
    assert "1.000.000 celler" in err.value.da


def test_large_selections_are_streamed_as_bulk(tmp_path: Path) -> None:
    big = TableInfo(
        "BIG", "big", "Antal", "2025-01-01T08:00:00",
        (
            Variable("A", "a", tuple((str(i), f"a{i}") for i in range(1200))),
            Variable("Tid", "tid", tuple((str(y), str(y)) for y in range(1000, 1900)), True),
        ),
    )  # fmt: skip
    bulk = b"A;TID;INDHOLD\na0;1000;1,5\na1;1000;..\n"
    transport = Scripted([HttpResponse(200, bulk)])
    got = client(tmp_path, transport).data(big, {"A": ["*"], "Tid": ["*"]} | {
        "A": [str(i) for i in range(1200)], "Tid": [str(y) for y in range(1000, 1900)]})  # fmt: skip
    body = json.loads(transport.requests[0].body or b"")
    assert body["format"] == "BULK"
    assert [(c.key, c.value, c.marker) for c in got.value.cells] == [
        (("0", "1000"), 1.5, None), (("1", "1000"), None, ".."),
    ]  # fmt: skip


def test_retries_then_succeeds(tmp_path: Path) -> None:
    recorded = (STATBANK / "tableinfo_FOLK1A_da.json").read_bytes()
    sleeps = Sleeps()
    c = StatBankClient(
        ResponseCache(tmp_path), transport=Scripted([HttpResponse(503), HttpResponse(200, recorded)]),
        policy=RetryPolicy(attempts=3, backoff=2.0), sleep=sleeps,
    )  # fmt: skip
    assert c.tableinfo("FOLK1A").value.id == "FOLK1A"
    assert sleeps.waits == [2.0]


def test_cache_by_update_time_and_offline(tmp_path: Path) -> None:
    recorded = RecordedStatBank()
    c = client(tmp_path, recorded)
    info = c.tableinfo("RAS200").value
    selection = resolve_selection(info, RAS200, fill=False)
    first = c.data(info, selection)
    asked = len(recorded.requests)
    again = c.data(info, selection)  # the table has not been updated: no download
    assert len(recorded.requests) == asked
    assert (again.from_cache, again.reason) == (True, "unchanged")
    assert again.value.cells == first.value.cells
    newer = TableInfo(info.id, info.text, info.unit, "2025-10-28T08:00:00", info.variables)
    c.data(newer, selection)  # a new release: downloaded again
    assert len(recorded.requests) == asked + 1

    offline = client(tmp_path, NoNetwork())
    info_offline = offline.tableinfo("RAS200")
    assert info_offline.from_cache
    assert info_offline.reason == "offline"
    got = offline.data(info_offline.value, selection)
    assert got.from_cache
    assert got.reason == "offline"
    assert "ingen forbindelse til Statistikbanken" in got.describe("da")
    assert "bruger cachen fra" in got.describe("da")
    assert "using the cache from" in got.describe("en")
    with pytest.raises(SourceOffline, match="intet i cachen for tabeloplysninger om HFUDD11"):
        offline.tableinfo("HFUDD11")


def test_offline_mode_never_touches_the_network(tmp_path: Path) -> None:
    transport = NoNetwork()
    c = StatBankClient(ResponseCache(tmp_path), transport=transport, offline=True)
    with pytest.raises(SourceOffline, match="offline"):
        c.tableinfo("FOLK1A")
    assert transport.requests == []


def test_value_expressions() -> None:
    info = parse_tableinfo((STATBANK / "tableinfo_AUK01_da.json").read_bytes())
    tid = info.time_variable()
    assert tid is not None
    assert expand(tid, "*K4", "AUK01") == ["2023K4", "2024K4"]
    assert expand(tid, ">=2024K3", "AUK01") == ["2024K3", "2024K4", "2025K1"]
    assert expand(tid, ">2024K3<=2025K1", "AUK01") == ["2024K4", "2025K1"]
    assert expand(tid, "(1)", "AUK01") == ["2025K1"]
    assert expand(tid, "(-n+2)", "AUK01") == ["2024K4", "2025K1"]
    assert expand(tid, "2024*", "AUK01") == ["2024K1", "2024K2", "2024K3", "2024K4"]
