"""The generated SQL of every computable indicator, compared with reviewed golden files.

Regenerate after an intended change with `PEJLING_UPDATE_GOLDEN=1 pytest tests/engine` and review
the diff: a change in the SQL is a change in what an indicator means.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pejling.engine.compiler import cube_sql
from pejling.engine.plan import keyed_register, plan_run
from pejling.spec.catalog import load_catalog
from pejling.spec.compute import ComputeSpec
from pejling.store.schema import migrate

GOLDEN = Path(__file__).parent / "golden"
CATALOG = load_catalog()
COMPUTABLE = [i for i in CATALOG.ids() if CATALOG.indicators[i].compute]


def spec_of(indicator_id: str) -> ComputeSpec:
    spec = CATALOG.indicators[indicator_id].compute
    assert spec is not None
    return spec


#: what a run of the whole catalog executes: shared tables, then each indicator's cube
RUN = plan_run([(i, spec_of(i)) for i in COMPUTABLE], date(2024, 12, 31), 2022)
SHARED = "_shared_tables"


def _check(name: str, sql: str) -> None:
    path = GOLDEN / f"{name}.sql"
    if os.environ.get("PEJLING_UPDATE_GOLDEN"):
        path.write_text(sql, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == sql


@pytest.mark.parametrize("indicator_id", COMPUTABLE)
def test_generated_sql_matches_golden(indicator_id: str) -> None:
    (plan,) = [p for p in RUN.indicators if p.indicator == indicator_id]
    _check(indicator_id, plan.steps[0].query.sql(dialect="duckdb", pretty=True) + "\n")


def test_shared_tables_match_golden() -> None:
    _check(
        SHARED,
        "".join(
            f"-- {s.table}\n{s.query.sql(dialect='duckdb', pretty=True)};\n" for s in RUN.shared
        ),
    )


def test_a_run_executes_on_an_empty_store() -> None:
    con = duckdb.connect()
    migrate(con)
    for step in RUN.shared:
        con.execute(f"CREATE TEMP TABLE {step.table} AS {step.sql()}")
    for plan in RUN.indicators:
        for step in plan.steps:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {step.table} AS {step.sql()}")
        assert con.execute("SELECT count(*) FROM agg").fetchone() == (0,)


@pytest.mark.parametrize("indicator_id", COMPUTABLE)
def test_generated_sql_runs_on_an_empty_store(indicator_id: str) -> None:
    con = duckdb.connect()
    migrate(con)
    for step in keyed_register():
        con.execute(f"CREATE TEMP TABLE {step.table} AS {step.sql()}")
    rows = con.execute(cube_sql(spec_of(indicator_id), date(2024, 12, 31), 2022)).fetchall()
    assert rows == []


def test_every_golden_file_belongs_to_an_indicator() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.sql")) == sorted([*COMPUTABLE, SHARED])


def test_unknown_predicate_is_a_located_error(tmp_path: Path) -> None:
    from pejling.errors import SpecError

    (tmp_path / "local.yaml").write_text(
        "indicators:\n"
        "  - id: local_share\n"
        "    title: Lokal andel\n"
        "    unit: percent\n"
        "    compute:\n"
        "      frame: point\n"
        '      date: "11-30"\n'
        "      population: [{agee: [25, 64]}]\n"
        "      numerator: {employed: {}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        load_catalog([tmp_path])
    text = info.value.render()
    assert "local.yaml:" in text
    assert "unknown predicate 'agee'" in text
    assert "age" in text
