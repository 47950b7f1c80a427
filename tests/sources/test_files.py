"""Files as users download them from StatBank: the website's table layout and JSON-stat."""

from __future__ import annotations

import json

import pytest

from pejling.sources.http import SourceFormatError
from pejling.sources.statbank_formats import parse_jsonstat, parse_tableinfo, read_statbank_file
from tests.sources.fakes import FIXTURES

FILES = FIXTURES / "files"
STATBANK = FIXTURES / "statbank"


def infos() -> list:  # type: ignore[type-arg]
    return [
        parse_tableinfo((STATBANK / "tableinfo_FOLK1E_da.json").read_bytes(), "da"),
        parse_tableinfo((STATBANK / "tableinfo_FOLK1E_en.json").read_bytes(), "en"),
    ]


def test_website_export_is_read_as_it_is() -> None:
    data = (FILES / "statbank_export_FOLK1E_en.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = read_statbank_file(data, "FOLK1E", infos())
    assert [d.id for d in table.dimensions] == ["OMRÅDE", "HERKOMST", "Tid"]
    assert table.notes[0].startswith("Population at the first day of the quarter")
    assert "Source: Statistics Denmark" in table.notes
    cells = {c.key: c for c in table.cells}
    # labels became codes: Copenhagen → 101, the ancestry label → 25, 2025Q3 → 2025K3
    assert cells[("101", "25", "2025K3")].value is not None
    assert cells[("000", "TOT", "2024K4")].value == 6017064
    # the label written once applies to the rows below it
    assert cells[("084", "1", "2025K1")].value is not None
    assert cells[("411", "25", "2025K1")].marker == ".."


def test_without_table_info_the_problem_is_named() -> None:
    data = (FILES / "statbank_export_FOLK1E_en.csv").read_bytes()
    with pytest.raises(SourceFormatError) as err:
        read_statbank_file(data, "FOLK1E", infos()[:1])
    assert "column 2 of the file ('Total', 'Persons of Danish origin'" in err.value.en
    assert "pejling fetch dst FOLK1E --data-lang en" in err.value.en


def test_json_stat_file_and_json_stat_2() -> None:
    table = read_statbank_file((FILES / "statbank_FOLK1E_jsonstat_en.json").read_bytes(), "")
    assert table.table == "FOLK1E"
    assert table.dimensions[0].label("101") == "Copenhagen"
    v2 = {
        "version": "2.0", "class": "dataset", "id": ["OMRÅDE", "Tid"], "size": [2, 2],
        "dimension": {
            "OMRÅDE": {"category": {"index": ["101", "265"], "label": {"101": "København"}}},
            "Tid": {"category": {"index": {"2024": 0, "2025": 1}}},
        },
        "value": {"0": 1.5, "1": 2.5, "3": None}, "status": {"3": "..."},
    }  # fmt: skip
    t2 = parse_jsonstat(json.dumps(v2).encode())
    got = [(c.key, c.value, c.marker) for c in t2.cells]
    assert got == [
        (("101", "2024"), 1.5, None), (("101", "2025"), 2.5, None),
        (("265", "2024"), None, ".."), (("265", "2025"), None, "..."),
    ]  # fmt: skip


def test_a_file_that_is_not_a_statbank_table() -> None:
    with pytest.raises(SourceFormatError) as err:
        read_statbank_file(b"name;age\nAnna;33\n", "FOLK1E", infos())
    assert "neither a StatBank table" in err.value.en
