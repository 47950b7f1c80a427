"""Proof that `pejling benchmark` is fair, not just computed (issue 12).

Run from the repository root:

    .venv/bin/python bench/benchmark.py                          # 1M persons, 20 seeds at 200k
    .venv/bin/python bench/benchmark.py --persons 200000 --coverage-persons 50000 --seeds 5

The synthetic register (`pejling synth`, uniform mode) plants a municipality effect on
employment and one on passing a Danish test (truth_municipality_effects.csv), and makes
municipalities differ in case mix (refugee share, origin mix, age and education at arrival),
so raw figures rank municipalities partly by whom they receive. Printed, not asserted:

1. Fairness, at --persons (seed 42): per main outcome the Spearman correlation between the
   planted effect and (a) the estimated effect, logit(O/n) − logit(E/n), (b) the raw share, and
   (c) the empirical-Bayes estimate; municipalities with at least --min-persons persons.
   Target: (a) ≥ 0.9 and clearly above (b). A second line per outcome ("contribution (pp)")
   uses as truth the planted effects' actual contribution to each municipality's share,
   (O − O₀)/n, from the same register generated again without them (see 4).
2. Nationally, expected = observed, for every indicator.
3. Time and peak memory (max RSS of a fresh process) of all benchmarks of all outcome
   indicators for the 98 municipalities, from the imported register. Target ≤ 30 s.
4. Coverage, at --coverage-persons over --seeds seeds: the share of municipalities whose 95 %
   interval of O − E holds the truth. The truth of a municipality is the planted effect's
   contribution to its observed count: the same register generated again with the same seed
   and the planted effects set to 0 (same persons, same random numbers,
   `generate(planted=False)`) gives O₀; truth = (O − O₀) − E·Σ(O − O₀)/ΣE, i.e. the
   contribution beyond the national average contribution, which the model's intercept absorbs
   (Σ truth = 0 as Σ(O − E) = 0). Only indicators whose population the planted effects leave
   unchanged are counted (a planted employment effect ends programmes earlier, which moves
   persons between programme-end cohorts). Target: 93–97 %.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

KEY = "bench-key-synthetic-data-only"
#: main outcomes and the planted effect that drives them (sign: +1 when a higher effect raises
#: the share)
MAIN = {
    "employed_after_3y": ("employment_effect", 1),
    "employment_rate_25_64": ("employment_effect", 1),
    "self_supporting_share": ("employment_effect", 1),
    "danish_test_within_3y": ("danish_effect", 1),
    "danish_test_within_5y": ("danish_effect", 1),
    "danish_passed_within_programme": ("danish_effect", 1),
    # the duration benchmark: the planted effect is on the log job hazard itself
    "time_to_first_job": ("employment_effect", 1),
}


def peak_mib() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(persons: int, seed: int, folder: Path, db: Path, *, planted: bool = True) -> float:
    """Generate and import a uniform synthetic register; seconds."""
    from pejling.register.importer import import_register
    from pejling.register.pseudonym import PseudonymKey
    from pejling.register.synthetic import generate
    from pejling.store.database import Store

    started = time.perf_counter()
    generate(persons, seed, folder, planted=planted)
    with Store.open(db) as store:
        import_register(store, [folder], PseudonymKey(KEY.encode()))
    return time.perf_counter() - started


def truth(folder: Path) -> dict[int, dict[str, float]]:
    import csv

    with (folder / "truth_municipality_effects.csv").open(encoding="utf-8") as fh:
        return {
            int(r["municipality"]): {
                "employment_effect": float(r["employment_effect"]),
                "danish_effect": float(r["danish_effect"]),
            }
            for r in csv.DictReader(fh)
        }


def stage_benchmark(db: Path, pool: int, min_persons: int) -> dict[str, object]:
    """All benchmarks of all outcome indicators; run in a fresh process for its peak memory."""
    from pejling.national.benchmark import benchmark_store
    from pejling.spec.catalog import load_catalog
    from pejling.store.database import Store

    started = time.perf_counter()
    with Store.open(db, read_only=True) as store:
        results = benchmark_store(store, load_catalog(), pool=pool, min_persons=min_persons)
    seconds = time.perf_counter() - started
    out = []
    for r in results:
        out.append(
            {
                "indicator": r.indicator,
                "periods": r.period_label,
                "persons": r.persons,
                "observed": r.observed,
                "expected": r.expected,
                "cells": r.model.cells,
                "tau2": r.tau2,
                "tau2_raw": r.tau2_raw,
                "explained": r.explained,
                "ranked": r.ranked_units,
                "rows": [
                    {
                        "m": x.municipality,
                        "n": x.persons,
                        "o": x.observed_share,
                        "e": x.expected_share,
                        "d": x.difference,
                        "eb": x.shrunken,
                    }
                    for x in x_rows(r)
                ],
            }
        )
    return {"seconds": seconds, "peak_mib": peak_mib(), "results": out}


def x_rows(result: object) -> tuple[object, ...]:
    rows = getattr(result, "rows")  # noqa: B009 - typed loosely for the JSON bridge
    assert isinstance(rows, tuple)
    return rows


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p / 100, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)))


def fairness(persons: int, pools: list[int], min_persons: int, work: Path) -> None:
    folder, db = work / "fair", work / "fair.duckdb"
    seconds = build(persons, 42, folder, db)
    twin = work / "fair-0.duckdb"
    build(persons, 42, work / "fair-0", twin, planted=False)
    print(f"\n## Fairness at {persons:,} persons (seed 42)")
    print(f"synth + import: {seconds:.1f} s (and once more without the planted effects)")
    for pool in pools:
        fairness_pooled(folder, db, twin, pool, min_persons)


def contributions(db: Path, twin: Path, pool: int) -> dict[str, dict[int, float]]:
    """Per main outcome and municipality, the planted effects' contribution in percentage
    points: (O − O₀)/n, from the register generated twice with the same seed, with and without
    the planted effects (same persons, same random numbers). This is the planted effect
    *on this outcome*: one planted employment effect moves a refugee's job hazard, a Danish-
    origin person's chance of a working life and through both the benefit spells, so the same
    planted number is a different true effect on different outcomes in municipalities with
    different mixes. The national average contribution is left in (Spearman ignores a shift).
    Empty for an outcome whose population the effects change (the truth is then undefined)."""
    from pejling.engine.run import data_date
    from pejling.national.benchmark import choose_periods, resolve
    from pejling.national.outcome_frame import collapse
    from pejling.spec.catalog import load_catalog
    from pejling.store.database import Store

    out: dict[str, dict[int, float]] = {}
    with Store.open(db, read_only=True) as sa, Store.open(twin, read_only=True) as sb:
        as_of = data_date(sa)
        for spec in resolve(load_catalog(), list(MAIN)):
            assert spec.compute is not None
            periods = choose_periods(spec, as_of, None, pool)
            ca = collapse(sa, spec.compute, as_of, periods)
            cb = collapse(sb, spec.compute, as_of, periods)
            na = np.bincount(ca.municipality, weights=ca.weight, minlength=1000)
            nb = np.bincount(cb.municipality, weights=cb.weight, minlength=1000)
            if not np.allclose(na, nb):
                out[spec.id] = {}
                continue
            o1 = np.bincount(ca.municipality, weights=ca.outcome, minlength=1000)
            o0 = np.bincount(cb.municipality, weights=cb.outcome, minlength=1000)
            out[spec.id] = {
                int(m): float(100 * (o1[m] - o0[m]) / na[m]) for m in np.flatnonzero(na)
            }
    return out


def fairness_pooled(folder: Path, db: Path, twin: Path, pool: int, min_persons: int) -> None:
    from scipy.stats import spearmanr

    print(f"\n### Periods pooled per benchmark: {pool}")
    proc = subprocess.run(
        [sys.executable, __file__, "--stage", str(db), "--pool", str(pool),
         "--min-persons", str(min_persons)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    stage = json.loads(proc.stdout)
    planted = truth(folder)
    contributed = contributions(db, twin, pool)
    print(
        f"all benchmarks ({len(stage['results'])} indicators, 98 municipalities): "
        f"{stage['seconds']:.1f} s, peak memory {stage['peak_mib']:.0f} MiB"
    )
    print(
        "\n| indicator | periods | persons | planted effect | municipalities | Spearman estimated "
        "| Spearman raw | Spearman EB | explained | O − E national |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in stage["results"]:
        gap = r["observed"] - r["expected"]
        line = f"| {r['indicator']} | {r['periods']} | {r['persons']:,} "
        if r["indicator"] not in MAIN:
            explained = "–" if r["explained"] is None else f"{r['explained']:.0%}"
            print(line + f"| – | {r['ranked']} | – | – | – | {explained} | {gap:.1e} |")
            continue
        contribution = contributed.get(r["indicator"], {})
        if contribution:
            rows = [x for x in r["rows"] if x["n"] >= min_persons]
            true = np.array([contribution[x["m"]] for x in rows])
            s_est = spearmanr(true, np.array([x["d"] for x in rows])).statistic
            s_raw = spearmanr(true, np.array([x["o"] for x in rows])).statistic
            eb = np.array([x["eb"] for x in rows])
            s_eb = spearmanr(true, eb).statistic if np.ptp(eb) > 0 else float("nan")
            print(
                line + f"| contribution (pp) | {len(rows)} | {s_est:.3f} | {s_raw:.3f} "
                f"| {s_eb:.3f} | | |"
            )
        effect, sign = MAIN[r["indicator"]]
        rows = [x for x in r["rows"] if x["n"] >= min_persons]
        true = np.array([sign * planted[x["m"]][effect] for x in rows])
        est = logit(np.array([x["o"] for x in rows])) - logit(np.array([x["e"] for x in rows]))
        raw = np.array([x["o"] for x in rows])
        eb = np.array([x["eb"] for x in rows])
        s_est = spearmanr(true, est).statistic
        s_raw = spearmanr(true, raw).statistic
        s_eb = spearmanr(true, eb).statistic if np.ptp(eb) > 0 else float("nan")
        explained = "–" if r["explained"] is None else f"{r['explained']:.0%}"
        print(
            line + f"| {effect} | {len(rows)} | {s_est:.3f} | {s_raw:.3f} | {s_eb:.3f} "
            f"| {explained} | {gap:.1e} |"
        )


def coverage(persons: int, seeds: int, pool: int, work: Path) -> None:
    from pejling.engine.run import data_date
    from pejling.national.benchmark import benchmark_cells, choose_periods, resolve
    from pejling.national.outcome_frame import collapse
    from pejling.spec.catalog import load_catalog
    from pejling.store.database import Store

    catalog = load_catalog()
    specs = resolve(catalog, [])
    hits: dict[str, list[int]] = {s.id: [0, 0] for s in specs}
    big: dict[str, list[int]] = {s.id: [0, 0] for s in specs}
    changed: dict[str, int] = {s.id: 0 for s in specs}
    started = time.perf_counter()
    for seed in range(1, seeds + 1):
        a, b = work / f"cov{seed}", work / f"cov{seed}-0"
        build(persons, seed, a, work / f"cov{seed}.duckdb")
        build(persons, seed, b, work / f"cov{seed}-0.duckdb", planted=False)
        with (
            Store.open(work / f"cov{seed}.duckdb", read_only=True) as sa,
            Store.open(work / f"cov{seed}-0.duckdb", read_only=True) as sb,
        ):
            as_of = data_date(sa)
            for spec in specs:
                assert spec.compute is not None
                periods = choose_periods(spec, as_of, None, pool)
                ca = collapse(sa, spec.compute, as_of, periods)
                cb = collapse(sb, spec.compute, as_of, periods)
                na = np.bincount(ca.municipality, weights=ca.persons, minlength=1000)
                nb = np.bincount(cb.municipality, weights=cb.persons, minlength=1000)
                if not np.array_equal(na, nb):
                    changed[spec.id] += 1
                    continue
                result = benchmark_cells(ca, indicator=spec.id, draws=10)
                o0 = np.bincount(cb.municipality, weights=cb.outcome, minlength=1000)
                o1 = np.bincount(ca.municipality, weights=ca.outcome, minlength=1000)
                total = float((o1 - o0).sum())
                expected = sum(r.expected for r in result.rows)
                for r in result.rows:
                    m = r.municipality
                    n = r.persons
                    contribution = (o1[m] - o0[m]) - r.expected * total / expected
                    point = 100 * contribution / n
                    inside = r.difference_interval[0] <= point <= r.difference_interval[1]
                    hits[spec.id][0] += int(inside)
                    hits[spec.id][1] += 1
                    if n >= 80:
                        big[spec.id][0] += int(inside)
                        big[spec.id][1] += 1
        for path in work.glob(f"cov{seed}*"):
            _remove(path)
        print(f"  seed {seed}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"\n## Coverage of the 95 % intervals of O − E, {persons:,} persons, {seeds} seeds")
    print("\n| indicator | municipality-seeds | coverage | with ≥ 80 persons | coverage (≥ 80) |")
    print("|---|---|---|---|---|")
    all_hits = all_n = 0
    for ind, (h, n) in hits.items():
        if changed[ind] == seeds or n == 0:
            print(f"| {ind} | population changed by the effects | – | – | – |")
            continue
        bh, bn = big[ind]
        all_hits, all_n = all_hits + h, all_n + n
        cov_big = f"{bh / bn:.1%}" if bn else "–"
        print(f"| {ind} | {n} | {h / n:.1%} | {bn} | {cov_big} |")
    if all_n:
        print(f"| all | {all_n} | {all_hits / all_n:.1%} | | |")


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--coverage-persons", type=int, default=200_000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument(
        "--pool", default="1,5", help="periods pooled per benchmark (comma-separated: each)"
    )
    parser.add_argument("--min-persons", type=int, default=80)
    parser.add_argument("--skip-fairness", action="store_true")
    parser.add_argument("--skip-coverage", action="store_true")
    parser.add_argument("--stage", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage_benchmark(args.stage, int(args.pool), args.min_persons)))
        return
    with tempfile.TemporaryDirectory(prefix="pejling-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_fairness:
            pools = [int(x) for x in str(args.pool).split(",")]
            fairness(args.persons, pools, args.min_persons, work)
        if not args.skip_coverage:
            coverage(args.coverage_persons, args.seeds, 1, work)


if __name__ == "__main__":
    main()
