"""CLI for person-level data: importing register files, `pejling compute` (on DuckDB or Spark),
`pejling synth` and `pejling register export-parquet`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from pejling.cli.common import console, err_console, guard, open_store, open_workspace, say
from pejling.errors import UserError
from pejling.formatting import fmt_number
from pejling.register.importer import ProgressCallback
from pejling.register.pseudonym import PseudonymKey
from pejling.register.tables import TABLES_BY_NAME
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pejling.engine.run import ComputeResult
    from pejling.register.batch import BatchResult
    from pejling.spec.catalog import Catalog
    from pejling.store.database import Store

#: a bar appears only for jobs that are still running after this many seconds
PROGRESS_DELAY = 1.0


@contextmanager
def lazy_progress(title: str) -> Iterator[ProgressCallback]:
    """A progress callback that shows a `rich` bar once the job has run for a second.

    Why lazy: most imports of a municipality's extract finish in well under a second and a bar
    flashing by is noise; a national import takes a minute and needs one.
    """
    started = time.perf_counter()
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    task = progress.add_task(title, total=1)
    shown = False

    def update(text: str, done: int, total: int) -> None:
        nonlocal shown
        progress.update(task, description=text, completed=done, total=total)
        if not shown and time.perf_counter() - started > PROGRESS_DELAY:
            progress.start()
            shown = True

    try:
        yield update
    finally:
        if shown:
            progress.stop()


def is_register_path(path: Path) -> bool:
    """A folder, or a file named after a register table (persons.csv, …)."""
    return path.is_dir() or path.stem.lower() in TABLES_BY_NAME


def import_paths(ws: Workspace, paths: list[Path]) -> None:
    """`pejling import`: register files and observation files, all of them or none.

    Register files are pseudonymised on import (the key comes from the environment variable
    named in pejling.toml); a rejection lists every file's problems, in Danish in a Danish
    workspace, and is logged for every file.
    """
    lang = ws.settings.workspace.language
    batch = plan_import(ws, paths)
    with open_store(ws) as store, lazy_progress("Indlæser") as progress:
        result = run_import(ws, store, batch, progress)
    for line in import_summary(result, lang):
        say(line)


@dataclass(frozen=True)
class ImportBatch:
    """The files of one `pejling import`, split into register and observation files, with
    the key that pseudonymises the register files."""

    register: list[Path]
    observations: list[Path]
    key: PseudonymKey | None


def plan_import(ws: Workspace, paths: list[Path]) -> ImportBatch:
    """Split the files and read the pseudonymisation key (before the store is opened, so a
    missing key changes nothing). The web application's import jobs use this too."""
    lang = ws.settings.workspace.language
    register = [p for p in paths if is_register_path(p)]
    observations = [p for p in paths if p not in register]
    key = (
        PseudonymKey.from_env(ws.settings.pseudonymisation.key_env, lang=lang) if register else None
    )
    return ImportBatch(register, observations, key)


def run_import(
    ws: Workspace, store: Store, batch: ImportBatch, progress: ProgressCallback | None
) -> BatchResult:
    """Import the batch into an open, writable store; a rejection as a `UserError` with every
    file's problems (in Danish in a Danish workspace), logged in the store for every file."""
    from pejling.errors import ImportRejected
    from pejling.register.batch import import_files
    from pejling.register.messages_da import render_da

    lang = ws.settings.workspace.language
    try:
        return import_files(
            store, batch.register, batch.observations, ws.catalog(), batch.key, progress=progress
        )
    except ImportRejected as exc:
        if lang == "da":
            raise UserError(render_da(exc)) from None
        raise


def import_summary(result: BatchResult, lang: str) -> list[str]:
    """What `pejling import` says it stored, one line each."""
    lines = [result.register.summary(lang)] if result.register is not None else []
    lines.extend(f"{one.file}: {one.summary(lang)}" for one in result.observations)
    return lines


class Engine(StrEnum):
    """Where `pejling compute` runs the compiled catalog."""

    DUCKDB = "duckdb"
    SPARK = "spark"


#: the Spark master when none is given: local mode, two worker threads
DEFAULT_SPARK_MASTER = "local[2]"


@guard
def compute(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Data date (dd.mm.yyyy or yyyy-mm-dd); default: newest date in the data."
        ),
    ] = None,
    from_year: Annotated[int, typer.Option(help="First year to compute.")] = 2012,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="Only these indicators.")
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            help="duckdb: this machine (default); spark: a Spark master, for registers "
            "beyond one machine (docs/scale.md)."
        ),
    ] = Engine.DUCKDB,
    spark_master: Annotated[
        str | None,
        typer.Option(
            help=f"With --engine spark: the master URL (default {DEFAULT_SPARK_MASTER}; "
            "spark://host:7077, yarn, k8s://…)."
        ),
    ] = None,
    register_parquet: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: read the register from this Parquet folder or URI "
            "(hdfs://, s3a://; written by `pejling register export-parquet`); default: the "
            "workspace's register, exported to a temporary folder.",
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            "--spark-conf",
            help="With --engine spark: a Spark setting KEY=VALUE (repeatable), e.g. "
            "spark.executor.memory=8g.",
        ),
    ] = None,
) -> None:
    """Compute every register-based indicator for all municipalities, years and groups."""
    from pejling.engine.run import cohort_ranges, compute_all

    ws = open_workspace(workspace)
    lang = ws.settings.workspace.language
    catalog = ws.catalog()
    when = _parse_date(as_of) if as_of else None
    if engine is Engine.DUCKDB:
        given = [n for n, v in (("--spark-master", spark_master),
                                ("--register-parquet", register_parquet),
                                ("--spark-conf", spark_conf)) if v]  # fmt: skip
        if given:
            raise typer.BadParameter(f"{', '.join(given)}: only with --engine spark")
        with open_store(ws) as store, lazy_progress("Beregner indikatorer") as progress:
            result = compute_all(
                store, catalog, as_of=when, first_year=from_year, cohort_ranges=cohort_ranges(ws),
                only=indicator, progress=progress,
            )  # fmt: skip
    else:
        result = _compute_on_spark(
            ws, catalog, when, from_year, indicator, spark_master, register_parquet,
            _spark_settings(spark_conf or []),
        )  # fmt: skip
    console.print(result.summary(lang))


def _spark_settings(pairs: list[str]) -> dict[str, str]:
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--spark-conf '{pair}': expected KEY=VALUE")
        settings[key.strip()] = value.strip()
    return settings


def _compute_on_spark(
    ws: Workspace, catalog: Catalog, as_of: date | None, first_year: int,
    only: list[str] | None, master: str | None, register: str | None, conf: dict[str, str],
) -> ComputeResult:  # fmt: skip
    """`pejling compute --engine spark`: the register from Parquet, the figures into the store.

    Without --register-parquet the workspace's register is exported to a temporary folder,
    which only a local master can read: a cluster needs a folder every node reaches. Started
    by `spark-submit`, the master is spark-submit's unless --spark-master names one.
    """
    import tempfile

    from pejling.engine.run import cohort_ranges
    from pejling.engine.spark import (
        check_available,
        compute_all_spark,
        spark_running,
        submitted,
    )

    lang = ws.settings.workspace.language
    if master is None and not submitted():
        master = DEFAULT_SPARK_MASTER
    if register is None and master is not None and not master.startswith("local"):
        raise _shared_register_needed(master, lang)
    if register is not None and "://" not in register and not Path(register).is_dir():
        raise UserError(f"--register-parquet {register}: no such folder")
    check_available(lang)
    with (
        tempfile.TemporaryDirectory(prefix="pejling-register-") as tmp,
        open_store(ws) as store,
        lazy_progress("Beregner indikatorer (Spark)") as progress,
        spark_running(master, conf, lang=lang) as spark,
    ):
        if register is None:
            running = spark.sparkContext.master or ""
            if not running.startswith("local"):
                raise _shared_register_needed(running, lang)
            progress("Eksporterer registeret til Parquet", 0, 1)
            register = str(_export(store, Path(tmp) / "register"))
        return compute_all_spark(
            store, catalog, spark, register, as_of=as_of, first_year=first_year,
            cohort_ranges=cohort_ranges(ws), only=only, progress=progress,
        )  # fmt: skip


def _shared_register_needed(master: str, lang: str) -> UserError:
    """A cluster cannot read the temporary export on this machine."""
    return UserError(
        f"--spark-master {master}: en klynge læser registeret fra en delt placering; "
        "eksportér det med 'pejling register export-parquet MAPPE', kopiér mappen til "
        "HDFS/S3 og angiv --register-parquet URI"
        if lang == "da"
        else f"--spark-master {master}: a cluster reads the register from a shared "
        "location; export it with 'pejling register export-parquet FOLDER', copy the folder "
        "to HDFS/S3 and pass --register-parquet URI"
    )


def _export(store: Store, folder: Path) -> Path:
    from pejling.engine.spark import export_register

    export_register(store, folder)
    return folder


register_app = typer.Typer(
    name="register",
    help="The person-level register in the workspace's store.",
    no_args_is_help=True,
)


@register_app.command("export-parquet")
@guard
def export_parquet(
    folder: Annotated[Path, typer.Argument(help="Folder to write TABLE.parquet files to.")],
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = None,
) -> None:
    """Write every register table (pseudonymised, as stored) to FOLDER/TABLE.parquet, for
    `pejling compute --engine spark --register-parquet` on a cluster (docs/scale.md)."""
    from pejling.engine.spark import export_register

    ws = open_workspace(workspace)
    with open_store(ws, read_only=True) as store:
        rows = export_register(store, folder)
    da = ws.settings.workspace.language == "da"
    for name, count in rows.items():
        say(
            f"{folder / (name + '.parquet')}: {fmt_number(count, 0)} "
            + ("rækker" if da else "rows")
        )


def _parse_date(text: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            from datetime import datetime

            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"'{text}' is not a date; expected dd.mm.yyyy or yyyy-mm-dd")


@guard
def synth(
    persons: Annotated[
        int | None,
        typer.Option(help="Number of persons of the uniform register (default 50000).", min=100),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same register).")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the files to.")] = Path(
        "register"
    ),
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
    as_of: Annotated[str, typer.Option(help="Data date of the extract.")] = "2024-12-31",
    realistic: Annotated[
        bool,
        typer.Option(
            "--realistic",
            help="Real scale instead of N uniform persons: every immigrant and descendant of "
            "every municipality (Statistics Denmark's numbers, refugees by arrival year) and a "
            "sample of the persons of Danish origin with a weight (about 1.3 million persons).",
        ),
    ] = False,
    danish_sample: Annotated[
        float,
        typer.Option(
            help="With --realistic: the sampled fraction of persons of Danish origin; each "
            "gets the weight 1/fraction.",
            min=0.001,
            max=1.0,
        ),
    ] = 0.05,
) -> None:
    """Write a synthetic national register (all 98 municipalities) and its truth file."""
    from pejling.register.synthetic import generate, generate_realistic

    if fmt not in ("parquet", "csv"):
        raise typer.BadParameter("--format must be parquet or csv")
    if realistic and persons is not None:
        raise typer.BadParameter("--persons and --realistic exclude each other")
    out.mkdir(parents=True, exist_ok=True)
    kind: Literal["csv", "parquet"] = "csv" if fmt == "csv" else "parquet"
    with lazy_progress("Genererer register") as progress:

        def tick(stage: str, fraction: float) -> None:
            progress(stage, int(fraction * 100), 100)

        if realistic:
            summary = generate_realistic(
                seed, out, danish_sample=danish_sample, fmt=kind, as_of=_parse_date(as_of),
                progress=tick,
            )  # fmt: skip
        else:
            summary = generate(
                persons or 50_000, seed, out, fmt=kind, as_of=_parse_date(as_of), progress=tick
            )
    rows = sum(summary.rows.values())
    design = (
        f" (alle indvandrere og efterkommere; {fmt_number(100 * danish_sample, 1)} % af personer "
        f"med dansk oprindelse, vægt {fmt_number(1 / danish_sample, 1)})"
        if realistic
        else ""
    )
    console.print(
        f"Syntetisk register: {fmt_number(summary.persons, 0)} personer{design}, "
        f"{fmt_number(rows, 0)} rækker i {len(summary.rows)} tabeller → {out} "
        f"({fmt_number(summary.seconds, 1)} s). Kun til test og demo."
    )
