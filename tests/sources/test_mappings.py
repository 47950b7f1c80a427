"""Source mappings: the shipped ones against the real StatBank table list, and lint-grade
errors (file:line, did-you-mean) for a workspace's own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pejling.errors import SpecError
from pejling.sources.mapping import check_against_table, load_mappings
from pejling.sources.statbank_formats import parse_tableinfo
from pejling.spec.catalog import Catalog, load_catalog
from tests.sources.fakes import FIXTURES

STATBANK = FIXTURES / "statbank"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_shipped_mappings_fit_the_real_tables(catalog: Catalog) -> None:
    real = {
        t["id"]: t for t in json.loads((STATBANK / "tables_en_2025-09_subset.json").read_text())
    }
    items = load_mappings(catalog)
    assert {i.mapping.table for i in items} == {
        "FOLK1A", "FOLK1E", "RAS200", "AUP02", "AUK01", "INDKP109", "HFUDD11",
    }  # fmt: skip
    for item in items:
        m = item.mapping
        listed = real[m.table]
        assert listed["active"], m.table
        en = parse_tableinfo((STATBANK / f"tableinfo_{m.table}_en.json").read_bytes(), "en")
        # the recorded table info has the real table's variables, in order, and update time
        assert [v.text for v in en.variables] == listed["variables"], m.table
        assert en.updated == listed["updated"], m.table
        da = parse_tableinfo((STATBANK / f"tableinfo_{m.table}_da.json").read_bytes())
        assert check_against_table(item, da) == [], m.id
        assert m.publisher_name == "Danmarks Statistik"
        for s in m.series:
            assert s.denominator_from is None or s.denominator_from.table in real


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_broken_mapping_gets_every_problem_with_its_line(
    catalog: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    write(folder, "mine.yaml", """\
id: egen-folk1a
table: FOLK1A
tabel: FOLK1A
series:
  - indicator: populaton
  - indicator: population
    unit: percent
  - indicator: unemployment_rate
    numerator: {KØN: TOT}
  - indicator: unemployment_rate
    group: {sex: f}
    value: {KØN: K}
    ratio: [{KØN: K}, {KØN: M}]
""")  # fmt: skip
    with pytest.raises(SpecError) as err:
        load_mappings(catalog, folder)
    text = err.value.render()
    assert "sources/mine.yaml:3: unknown key 'tabel'" in text
    assert "Did you mean 'table'?" in text


def test_semantic_problems_are_located(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    write(folder, "mine.yaml", """\
id: egen-folk1a
table: FOLK1A
series:
  - indicator: populaton
  - indicator: population
    unit: percent
  - indicator: unemployment_rate
    numerator: {KØN: TOT}
  - indicator: unemployment_rate
    group: {sex: f}
    value: {KØN: K}
    ratio: [{KØN: K}, {KØN: M}]
  - indicator: population
    numerator: {KØN: "1"}
    denominator: {KØN: TOT}
""")  # fmt: skip
    with pytest.raises(SpecError) as err:
        load_mappings(catalog, folder)
    text = err.value.render()
    for piece in [
        "sources/mine.yaml:4: unknown indicator 'populaton'",
        "did you mean 'population'?",
        "sources/mine.yaml:6: unit 'percent' does not match indicator 'population'",
        "sources/mine.yaml:8: a numerator without a denominator",
        "sources/mine.yaml:12: series gives both 'value' and 'ratio'",
        "sources/mine.yaml:14: numerator/denominator make a share, but 'population' is in 'count'",
    ]:
        assert piece in text, piece


def test_checked_against_the_table_info(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    write(folder, "mine.yaml", """\
id: egen-folk1e
table: FOLK1E
select:
  KOEN: TOT
series:
  - indicator: population
    group: {origin: non_western_immigrant}
    value: {HERKOMST: "26"}
""")  # fmt: skip
    item = next(i for i in load_mappings(catalog, folder) if i.mapping.id == "egen-folk1e")
    info = parse_tableinfo((STATBANK / "tableinfo_FOLK1E_da.json").read_bytes())
    text = "\n".join(p.render() for p in check_against_table(item, info))
    assert "sources/mine.yaml:4: FOLK1E has no variable 'KOEN'" in text
    assert "did you mean 'KØN'?" in text
    assert "sources/mine.yaml:8: FOLK1E variable HERKOMST has no value '26'" in text
    assert "expected a code of HERKOMST (TOT, 1, 24, 25, 34, 35)" in text
    assert "variable ALDER (alder) is not chosen here" in text
    assert "e.g. ALDER: IALT (Alder i alt)" in text


def test_workspace_mappings_replace_or_switch_off_shipped_ones(
    catalog: Catalog, tmp_path: Path
) -> None:
    folder = tmp_path / "sources"
    write(folder, "a.yaml", "id: dst-aup02-unemployment\ntable: AUP02\nenabled: false\n"
          "series:\n  - indicator: unemployment_rate\n")  # fmt: skip
    write(folder, "b.yaml", """\
id: dst-folk1a-population
table: FOLK1A
source: "Kilde: Danmarks Statistik (FOLK1A), egen"
select: {KØN: TOT, ALDER: IALT, CIVILSTAND: TOT, Tid: ">=2025K1"}
series:
  - indicator: population
""")  # fmt: skip
    items = {i.mapping.id: i for i in load_mappings(catalog, folder)}
    assert "dst-aup02-unemployment" not in items
    assert not items["dst-folk1a-population"].shipped
    assert items["dst-folk1a-population"].mapping.source_text.endswith("egen")


def test_two_mappings_may_not_write_the_same_series(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    write(folder, "copy.yaml", """\
id: copy-of-folk1a
table: FOLK1A
source: "Kilde: Danmarks Statistik (FOLK1A)"
select: {KØN: TOT, ALDER: IALT, CIVILSTAND: TOT}
series:
  - indicator: population
""")  # fmt: skip
    with pytest.raises(SpecError, match="is also made by pejling/sources/mappings/dst-folk1a"):
        load_mappings(catalog, folder)
