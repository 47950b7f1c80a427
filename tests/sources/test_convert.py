"""Applying mappings: municipalities and the country kept, other areas counted and left out,
markers never 0, shares, ratios, yearly means and a denominator from another table."""

from __future__ import annotations

from pathlib import Path

import pytest

from pejling.sources.cache import ResponseCache
from pejling.sources.convert import Conversion, TidyRow, convert
from pejling.sources.mapping import LoadedMapping, load_mappings
from pejling.sources.refresh import fetch_statbank
from pejling.sources.statbank import StatBankClient
from pejling.spec.catalog import Catalog, load_catalog
from tests.sources.fakes import RecordedStatBank, Sleeps


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def mappings(catalog: Catalog) -> dict[str, LoadedMapping]:
    return {i.mapping.id: i for i in load_mappings(catalog)}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> StatBankClient:
    cache = ResponseCache(tmp_path_factory.mktemp("cache"))
    return StatBankClient(cache, transport=RecordedStatBank(), sleep=Sleeps())


def rows_of(
    mapping: LoadedMapping, client: StatBankClient, catalog: Catalog
) -> tuple[dict[tuple[str, int, str, str], TidyRow], Conversion]:
    fetch = fetch_statbank(mapping, client)
    result = convert(mapping.mapping, fetch.table, catalog, fetch.others)
    return {(r.indicator, r.municipality, r.period, r.group): r for r in result.rows}, result


def test_ratio_markers_and_areas(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog
) -> None:
    rows, result = rows_of(mappings["dst-ras200-employment-origin"], client, catalog)
    key = ("employment_rate_ratio", 265, "2023", "origin=non_western_immigrant")
    value = rows[key].value
    assert value is not None
    assert 60 < value < 95
    assert ("employment_rate_ratio", 0, "2023", "origin=non_western_immigrant") in rows
    # Læsø's non-Western descendants are '..' (confidential): no row, and never a 0
    assert ("employment_rate_ratio", 825, "2023", "origin=non_western_descendant") not in rows
    assert all(r.value != 0 for r in rows.values())
    assert result.missing == {"..": 10}
    assert result.areas_left_out == {"region": 5}
    summary = " ".join(result.summary("da"))
    assert "regioner (5)" in summary
    assert "'..' diskretioneret eller for usikkert: 10" in summary


def test_share_from_two_sums(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog
) -> None:
    rows, _ = rows_of(mappings["dst-folk1e-origin"], client, catalog)
    share = rows[("population_non_danish_origin_share", 265, "2025Q3", "")]
    assert share.numerator is not None
    assert share.denominator is not None
    assert 0 < share.numerator < share.denominator
    immigrants = rows[("population", 265, "2025Q3", "origin=immigrant")].value
    west = rows[("population", 265, "2025Q3", "origin=western_immigrant")].value
    non_west = rows[("population", 265, "2025Q3", "origin=non_western_immigrant")].value
    assert immigrants is not None
    assert west is not None
    assert non_west is not None
    assert immigrants == west + non_west
    assert ("population", 411, "2025Q3", "origin=immigrant") not in rows  # Christiansø


def test_yearly_mean_of_complete_years(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog
) -> None:
    rows, result = rows_of(mappings["dst-aup02-unemployment"], client, catalog)
    assert {p for (_i, m, p, g) in rows if m == 265 and g == ""} == {"2023", "2024"}
    assert rows[("unemployment_rate", 265, "2024", "sex=f")].value is not None
    assert result.left_out["incomplete_year"] == 99 * 3


def test_denominator_from_another_table(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog
) -> None:
    rows, result = rows_of(mappings["dst-auk01-cash-benefit"], client, catalog)
    row = rows[("social_assistance_per_1000", 265, "2024Q4", "")]
    assert row.numerator is not None
    assert row.denominator is not None
    assert 0.5 < 1000 * row.numerator / row.denominator < 10
    assert result.areas_left_out == {"region": 5, "landsdel": 11, "not_stated": 1}


def test_national_rows_can_be_left_out(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog
) -> None:
    item = mappings["dst-folk1a-population"]
    fetch = fetch_statbank(item, client)
    mapping = item.mapping.model_copy(update={"national": False})
    result = convert(mapping, fetch.table, catalog)
    assert {r.municipality for r in result.rows} == set(range(1, 1000)) & {
        r.municipality for r in result.rows
    }
    assert all(r.municipality != 0 for r in result.rows)
    assert result.areas_left_out["national"] == 1


def test_income_is_national_only(
    mappings: dict[str, LoadedMapping], client: StatBankClient, catalog: Catalog, tmp_path: Path
) -> None:
    rows, result = rows_of(mappings["dst-indkp109-income-origin"], client, catalog)
    assert {m for (_i, m, _p, _g) in rows} == {0}
    assert rows[("taxable_income_per_person", 0, "2023", "origin=danish_origin")].value == 407344
    assert result.areas_left_out == {"region": 5, "landsdel": 11}
