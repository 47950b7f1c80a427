"""`pejling fetch`, `pejling sources` and `pejling municipalities`: real statistics, declaratively.

`fetch dst` / `fetch jobindsats` look at a table or download a selection as the API sends it;
`sources` lists, checks, refreshes (fetch + import) and imports downloaded files through the
declarative mappings (shipped ones and a workspace's `sources/*.yaml`); `municipalities` lists
the codes and names imports accept. Messages are Danish, English with `--lang en`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pejling.cli.common import console, err_console, guard, open_workspace
from pejling.errors import UserError
from pejling.sources.http import SourceError
from pejling.sources.mapping import LoadedMapping
from pejling.sources.table import TableInfo
from pejling.spec.catalog import Catalog
from pejling.workspace import Workspace

fetch_app = typer.Typer(
    help="Fetch a table from Statistics Denmark's StatBank or jobindsats.dk (info or data).",
    no_args_is_help=True,
)
sources_app = typer.Typer(
    help="Source mappings: list, check, refresh (fetch and import) and import downloaded files.",
    no_args_is_help=True,
)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: $PEJLING_WORKSPACE or .)."),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline", help="Never use the network; use the cache (also PEJLING_OFFLINE=1)."
    ),
]


class Lang(StrEnum):
    """User-facing language."""

    DA = "da"
    EN = "en"


LangOpt = Annotated[Lang | None, typer.Option(help="Language (default: the workspace's, or da).")]


class Format(StrEnum):
    """Data formats of the StatBank API."""

    JSONSTAT = "jsonstat"
    CSV = "csv"
    BULK = "bulk"


def _t(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def _workspace_or_none(option: Path | None) -> Workspace | None:
    try:
        return open_workspace(option)
    except UserError:
        if option is not None:
            raise
        return None


def _lang(choice: Lang | None, ws: Workspace | None) -> str:
    if choice is not None:
        return choice.value
    return ws.settings.workspace.language if ws is not None else "da"


def _cache_root(ws: Workspace | None) -> Path:
    from pejling.sources.refresh import user_cache_dir

    return ws.root / "cache" if ws is not None else user_cache_dir()


def _speak(lang: str, exc: SourceError) -> UserError:
    return UserError(exc.text(lang))


def _pairs(values: list[str] | None, lang: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in values or []:
        name, sep, rest = item.partition("=")
        if not sep or not name.strip():
            raise UserError(
                _t(lang, f"'{item}' skal skrives VARIABEL=VÆRDI[,VÆRDI…], fx OMRÅDE=101,147",
                   f"'{item}' must be VARIABLE=VALUE[,VALUE…], e.g. OMRÅDE=101,147")
            )  # fmt: skip
        out.setdefault(name.strip(), []).extend(v.strip() for v in rest.split(",") if v.strip())
    return out


@fetch_app.command("dst")
@guard
def fetch_dst(
    table: Annotated[str, typer.Argument(help="StatBank table id, e.g. FOLK1E.")],
    var: Annotated[
        list[str] | None,
        typer.Option(
            "--var",
            "-v",
            help="A selection VARIABLE=VALUES (codes, labels or expressions such as *, 2024*, "
            ">=2020K1, (1)); repeat for each variable. Without any: the table info.",
        ),
    ] = None,
    show: Annotated[
        str | None, typer.Option(help="List every value of this variable (table info).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Data format.")] = Format.CSV,
    data_lang: Annotated[
        Lang, typer.Option("--data-lang", help="Language of the labels in the data.")
    ] = Lang.DA,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the data here.")] = None,
    offline: OfflineOpt = False,
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Look at a StatBank table, or download a selection exactly as the API sends it."""
    from pejling.sources.refresh import make_clients
    from pejling.sources.selection import resolve_selection

    ws = _workspace_or_none(workspace)
    language = _lang(lang, ws)
    client = make_clients(_cache_root(ws), offline=offline).statbank
    try:
        got = client.tableinfo(table, data_lang.value if not var else "da")
        info = got.value
        if not var:
            _print_info(info, show, language)
            err_console.print(_origin(got.describe(language), language))
            return
        wanted = _pairs(var, language)
        selection = resolve_selection(info, wanted, fill=True)
        given = {found.id for name in wanted if (found := info.variable(name)) is not None}
        for vid, codes in selection.items():
            if vid not in given:
                variable = info.variable(vid)
                label = variable.values[0][1] if variable and not variable.time else codes[0]
                err_console.print(
                    _t(language, f"{vid}: ikke angivet – bruger {codes[0]} ({label})",
                       f"{vid}: not given – using {codes[0]} ({label})")
                )  # fmt: skip
        raw = client.data_bytes(info, selection, fmt=fmt.value.upper(), lang=data_lang.value)
    except SourceError as exc:
        raise _speak(language, exc) from None
    data = raw.value.read_bytes()
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        console.print(_t(language, f"Skrev {out}", f"Wrote {out}"))
    err_console.print(_origin(raw.describe(language), language))


def _origin(text: str, lang: str) -> str:
    return _t(lang, f"[dim]Statistikbanken: {text}[/]", f"[dim]StatBank: {text}[/]")


def _print_info(info: TableInfo, show: str | None, lang: str) -> None:
    updated = info.updated_date or "?"
    console.print(f"[bold]{info.id}[/]: {info.text} ({info.unit}); "
                  + _t(lang, f"opdateret {updated}", f"updated {updated}"))  # fmt: skip
    if show:
        variable = info.variable(show)
        if variable is None:
            ids = ", ".join(v.id for v in info.variables)
            raise UserError(_t(lang, f"{info.id} har ingen variabel '{show}' ({ids})",
                               f"{info.id} has no variable '{show}' ({ids})"))  # fmt: skip
        for code, label in variable.values:
            typer.echo(f"  {code}\t{label}")
        return
    for v in info.variables:
        first, last = v.values[0], v.values[-1]
        what = _t(lang, "værdier", "values")
        console.print(
            f"  [bold]{v.id}[/] ({v.text}): {len(v.values)} {what}: {first[0]} {first[1]} … "
            f"{last[0]} {last[1]}"
        )


@fetch_app.command("jobindsats")
@guard
def fetch_jobindsats(
    table: Annotated[str, typer.Argument(help="jobindsats table id, e.g. y30r21.")],
    period: Annotated[
        list[str] | None, typer.Option("--period", "-p", help="Periods (or * / 2024*).")
    ] = None,
    dim: Annotated[
        list[str] | None,
        typer.Option("--dim", "-d", help="A dimension _KEY=LABEL[,LABEL…] of the request."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the answer here.")] = None,
    offline: OfflineOpt = False,
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Look at a jobindsats.dk table (its periods), or download data (key: PEJLING_JOBINDSATS_KEY)."""
    import json

    from pejling.sources.refresh import make_clients
    from pejling.sources.selection import expand
    from pejling.sources.table import Variable

    ws = _workspace_or_none(workspace)
    language = _lang(lang, ws)
    client = make_clients(_cache_root(ws), offline=offline).jobindsats
    try:
        described = client.table(table)
        if not period and not dim:
            info = described.value
            console.print(f"[bold]{info.id}[/]: {info.name}")
            shown = ", ".join(info.periods[-12:])
            console.print(_t(language, f"  perioder ({len(info.periods)}): … {shown}",
                             f"  periods ({len(info.periods)}): … {shown}"))  # fmt: skip
            return
        var = Variable("period", "period", tuple((p, p) for p in described.value.periods), True)
        periods: list[str] = []
        for spec in period or ["(1)"]:
            periods += [p for p in expand(var, spec, table) if p not in periods]
        body: dict[str, object] = {"area": "*", "period": periods, **_pairs(dim, language)}
        got = client.data(table, body)
    except SourceError as exc:
        raise _speak(language, exc) from None
    rows: list[dict[str, object]] = [
        {
            **{d.id: d.label(c) for d, c in zip(got.value.dimensions, cell.key, strict=True)},
            "value": cell.value,
            "marker": cell.marker,
        }
        for cell in got.value.cells
    ]
    text = json.dumps(rows, ensure_ascii=False, indent=1)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(_t(language, f"Skrev {out}", f"Wrote {out}"))


@sources_app.command("list")
@guard
def sources_list(workspace: WorkspaceOpt = None, lang: LangOpt = None) -> None:
    """List the source mappings: shipped ones and the workspace's sources/*.yaml."""
    from pejling.sources.mapping import load_mappings

    ws = _workspace_or_none(workspace)
    language = _lang(lang, ws)
    catalog = ws.catalog() if ws else _catalog()
    items = load_mappings(catalog, ws.root / "sources" if ws else None, include_disabled=True)
    table = Table(
        _t(language, "Id", "Id"), "API", _t(language, "Tabel", "Table"),
        _t(language, "Indikatorer", "Indicators"), _t(language, "Fra", "From"),
    )  # fmt: skip
    for item in items:
        m = item.mapping
        indicators = sorted({s.indicator for s in m.series})
        origin = _t(language, "medleveret", "shipped") if item.shipped else item.file
        if not m.enabled:
            origin += _t(language, " (slået fra)", " (disabled)")
        table.add_row(m.id, m.api.value, m.table.upper(), ", ".join(indicators), origin)
    console.print(table)


def _catalog() -> Catalog:
    from pejling.spec.catalog import load_catalog

    return load_catalog()


@sources_app.command("check")
@guard
def sources_check(
    ids: Annotated[list[str] | None, typer.Argument(help="Mapping ids (default: all).")] = None,
    tables: Annotated[
        bool,
        typer.Option(
            "--tables/--no-tables",
            help="Also check every variable and value against the table info (network or cache).",
        ),
    ] = True,
    offline: OfflineOpt = False,
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check the mappings (all problems at once, file:line; exit 1 on errors)."""
    from pejling.sources.mapping import Api, check_against_table, load_mappings
    from pejling.sources.refresh import make_clients

    ws = _workspace_or_none(workspace)
    language = _lang(lang, ws)
    catalog = ws.catalog() if ws else _catalog()
    items = _chosen(load_mappings(catalog, ws.root / "sources" if ws else None), ids, language)
    client = make_clients(_cache_root(ws), offline=offline).statbank
    errors = 0
    for item in items:
        problems = []
        note = ""
        if tables and item.mapping.api is Api.STATBANK:
            try:
                problems = check_against_table(item, client.tableinfo(item.mapping.table).value)
            except SourceError as exc:
                note = _t(language, f" (tabellen ikke tjekket: {exc.da})",
                          f" (table not checked: {exc.en})")  # fmt: skip
        for p in problems:
            console.print(p.render(), markup=False, soft_wrap=True)
        errors += len(problems)
        state = (
            _t(language, "i orden", "ok")
            if not problems
            else _t(language, f"{len(problems)} fejl", f"{len(problems)} error(s)")
        )
        console.print(f"[bold]{item.mapping.id}[/] ({item.file}): {state}{note}", soft_wrap=True)
    if errors:
        raise typer.Exit(1)


def _chosen(items: list[LoadedMapping], ids: list[str] | None, lang: str) -> list[LoadedMapping]:
    if not ids:
        return items
    known = {i.mapping.id: i for i in items}
    missing = [i for i in ids if i not in known]
    if missing:
        from pejling.suggest import did_you_mean

        hint = did_you_mean(missing[0], known)
        raise UserError(
            _t(lang, f"ingen kortlægning '{missing[0]}'", f"no mapping '{missing[0]}'")
            + (f"; {hint}" if hint else "")
        )
    return [known[i] for i in ids]


@sources_app.command("refresh")
@guard
def sources_refresh(
    ids: Annotated[list[str] | None, typer.Argument(help="Mapping ids (default: all).")] = None,
    offline: OfflineOpt = False,
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Fetch every mapped source and import it (provenance published, the mapping's publisher).

    Without a network the cached responses are used, and the output says so.
    """
    from pejling.sources.mapping import load_mappings
    from pejling.sources.refresh import make_clients, refresh
    from pejling.store.database import Store

    ws = open_workspace(workspace)
    language = _lang(lang, ws)
    catalog = ws.catalog()
    items = _chosen(load_mappings(catalog, ws.root / "sources"), ids, language)
    clients = make_clients(_cache_root(ws), offline=offline)
    with Store.open(ws.db_path) as store:
        outcomes = refresh(items, clients, store, catalog, ws.root / "imports" / "sources",
                           ws.display)  # fmt: skip
    failed = 0
    for o in outcomes:
        mark = "" if o.ok else _t(language, " [red]fejlede[/]", " [red]failed[/]")
        origin = o.origin[1] if language == "en" else o.origin[0]
        console.print(f"[bold]{o.mapping}[/] ({o.table}){mark}" + (f": {origin}" if origin else ""),
                      soft_wrap=True)  # fmt: skip
        for line in o.text(language):
            console.print(f"  {line}", markup=False, soft_wrap=True)
        failed += not o.ok
    cached = sum(o.from_cache for o in outcomes)
    console.print(
        _t(language,
           f"{len(outcomes) - failed} af {len(outcomes)} kilder opdateret"
           + (f", {cached} fra cachen" if cached else ""),
           f"{len(outcomes) - failed} of {len(outcomes)} sources refreshed"
           + (f", {cached} from the cache" if cached else ""))
    )  # fmt: skip
    if failed:
        raise typer.Exit(1)


@sources_app.command("import")
@guard
def sources_import(
    files: Annotated[
        list[Path], typer.Argument(help="Files downloaded from StatBank (CSV, JSON-stat).")
    ],
    mapping: Annotated[
        str, typer.Option("--mapping", "-m", help="The mapping id to read them with.")
    ],
    vintage: Annotated[
        str | None,
        typer.Option(
            help="The release (default: the table's update date, from the file or the table info)."
        ),
    ] = None,
    offline: OfflineOpt = False,
    workspace: WorkspaceOpt = None,
    lang: LangOpt = None,
) -> None:
    """Import files downloaded from StatBank through a mapping, without converting them by hand."""
    from pejling.sources.convert import convert
    from pejling.sources.mapping import load_mappings
    from pejling.sources.refresh import import_converted, make_clients, read_file
    from pejling.store.database import Store

    ws = open_workspace(workspace)
    language = _lang(lang, ws)
    catalog = ws.catalog()
    item = _chosen(load_mappings(catalog, ws.root / "sources"), [mapping], language)[0]
    clients = make_clients(_cache_root(ws), offline=offline)
    with Store.open(ws.db_path) as store:
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UserError(f"{path}: {exc.strerror}") from None
            try:
                table, notes = read_file(item, data, clients, path.name)
                conversion = convert(item.mapping, table, catalog)
            except SourceError as exc:
                raise UserError(f"{path.name}: {exc.text(language)}") from None
            for da, en in notes:
                err_console.print(f"[dim]{_t(language, da, en)}[/]", soft_wrap=True)
            release = vintage or (table.updated or "")[:10]
            if not release:
                raise UserError(_t(
                    language,
                    f"{path.name}: filen siger ikke, hvilken udgave den er; angiv --vintage",
                    f"{path.name}: the file does not say which release it is; give --vintage",
                ))  # fmt: skip
            target = ws.root / "imports" / "sources" / f"{item.mapping.id}--{path.stem}.csv"
            source = f"{item.mapping.source_text}; {path.name}"
            result = import_converted(store, catalog, item.mapping, conversion, release, target,
                                      ws.display(target), source)  # fmt: skip
            head = f"{path.name} → {item.mapping.id} ({table.origin})"
            if result is None:
                console.print(
                    head + _t(language, ": ingen tal at indlæse", ": no figures to import")
                )
            else:
                console.print(f"{head}: " + _t(language, f"udgave {release}: ", f"release {release}: ")
                              + result.summary(language))  # fmt: skip
            for line in conversion.summary(language):
                console.print(f"  {line}", markup=False, soft_wrap=True)


class ListFormat(StrEnum):
    """Output formats of `pejling municipalities`."""

    TABLE = "table"
    CSV = "csv"


@guard
def municipalities_cmd(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ListFormat.TABLE
    ),
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """List the 98 municipalities: the codes and names imports accept."""
    from pejling.reference.municipalities import municipalities

    language = _lang(lang, _workspace_or_none(workspace))
    rows = sorted(municipalities().values(), key=lambda m: m.code)
    if fmt is ListFormat.CSV:
        typer.echo("code,name,region_code,region")
        for m in rows:
            typer.echo(f"{m.code},{m.name},{m.region_code},{m.region_name}")
        return
    table = Table(_t(language, "Kode", "Code"), _t(language, "Kommune", "Municipality"), "Region")
    table.add_row("0", _t(language, "Hele landet", "All Denmark"), "")
    for m in rows:
        table.add_row(
            f"{m.code}", m.name + (" (Copenhagen)" if m.code == 101 else ""), m.region_name
        )
    console.print(table)
    console.print(_t(
        language,
        "Import tager koden med eller uden foranstillede nuller (265, 0265) og navnet på dansk "
        "eller engelsk (Roskilde, Københavns Kommune, Copenhagen); 0, 000, Hele landet og All "
        "Denmark er hele landet. Regioner, landsdele, Udlandet og Uoplyst er ikke kommuner.",
        "Imports take the code with or without leading zeros (265, 0265) and the name in Danish "
        "or English (Roskilde, Københavns Kommune, Copenhagen); 0, 000, Hele landet and All "
        "Denmark are the whole country. Regions, landsdele, Abroad and Not stated are not "
        "municipalities.",
    ), soft_wrap=True)  # fmt: skip
