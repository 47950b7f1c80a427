"""Every computed observation on a fixed synthetic register equals the recorded one.

Why: the engine is rewritten for speed (issue 14); this test pins what it computes — every
indicator, municipality, period and group, numerator, denominator, value and persons — so a
faster engine cannot silently compute something else. The golden file holds, per indicator,
the row count and a SHA-256 of the canonical sorted rows (values rounded to 9 significant
digits, since DuckDB's parallel sums of doubles may differ in the last bits), plus the sums of
numerator and denominator so that a failure says roughly how far off it is.

Regenerate only when a change of results is intended: PEJLING_UPDATE_GOLDEN=1 pytest this file.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest

from pejling.engine.run import compute_all
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.register.synthetic import generate
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store

GOLDEN = Path(__file__).parent / "golden" / "observations_seed3_6000.json"
PERSONS, SEED = 6_000, 3
COHORTS = {"self_supporting_programme_cohort": [(2016, 2018)]}


def _round(value: float | None) -> str:
    return "" if value is None else f"{value:.9g}"


def fingerprint(db: Path) -> dict[str, dict[str, object]]:
    """Per indicator: rows, digest of the canonical rows, Σ numerator, Σ denominator."""
    with Store.open(db) as store:
        rows = store.con.execute(
            "SELECT indicator, municipality, period, t, grp, numerator, denominator, value, "
            "unit, provenance, persons FROM computed_observations "
            "ORDER BY indicator, municipality, period, grp"
        ).fetchall()
    out: dict[str, dict[str, object]] = {}
    hashes: dict[str, hashlib._Hash] = {}
    for ind, muni, period, t, grp, n, d, v, unit, prov, persons in rows:
        entry = out.setdefault(ind, {"rows": 0, "numerator": 0.0, "denominator": 0.0})
        entry["rows"] = int(entry["rows"]) + 1  # type: ignore[call-overload]
        entry["numerator"] = float(entry["numerator"]) + (n or 0.0)  # type: ignore[arg-type]
        entry["denominator"] = float(entry["denominator"]) + (d or 0.0)  # type: ignore[arg-type]
        line = "|".join(
            (str(muni), period, _round(t), grp, _round(n), _round(d), _round(v), unit, prov,
             str(persons))
        )  # fmt: skip
        hashes.setdefault(ind, hashlib.sha256()).update(line.encode() + b"\n")
    for ind, entry in out.items():
        entry["numerator"] = round(float(entry["numerator"]), 6)  # type: ignore[arg-type]
        entry["denominator"] = round(float(entry["denominator"]), 6)  # type: ignore[arg-type]
        entry["sha256"] = hashes[ind].hexdigest()
    return out


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("unchanged")
    generate(PERSONS, SEED, base / "register")
    db = base / "ws.duckdb"
    with Store.open(db) as store:
        import_register(store, [base / "register"], PseudonymKey(b"unchanged-test-key"))
        compute_all(store, load_catalog(), as_of=date(2024, 12, 31), cohort_ranges=COHORTS)
    return db


def test_every_observation_is_as_recorded(computed: Path) -> None:
    got = fingerprint(computed)
    if os.environ.get("PEJLING_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "the set of computed indicators changed"
    differing = [i for i in sorted(want) if got[i] != want[i]]
    assert not differing, "\n".join(f"{i}: got {got[i]}, want {want[i]}" for i in differing)


@pytest.mark.parametrize("carry_from", [1, 99])
def test_carried_and_joined_coverage_bits_agree(
    computed: Path, tmp_path: Path, carry_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Coverage bits read from the frame rows (carried, `compiler.residence_coverage`) or
    joined per indicator give the same observations: every coverage table carried (1), none (99)."""
    from pejling.engine import plan

    monkeypatch.setattr(plan, "CARRY_FROM", carry_from)
    db = tmp_path / "again.duckdb"
    db.write_bytes(computed.read_bytes())
    with Store.open(db) as store:
        compute_all(store, load_catalog(), as_of=date(2024, 12, 31), cohort_ranges=COHORTS)
    assert fingerprint(db) == json.loads(GOLDEN.read_text(encoding="utf-8"))
