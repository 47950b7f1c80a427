"""Benchmark: synthetic register → import → full catalog, at 100 000 and 1 000 000 persons.

Run from the repository root:

    uv run --group bench python bench/indicators.py            # 100k and 1M
    uv run --group bench python bench/indicators.py --sizes 100000

Each stage runs in its own process so that its peak memory (max RSS) is its own. Printed per
size: rows and wall seconds and peak memory per stage, the time of three catalog indicators in
the engine and in a straightforward pandas implementation on the same (imported, pseudonymous)
data, with the ratio, and the growth from the smallest to the largest size.
Targets (issue 3): import of 1M ≤ 120 s, full catalog ≤ 60 s, peak ≤ 8 GiB, engine ≥ 10× pandas,
growth no worse than linear.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REFERENCE = ("employment_rate_25_64", "youth_education_20_24", "danish_test_within_5y")
AS_OF = date(2024, 12, 31)
KEY = "bench-key-synthetic-data-only"


def peak_mib() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_synth(n: int, folder: Path) -> dict[str, object]:
    from pejling.register.synthetic import generate

    started = time.perf_counter()
    summary = generate(n, 42, folder, fmt="parquet", as_of=AS_OF)
    return {"rows": sum(summary.rows.values()), "seconds": time.perf_counter() - started}


def stage_import(folder: Path, db: Path) -> dict[str, object]:
    from pejling.register.importer import import_register
    from pejling.register.pseudonym import PseudonymKey
    from pejling.store.database import Store

    started = time.perf_counter()
    with Store.open(db) as store:
        result = import_register(store, [folder], PseudonymKey(KEY.encode()))
    rows = sum(t.rows for t in result.tables)
    return {"rows": rows, "seconds": time.perf_counter() - started}


def stage_compute(db: Path, only: list[str] | None) -> dict[str, object]:
    from pejling.engine.run import compute_all
    from pejling.spec.catalog import load_catalog
    from pejling.store.database import Store

    catalog = load_catalog()
    # The reference indicators run twice and the faster run counts: the first run also reads the
    # tables from disk, which the pandas timing excludes (its data is loaded before the clock).
    runs = 2 if only else 1
    timings = []
    with Store.open(db) as store:
        for _ in range(runs):
            started = time.perf_counter()  # the computation only, like the pandas timing
            result = compute_all(store, catalog, as_of=AS_OF, only=only)
            timings.append(time.perf_counter() - started)
    return {"rows": result.rows, "seconds": min(timings), "indicators": len(result.indicators)}


def stage_pandas(db: Path) -> dict[str, object]:
    """A straightforward pandas implementation of the three reference indicators."""
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(db), read_only=True)
    tables = {
        t: con.execute(f"SELECT * FROM {t}").df()
        for t in ("persons", "residence_spells", "employment_spells", "education_spells",
                  "danish_education", "programme_spells")
    }  # fmt: skip
    con.close()
    started = time.perf_counter()
    persons = tables["persons"].set_index("person_id")
    far = pd.Timestamp("2262-01-01")
    res = tables["residence_spells"].assign(
        start=lambda d: pd.to_datetime(d["start"]),
        end=lambda d: pd.to_datetime(d["end"]).fillna(far),
    )
    out_rows = 0
    arrived = pd.to_datetime(persons["arrival_date"])
    born_at = pd.to_datetime(persons["birth_date"])
    persons["a012"] = (persons["origin"] == "immigrant") & (
        (arrived - born_at).dt.days < 13 * 365.25
    )
    nw = (persons["origin"] != "danish_origin") & ~persons["western"].fillna(True).astype(bool)
    persons["nw"] = nw

    def groups(df: pd.DataFrame, with_sex_cross: bool) -> dict[str, pd.Series]:
        """The same groups the engine emits: total, 13 origin groups, sex, origin × sex."""
        o, w = df["origin"], df["nw"]
        origin = {
            "danish_origin": o == "danish_origin", "immigrant": o == "immigrant",
            "descendant": o == "descendant", "immigrant_descendant": o != "danish_origin",
            "minority": o != "danish_origin", "western": (o != "danish_origin") & ~w,
            "non_western": w, "western_immigrant": (o == "immigrant") & ~w,
            "non_western_immigrant": (o == "immigrant") & w,
            "non_western_descendant": (o == "descendant") & w,
            "non_western_immigrant_arrived_0_12": (o == "immigrant") & w & df["a012"],
            "non_western_arrived_0_12_or_descendant": w & ((o == "descendant") | df["a012"]),
            "menapt": df["menapt"].fillna(False).astype(bool),
        }  # fmt: skip
        sex = {"m": df["sex"] == "m", "f": df["sex"] == "f"}
        out = {"": pd.Series(True, index=df.index)}
        out.update({f"origin={k}": v for k, v in origin.items()})
        out.update({f"sex={k}": v for k, v in sex.items()})
        if with_sex_cross:
            for k, v in origin.items():
                for s_, m in sex.items():
                    out[f"origin={k};sex={s_}"] = v & m
        return out

    def shares(df: pd.DataFrame, with_sex_cross: bool) -> int:
        """Numerator and denominator per municipality and nationally, for every group."""
        rows = 0
        for mask in groups(df, with_sex_cross).values():
            sub = df[mask]
            by = sub.groupby("municipality")["num"].agg(["sum", "count"])
            rows += len(by) + (1 if len(sub) else 0)
        return rows

    def residents(when: pd.Timestamp) -> pd.DataFrame:
        r = res[(res["start"] <= when) & (res["end"] >= when)][["person_id", "municipality"]]
        r = r.join(persons, on="person_id")
        born = pd.to_datetime(r["birth_date"])
        r["age"] = (
            when.year
            - born.dt.year
            - ((when.month * 100 + when.day) < (born.dt.month * 100 + born.dt.day)).astype(int)
        )
        return r

    def covering(df: pd.DataFrame, when: pd.Timestamp) -> set[str]:
        s = pd.to_datetime(df["start"])
        e = pd.to_datetime(df["end"]).fillna(far)
        return set(df.loc[(s <= when) & (e >= when), "person_id"])

    employment = tables["employment_spells"]
    education = tables["education_spells"]
    done = education[education["outcome"] == "completed"]
    for year in range(2012, AS_OF.year + 1):
        when = pd.Timestamp(year, 11, 30)
        r = residents(when)
        r = r[(r["age"] >= 25) & (r["age"] <= 64)]
        employed = covering(employment, when)
        r = r.assign(num=r["person_id"].isin(employed).astype(int))
        out_rows += shares(r, with_sex_cross=True)
        when = pd.Timestamp(year, 10, 1)
        r = residents(when)
        r = r[(r["age"] >= 20) & (r["age"] <= 24)]
        finished = set(done.loc[pd.to_datetime(done["end"]) <= when, "person_id"])
        r = r.assign(num=r["person_id"].isin(finished).astype(int))
        out_rows += shares(r, with_sex_cross=False)
    # Danish test within 5 years of the first start, for programme participants at the start
    danish = tables["danish_education"]
    first = danish.groupby("person_id")["start"].min().rename("e").reset_index()
    first["e"] = pd.to_datetime(first["e"])
    first["we"] = first["e"] + pd.DateOffset(years=5) - pd.Timedelta(days=1)
    first = first[first["we"] <= pd.Timestamp(AS_OF)]
    prog = tables["programme_spells"].assign(
        start=lambda d: pd.to_datetime(d["start"]),
        end=lambda d: pd.to_datetime(d["end"]).fillna(far),
    )
    m = first.merge(prog[["person_id", "start", "end"]], on="person_id")
    m = m[(m["start"] <= m["e"]) & (m["end"] >= m["e"])].drop_duplicates("person_id")
    m = m.merge(res, on="person_id", suffixes=("", "_r"))
    m = m[(m["start_r"] <= m["e"]) & (m["end_r"] >= m["e"])]
    passed = danish[danish["result"] == "passed"][["person_id", "test_date"]]
    p = m.merge(passed, on="person_id", how="left")
    p["ok"] = (pd.to_datetime(p["test_date"]) >= p["e"]) & (
        pd.to_datetime(p["test_date"]) <= p["we"]
    )
    ok = p.groupby("person_id")["ok"].any()
    m = m.assign(num=m["person_id"].map(ok).astype(int), year=m["e"].dt.year)
    m = m.join(persons[["origin", "nw", "a012", "menapt", "sex"]], on="person_id")
    for _year, cohort in m.groupby("year"):
        out_rows += shares(cohort, with_sex_cross=False)
    return {"rows": out_rows, "seconds": time.perf_counter() - started}


def child(args: argparse.Namespace) -> None:
    folder, db = Path(args.folder), Path(args.db)
    if args.stage == "synth":
        result = stage_synth(args.n, folder)
    elif args.stage == "import":
        result = stage_import(folder, db)
    elif args.stage == "compute":
        result = stage_compute(db, None)
    elif args.stage == "compute3":
        result = stage_compute(db, list(REFERENCE))
    else:
        result = stage_pandas(db)
    result["peak_mib"] = peak_mib()
    print(json.dumps(result))


def run_stage(stage: str, n: int, folder: Path, db: Path) -> dict[str, float]:
    env = {**os.environ, "PEJLING_PSEUDONYM_KEY": KEY}
    proc = subprocess.run(
        [sys.executable, __file__, "--stage", stage, "--n", str(n), "--folder", str(folder),
         "--db", str(db)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args)
        return
    summary: dict[int, dict[str, dict[str, float]]] = {}
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="pejling-bench-") as tmp:
            folder, db = Path(tmp) / "register", Path(tmp) / "bench.duckdb"
            folder.mkdir()
            stages = {}
            for stage in ("synth", "import", "compute", "compute3", "pandas"):
                stages[stage] = run_stage(stage, n, folder, db)
                s = stages[stage]
                print(
                    f"{n:>9,} persons  {stage:<9} {int(s['rows']):>11,} rows  "
                    f"{s['seconds']:8.2f} s  peak {s['peak_mib'] / 1024:5.2f} GiB",
                    flush=True,
                )
            ratio = stages["pandas"]["seconds"] / stages["compute3"]["seconds"]
            print(
                f"{n:>9,} persons  engine vs pandas on {', '.join(REFERENCE)}: {ratio:.1f}× faster"
            )
            summary[n] = stages
    sizes = sorted(summary)
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        for stage in ("import", "compute"):
            growth = summary[hi][stage]["seconds"] / summary[lo][stage]["seconds"]
            print(f"{stage}: {hi / lo:.0f}× the persons took {growth:.1f}× the time "
                  f"({'sub-linear' if growth <= hi / lo else 'SUPER-linear'})")  # fmt: skip


if __name__ == "__main__":
    main()
