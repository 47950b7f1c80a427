"""Sampling weights, worked out by hand: weighted numerator and denominator, unweighted persons.

Five persons in Roskilde (265), all living there from 2010 and aged 39 in 2019:

  a  m, Danish origin, weight 10, ordinary job from 2005
  b  f, Danish origin, weight 10, never employed, on cash benefit from 01.01.2018
  c  m, immigrant from Syria (non-Western), refugee, no weight (= 1), ordinary job from 2012
  d  f, immigrant from Syria, weight 1, never employed
  e  f, immigrant from Syria, no weight, never employed, on cash benefit from 01.01.2018

a and b stand for 10 persons of Danish origin each (a 10 % sample), c, d and e for themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from pejling.engine.run import compute_all
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store

FILES = {
    "persons.csv": """person_id,birth_date,sex,origin,country_of_origin,residence_basis,arrival_date,education_at_arrival,provenance,weight
pa0001,1980-01-01,m,danish_origin,DNK,,,,synthetic,10
pb0001,1980-01-01,f,danish_origin,DNK,,,,synthetic,10
pc0001,1980-01-01,m,immigrant,SYR,refugee,2010-01-01,basic,synthetic,
pd0001,1980-01-01,f,immigrant,SYR,refugee,2010-01-01,basic,synthetic,1
pe0001,1980-01-01,f,immigrant,SYR,refugee,2010-01-01,basic,synthetic,
""",
    "residence_spells.csv": """person_id,municipality,start,end
pa0001,265,2010-01-01,
pb0001,265,2010-01-01,
pc0001,265,2010-01-01,
pd0001,265,2010-01-01,
pe0001,265,2010-01-01,
""",
    "employment_spells.csv": """person_id,start,end,weekly_hours,kind
pa0001,2005-01-01,,37,ordinary
pc0001,2012-01-01,,37,ordinary
""",
    "benefit_spells.csv": """person_id,benefit,start,end
pb0001,cash_benefit,2018-01-01,
pe0001,cash_benefit,2018-01-01,
""",
}

Row = tuple[float | None, float | None, float | None, float | None]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp = tmp_path_factory.mktemp("weights")
    folder = tmp / "register"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp / "ws.duckdb"
    with Store.open(db) as store:
        import_register(store, [folder], PseudonymKey(b"hand-made-key-0123"))
        compute_all(store, load_catalog(), as_of=date(2024, 12, 31))
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def obs(
    con: duckdb.DuckDBPyConnection,
    indicator: str,
    period: str,
    grp: str = "",
    municipality: int = 265,
) -> Row | None:
    row = con.execute(
        "SELECT numerator, denominator, value, persons FROM all_observations WHERE indicator = ? "
        "AND municipality = ? AND period = ? AND grp = ?",
        [indicator, municipality, period, grp],
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3])


def share(num: float, den: float, persons: int) -> tuple[float, float, object, float]:
    return (num, den, pytest.approx(100 * num / den), persons)


def test_weights_are_stored(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("SELECT origin, weight FROM persons ORDER BY origin, weight").fetchall()
    assert rows == [
        ("danish_origin", 10.0),
        ("danish_origin", 10.0),
        ("immigrant", 1.0),
        ("immigrant", None),
        ("immigrant", None),
    ]


def test_share_is_weighted_and_persons_are_not(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2019, 25-64: employed a (10) and c (1) of a, b (10 each) and c, d, e (1 each)
    assert obs(con, "employment_rate_25_64", "2019") == share(11, 23, 5)
    # the national total is the same ratio of sums
    assert obs(con, "employment_rate_25_64", "2019", municipality=0) == share(11, 23, 5)
    # a constant weight within a group leaves its share as it is: Danish origin 1 of 2 = 50 %
    assert obs(con, "employment_rate_25_64", "2019", "origin=danish_origin") == share(10, 20, 2)
    assert obs(con, "employment_rate_25_64", "2019", "origin=non_western") == share(1, 3, 3)
    # sex mixes weights: men a (10) and c (1) both employed; women b (10), d, e none
    assert obs(con, "employment_rate_25_64", "2019", "sex=m") == share(11, 11, 2)
    assert obs(con, "employment_rate_25_64", "2019", "sex=f") == share(0, 12, 3)


def test_gap_uses_the_weighted_values(con: duckdb.DuckDBPyConnection) -> None:
    row = obs(con, "employment_gap_25_64", "2019", "origin=non_western")
    assert row is not None
    assert row[2] == pytest.approx(50 - 100 / 3)
    assert row[3] == 2  # the smaller of the two groups' persons


def test_count_is_a_weighted_estimate(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2019, on a benefit: b (stands for 10) and e (1)
    assert obs(con, "public_support_persons", "2019") == (11, None, 11, 2)
    assert obs(con, "public_support_persons", "2019", "origin=danish_origin") == (10, None, 10, 1)


def test_person_time_ratio_is_weighted_and_counts_distinct_persons(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 2019: everybody lives in 265 all year (365 days); b and e are on benefit all year
    assert obs(con, "public_support_fulltime_share", "2019") == share(11 * 365, 23 * 365, 5)
    row = obs(con, "public_support_fulltime_persons", "2019")
    assert row is not None
    assert row[2] == pytest.approx(11.0)  # full-time persons: 11 × 365 days / 365
    assert row[3] == 5
