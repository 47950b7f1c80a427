"""The Spark engine computes every observation the DuckDB engine computes, on a fixed register.

Why: `pejling compute --engine spark` is the same compiled catalog transpiled to Spark SQL
(engine.spark); where DuckDB and Spark differ in meaning (date arithmetic, list indexes, decimal
division, correlated aggregates, …) the transpiler rewrites the tree, and this test is what says
the rewrites are right: every indicator, municipality, period and group, with numerator,
denominator, value, unit, provenance and persons, on a synthetic register of 2,000 persons
(seed 5) with a cohort range. Spark runs in local mode (Java 17 from Debian: `make java-deps`).

Floats are compared with a relative tolerance of 1e-9 (and 1e-12 absolute near zero), not
exactly: both engines sum doubles in parallel, in an order that is not fixed, so the last bits
may differ; anything else is equal exactly, and the two engines must write the same set of rows.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from pejling.cli.app import app
from pejling.engine.run import compute_all
from pejling.engine.spark import (
    JAVA_MIN,
    compute_all_spark,
    export_register,
    java_version,
    spark_session,
)
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.register.synthetic import generate
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PERSONS, SEED = 2_000, 5
COHORTS = {"self_supporting_programme_cohort": [(2016, 2018)]}
KEY = ("indicator", "municipality", "period", "grp")
FLOATS = ("t", "numerator", "denominator", "value")
EXACT = ("unit", "source", "vintage", "provenance", "persons")
COLUMNS = (*KEY, *FLOATS, *EXACT)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local Spark for the module (starting the JVM is the slow part)."""
    version = java_version()
    if version is None or version < JAVA_MIN:
        pytest.fail(f"Java {JAVA_MIN}+ is missing: run `make java-deps` (Debian openjdk-17)")
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(DuckDB store, Spark store, register Parquet): one imported register, two copies."""
    base = tmp_path_factory.mktemp("parity")
    generate(PERSONS, SEED, base / "register")
    duck, sparked = base / "duckdb.duckdb", base / "spark.duckdb"
    with Store.open(duck) as store:
        import_register(store, [base / "register"], PseudonymKey(b"parity-test-key"))
        export_register(store, base / "parquet")
    shutil.copy(duck, sparked)
    return duck, sparked, base / "parquet"


def rows(db: Path) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Every computed observation by indicator, municipality, period and group."""
    with Store.open(db, read_only=True) as store:
        found = store.con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM computed_observations"
        ).fetchall()
    out = {r[: len(KEY)]: dict(zip(COLUMNS, r, strict=True)) for r in found}
    assert len(out) == len(found), "an observation key occurs twice"
    return out


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_every_observation_equals_duckdbs(
    spark: SparkSession, stores: tuple[Path, Path, Path]
) -> None:
    duck, sparked, parquet = stores
    catalog = load_catalog()
    with Store.open(duck) as store:
        want_result = compute_all(store, catalog, cohort_ranges=COHORTS)
    with Store.open(sparked) as store:
        got_result = compute_all_spark(store, catalog, spark, str(parquet), cohort_ranges=COHORTS)
    assert got_result.as_of == want_result.as_of
    assert got_result.synthetic
    assert want_result.synthetic
    assert [(t.indicator, t.rows) for t in got_result.indicators] == [
        (t.indicator, t.rows) for t in want_result.indicators
    ]
    want, got = rows(duck), rows(sparked)
    assert len(want) > 100_000
    # every indicator, and the cohort branch of `agg`, is covered
    assert {k[0] for k in want} >= {t.indicator for t in want_result.indicators}
    assert any(k[3].startswith("cohort=2016-2018") for k in want)
    assert sorted(set(want) - set(got))[:5] == [], "rows DuckDB computes and Spark does not"
    assert sorted(set(got) - set(want))[:5] == [], "rows Spark computes and DuckDB does not"
    differing = [
        (key, column, want[key][column], got[key][column])
        for key in sorted(want)
        for column in FLOATS + EXACT
        if not (close if column in FLOATS else _equal)(want[key][column], got[key][column])
    ]
    assert not differing, f"{len(differing)} values differ, e.g. {differing[:5]}"


def _equal(a: object, b: object) -> bool:
    return a == b


def test_cli_computes_on_spark(
    spark: SparkSession, stores: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """`pejling compute --engine spark` end to end: the store's register is exported to a
    temporary folder and read by the running local Spark; the figures land in the store."""
    duck, _, _ = stores
    ws = Workspace.create(tmp_path / "ws", "spark", 0, "en")
    shutil.copy(duck, ws.db_path)
    with Store.open(ws.db_path) as store:
        store.con.execute("DELETE FROM computed_observations")
    result = CliRunner().invoke(
        app,
        ["compute", "-w", str(ws.root), "--engine", "spark", "-i", "programme_participants",
         "--as-of", "2024-12-31"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "1 indicators computed from SYNTHETIC register data as of 31.12.2024" in result.stdout
    with Store.open(ws.db_path, read_only=True) as store:
        computed = store.con.execute(
            "SELECT count(*), count(DISTINCT indicator) FROM computed_observations"
        ).fetchone()
        logged = store.con.execute("SELECT file FROM imports ORDER BY id DESC LIMIT 1").fetchone()
    assert computed is not None
    assert computed[0] > 1_000
    assert computed[1] == 1
    assert logged == ("register as of 2024-12-31 (Spark)",)
    assert not spark.sparkContext._jsc.sc().isStopped()  # a running session is left running


def test_a_register_exported_before_the_person_key_is_refused(
    spark: SparkSession, stores: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A Parquet folder without `pk` (exported by an older pejling) gets a clear error."""
    import duckdb

    from pejling.engine.spark import load_register
    from pejling.errors import UserError

    _, _, parquet = stores
    old = tmp_path / "old"
    old.mkdir()
    source = str(parquet / "persons.parquet").replace("'", "''")
    target = str(old / "persons.parquet").replace("'", "''")
    duckdb.sql(
        f"COPY (SELECT * EXCLUDE (pk) FROM read_parquet('{source}')) TO '{target}' (FORMAT parquet)"
    )
    with pytest.raises(UserError, match="export-parquet"):
        load_register(spark, str(old), cache=False)
