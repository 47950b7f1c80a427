"""`pejling benchmark`: municipalities compared with what their case mix predicts.

The numbers come from `pejling.national.benchmark`; this module only words and formats them,
in Danish. Disclosure control as everywhere else: a municipality whose figures rest on fewer
persons than the workspace's threshold is listed without figures.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from openpyxl import Workbook
from openpyxl.styles import Font
from rich.table import Table
from rich.text import Text

from pejling.cli.common import console, err_console, guard, open_store, open_workspace, say
from pejling.errors import UserError
from pejling.formatting import fmt_number, fmt_percent, fmt_pp
from pejling.national.benchmark import (
    DURATION_ID,
    MIN_PERSONS,
    BenchmarkResult,
    MunicipalityBenchmark,
    benchmark_store,
    hidden,
    resolve,
)
from pejling.national.benchmark_texts import FUNNEL_NAMES, covariate_list
from pejling.national.practice import good_practice
from pejling.periods import Period
from pejling.report.texts import SYNTHETIC_LINE
from pejling.safe_export import csv_row, protect_sheet
from pejling.spec.policy import Policy


class BenchmarkFormat(StrEnum):
    """Output formats of `pejling benchmark`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


HEADERS = [
    "Kommune", "Personer", "Faktisk", "Forventet", "Forskel", "95 %-interval", "Faktisk/forventet",
    "Krympet forskel", "Tragt", "Rang (median)", "Rang 95 %", "P(bedste 1/5)", "P(dårligste 1/5)",
    "Femtedel",
]  # fmt: skip


def _year(as_of: str | None) -> int | None:
    if as_of is None:
        return None
    try:
        return Period.parse(as_of).end.year
    except ValueError:
        raise UserError(f"--as-of: '{as_of}' is not a year or period (e.g. 2022)") from None


def _p(x: float | None) -> str:
    return "–" if x is None else fmt_percent(100 * x, 0)


def _cells(r: MunicipalityBenchmark, hide: bool) -> list[str]:
    if hide:
        return [r.name, "skjult", *["–"] * (len(HEADERS) - 2)]
    lo, hi = r.difference_interval
    rank = "ikke rangeret" if not r.ranked else fmt_number(r.rank_median, 0)
    rank_interval = (
        f"{r.rank_interval[0]}–{r.rank_interval[1]}" if r.rank_interval is not None else "–"
    )
    return [
        r.name,
        fmt_number(r.persons, 0),
        fmt_percent(r.observed_share),
        fmt_percent(r.expected_share),
        fmt_pp(r.difference),
        f"{fmt_number(lo)} til {fmt_number(hi)}",
        fmt_number(r.ratio, 2) if math.isfinite(r.ratio) else "–",
        fmt_pp(r.shrunken),
        FUNNEL_NAMES[r.funnel],
        rank,
        rank_interval,
        _p(r.p_top_fifth),
        _p(r.p_bottom_fifth),
        "–" if r.fifth is None else f"{r.fifth}.",
    ]


def _ordered(result: BenchmarkResult) -> list[MunicipalityBenchmark]:
    ranked = sorted((r for r in result.rows if r.rank is not None), key=lambda r: r.rank or 0)
    rest = sorted((r for r in result.rows if r.rank is None), key=lambda r: r.name)
    return [*ranked, *rest]


def describe(result: BenchmarkResult) -> list[str]:
    """The lines above a benchmark's table: what was compared and how well the model fits."""
    m = result.model
    covariates = covariate_list(m.covariates)
    explained = "–" if result.explained is None else fmt_percent(100 * result.explained, 0)
    better = "højere" if result.higher_better else "lavere"
    fit = (
        f"{covariates} ({fmt_number(m.cells, 0)} celler, {m.parameters} parametre, overspredning "
        f"φ {fmt_number(m.dispersion, 2)}: intervallerne er gjort "
        f"{fmt_number(m.dispersion**0.5, 2)} gange bredere)."
    )
    head = (
        f"{result.title} ({result.indicator}), {result.period_label}; data pr. "
        f"{result.as_of.strftime('%d.%m.%Y')}"
    )
    if result.kind == "duration":
        model = _describe_duration(result, fit)
    else:
        model = [
            f"Hele landet: {fmt_number(result.persons, 0)} personer, "
            f"{fmt_percent(result.national_share)} (forventet i alt = faktisk i alt: "
            f"{fmt_number(result.expected, 0)} = {fmt_number(result.observed, 0)}). "
            f"Bedst er {better}.",
            f"Forventet ud fra en landsdækkende logistisk model uden kommunale led: {fit}",
        ]
    return [
        head,
        *model,
        f"Variation mellem kommunerne ud over tilfældighed: τ² {fmt_number(result.tau2_raw, 2)} "
        f"før og {fmt_number(result.tau2, 2)} (pct.-point²) efter justering; "
        f"personsammensætning og lokal ledighed forklarer {explained}.",
        f"Kommuner med under {result.min_persons} personer vises, men rangeres ikke "
        f"({result.ranked_units} rangeret). Rang: 1 er bedst; fordelingen af rangen i "
        f"{result.draws} træk (frø {result.seed}). Krympet forskel: trukket mod det forventede.",
    ]


def _describe_duration(result: BenchmarkResult, fit: str) -> list[str]:
    """The duration benchmark's model lines (`pejling.national.duration`)."""
    months = result.follow_up_months or 0
    person_months = result.person_months or 0.0
    return [
        f"Hele landet: {fmt_number(result.persons, 0)} personer i deres første {months} "
        f"måneder efter programstart, {fmt_number(person_months, 0)} måneder i risiko, "
        f"{fmt_number(result.observed, 0)} første job (forventet i alt = faktisk i alt: "
        f"{fmt_number(result.expected, 0)} = {fmt_number(result.observed, 0)}); "
        f"{fmt_percent(result.national_share)} i job inden for {months} måneder. "
        "Bedst er højere.",
        "Forventet ud fra en landsdækkende varighedsmodel (diskret tid: sandsynligheden for "
        f"første job i en måned, logistisk) uden kommunale led: {fit}",
        f"Faktisk og forventet: andelen i job inden for {months} måneder efter programstart, "
        "beregnet af kommunens faktiske og forventede månedlige chancer for første job; "
        "faktisk/forventet: antal første job mod det forventede (O/E). Fraflytning til "
        "udlandet og datadatoen afslutter opfølgningen (censurering).",
    ]


def records(results: Sequence[BenchmarkResult], threshold: int) -> list[dict[str, Any]]:
    """Machine-readable rows, hidden municipalities without figures."""
    out: list[dict[str, Any]] = []
    for result in results:
        secret = hidden(result, threshold)
        for r in _ordered(result):
            row: dict[str, Any] = {
                "indicator": result.indicator,
                "periods": list(result.periods),
                "as_of": result.as_of.isoformat(),
                "municipality": r.municipality,
                "name": r.name,
                "suppressed": r.municipality in secret,
            }
            if r.municipality not in secret:
                row.update(
                    {
                        "persons": r.persons,
                        "observed": r.observed,
                        "expected": r.expected,
                        "observed_share": r.observed_share,
                        "expected_share": r.expected_share,
                        "difference_pp": r.difference,
                        "difference_interval": list(r.difference_interval),
                        "ratio": r.ratio if math.isfinite(r.ratio) else None,
                        "ratio_interval": [
                            x if math.isfinite(x) else None for x in r.ratio_interval
                        ],
                        "shrunken_pp": r.shrunken,
                        "shrunken_interval": list(r.shrunken_interval),
                        "funnel": r.funnel,
                        "ranked": r.ranked,
                        "rank": r.rank,
                        "rank_median": r.rank_median,
                        "rank_interval": list(r.rank_interval) if r.rank_interval else None,
                        "p_top_fifth": r.p_top_fifth,
                        "p_bottom_fifth": r.p_bottom_fifth,
                        "fifth": r.fifth,
                    }
                )
                if result.kind == "duration":  # first jobs: O − E in events beside O/E
                    row["observed_minus_expected"] = r.observed - r.expected
            out.append(row)
    return out


def summaries(results: Sequence[BenchmarkResult]) -> list[dict[str, Any]]:
    """One record per benchmark: the model and the national figures."""
    return [
        {
            "indicator": r.indicator,
            "title": r.title,
            "periods": list(r.periods),
            "as_of": r.as_of.isoformat(),
            "higher_is_better": r.higher_better,
            "persons": r.persons,
            "observed": r.observed,
            "expected": r.expected,
            "national_share": r.national_share,
            "covariates": list(r.model.covariates),
            "cells": r.model.cells,
            "parameters": r.model.parameters,
            "deviance": r.model.deviance,
            "null_deviance": r.model.null_deviance,
            "converged": r.model.converged,
            "dispersion": r.model.dispersion,
            "tau2": r.tau2,
            "tau2_raw": r.tau2_raw,
            "funnel_phi": r.phi,
            "explained": r.explained,
            "min_persons": r.min_persons,
            "ranked": r.ranked_units,
            "synthetic": r.synthetic,
            "seed": r.seed,
            "draws": r.draws,
            "model": r.kind,
            **(
                {"follow_up_months": r.follow_up_months, "person_months": r.person_months}
                if r.kind == "duration"
                else {}
            ),
        }
        for r in results
    ]


SHORT = ["Kommune", "Personer", "Faktisk", "Forventet", "Forskel (95 %-interval)", "Krympet",
         "Tragt", "Rang (95 %)", "Bedste/dårligste 1/5", "Femtedel"]  # fmt: skip
NARROW = 150
"""Below this console width the table is unreadable: print one line per municipality."""


def _short(r: MunicipalityBenchmark, hide: bool) -> list[str]:
    if hide:
        return [r.name, "skjult", *["–"] * (len(SHORT) - 2)]
    c = _cells(r, False)
    lo, hi = r.difference_interval
    diff = f"{fmt_number(r.difference)} ({fmt_number(lo)} til {fmt_number(hi)})"
    rank = c[9] if r.rank_interval is None else f"{c[9]} ({c[10]})"
    fifths = "–" if r.p_top_fifth is None else f"{c[11]} / {c[12]}"
    return [c[0], c[1], c[2], c[3], diff, fmt_number(r.shrunken), c[8], rank, fifths, c[13]]


def _table(result: BenchmarkResult, threshold: int, policies: Sequence[Policy] = ()) -> None:
    secret = hidden(result, threshold)
    console.rule(Text(result.indicator, style="bold"))
    for line in describe(result):
        say(line)
    rows = _ordered(result)
    if console.width < NARROW:
        say("Forskel og krympet forskel i procentpoint; rang: median (95 %-interval).")
        for r in rows:
            if r.municipality in secret:
                say(f"{r.name}: skjult (diskretion)")
                continue
            c = _short(r, False)
            say(f"{c[0]}: {c[1]} pers., faktisk {c[2]}, forventet {c[3]}, forskel {c[4]}, "
                f"krympet {c[5]}, tragt {c[6]}, rang {c[7]}, 1/5 {c[8]}, femtedel {c[9]}")  # fmt: skip
    else:
        table = Table(show_lines=False, expand=False, caption="Forskel og krympet forskel i "
                      "procentpoint; rang: median (95 %-interval).")  # fmt: skip
        for h in SHORT:
            table.add_column(h, no_wrap=h != "Kommune")
        for r in rows:
            table.add_row(*[Text(c) for c in _short(r, r.municipality in secret)])
        console.print(table)
    if secret:
        say(f"Skjult: {len(secret)} kommune(r) med tal, der hviler på under {threshold} personer.")
    for line in practice_lines(result, policies, secret):
        say(line)


def practice_lines(
    result: BenchmarkResult, policies: Sequence[Policy], secret: set[int] | frozenset[int]
) -> list[str]:
    """ "Hvad gør de, der klarer sig bedst?": the significantly better municipalities and the
    initiatives their policies in the workspace name for a goal on this indicator."""
    best = good_practice(result, policies, frozenset(secret))
    lines = ["Hvad gør de, der klarer sig bedst?"]
    if not best:
        lines.append(
            "  Ingen kommune ligger signifikant bedre end forventet (uden for tragtens "
            "95 %-grænse)."
        )
        return lines
    for b in best:
        lo, hi = b.row.difference_interval
        lines.append(
            f"  {b.row.name}: {fmt_number(b.row.difference)} procentpoint "
            f"({fmt_number(lo)} til {fmt_number(hi)}) i forhold til det forventede"
            + (" – uden for 99,8 %-grænsen" if b.strong else "")
        )
        if b.initiatives:
            for ref in b.initiatives:
                owner = f", {ref.owner}" if ref.owner else ""
                lines.append(f"    – {ref.title} ({ref.policy}, mål {ref.goal}{owner})")
        elif b.policies:
            lines.append("    Politikken nævner ingen tiltag for et mål på denne indikator.")
        else:
            lines.append("    Kommunens politik er ikke i arbejdsområdet.")
    lines.append(
        "  Tiltagene er dem, kommunernes egne politikker knytter til målet; at de virker, "
        "er ikke vist."
    )
    return lines


def practice_records(
    results: Sequence[BenchmarkResult], policies: Sequence[Policy], threshold: int
) -> list[dict[str, Any]]:
    """Machine-readable good practice per benchmark."""
    out: list[dict[str, Any]] = []
    for result in results:
        for b in good_practice(result, policies, frozenset(hidden(result, threshold))):
            out.append(
                {
                    "indicator": result.indicator,
                    "municipality": b.row.municipality,
                    "name": b.row.name,
                    "difference": b.row.difference,
                    "difference_interval": list(b.row.difference_interval),
                    "beyond_998": b.strong,
                    "policies": list(b.policies),
                    "initiatives": [
                        {"policy": i.policy, "goal": i.goal, "title": i.title,
                         "owner": i.owner, "status": i.status}
                        for i in b.initiatives
                    ],
                }
            )  # fmt: skip
    return out


def _csv(results: Sequence[BenchmarkResult], threshold: int) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["Indikator", "Periode", *HEADERS])
    for result in results:
        secret = hidden(result, threshold)
        for r in _ordered(result):
            cells = _cells(r, r.municipality in secret)
            writer.writerow(csv_row([result.indicator, result.period_label, *cells]))
    return buf.getvalue()


def _xlsx(results: Sequence[BenchmarkResult], threshold: int, path: Path, synthetic: bool) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Læs først"
    if synthetic:
        first.append(["SYNTETISKE DATA: tallene er beregnet på genererede data (pejling synth) og "
                      "beskriver ikke rigtige personer."])  # fmt: skip
        first["A1"].font = Font(bold=True, color="C00000")
    for result in results:
        for line in describe(result):
            first.append([line])
        first.append([])
    for i, result in enumerate(results):
        sheet = wb.create_sheet(f"{i + 1} {result.indicator}"[:31])
        sheet.append(["Kommune", "Kode", "Personer", "Faktisk %", "Forventet %", "Forskel pct.-point",
                      "Nedre 95 %", "Øvre 95 %", "Faktisk/forventet", "Krympet forskel", "Tragt",
                      "Rang", "Rang median", "Rang nedre", "Rang øvre", "P(bedste 1/5)",
                      "P(dårligste 1/5)", "Femtedel"])  # fmt: skip
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        secret = hidden(result, threshold)
        for r in _ordered(result):
            if r.municipality in secret:
                sheet.append([r.name, r.municipality, "skjult"])
                continue
            sheet.append([
                r.name, r.municipality, r.persons, r.observed_share, r.expected_share,
                r.difference, *r.difference_interval,
                r.ratio if math.isfinite(r.ratio) else None, r.shrunken, FUNNEL_NAMES[r.funnel],
                r.rank, r.rank_median, *(r.rank_interval or (None, None)), r.p_top_fifth,
                r.p_bottom_fifth, r.fifth,
            ])  # fmt: skip
    for sheet in wb.worksheets:
        protect_sheet(sheet)
    wb.save(path)


@guard
def benchmark(
    indicators: Annotated[
        list[str] | None,
        typer.Argument(
            help="Indicator ids (default: every yes/no outcome in the register, and "
            "time_to_first_job: the duration from the programme start to the first job)."
        ),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $PEJLING_WORKSPACE or the current folder).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The year (or a period in it) to compare (default: the "
            "newest complete year of each indicator).",
        ),
    ] = None,
    periods: Annotated[
        int,
        typer.Option(
            "--periods",
            min=1,
            max=20,
            help="Pool this many years ending at --as-of "
            "(small cohorts; the year is then a covariate).",
        ),
    ] = 1,
    min_persons: Annotated[
        int,
        typer.Option(
            "--min-persons",
            min=1,
            help="Fewest persons for a municipality to be ranked and put in a fifth (AKF used 80).",
        ),
    ] = MIN_PERSONS,
    fmt: Annotated[
        BenchmarkFormat, typer.Option("--format", "-f", help="Output format.")
    ] = BenchmarkFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Compare municipalities fairly: observed against expected from the case mix.

    Per municipality: observed and expected share, the difference with a 95 % interval, the
    funnel plot's verdict (allowing for over-dispersion), an empirical-Bayes estimate shrunk
    towards the expected, the rank as a distribution and the fifth (docs/benchmark.md).
    """
    ws = open_workspace(workspace)
    threshold = ws.settings.disclosure.threshold
    with open_store(ws, read_only=True) as store:
        results = benchmark_store(
            store, ws.catalog(), indicators or (), year=_year(as_of), pool=periods,
            min_persons=min_persons,
        )  # fmt: skip
    if not indicators and as_of is not None:
        done = {r.indicator for r in results}
        missing = [s.id for s in resolve(ws.catalog(), ()) if s.id not in done]
        missing += [] if DURATION_ID in done else [DURATION_ID]
        if missing:
            say(f"Ingen fuldstændig periode {as_of} for: {', '.join(missing)}", err=True)
    synthetic = any(r.synthetic for r in results)
    policies = [lp.policy for lp in ws.load_policies()]
    if fmt is BenchmarkFormat.XLSX:
        target = output or Path("pejling-benchmark.xlsx")
        _xlsx(results, threshold, target, synthetic)
        say(f"Skrev {target}")
        return
    if fmt is BenchmarkFormat.TABLE and output is None:
        if synthetic:
            console.print(SYNTHETIC_LINE["da"])
        for result in results:
            _table(result, threshold, policies)
        if synthetic:
            console.print(SYNTHETIC_LINE["da"])
        return
    if synthetic:
        err_console.print(SYNTHETIC_LINE["da"])
    if fmt is BenchmarkFormat.JSON:
        text = json.dumps(
            {
                "benchmarks": summaries(results),
                "municipalities": records(results, threshold),
                "good_practice": practice_records(results, policies, threshold),
            },
            ensure_ascii=False,
            indent=2,
        )
    else:
        text = _csv(results, threshold)
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"Skrev {output}")
    else:
        typer.echo(text)
