"""Render many reports' charts on all cores.

Chart rendering (vl-convert, ~30 ms a line chart and ~65 ms a map) is the slow part of writing
98 reports; it is CPU-bound and independent per report, so a national run spreads it over
worker processes. Workers are spawned, not forked: vl-convert runs a JavaScript engine with
threads of its own, which must not be copied mid-flight by fork().
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from pejling.report.model import Report
from pejling.report.render import RenderedCharts, render_charts

MIN_PARALLEL = 6  # below this, starting workers (~2 s each) costs more than it saves


def default_jobs() -> int:
    """One worker per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def charts_for(
    reports: list[Report], jobs: int | None = None
) -> Iterator[dict[str, RenderedCharts]]:
    """Each report's rendered charts, in order; in worker processes when there are several."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(reports) < MIN_PARALLEL:
        for r in reports:
            yield render_charts(r)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(reports)), mp_context=ctx) as pool:
        yield from pool.map(render_charts, reports, chunksize=1)
