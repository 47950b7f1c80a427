"""The benchmark's peers compute exactly what the engine computes (bench/peers, issue 14).

Why: the benchmark compares the engine's speed with hand-written DuckDB SQL and with polars on
the three reference indicators; the comparison is only fair while the peers return the very
rows the engine writes. The engine is being rewritten for speed, so this test keeps the peers
honest as it changes (and shows that the exact comparison does catch a difference).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bench.peers import REFERENCE, Row, compare, engine_rows, hand_sql

from pejling.engine.run import compute_all
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.register.synthetic import generate
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store

AS_OF = date(2024, 12, 31)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("peers")
    generate(4_000, 5, base / "register", as_of=AS_OF)
    db = base / "ws.duckdb"
    with Store.open(db) as store:
        import_register(store, [base / "register"], PseudonymKey(b"peers-test-key"))
        compute_all(store, load_catalog(), as_of=AS_OF, only=list(REFERENCE))
    return db


@pytest.fixture(scope="module")
def engine(store_path: Path) -> list[Row]:
    with Store.open(store_path, read_only=True) as store:
        rows = engine_rows(store.con)
    assert {r[0] for r in rows} == set(REFERENCE)
    return rows


def test_hand_sql_equals_engine(store_path: Path, engine: list[Row]) -> None:
    with Store.open(store_path, read_only=True) as store:
        rows = hand_sql.compute(store.con, AS_OF)
    assert compare(engine, rows) == []


def test_polars_equals_engine(store_path: Path, engine: list[Row]) -> None:
    pytest.importorskip("polars")
    from bench.peers import polars_peer

    with Store.open(store_path, read_only=True) as store:
        tables = polars_peer.load(store.con)
    assert compare(engine, polars_peer.compute(tables, AS_OF)) == []


def test_compare_reports_every_kind_of_difference(engine: list[Row]) -> None:
    changed = list(engine)
    first = changed[0]
    changed[0] = (*first[:5], first[5] + 1.0, *first[6:])  # one numerator off by one
    dropped = changed.pop()  # one row missing
    changed.append((*dropped[:4], "origin=nonexistent", *dropped[5:]))  # one row too many
    differences = compare(engine, changed)
    assert len(differences) == 3
    assert any("numerator engine" in d for d in differences)
    assert any(d.startswith("missing in the peer") for d in differences)
    assert any(d.startswith("not in the engine") for d in differences)
