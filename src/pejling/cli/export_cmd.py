"""`pejling export`: every figure the workspace publishes, as one long CSV or Parquet file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pejling.cli.common import console, guard, open_workspace, parse_as_of, say
from pejling.cli.judging import build_reports
from pejling.cli.report_cmd import (
    AsOfOpt,
    WorkspaceOpt,
    YearOpt,
    _lang,
    _policies,
    build_national_reports,
)
from pejling.errors import UserError
from pejling.report.download import (
    BASENAME,
    CODES,
    FORMATS,
    observation_rows,
    write_csv,
    write_parquet,
)
from pejling.report.texts import SYNTHETIC_LINE


def _format(fmt: str | None, out: Path | None) -> str:
    """The chosen format, else the one the file name says, else CSV."""
    if fmt is None:
        return "parquet" if out is not None and out.suffix.lower() == ".parquet" else "csv"
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return fmt


@guard
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv (`,` and `.`, UTF-8, for machines), csv-excel (`;`, decimal comma, UTF-8 "
            "with BOM, for Danish Excel) or parquet (default: from --out's suffix, else csv).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=f"File to write (default: the workspace's reports/{BASENAME}.csv or .parquet).",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_of: AsOfOpt = None,
    year: YearOpt = None,
) -> None:
    """Write every figure the workspace publishes — exactly those the reports and the site show
    after disclosure control — as one long table with codes and provenance (one row per figure;
    a suppressed figure has empty numbers and suppressed = true). Columns: docs/reports.md."""
    ws = open_workspace(workspace)
    kind = _format(fmt, out)
    language = _lang(ws, None)
    # the download holds the published figures; the comparison section adds none to them
    municipal, national_policies = _policies(ws, None)
    period = parse_as_of(as_of, year)
    reports = build_reports(ws, municipal, period, language, compare=False) if municipal else []
    national = build_national_reports(ws, national_policies, period, language)
    rows = observation_rows(reports, national)
    suffix = "parquet" if kind == "parquet" else "csv"
    target = out or ws.reports_dir / f"{BASENAME}.{suffix}"
    if kind == "parquet":
        write_parquet(rows, target)
    else:
        write_csv(rows, target, excel=kind == "csv-excel")
    if any(r.synthetic for r in reports) or any(n.synthetic for n in national):
        console.print(SYNTHETIC_LINE[language])
    hidden = sum(1 for row in rows if row[CODES.index("suppressed")])
    say(f"Skrev {ws.display(target)}: {len(rows)} tal, heraf {hidden} diskretionerede.")
