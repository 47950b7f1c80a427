"""Benchmark: result grants earned and the 12-month forecast for 98 municipalities.

Run from the repository root:

    .venv/bin/python bench/grants.py                     # 200 000 and 1 000 000 persons
    .venv/bin/python bench/grants.py --sizes 200000

Per size, in its own process (so peak memory is its own): a uniform synthetic register is
generated and imported (not timed as part of the grants), then `earned_grants` (every year,
municipality, event and window, disclosure-checked) and `forecast_grants` (hazard models on
collapsed person-months, the caseload's expected grants and 2,000 simulations) are timed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2024, 12, 31)
KEY = b"bench-key-synthetic-data-only"


def one(n: int, folder: Path) -> dict[str, object]:
    """Generate, import and time grants + forecast for `n` persons."""
    from pejling.national.grants import earned_grants
    from pejling.national.grants_forecast import forecast_grants
    from pejling.national.grants_rules import load_rule_book
    from pejling.register.importer import import_register
    from pejling.register.pseudonym import PseudonymKey
    from pejling.register.synthetic import generate
    from pejling.store.database import Store

    register = folder / "register"
    register.mkdir()
    started = time.perf_counter()
    generate(n, 42, register, fmt="parquet", as_of=AS_OF)
    with Store.open(folder / "ws.duckdb") as store:
        import_register(store, [register], PseudonymKey(KEY))
    prepared = time.perf_counter() - started
    book = load_rule_book()
    with Store.open(folder / "ws.duckdb", read_only=True) as store:
        programme = store.con.execute("SELECT count(*) FROM programme_spells").fetchone()
        t0 = time.perf_counter()
        grants = earned_grants(store, book)
        t1 = time.perf_counter()
        fc = forecast_grants(store, book)
        t2 = time.perf_counter()
    whole = next(c for c in grants.cells if c.municipality == 0 and c.event == "all"
                 and c.year == 2024)  # fmt: skip
    nation = next(r for r in fc.rows if r.municipality == 0)
    return {
        "persons": n,
        "programme_spells": programme[0] if programme else 0,
        "synth_and_import_s": round(prepared, 1),
        "grants_s": round(t1 - t0, 2),
        "forecast_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "cells": len(grants.cells),
        "suppressed": grants.suppressed_count,
        "grants_2024": {"persons": whole.persons, "amount": whole.amount},
        "caseload": nation.caseload,
        "forecast": {
            "persons": nation.persons,
            "amount": nation.amount,
            "interval": [nation.amount_low, nation.amount_high],
        },
        "municipalities_shown": sum(1 for r in fc.rows if r.municipality and not r.suppressed),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    """Each size in a child process; one JSON line each, then a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200000,1000000")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(one(args.child, Path(tmp))))
        return
    for n in (int(s) for s in args.sizes.split(",")):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['persons']:>9,} persons · {r['programme_spells']:,} programme spells: grants "
            f"{r['grants_s']} s + forecast {r['forecast_s']} s = {r['total_s']} s, peak "
            f"{r['peak_mib']} MiB; {r['cells']} cells ({r['suppressed']} hidden); 2024: "
            f"{r['grants_2024']['persons']} persons, {r['grants_2024']['amount']:,.0f} kr.; "
            f"forecast for {r['caseload']:,} in the programme: {r['forecast']['amount']:,.0f} kr. "
            f"(95 %: {r['forecast']['interval'][0]:,.0f}–{r['forecast']['interval'][1]:,.0f}), "
            f"{r['municipalities_shown']} municipalities shown"
        )


if __name__ == "__main__":
    main()
