"""The synthetic register: the import contract, determinism, plausibility and the truth file."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pejling.engine.run import compute_all
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey, looks_like_cpr
from pejling.register.synthetic import (
    PROGRAMME_ARRIVALS,
    _cpr,
    generate,
    generate_realistic,
    municipality_sizes,
    quota_key,
)
from pejling.register.tables import TABLES
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store

PERSONS = 20_000


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(PERSONS, 7, out)
    return out


@pytest.fixture(scope="module")
def computed(register: Path, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    db = tmp_path_factory.mktemp("store") / "ws.duckdb"
    with Store.open(db) as store:
        import_register(store, [register], PseudonymKey(b"synthetic-test-key"))
        compute_all(store, load_catalog(), as_of=date(2024, 12, 31))
    return duckdb.connect(str(db), read_only=True)


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        h.update(path.read_bytes())
    return h.hexdigest()


def test_files_follow_the_import_contract(register: Path) -> None:
    con = duckdb.connect()
    for table in TABLES:
        path = register / f"{table.name}.parquet"
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
        expected = ["cpr" if c == "person_id" else c for c in table.column_names]
        assert columns == expected, table.name
    cprs = [
        r[0] for r in con.execute(f"SELECT cpr FROM '{register / 'persons.parquet'}'").fetchall()
    ]
    assert len(set(cprs)) == PERSONS
    assert all(looks_like_cpr(c) for c in cprs[:500])
    manifest = (register / "manifest.json").read_text(encoding="utf-8")
    assert "synthetic" in manifest


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    generate(2_000, 3, tmp_path / "a", fmt="csv")
    generate(2_000, 3, tmp_path / "b", fmt="csv")
    generate(2_000, 4, tmp_path / "c", fmt="csv")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_truth_file_has_a_planted_effect_per_municipality(register: Path) -> None:
    with (register / "truth_municipality_effects.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 98
    effects = [float(r["employment_effect"]) for r in rows]
    assert 0.15 < (max(effects) - min(effects)) / 4 < 0.6  # sd of about 0.3


def national(con: duckdb.DuckDBPyConnection, indicator: str, grp: str, period: str) -> float:
    row = con.execute(
        "SELECT 100.0 * sum(numerator) / sum(denominator) FROM computed_observations "
        "WHERE indicator = ? AND grp = ? AND period = ? AND municipality <> 0",
        [indicator, grp, period],
    ).fetchone()
    assert row is not None
    assert row[0] is not None
    return float(row[0])


def test_imports_whole_and_lands_near_published_national_figures(
    computed: duckdb.DuckDBPyConnection,
) -> None:
    # domain.md: ~half of refugees employed after 3 years in later cohorts, women far below men
    after3 = national(computed, "employed_after_3y", "", "2022")
    assert 35 < after3 < 70
    women = national(computed, "employed_after_3y", "sex=f", "2022")
    men = national(computed, "employed_after_3y", "sex=m", "2022")
    assert women + 10 < men
    # ~60 % pass a Danish test within 5 years
    assert 45 < national(computed, "danish_test_within_5y", "", "2018") < 75
    # employment rate 25-64: Danish origin ~80 %, non-Western ~60 %
    dk = national(computed, "employment_rate_25_64", "origin=danish_origin", "2023")
    nw = national(computed, "employment_rate_25_64", "origin=non_western", "2023")
    assert 72 < dk < 88
    assert 45 < nw < 68
    # grade 2 or more: almost everyone of Danish origin
    assert national(computed, "grade2_danish_math", "origin=danish_origin", "2023") > 93


def test_national_value_is_the_ratio_of_municipal_sums(computed: duckdb.DuckDBPyConnection) -> None:
    row = computed.execute(
        "SELECT n.value, 100.0 * sum(m.numerator) / sum(m.denominator) "
        "FROM computed_observations n JOIN computed_observations m USING (indicator, period, grp) "
        "WHERE n.municipality = 0 AND m.municipality <> 0 AND n.indicator = 'employment_rate_25_64' "
        "AND n.grp = 'origin=non_western' AND n.period = '2020' GROUP BY n.value"
    ).fetchone()
    assert row is not None
    assert row[0] == pytest.approx(row[1])


def test_planted_employment_effect_shows_in_municipal_results(
    register: Path, computed: duckdb.DuckDBPyConnection
) -> None:
    """Municipalities with a higher planted effect have higher non-Western employment."""
    with (register / "truth_municipality_effects.csv").open(encoding="utf-8") as fh:
        truth = {int(r["municipality"]): float(r["employment_effect"]) for r in csv.DictReader(fh)}
    rows = computed.execute(
        "SELECT municipality, sum(numerator), sum(denominator) FROM computed_observations "
        "WHERE indicator = 'employment_rate_25_64' AND grp = 'origin=immigrant' "
        "AND municipality <> 0 GROUP BY municipality HAVING sum(denominator) >= 100"
    ).fetchall()
    pairs = [(truth[int(m)], float(n) / float(d)) for m, n, d in rows]
    assert len(pairs) > 30
    xs, ys = zip(*pairs, strict=True)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in pairs)
    assert cov > 0


# --- the realistic register (`pejling synth --realistic`, the demo's default) ------------------


def test_real_sizes_come_from_the_shipped_series() -> None:
    sizes = municipality_sizes(date(2024, 12, 31))
    assert len(sizes.codes) == 98
    # Statistics Denmark: about 5.96-6.0 million inhabitants, 0.97 million immigrants and
    # descendants (FOLK1E end of 2024: 750,068 immigrants, 222,808 descendants)
    assert 5.9e6 < sizes.population.sum() < 6.1e6
    assert 0.9e6 < sizes.minority.sum() < 1.0e6
    assert 0.2 < sizes.descendants.sum() / sizes.minority.sum() < 0.26
    assert (sizes.danish_origin > 0).all()
    # refugee arrivals peak in 2015-2016 at about ten thousand a year, not hundreds of thousands
    refugees = {year: v[0] for year, v in PROGRAMME_ARRIVALS.items()}
    assert max(refugees, key=lambda y: refugees[y]) == 2015
    assert 30_000 < sum(v[0] + v[1] for y, v in PROGRAMME_ARRIVALS.items() if y >= 2012) < 100_000
    # the quota key spreads each year's refugees over all municipalities
    key = quota_key(2015)
    assert key.sum() == pytest.approx(1.0)
    assert (key > 0).all()


@pytest.fixture(scope="module")
def realistic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Læsø and Fanø only: the national design, but few persons."""
    out = tmp_path_factory.mktemp("realistic")
    generate_realistic(11, out, danish_sample=0.05, only=[825, 563])
    return out


def test_realistic_register_has_real_sizes_and_weights(realistic: Path) -> None:
    con = duckdb.connect()
    persons = f"'{realistic / 'persons.parquet'}'"
    residence = f"'{realistic / 'residence_spells.parquet'}'"
    with (realistic / "design_municipalities.csv").open(encoding="utf-8") as fh:
        design = {int(r["municipality"]): r for r in csv.DictReader(fh)}
    # every person of Danish origin is a sampled person standing for 20, the others for one
    weights = con.execute(
        f"SELECT origin, min(weight), max(weight), count(weight), count(*) FROM {persons} "
        "GROUP BY origin ORDER BY origin"
    ).fetchall()
    assert weights[0][:4] == ("danish_origin", 20.0, 20.0, weights[0][4])
    assert [w[3] for w in weights[1:]] == [0, 0]  # immigrants and descendants: empty weight
    assert con.execute(f"SELECT DISTINCT provenance FROM {persons}").fetchall() == [("synthetic",)]
    sampled = sum(int(design[m]["danish_origin_sampled"]) for m in (825, 563))
    assert sampled == round(0.05 * int(design[825]["danish_origin"])) + round(
        0.05 * int(design[563]["danish_origin"])
    )
    # residents at the data date: immigrants and descendants at the real number (moves and
    # emigration are random, so near it), the weighted Danish origin near the real population
    rows = con.execute(
        f"SELECT r.municipality, p.origin = 'danish_origin', count(*), sum(coalesce(p.weight, 1)) "
        f'FROM {residence} r JOIN {persons} p USING (cpr) WHERE r."end" IS NULL '
        "AND r.municipality IN (825, 563) GROUP BY ALL"
    ).fetchall()
    for municipality, danish, _count, estimate in rows:
        real = design[municipality]["danish_origin" if danish else "minority"]
        assert abs(estimate - int(real)) < 0.25 * int(real), (municipality, danish)
    manifest = json.loads((realistic / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mode"] == "realistic"
    assert manifest["design"]["danish_weight"] == 20
    assert "simple random sample" in manifest["design"]["danish_origin"]


def test_realistic_register_imports_and_weights_reach_the_figures(
    realistic: Path, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(store, [realistic], PseudonymKey(b"synthetic-test-key"))
        compute_all(store, load_catalog(), as_of=date(2024, 12, 31), only=["employment_rate_25_64"])
        row = store.con.execute(
            "SELECT numerator, denominator, persons FROM computed_observations "
            "WHERE indicator = 'employment_rate_25_64' AND municipality = 825 AND period = '2024' "
            "AND grp = 'origin=danish_origin'"
        ).fetchone()
    assert row is not None
    numerator, denominator, persons = row
    assert denominator == 20 * persons  # a population estimate resting on `persons` sampled
    assert numerator % 20 == 0


def test_made_up_cpr_numbers_differ_a_century_apart() -> None:
    birth = np.array([(date(y, 3, 5) - date(1970, 1, 1)).days for y in (1921, 2021, 1921)])
    numbers = _cpr(birth, np.random.default_rng(1))
    assert len(set(numbers)) == 3
    assert all(n.startswith("050321") for n in numbers)
