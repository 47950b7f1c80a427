"""`pejling similar` (the nearest municipalities on frame conditions) and `pejling target` (the
target advisor), and the store-backed warnings of `pejling lint`."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from pejling.cli.common import console, err_console, guard, open_store, open_workspace, say
from pejling.errors import UserError, WorkspaceError
from pejling.formatting import fmt_number, fmt_percent
from pejling.national.frame import (
    BUILTIN,
    choose_variables,
    parse_var,
    shipped_frame,
    shipped_latest_year,
)
from pejling.national.similar import DEFAULT_N, SimilarResult, nearest, similar_municipalities
from pejling.national.target_texts import advice_lines, frame_value_da
from pejling.national.targets import TargetAdvice, advise_target
from pejling.periods import Period
from pejling.reference.municipalities import AreaKind, resolve_area
from pejling.report.texts import SYNTHETIC_LINE
from pejling.safe_export import csv_row, protect_sheet, xlsx_row
from pejling.spec.catalog import Catalog
from pejling.spec.policy import Policy
from pejling.store.database import Store
from pejling.workspace import Workspace

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: $PEJLING_WORKSPACE or "
                 "the current folder; without one, the shipped Statistics Denmark series)."),
]  # fmt: skip


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def municipality_code(text: str) -> int:
    """A municipality by code (265, 0265) or name (Roskilde, Københavns Kommune)."""
    area = resolve_area(text)
    if area.kind is AreaKind.MUNICIPALITY and area.code is not None:
        return area.code
    if area.kind is AreaKind.UNKNOWN:
        from pejling.reference.municipalities import municipalities
        from pejling.suggest import did_you_mean

        hint = did_you_mean(text, [m.name for m in municipalities().values()])
        raise UserError(area.explain("da") + (f"; {hint}" if hint else "") +
                        " ('pejling municipalities' viser de 98)")  # fmt: skip
    raise UserError(area.explain("da"))


def _synthetic_register(store: Store) -> bool:
    try:
        row = store.con.execute("SELECT bool_or(provenance = 'synthetic') FROM persons").fetchone()
    except Exception:  # a store without register tables
        return False
    return bool(row and row[0])


@guard
def similar(
    kommune: Annotated[
        str, typer.Argument(help="Municipality code or name, e.g. 265 or Roskilde.")
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Year of the frame conditions (default: the newest all variables have)."
        ),
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            help="NAME=WEIGHT: change a variable's weight (0 drops it) or add an indicator (id, or id/group), e.g. --var population=2 --var employment_rate_25_64/origin=non_western=1.",
        ),
    ] = None,
    only: Annotated[
        bool, typer.Option("--only", help="Use only the variables given with --var.")
    ] = False,
    n: Annotated[int, typer.Option("--n", help="How many similar municipalities.")] = DEFAULT_N,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The municipalities most similar to KOMMUNE on frame conditions (Kolada-style)."""  # fmt: skip
    code = municipality_code(kommune)
    specs = [parse_var(v) for v in var or []]
    try:
        ws: Workspace | None = open_workspace(workspace)
    except WorkspaceError:
        if workspace is not None:
            raise
        ws = None
    synthetic = False
    if ws is None:
        variables = choose_variables(specs, only=only, known=BUILTIN)
        y = year if year is not None else shipped_latest_year(variables)
        result = nearest(shipped_frame(y, variables), code, n)
    else:
        catalog = ws.catalog()
        variables = choose_variables(specs, only=only, known=catalog.ids())
        with open_store(ws, read_only=True) as store:
            result = similar_municipalities(
                store, code, year, variables, n,
                min_persons=ws.settings.evaluation.min_persons,
            )  # fmt: skip
            synthetic = _synthetic_register(store) and any(
                s.source == "register" for s in result.variables
            )
    _emit_similar(result, fmt, output, synthetic)


def _similar_header(result: SimilarResult) -> list[str]:
    return [
        "Nr.",
        "Kode",
        "Kommune",
        "Afstand",
        *(s.variable.short or s.variable.label for s in result.variables),
    ]


def _similar_rows(result: SimilarResult, formatted: bool) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for rank, nb in enumerate((result.municipality, *result.neighbours)):
        cells: list[Any] = [rank if rank else "", nb.code, nb.name]
        if formatted:
            cells.append(fmt_number(nb.distance, 2) if rank else "–")
            cells += [frame_value_da(s.variable, nb.values.get(s.variable.name))
                      for s in result.variables]  # fmt: skip
        else:
            cells.append(round(nb.distance, 4) if rank else None)
            cells += [nb.values.get(s.variable.name) for s in result.variables]
        rows.append(cells)
    return rows


def similar_record(result: SimilarResult) -> dict[str, Any]:
    """The result as JSON-ready data (raw numbers)."""

    def one(nb: Any, rank: int | None) -> dict[str, Any]:
        return {
            "rank": rank, "code": nb.code, "name": nb.name,
            "distance": None if rank is None else nb.distance,
            "shared_weight": nb.shared_weight, "values": dict(nb.values),
            "periods": dict(nb.periods), "z": dict(nb.z),
        }  # fmt: skip

    return {
        "year": result.year,
        "municipality": one(result.municipality, None),
        "distance": "sqrt(sum_k w_k (z_ik - z_jk)^2 / sum_k w_k), k: variables both have",
        "variables": [
            {
                "name": s.variable.name,
                "label": s.variable.label,
                "weight": s.weight,
                "log": s.variable.log,
                "mean": s.mean,
                "sd": s.sd,
                "municipalities": s.n,
                "source": s.source,
                "indicator": s.variable.indicator,
                "group": s.variable.group,
            }
            for s in result.variables
        ],
        "compared": result.compared,
        "neighbours": [one(nb, i + 1) for i, nb in enumerate(result.neighbours)],
        "notes": list(result.notes),
    }


def _emit_similar(result: SimilarResult, fmt: Format, output: Path | None, synthetic: bool) -> None:
    if fmt is Format.XLSX:
        _similar_xlsx(result, output or Path("pejling-lignende-kommuner.xlsx"), synthetic)
        return
    if fmt is Format.TABLE and output is None:
        _similar_table(result, synthetic)
        return
    if synthetic:
        err_console.print(SYNTHETIC_LINE["da"])
    if fmt is Format.JSON:
        text = json.dumps(similar_record(result), ensure_ascii=False, indent=2)
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";")
        writer.writerow(_similar_header(result))
        for row in _similar_rows(result, formatted=True):
            writer.writerow(csv_row(row))
        text = buf.getvalue()
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"Skrev {output}")
    else:
        typer.echo(text)


def _similar_table(result: SimilarResult, synthetic: bool) -> None:
    if synthetic:
        console.print(SYNTHETIC_LINE["da"])
    console.print(
        Text(f"Kommuner, der ligner {result.municipality.name} mest ({result.year}), "
             f"blandt {result.compared} sammenlignelige", style="bold")
    )  # fmt: skip
    table = Table(*_similar_header(result))
    for row in _similar_rows(result, formatted=True):
        table.add_row(*(Text(str(c)) for c in row))
    console.print(table)
    legend = Table(
        "Variabel", "Navn (--var)", "Vægt", "Gennemsnit", "Spredning", "Kilde", "Periode"
    )
    periods = result.municipality.periods
    for s in result.variables:
        log = " (log)" if s.variable.log else ""
        legend.add_row(
            Text((s.variable.short + ": " if s.variable.short else "") + s.variable.label), Text(s.variable.name), fmt_percent(s.weight * 100, 1),
            fmt_number(s.mean, 2) + log, fmt_number(s.sd, 2) + log, Text(s.source or "–"),
            Text(periods.get(s.variable.name) or "–"),
        )  # fmt: skip
    console.print(legend)
    say("Afstand: den vægtede kvadratiske middelafstand mellem kommunernes standardiserede "
        "værdier (z-scorer), i standardafvigelser; se docs/similar-and-targets.md.")  # fmt: skip
    for note in result.notes:
        say(f"Bemærk: {note}")
    if synthetic:
        console.print(SYNTHETIC_LINE["da"])


def _similar_xlsx(result: SimilarResult, path: Path, synthetic: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Lignende kommuner"
    if synthetic:
        sheet.append(["SYNTETISKE DATA: borgersammensætningen er beregnet på genererede data "
                      "(pejling synth) og beskriver ikke rigtige personer."])  # fmt: skip
        sheet["A1"].font = Font(bold=True, color="C00000")
    sheet.append(xlsx_row(_similar_header(result)))
    for row in _similar_rows(result, formatted=False):
        sheet.append(xlsx_row(row))
    legend = wb.create_sheet("Variabler")
    legend.append(["Navn", "Variabel", "Vægt", "Log", "Gennemsnit", "Spredning", "Kommuner",
                   "Kilde"])  # fmt: skip
    for s in result.variables:
        legend.append(xlsx_row([s.variable.name, s.variable.label, s.weight, s.variable.log,
                                s.mean, s.sd, s.n, s.source]))  # fmt: skip
    notes = wb.create_sheet("Noter")
    notes.append(["Afstand = sqrt(Σ w_k (z_ik − z_jk)² / Σ w_k) over variablerne begge har"])
    for note in result.notes:
        notes.append(xlsx_row([note]))
    for ws in wb.worksheets:
        protect_sheet(ws)
    wb.save(path)
    say(f"Skrev {path}")


# --- pejling target --------------------------------------------------------------------------


class TargetFormat(StrEnum):
    """Output formats of `pejling target`."""

    TABLE = "table"
    JSON = "json"


class Start(StrEnum):
    """Which figure the required change is counted from."""

    LATEST = "latest"
    BASELINE = "baseline"


@guard
def target(
    policy: Annotated[str, typer.Argument(help="Policy id, file name or path.")],
    goal_id: Annotated[str, typer.Argument(help="The goal's id (or label).")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge as of this period (default: the newest data)."),
    ] = None,
    start: Annotated[
        Start,
        typer.Option(
            "--from", help="Count the required change from the newest figure or from the baseline."
        ),
    ] = Start.LATEST,
    fmt: Annotated[
        TargetFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TargetFormat.TABLE,
    workspace: WorkspaceOpt = None,
) -> None:
    """A target advisor: expected value, similar municipalities, the best fifth, the change the
    target needs against history, and a suggested ambitious-but-realistic range."""  # fmt: skip
    from pejling.cli.common import parse_as_of

    ws = open_workspace(workspace)
    lp = ws.find_policy(policy)
    catalog = ws.catalog()
    with open_store(ws, read_only=True) as store:
        advice = advise_target(
            store, lp.policy, goal_id, catalog, as_of=parse_as_of(as_of, None),
            start=start.value,
            expected=expected_value(store, lp.policy, goal_id, catalog, parse_as_of(as_of, None)),
            min_persons=ws.settings.evaluation.min_persons,
        )  # fmt: skip
    synthetic = advice.latest is not None and advice.latest.synthetic
    if fmt is TargetFormat.JSON:
        if synthetic:
            err_console.print(SYNTHETIC_LINE["da"])
        typer.echo(json.dumps(advice_record(advice), ensure_ascii=False, indent=2))
        return
    if synthetic:
        console.print(SYNTHETIC_LINE["da"])
    table = Table("", "", show_header=False, box=None)
    for label, text in advice_lines(advice):
        table.add_row(Text(label, style="bold"), Text(text))
    console.print(table)
    if synthetic:
        console.print(SYNTHETIC_LINE["da"])


def expected_value(
    store: Store, policy: Policy, goal_id: str, catalog: Catalog, as_of: Period | None = None
) -> float | None:
    """The figure the municipality's case mix predicts for the goal, from the case-mix
    benchmark (`pejling.report.comparison.expected_for_goal`); None — the advisor says "ikke
    beregnet" — when the goal's indicator is not benchmarked on the register for its whole
    population, or the workspace has no register."""
    from pejling.report.comparison import ComparisonSource, expected_for_goal

    return expected_for_goal(policy, goal_id, catalog, ComparisonSource(store, catalog), as_of)


def advice_record(a: TargetAdvice) -> dict[str, Any]:
    """The advice as JSON-ready data (raw numbers) with the Danish lines."""
    h = a.history

    def at(v: Any) -> dict[str, Any] | None:
        return None if v is None else {"value": v.value, "period": v.period.label,
                                       "persons": v.persons, "provenance": v.provenance}  # fmt: skip

    return {
        "policy": a.policy_id, "goal": a.goal_id, "municipality": a.municipality_code,
        "indicator": a.indicator_id, "group": a.group, "reference_group": a.reference_group,
        "unit": a.unit, "series_source": a.series_source, "scale": a.scale.value,
        "latest": at(a.latest), "start": at(a.start), "start_kind": a.start_kind,
        "target": a.target, "deadline": a.deadline.label if a.deadline else None,
        "expected": a.expected, "already_met": a.already_met,
        "required_change": a.required_change, "required_per_year": a.required_per_year,
        "horizon_years": a.horizon,
        "history": None if h is None else {
            "windows": h.windows, "municipalities": h.municipalities,
            "first_year": h.first_year, "last_year": h.last_year,
            "achieved_windows": h.achieved_windows,
            "achieved_municipalities": h.achieved_municipalities,
            "median_improvement": h.quantile(0.5), "p80_improvement": h.quantile(0.8),
        },
        "suggested_range": list(a.suggested) if a.suggested else None,
        "similar_year": a.similar_year,
        "peers": [{"code": p.code, "name": p.name, "value": p.value, "period": p.period,
                   "distance": p.distance, "too_few_persons": p.too_few} for p in a.peers],
        "peer_median": a.peer_median,
        "best_fifth": None if a.best_fifth is None else vars(a.best_fifth),
        "rarely_reached": a.rarely_reached,
        "notes": list(a.notes),
        "text": [{"label": label, "text": text} for label, text in advice_lines(a)],
    }  # fmt: skip
