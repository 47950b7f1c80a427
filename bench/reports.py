"""Benchmark: status reports for all 98 municipalities of a national workspace.

Builds a national workspace (municipality 0) with one policy per municipality (six goals and a
key figure on register indicators, two of them with a map), a synthetic register of
`--persons` persons, imports and computes it, then times:

- the report models for all 98 (evaluation + disclosure control),
- HTML for all 98 (charts rendered to SVG with vl-convert, HTML written),
- one PDF (WeasyPrint) for one municipality.

Targets (issue 4): HTML for all 98 ≤ 60 s; one PDF ≤ 10 s. Prints rows, seconds and peak memory.

    uv run python bench/reports.py --persons 200000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from pejling.workspace import Workspace

POLICY = """\
id: politik-{code}
municipality: {code}
title: Integrationspolitik for {name} Kommune
period: {{start: 2019, end: 2024}}
source: {{document: "Syntetisk benchmark-politik"}}
initiatives:
  - {{id: modtagelse, title: Samlet modtagelse, goals: [beskaeftigelse, dansk], status: running, owner: Jobcenter, partners: [Sprogcenter]}}
  - {{id: virksomhed, title: Virksomhedsrettet indsats, goals: [aktivering, selvforsoergelse], status: planned}}
themes:
  - id: arbejde
    title: Beskæftigelse
    goals:
      - id: beskaeftigelse
        statement: Beskæftigelsesgabet til personer med dansk oprindelse skal halveres.
        indicator: {{id: employment_rate_25_64, group: {{origin: non_western}}}}
        target: {{kind: gap, value: 10, reference_group: {{origin: danish_origin}}}}
        deadline: 2024
      - id: selvforsoergelse
        statement: 40 % af dem, hvis program slutter, er selvforsørgende.
        indicator: {{id: self_supporting_programme_cohort}}
        target: {{kind: level, value: 40}}
        deadline: 2024
      - id: aktivering
        statement: Aktiveringsgraden skal være mindst 60 %.
        indicator: {{id: activation_degree}}
        target: {{kind: level, value: 60}}
        deadline: 2024
      - id: hurtigt-i-gang
        statement: Færre dage fra ankomst til første virksomhedsrettede tilbud.
        indicator: {{id: days_to_company_offer}}
        target: {{kind: direction, direction: lower}}
    key_figures:
      - id: forsoergelse
        statement: Personer på offentlig forsørgelse.
        indicator: {{id: public_support_persons}}
  - id: uddannelse
    title: Dansk og uddannelse
    goals:
      - id: dansk
        statement: 60 % består en danskprøve inden for 3 år.
        indicator: {{id: danish_test_within_3y}}
        target: {{kind: level, value: 60}}
        deadline: 2024
      - id: ungdomsuddannelse
        statement: Andelen med ungdomsuddannelse skal stige med 5 procentpoint.
        indicator: {{id: youth_education_20_24, group: {{origin: non_western}}}}
        target: {{kind: change_pp, value: 5}}
        deadline: 2024
"""


def peak_mib() -> float:
    """Peak resident memory of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build_workspace(root: Path, persons: int, stages: list[tuple[str, int, float]]) -> Workspace:
    from pejling.engine.run import cohort_ranges, compute_all
    from pejling.reference.municipalities import municipalities
    from pejling.register.importer import import_register
    from pejling.register.pseudonym import PseudonymKey
    from pejling.register.synthetic import generate
    from pejling.store.database import Store

    ws = Workspace.create(root / "ws", "Benchmark (national)", 0)
    for code, m in sorted(municipalities().items()):
        (ws.policies_dir / f"politik-{code}.yaml").write_text(
            POLICY.format(code=code, name=m.name), encoding="utf-8"
        )
    t0 = time.perf_counter()
    summary = generate(persons, 42, root / "register", fmt="parquet", as_of=date(2024, 12, 31))
    stages.append(("synthetic register", sum(summary.rows.values()), time.perf_counter() - t0))
    t0 = time.perf_counter()
    with Store.open(ws.db_path) as store:
        imported = import_register(store, [root / "register"], PseudonymKey(b"bench-only"))
        stages.append(("import", sum(t.rows for t in imported.tables), time.perf_counter() - t0))
        t0 = time.perf_counter()
        computed = compute_all(
            store, ws.catalog(), as_of=date(2024, 12, 31), cohort_ranges=cohort_ranges(ws)
        )
        stages.append(("compute", computed.rows, time.perf_counter() - t0))

    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    parser.add_argument("--jobs", type=int, default=None, help="chart workers (default: cores)")
    parser.add_argument("--reuse", action="store_true", help="reuse the workspace in --keep")
    args = parser.parse_args()

    from pejling.periods import Period
    from pejling.report.build import make_report, report_basename, write_atomic
    from pejling.report.data import ObservationCache
    from pejling.report.parallel import charts_for, default_jobs
    from pejling.report.render import render_charts, render_html, render_pdf
    from pejling.store.database import Store

    root = args.keep or Path(tempfile.mkdtemp(prefix="pejling-bench-reports-"))
    stages: list[tuple[str, int, float]] = []
    if args.reuse and (root / "ws" / "pejling.toml").exists():
        ws = Workspace.open(root / "ws")
    else:
        ws = _build_workspace(root, args.persons, stages)
    policies = ws.load_policies()
    catalog = ws.catalog()
    t0 = time.perf_counter()
    with Store.open(ws.db_path, read_only=True) as store:
        as_of = Period.year(2024)
        cache = ObservationCache(store, as_of=as_of)
        reports = [
            make_report(store, lp.policy, catalog, as_of=as_of, lang="da", threshold=5, cache=cache)
            for lp in policies
        ]
    stages.append(("report models (98)", len(reports), time.perf_counter() - t0))

    out = ws.reports_dir
    t0 = time.perf_counter()
    charts_total = 0
    size = 0
    jobs = args.jobs or default_jobs()
    for r, charts in zip(reports, charts_for(reports, jobs), strict=True):
        charts_total += sum((c.chart is not None) + (c.map is not None) for c in charts.values())
        html = render_html(r, charts).encode()
        size += len(html)
        write_atomic(out / f"{report_basename(r.policy, r.as_of, r.lang)}.html", html)
    html_s = time.perf_counter() - t0
    stages.append((f"HTML for all 98 ({charts_total} charts, {jobs} jobs)", len(reports), html_s))

    one = next(r for r in reports if r.policy.municipality == 265)
    t0 = time.perf_counter()
    charts = render_charts(one)
    pdf = render_pdf(render_html(one, charts))
    write_atomic(out / f"{report_basename(one.policy, one.as_of, one.lang)}.pdf", pdf)
    pdf_s = time.perf_counter() - t0
    stages.append(("one PDF (Roskilde, incl. charts)", len(pdf), pdf_s))

    print(f"\npejling report benchmark: {args.persons:,} persons, 98 municipalities\n")
    print(f"{'stage':<42} {'rows/items':>12} {'seconds':>9}")
    for name, rows, secs in stages:
        print(f"{name:<42} {rows:>12,} {secs:>9.1f}")
    print(
        f"\nHTML for all 98: {html_s:.1f} s (target ≤ 60 s; {html_s / 60:.2f} of budget); "
        f"{size / len(reports) / 1e6:.2f} MB per report"
    )
    print(
        f"One PDF: {pdf_s:.1f} s (target ≤ 10 s; {pdf_s / 10:.2f} of budget), "
        f"{len(pdf) / 1e6:.2f} MB"
    )
    print(f"Peak memory: {peak_mib():,.0f} MiB")
    print(f"Workspace: {root}")


if __name__ == "__main__":
    main()
