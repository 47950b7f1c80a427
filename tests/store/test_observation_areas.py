"""The observation import reads municipality names and zero-padded codes, and says what a
region, a landsdel or "abroad" is instead of "not a municipality code"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pejling.errors import ImportRejected
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.store.queries import current_observations

HEADER = "indicator;municipality;period;group;value;unit;source;vintage\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pejling.duckdb") as s:
        yield s


def test_names_zero_padded_codes_and_printed_periods(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text(
        HEADER
        + "unemployment_rate;Københavns Kommune;2024;;3,1;percent;DST;2025\n"
        + "unemployment_rate;0265;4. kvt. 2024;;2,2;percent;DST;2025\n"
        + "unemployment_rate;Copenhagen;marts 2025;;3,4;percent;DST;2025\n"
        + "unemployment_rate;Hele landet;2024K4;;2,9;percent;DST;2025\n",
        encoding="utf-8",
    )
    assert import_observations(store, path, load_catalog()).rows == 4
    cph = current_observations(
        store, indicator_id="unemployment_rate", municipality_code=101, grp=""
    )
    assert [(r.period, r.value) for r in cph] == [("2024", 3.1), ("2025-03", 3.4)]
    roskilde = current_observations(
        store, indicator_id="unemployment_rate", municipality_code=265, grp=""
    )
    assert [r.period for r in roskilde] == ["2024Q4"]
    national = current_observations(
        store, indicator_id="unemployment_rate", municipality_code=0, grp=""
    )
    assert [r.period for r in national] == ["2024Q4"]


def test_regions_landsdele_abroad_and_not_stated_are_named(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        HEADER
        + "unemployment_rate;Region Hovedstaden;2024;;3,1;percent;DST;2025\n"
        + "unemployment_rate;Landsdel Østsjælland;2024;;3,1;percent;DST;2025\n"
        + "unemployment_rate;Udlandet;2024;;3,1;percent;DST;2025\n"
        + "unemployment_rate;Uoplyst;2024;;3,1;percent;DST;2025\n"
        + "unemployment_rate;084;2024;;3,1;percent;DST;2025\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as err:
        import_observations(store, path, load_catalog())
    text = err.value.render()
    assert "areas.csv:2 column 'municipality': 'Region Hovedstaden' is a region" in text
    assert "areas.csv:3 column 'municipality': 'Landsdel Østsjælland' is a landsdel" in text
    assert "areas.csv:4 column 'municipality': 'Udlandet' is abroad" in text
    assert "areas.csv:5 column 'municipality': 'Uoplyst' means not stated" in text
    assert "areas.csv:6 column 'municipality': '084' is a region (Region Hovedstaden)" in text
