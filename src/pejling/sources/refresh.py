"""`pejling sources refresh` and `pejling sources import`: fetch or read, convert, import.

Each mapping's table is fetched (table info first, then data; both cached), checked against the
table info, converted to tidy rows and written to `imports/sources/<mapping id>.csv` in the
workspace, which is then imported with the normal observation import. Why a file rather than
rows straight into the store: the import stays the one gate every figure passes (validation,
vintages, the import log, atomicity), re-importing an unchanged release is logged as
`unchanged`, and the analyst can open exactly what was imported — the same reasoning as for
the shipped series (`pejling.sources.shipped`).

Every imported row has provenance `published` and the mapping's publisher, so a goal with
`indicator.source: Danmarks Statistik` is judged on it. The vintage is the table's update date
(StatBank) or the newest period in the answer (jobindsats, which gives no update time).
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pejling.errors import ImportRejected, Problem, SpecError
from pejling.sources.cache import ResponseCache
from pejling.sources.convert import Conversion, TidyRow, convert
from pejling.sources.http import SourceError, SourceFormatError, Transport
from pejling.sources.jobindsats import JobindsatsClient
from pejling.sources.mapping import Api, LoadedMapping, SourceMapping, check_against_table
from pejling.sources.selection import expand, resolve_selection
from pejling.sources.statbank import Fetched, StatBankClient
from pejling.sources.statbank_formats import read_statbank_file
from pejling.sources.table import StatTable, TableInfo, Variable
from pejling.spec.catalog import Catalog
from pejling.store.database import Store
from pejling.store.observation_import import ImportResult, import_observations

HEADER = (
    "indicator", "municipality", "period", "group", "numerator", "denominator", "value", "unit",
    "source", "vintage", "provenance", "publisher",
)  # fmt: skip
CACHE_ENV = "PEJLING_CACHE_DIR"
Text = tuple[str, str]  # (Danish, English)


@dataclass(frozen=True)
class Clients:
    """One client per API, sharing a cache folder."""

    statbank: StatBankClient
    jobindsats: JobindsatsClient


def make_clients(
    cache_root: Path,
    *,
    offline: bool = False,
    transport: Transport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Clients:
    """Clients whose responses are cached under `cache_root`."""
    return Clients(
        StatBankClient(
            ResponseCache(cache_root / "statbank"), transport=transport, offline=offline,
            sleep=sleep,
        ),
        JobindsatsClient(
            ResponseCache(cache_root / "jobindsats"), transport=transport, offline=offline,
            sleep=sleep,
        ),
    )  # fmt: skip


def user_cache_dir() -> Path:
    """The cache outside a workspace: $PEJLING_CACHE_DIR, else ~/.cache/pejling."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "pejling"


@dataclass
class Outcome:
    """What happened to one mapping."""

    mapping: str
    table: str
    ok: bool = False
    origin: Text = ("", "")
    from_cache: bool = False
    lines: list[Text] = field(default_factory=list)
    conversion: Conversion | None = None
    result: ImportResult | None = None
    file: Path | None = None

    def text(self, lang: str) -> list[str]:
        """The outcome's lines in a language."""
        return [en if lang == "en" else da for da, en in self.lines]


@dataclass(frozen=True)
class Fetch:
    """A mapping's data and where it came from."""

    table: StatTable
    others: dict[str, StatTable]
    vintage: str
    fetched: Fetched[StatTable]


def request_selection(mapping: SourceMapping, info: TableInfo) -> dict[str, list[str]]:
    """Explicit codes for every variable: all areas, the selected periods, and every value the
    mapping's series use."""
    wanted: dict[str, list[str]] = {mapping.area_variable: ["*"]}
    period = info.variable(mapping.period_variable)
    time_spec = next(
        (v for k, v in mapping.select.items() if period is not None and info.variable(k) is period),
        "*",
    )
    wanted[mapping.period_variable] = [time_spec] if isinstance(time_spec, str) else time_spec
    for name, codes in mapping.select.items():
        if period is not None and info.variable(name) is period:
            continue
        _add(wanted, name, codes)
    for series in mapping.series:
        for sel in series.selections():
            for name, codes in sel.items():
                _add(wanted, name, codes)
    return resolve_selection(info, wanted, fill=False)


def _add(wanted: dict[str, list[str]], name: str, codes: str | list[str]) -> None:
    items = wanted.setdefault(name, [])
    for code in [codes] if isinstance(codes, str) else codes:
        if code not in items:
            items.append(code)


def fetch_statbank(item: LoadedMapping, client: StatBankClient) -> Fetch:
    """Table info, check, data — and the tables denominators come from."""
    mapping = item.mapping
    info = client.tableinfo(mapping.table, "da").value
    problems = check_against_table(item, info)
    if problems:
        raise SpecError(item.file, problems)
    selection = request_selection(mapping, info)
    fetched = client.data(info, selection)
    period_codes = selection.get(_var_id(info, mapping.period_variable), [])
    others: dict[str, StatTable] = {}
    for series in mapping.series:
        other = series.denominator_from
        if other is None or other.table.upper() in others:
            continue
        other_info = client.tableinfo(other.table, "da").value
        wanted: dict[str, list[str]] = {other.municipality or mapping.area_variable: ["*"]}
        time_var = other_info.variable(other.period or mapping.period_variable)
        if time_var is not None:
            shared = [c for c in period_codes if time_var.find(c, labels=False)]
            wanted[time_var.id] = shared or ["*"]
        for name, codes in other.select.items():
            _add(wanted, name, codes)
        other_selection = resolve_selection(other_info, wanted, fill=False)
        others[other_info.id] = client.data(other_info, other_selection).value
    vintage = info.updated_date or (fetched.value.updated or "")[:10]
    return Fetch(fetched.value, others, vintage, fetched)


def _var_id(info: TableInfo, name: str) -> str:
    var = info.variable(name)
    return var.id if var is not None else name


def fetch_jobindsats(item: LoadedMapping, client: JobindsatsClient) -> Fetch:
    """Periods from the table description, then the data."""
    mapping = item.mapping
    described = client.table(mapping.table).value
    spec = next(
        (v for k, v in mapping.select.items() if k.lower() == mapping.period_variable.lower()),
        "*",
    )
    periods_var = Variable("period", "period", tuple((p, p) for p in described.periods), True)
    periods: list[str] = []
    for one in [spec] if isinstance(spec, str) else spec:
        periods += [p for p in expand(periods_var, one, described.id) if p not in periods]
    body: dict[str, object] = {"area": "*", "period": periods, **mapping.request}
    fetched = client.data(mapping.table, body)
    return Fetch(fetched.value, {}, _newest_period(fetched.value, periods), fetched)


def _newest_period(table: StatTable, asked: Sequence[str]) -> str:
    """jobindsats gives no update time: the newest period in the answer names the release."""
    from pejling.periods import Period

    found = []
    index = table.dimension_index("period")
    for code, _label in table.dimensions[index].values if index is not None else ():
        try:
            found.append(Period.parse(code))
        except ValueError:
            continue
    if found:
        return max(found, key=lambda p: p.end).label
    return max(asked) if asked else ""


def write_rows(
    path: Path, rows: Sequence[TidyRow], mapping: SourceMapping, vintage: str, source: str = ""
) -> None:
    """The tidy observation file (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for r in rows:
            w.writerow(
                (r.indicator, r.municipality, r.period, r.group, _num(r.numerator),
                 _num(r.denominator), _num(r.value), r.unit, source or mapping.source_text, vintage,
                 "published", mapping.publisher_name)
            )  # fmt: skip
    tmp.replace(path)


def _num(x: float | None) -> str:
    """A figure as written: six decimals at most (computed ratios and means have long tails,
    and a long run of digits would look like a CPR number to the import's check)."""
    if x is None:
        return ""
    return f"{round(x, 6):.15g}"


def import_converted(
    store: Store,
    catalog: Catalog,
    mapping: SourceMapping,
    conversion: Conversion,
    vintage: str,
    path: Path,
    display: str,
    source: str = "",
) -> ImportResult | None:
    """Write the rows and import them (None when there is nothing to import).

    `source` overrides the mapping's source text: a downloaded file is imported under its own
    source (the mapping's, plus the file name), so a file with a few periods of a release does
    not replace what a refresh imported of the same release (an import replaces the rows of
    its indicator, source and vintage).
    """
    if not conversion.rows:
        return None
    write_rows(path, conversion.rows, mapping, vintage, source)
    return import_observations(store, path, catalog, display_name=display)


def refresh(
    items: Sequence[LoadedMapping],
    clients: Clients,
    store: Store,
    catalog: Catalog,
    imports_dir: Path,
    display: Callable[[Path], str] = str,
) -> list[Outcome]:
    """Fetch, convert and import every mapping; one mapping's failure does not stop the rest."""
    outcomes = []
    for item in items:
        m = item.mapping
        outcome = Outcome(m.id, m.table.upper())
        try:
            fetch = (
                fetch_jobindsats(item, clients.jobindsats)
                if m.api is Api.JOBINDSATS
                else fetch_statbank(item, clients.statbank)
            )
            outcome.from_cache = fetch.fetched.from_cache
            outcome.origin = (fetch.fetched.describe("da"), fetch.fetched.describe("en"))
            conversion = convert(m, fetch.table, catalog, fetch.others)
            outcome.conversion = conversion
            path = imports_dir / f"{m.id}.csv"
            result = import_converted(
                store, catalog, m, conversion, fetch.vintage, path, display(path)
            )
            outcome.result, outcome.file = result, path if result else None
            outcome.ok = True
            _describe(outcome, conversion, result, fetch.vintage)
        except SourceError as exc:
            outcome.lines.append((exc.da, exc.en))
        except (SpecError, ImportRejected) as exc:
            outcome.lines.append((exc.render(), exc.render()))
        outcomes.append(outcome)
    return outcomes


def _describe(
    outcome: Outcome, conversion: Conversion, result: ImportResult | None, vintage: str
) -> None:
    if result is None:
        outcome.lines.append(("ingen tal at indlæse", "no figures to import"))
    else:
        outcome.lines.append(
            (
                f"udgave {vintage}: {result.summary('da')}",
                f"release {vintage}: {result.summary('en')}",
            )
        )
    for da, en in zip(conversion.summary("da"), conversion.summary("en"), strict=True):
        outcome.lines.append((da, en))


def read_file(
    item: LoadedMapping, data: bytes, clients: Clients, name: str
) -> tuple[StatTable, list[Text]]:
    """A downloaded file for a mapping's table, with the notes on how its labels were read."""
    notes: list[Text] = []
    m = item.mapping
    if m.api is Api.JOBINDSATS:
        raise SourceFormatError(
            "filer fra jobindsats.dk kan endnu ikke indlæses gennem en kortlægning",
            "files from jobindsats.dk cannot yet be imported through a mapping",
        )
    infos: list[TableInfo] = []
    for lang in ("da", "en"):
        try:
            infos.append(clients.statbank.tableinfo(m.table, lang).value)
        except SourceError as exc:
            notes.append(
                (
                    f"tabeloplysninger ({lang}) kunne ikke hentes: {exc.da}",
                    f"table info ({lang}) could not be had: {exc.en}",
                )
            )
    table = read_statbank_file(data, m.table, infos)
    if not infos and not name.lower().endswith(".json"):
        notes.append(
            (
                "uden tabeloplysninger kan tekster i filen ikke oversættes til koder; hent dem "
                f"én gang med netværk: pejling fetch dst {m.table}",
                "without the table info the file's labels cannot be turned into codes; fetch "
                f"it once with a network: pejling fetch dst {m.table}",
            )
        )
    return table, notes


def file_problem(name: str, message: str) -> SpecError:
    """A file that does not fit its mapping."""
    return SpecError(name, [Problem(name, message)])
