"""`pejling` — the command line. Each command is small; the work happens in the library.

Start-up imports only typer, rich and the light parts of pejling: commands import what they
use inside their functions, and the larger command modules are registered by name (`LAZY`) and
imported when their command runs (`pejling.cli.lazy`), so `pejling --help` does not pay for
numpy, DuckDB, openpyxl or the report package, nor `pejling lint` beyond DuckDB for the store's
history.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pejling.cli.common import (
    console,
    err_console,
    guard,
    open_store,
    open_workspace,
    refuse_lint_errors,
    say,
)
from pejling.cli.lazy import LazyCommand, LazyGroup
from pejling.errors import WorkspaceError

if TYPE_CHECKING:  # heavy (the report model, DuckDB): imported where a command needs them
    from collections.abc import Sequence

    from pejling.cli.output import PolicyStatuses
    from pejling.evaluation.status import GoalStatus
    from pejling.periods import Period
    from pejling.report.model import Report
    from pejling.workspace import Workspace

#: commands whose modules (and their numpy, DuckDB, openpyxl, …) load only when they run
#: (`pejling.cli.lazy`); in the order `pejling --help` lists them
LAZY = {
    c.name: c
    for c in (
        LazyCommand("progress", "pejling.cli.progress_cmd", "progress"),
        LazyCommand("compute", "pejling.cli.register_cmd", "compute"),
        LazyCommand("synth", "pejling.cli.register_cmd", "synth"),
        LazyCommand("report", "pejling.cli.report_cmd", "report"),
        LazyCommand("publish", "pejling.cli.report_cmd", "publish"),
        LazyCommand("export", "pejling.cli.export_cmd", "export"),
        LazyCommand("demo", "pejling.cli.demo_cmd", "demo"),
        LazyCommand("benchmark", "pejling.cli.benchmark_cmd", "benchmark"),
        LazyCommand("similar", "pejling.cli.similar_cmd", "similar"),
        LazyCommand("target", "pejling.cli.similar_cmd", "target"),
        LazyCommand("municipalities", "pejling.cli.sources_cmd", "municipalities_cmd"),
        LazyCommand("grants", "pejling.cli.grants_cmd", "grants"),
        LazyCommand("serve", "pejling.cli.serve_cmd", "serve"),
        LazyCommand("fetch", "pejling.cli.sources_cmd", "fetch_app", group=True),
        LazyCommand("sources", "pejling.cli.sources_cmd", "sources_app", group=True),
        LazyCommand("disclosure", "pejling.cli.disclosure_cmd", "disclosure_app", group=True),
        LazyCommand("register", "pejling.cli.register_cmd", "register_app", group=True),
    )
}


class PejlingGroup(LazyGroup):
    """The `pejling` command group: the commands of `LAZY` are built on first use."""

    lazy = LAZY


app = typer.Typer(
    name="pejling",
    help="pejling: integrationspolitik styret efter resultater. Policies as data, indicators, "
    "goal status and reports for Danish municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=PejlingGroup,
)
PejlingGroup.app = app

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $PEJLING_WORKSPACE or the current folder).",
    ),
]


class OutputFormat(StrEnum):
    """Output formats of `pejling status`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class Lang(StrEnum):
    """User-facing language."""

    DA = "da"
    EN = "en"


def _version(value: bool) -> None:
    if value:
        from pejling import __version__

        console.print(f"pejling {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """pejling command line."""


@app.command()
@guard
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    name: Annotated[str, typer.Option(help="Name of the workspace.")] = "pejling",
    municipality: Annotated[
        int, typer.Option(help="Municipality code (e.g. 265), 0 = national.")
    ] = 0,
    lang: Annotated[Lang, typer.Option(help="Language of reports and tables.")] = Lang.DA,
) -> None:
    """Create an empty workspace (settings, policies/, indicators/, reports/)."""
    from pejling.store.database import Store
    from pejling.workspace import Workspace

    ws = Workspace.create(folder, name, municipality, lang.value)
    with Store.open(ws.db_path):
        pass
    console.print(f"Arbejdsområde oprettet: {ws.root}")


@app.command("lint")
@guard
def lint_cmd(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Policy files (default: all in the workspace).")
    ] = None,
    workspace: WorkspaceOpt = None,
    rare_below: Annotated[
        float,
        typer.Option(
            "--rare-below",
            help="Warn when history shows a target's change was reached in fewer than this "
            "percentage of municipality-windows (needs the workspace's store).",
        ),
    ] = 5.0,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check afresh: neither read nor write the workspace's cache of results "
            "(.pejling/cache; also PEJLING_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    """Check policies for clear, operational result goals (all issues at once; exit 1 on errors).

    With a workspace store, also warns about targets history says are almost never reached and
    targets already met. In a workspace the findings are cached until a policy, indicator,
    setting or the store changes.
    """
    from pejling.cache import enabled
    from pejling.cli.lint_run import lint_run
    from pejling.spec.lint.report import render_issue, summarise

    found: Workspace | None = None
    if files:
        try:
            found = open_workspace(workspace)
        except WorkspaceError:  # no workspace: the built-in catalog (a broken one is an error)
            found = None
        paths = list(files)
    else:
        found = open_workspace(workspace)
        paths = found.policy_files()
    run = lint_run(found, paths, rare_below / 100, use_cache=enabled(no_cache))
    errors = 0
    for path, issues in run.files:
        for issue in issues:
            console.print(render_issue(issue), markup=False, soft_wrap=True)
        e, w, i = summarise(issues)
        errors += e
        console.print(f"[bold]{path.name}[/]: {e} fejl, {w} advarsler, {i} bemærkninger")
    if errors:
        raise typer.Exit(1)


@app.command("import")
@guard
def import_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Observation files (CSV/XLSX), or person-level register files named after their "
            "table (persons.csv, residence_spells.parquet, …) or a folder of them."
        ),
    ],
    workspace: WorkspaceOpt = None,
) -> None:
    """Import observations or register data; all-or-nothing, re-importing changes nothing.

    All files of one command are stored together or not at all. Register files are
    pseudonymised on import: a `cpr` column is replaced by a keyed hash (the key comes from the
    environment variable named in pejling.toml).
    """
    from pejling.cli.register_cmd import import_paths

    import_paths(open_workspace(workspace), files)


@app.command("imports")
@guard
def imports_cmd(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="How many attempts to show.")] = 20,
) -> None:
    """The import log: every attempt (imported, unchanged, rejected), newest first."""
    from rich.table import Table
    from rich.text import Text

    from pejling.formatting import fmt_number
    from pejling.store.queries import import_log

    ws = open_workspace(workspace)
    with open_store(ws, read_only=True) as store:
        rows = import_log(store, limit)
    table = Table("Nr.", "Tidspunkt", "Udfald", "Rækker", "Erstattet", "Problemer")
    table.add_column("Fil", overflow="fold")
    outcome_da = {"imported": "indlæst", "unchanged": "uændret", "rejected": "afvist"}
    for r in rows:
        table.add_row(
            str(r.id),
            r.imported_at.strftime("%d.%m.%Y %H:%M"),
            outcome_da.get(r.outcome, r.outcome),
            fmt_number(r.rows, 0),
            fmt_number(r.replaced, 0),
            fmt_number(r.problems, 0),
            Text(r.file),  # a file name is text, never markup
        )
    console.print(table)


@app.command()
@guard
def status(
    policy: Annotated[
        str | None, typer.Argument(help="Policy id, file name or path (default: all).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Judge as of this period: 2018, 2018H2, 2018Q4 or 2018-12 (default: a policy "
            "that has ended as of its last year, others as of the newest data).",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    lang: Annotated[Lang | None, typer.Option(help="Language (default: the workspace's).")] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Judge afresh: neither read nor write the workspace's cache of results "
            "(.pejling/cache; also PEJLING_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    """Status of every goal: baseline, latest, target, deadline, status and why.

    The same verdicts as the status report for the same period: figures the report suppresses
    are not printed, and no status rests on them. A national policy (scope: national) gives the
    goals × municipalities matrix: every municipality judged by the same rules, the count per
    status, and breakdowns by sex and origin (docs/national-goals.md).

    The verdicts are kept in the workspace's cache: run again on unchanged policies, settings
    and data, the command prints them without judging again (any change judges afresh).
    """
    from pejling.cache import enabled
    from pejling.cli.common import parse_as_of
    from pejling.cli.status_data import MunicipalStatus, status_of

    ws = open_workspace(workspace)
    language = lang.value if lang else ws.settings.workspace.language
    period = parse_as_of(as_of, None)
    result = status_of(ws, policy, period, language, use_cache=enabled(no_cache))
    if not isinstance(result, MunicipalStatus):
        from pejling.cli.national_status import emit_national

        emit_national(result, fmt.value, output, language)
        return
    emit_statuses(result.policies, fmt, output, language)
    national = result.national
    if national and policy is None:
        say(
            "Nationale mål (hver kommune vurderes): "
            + ", ".join(f"`pejling status {pid}`" for pid in national)
            if language == "da"
            else "National goals (every municipality judged): "
            + ", ".join(f"`pejling status {pid}`" for pid in national),
            err=fmt is not OutputFormat.TABLE or output is not None,
        )


def workspace_reports(
    ws: Workspace,
    policy_key: str | None,
    as_of: Period | None,
    lang: str,
    *,
    compare: bool = False,
) -> list[Report]:
    """Judge one or all policies of a workspace (refuses policies with lint errors);
    `compare`: with the reports' comparison with other municipalities (for writing reports)."""
    from pejling.cli.judging import build_reports

    catalog = ws.catalog()
    policies = [ws.find_policy(policy_key)] if policy_key else ws.load_policies()
    # national policies are judged per municipality (`pejling status NATIONAL_POLICY`)
    policies = [lp for lp in policies if not lp.policy.is_national]
    for lp in policies:
        refuse_lint_errors(ws, lp, catalog)
    return build_reports(ws, policies, as_of, lang, compare=compare)


def workspace_statuses(ws: Workspace, policy_key: str | None) -> list[GoalStatus]:
    """The published status of every goal of one or all policies (default period)."""
    reports = workspace_reports(ws, policy_key, None, ws.settings.workspace.language)
    return [s for r in reports for s in r.statuses()]


def emit(reports: list[Report], fmt: OutputFormat, output: Path | None, lang: str) -> None:
    """Write the statuses of these reports in the chosen format to stdout or a file."""
    from pejling.cli.output import PolicyStatuses

    emit_statuses([PolicyStatuses.of(r) for r in reports], fmt, output, lang)


def emit_statuses(
    reports: Sequence[PolicyStatuses], fmt: OutputFormat, output: Path | None, lang: str
) -> None:
    """Write the statuses of these policies in the chosen format to stdout or a file."""
    from pejling.cli.output import print_table, to_csv, to_json, to_xlsx
    from pejling.report.texts import SYNTHETIC_LINE

    statuses = [s for r in reports for s in r.statuses]
    synthetic = any(r.synthetic for r in reports)
    if fmt is OutputFormat.XLSX:
        target = output or Path("pejling-status.xlsx")
        to_xlsx(statuses, lang, target, synthetic=synthetic)
        console.print(f"Skrev {target}")
        return
    if fmt is OutputFormat.TABLE and output is None:
        if synthetic:
            console.print(SYNTHETIC_LINE[lang])
        print_table(reports, lang, console)
        if synthetic:
            console.print(SYNTHETIC_LINE[lang])
        return
    if synthetic:
        err_console.print(SYNTHETIC_LINE[lang])
    text = to_json(statuses, lang) if fmt is OutputFormat.JSON else to_csv(statuses, lang)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Skrev {output}")
    else:
        typer.echo(text)


@app.command()
@guard
def indicators(workspace: WorkspaceOpt = None) -> None:
    """List the indicator catalog (built-in plus the workspace's own)."""
    try:
        ws = open_workspace(workspace)
    except WorkspaceError:  # no workspace: the built-in catalog (a broken one is an error)
        from pejling.spec.catalog import load_catalog

        catalog = load_catalog()
    else:
        catalog = ws.catalog()
    for ind_id in catalog.ids():
        spec = catalog.indicators[ind_id]
        computed = " [green]· beregnes fra registerdata[/]" if spec.compute else ""
        console.print(
            f"[bold]{ind_id}[/] ({spec.unit.value}, {spec.direction or 'neutral'}): "
            f"{spec.title}{computed}"
        )


def main() -> None:
    """Entry point of the `pejling` script."""
    app()


def dump_json(data: object) -> str:
    """JSON with Danish letters kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2)
