"""The rewrites that give a DuckDB plan step the same meaning in Spark SQL (engine.spark).

No JVM here: these check the SQL text, one rewrite each, so that a failing parity test
(test_spark_parity.py) can be traced to a rewrite; the parity test checks that Spark computes
the same numbers from it.
"""

from __future__ import annotations

import importlib.util
import os
import stat
from datetime import date
from pathlib import Path

import pytest
import sqlglot
from tests.cli.conftest import Run
from tests.cli.test_register_cli import KEY_ENV, workspace
from tests.register.test_import import CPR_A, CPR_B

import pejling.engine.spark as spark_module
from pejling.engine.constants import constant_table
from pejling.engine.plan import plan_run
from pejling.engine.spark import (
    check_available,
    java_version,
    local_settings,
    spark_sql,
)
from pejling.errors import UserError
from pejling.spec.catalog import load_catalog

SCHEMA = {"s": {"person_id": "string", "start": "date", "end": "date", "n": "int"}}


def spark(duckdb_sql: str) -> str:
    return spark_sql(sqlglot.parse_one(duckdb_sql, read="duckdb"), SCHEMA)


def test_date_minus_date_is_a_number_of_days() -> None:
    sql = spark(
        'SELECT s."end" - s.start + 1 AS days, s.n - 1 AS m, s.start - INTERVAL 1 MONTH AS b FROM s'
    )
    assert "DATEDIFF(s.`end`, s.start) + 1 AS days" in sql
    assert "s.n - 1 AS m" in sql  # numbers stay numbers
    assert "s.start - INTERVAL '1' MONTH AS b" in sql  # a date minus an interval is a date


def test_dates_are_found_through_ctes_values_and_correlated_subqueries() -> None:
    sql = spark(
        "WITH p AS (SELECT * FROM (VALUES (CAST('2020-01-01' AS DATE), 1)) AS v(d, k)) "
        "SELECT (SELECT min(o.start) FROM s AS o WHERE o.n = f.k) - f.d AS x, "
        "least(coalesce(f.d, DATE '2021-01-01'), f.d) - f.d AS y, f.k - f.k AS z FROM p AS f"
    )
    assert "DATEDIFF((SELECT MIN(o.start) FROM s AS o WHERE o.n = f.k), f.d) AS x" in sql
    assert "DATEDIFF(LEAST(" in sql
    assert "f.k - f.k AS z" in sql


def test_list_index_is_one_based_and_null_out_of_range() -> None:
    sql = spark("SELECT ['a', 'b', 'c'][x // 2 + 1] AS a, ['a', 'b'][2] AS b FROM t")
    assert "TRY_ELEMENT_AT(ARRAY('a', 'b', 'c'), CAST(x DIV 2 + 1 AS INT)) AS a" in sql
    assert "TRY_ELEMENT_AT(ARRAY('a', 'b'), CAST(2 AS INT)) AS b" in sql  # DuckDB's [2] is 'b'


def test_duckdb_functions() -> None:
    sql = spark(
        "SELECT list_position(['a', 'b'], x) AS p, s.start + to_months(60) AS m, "
        "s.start + to_months(s.n) AS k, arg_max(s.n, s.start) AS a FROM s"
    )
    assert "NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), x), 0) AS p" in sql
    assert "s.start + INTERVAL 60 MONTH AS m" in sql
    assert "s.start + MAKE_YM_INTERVAL(0, s.n) AS k" in sql
    assert "MAX_BY(s.n, s.start) AS a" in sql


def test_decimal_literals_divide_as_double() -> None:
    sql = spark("SELECT x * 37 / 7.0 AS h, x AS y FROM t WHERE x >= 20")
    assert "x * 37 / CAST(7.0 AS DOUBLE) AS h" in sql
    assert "x >= 20" in sql


def test_correlated_aggregate_of_outer_and_local_columns_is_lifted() -> None:
    sql = spark(
        "SELECT f.k, (SELECT sum(least(o.n, f.k)) FROM s AS o WHERE o.n = f.k) AS v, "
        "(SELECT min(o.start) FROM s AS o WHERE o.n = f.k) AS w FROM p AS f"
    )
    assert (
        "(SELECT SUM(_q._a1) FROM (SELECT LEAST(o.n, f.k) AS _a1 FROM s AS o "
        "WHERE o.n = f.k) AS _q) AS v" in sql
    )
    assert "(SELECT MIN(o.start) FROM s AS o WHERE o.n = f.k) AS w" in sql  # Spark takes it


def test_unordered_row_number_is_ordered_by_every_column() -> None:
    sql = spark("SELECT CAST(row_number() OVER () AS INT) AS k, p.person_id FROM s AS p")
    assert "ROW_NUMBER() OVER (ORDER BY `p`.`person_id` NULLS LAST, `p`.`start` NULLS LAST" in sql
    assert "`p`.`n` NULLS LAST)" in sql


def test_group_membership_is_handed_over_as_rows() -> None:
    catalog = load_catalog()
    spec = catalog.indicators["unemployment_rate"].compute
    assert spec is not None
    plan = plan_run([("unemployment_rate", spec)], date(2024, 12, 31), 2020)
    steps = (*plan.shared, *plan.indicators[0].steps)
    gm = next(s for s in steps if s.table.startswith("gm"))  # shared by indicators
    table = constant_table(gm.query)
    assert table is not None
    assert table.columns == ("grp", "origin", "wcat", "menapt", "a012", "sex", "basis")
    assert table.kinds == ("string", "string", "string", "boolean", "boolean", "string", "string")
    assert ("", "danish_origin", "dk", False, False, "m", "refugee") in table.rows
    # a query is a table of constants only when every cell is one
    assert constant_table(sqlglot.parse_one("SELECT * FROM (VALUES (1, x)) AS v(a, b)")) is None
    mixed = sqlglot.parse_one("SELECT * FROM (VALUES (1), ('a')) AS v(a)")
    assert constant_table(mixed) is None
    numbers = constant_table(sqlglot.parse_one("SELECT * FROM (VALUES (1), (2.5)) AS v(a)"))
    assert numbers is not None
    assert numbers.kinds == ("double",)
    assert numbers.rows == ((1.0,), (2.5,))


def test_local_mode_has_small_shuffles_a_cluster_keeps_its_own() -> None:
    local = local_settings("local[2]")
    assert local["spark.sql.shuffle.partitions"] == "4"
    assert "TieredStopAtLevel=1" in local["spark.driver.extraJavaOptions"]
    cluster = local_settings("spark://ministry:7077")
    assert "spark.sql.shuffle.partitions" not in cluster
    assert "spark.driver.extraJavaOptions" not in cluster
    assert cluster["spark.ui.enabled"] == "false"


@pytest.mark.parametrize(
    ("printed", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_292"', 8),
    ],
)
def test_java_version(tmp_path: Path, printed: str, major: int) -> None:
    java = tmp_path / "java"
    java.write_text(f"#!/bin/sh\necho '{printed}' >&2\n", encoding="utf-8")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    assert java_version(str(java)) == major
    assert java_version(str(tmp_path / "missing")) is None


def test_missing_java_or_pyspark_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_module, "java_version", lambda java=None: 11)
    with pytest.raises(UserError, match=r"Java 17 or newer \(Java 11\).*openjdk-17-jre-headless"):
        check_available("en")
    with pytest.raises(UserError, match="kræver Java 17 eller nyere"):
        check_available("da")
    monkeypatch.setattr(spark_module, "java_version", lambda java=None: None)
    with pytest.raises(UserError, match="no Java found"):
        check_available("en")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a)
    )
    with pytest.raises(UserError, match="uv sync --extra spark"):
        check_available("en")


def test_engine_options(run: Run, tmp_path: Path) -> None:
    ws = str(workspace(run, tmp_path))
    wrong = run("compute", "-w", ws, "--engine", "flink", check=False)
    assert wrong.returncode == 2
    assert "'flink' is not one of 'duckdb', 'spark'" in wrong.stderr
    stray = run("compute", "-w", ws, "--spark-master", "local[4]", check=False)
    assert stray.returncode == 2
    assert "--spark-master: only with --engine spark" in stray.stderr
    cluster = run(
        "compute", "-w", ws, "--engine", "spark", "--spark-master", "spark://ministry:7077",
        check=False,
    )  # fmt: skip
    assert cluster.returncode == 1
    assert "pejling register export-parquet" in cluster.stderr  # a cluster needs a shared copy


def test_export_parquet(run: Run, tmp_path: Path) -> None:
    ws = workspace(run, tmp_path)
    run("import", str(ws / "imports" / "register"), "-w", str(ws), env=KEY_ENV)
    out = tmp_path / "parquet"
    proc = run("register", "export-parquet", str(out), "-w", str(ws))
    assert f"{out / 'persons.parquet'}: 2 rækker" in proc.stdout
    assert f"{out / 'employment_spells.parquet'}: 1 rækker" in proc.stdout
    import duckdb

    con = duckdb.connect()
    persons = con.execute(f"SELECT * FROM '{out / 'persons.parquet'}'").fetchall()
    assert len(persons) == 2
    ids = {str(r[0]) for r in persons}
    assert not {
        i for i in ids if i.replace("-", "") in {c.replace("-", "") for c in (CPR_A, CPR_B)}
    }
    assert stat.S_IMODE(os.stat(out / "persons.parquet").st_mode) == 0o600
