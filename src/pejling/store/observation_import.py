"""Import of tidy aggregate observations (CSV/XLSX), validated whole, atomic and idempotent.

Rules (docs/observations.md): every row is checked before anything is written; a file's rows
replace the rows already stored under the same (indicator, source, vintage), inside one transaction;
a file whose rows equal what is stored changes nothing and is logged as `unchanged`; every
attempt, also a rejected one, is written to the `imports` log.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pejling.cpr import looks_like_cpr, shown
from pejling.errors import ImportRejected, Problem
from pejling.formatting import fmt_number
from pejling.groups import group_key, parse_group_key
from pejling.periods import Period
from pejling.reference.municipalities import AreaKind, resolve_area
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import Unit
from pejling.store.database import Store
from pejling.store.limits import DEFAULT_LIMITS, Limits, check_file_size
from pejling.store.tabular import Row, Table, parse_number, read_table
from pejling.suggest import did_you_mean

COLUMNS = (
    "indicator",
    "municipality",
    "period",
    "group",
    "numerator",
    "denominator",
    "value",
    "unit",
    "source",
    "vintage",
    "provenance",
    "publisher",
)
PROVENANCES = ("published", "register", "synthetic")
REQUIRED = {"indicator", "municipality", "period", "unit", "source", "vintage"}
MAX_LISTED = 50
AGREEMENT = 0.51  # published figures are rounded: numerator/denominator vs value tolerance

ObservationTuple = tuple[
    str,
    int,
    str,
    float,
    str,
    float | None,
    float | None,
    float | None,
    str,
    str,
    str,
    str,
    str | None,
    float | None,
]


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    file: str
    outcome: str  # imported | unchanged
    rows: int
    replaced: int
    vintages: list[tuple[str, str]] = field(default_factory=list)

    def summary(self, lang: str = "da") -> str:
        """One line for the console."""
        n = fmt_number(self.rows, 0, lang)
        if lang == "en":
            if self.outcome == "unchanged":
                return f"unchanged: the {n} rows are already stored"
            return f"imported {n} rows (replaced {fmt_number(self.replaced, 0, lang)})"
        if self.outcome == "unchanged":
            return f"uændret (unchanged): de {n} rækker findes allerede"
        return f"{n} rækker indlæst (erstattede {fmt_number(self.replaced, 0, lang)})"


class _Collector:
    """Collects problems: the first MAX_LISTED in full, all of them counted per kind."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.counts: Counter[str] = Counter()

    def add(self, problem: Problem) -> None:
        self.counts[problem.code or "other"] += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _header_map(table: Table, name: str, problems: _Collector) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, raw in enumerate(table.header):
        col = raw.strip().lower()
        if not col:
            continue
        if col not in COLUMNS:
            hint = did_you_mean(col, COLUMNS)
            problems.add(
                Problem(
                    f"{name}:1 column {i + 1}",
                    f"unknown column '{shown(raw)}'",
                    f"only {', '.join(COLUMNS)}",
                    hint,
                    "unknown_column",
                )
            )
        elif col in index:
            problems.add(
                Problem(
                    f"{name}:1",
                    f"column '{col}' appears twice",
                    "each column once",
                    "",
                    "duplicate_column",
                )
            )
        else:
            index[col] = i
    for col in COLUMNS:
        if col in REQUIRED and col not in index:
            problems.add(
                Problem(
                    f"{name}:1",
                    f"missing column '{col}'",
                    f"a header with {', '.join(COLUMNS)}",
                    "",
                    "missing_column",
                )
            )
    if "value" not in index and not {"numerator", "denominator"} <= index.keys():
        problems.add(
            Problem(
                f"{name}:1",
                "no 'value' column and no 'numerator' + 'denominator' columns",
                "a value, or numerator and denominator",
                "",
                "missing_column",
            )
        )
    return index


#: C0 control characters other than tab, and DEL: never part of a figure or a citation
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_DIGITS = re.compile(r"^[0-9]+$")
#: observations are about years from 1900 to 2100; anything else is a typing error
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: units whose values cannot be negative (dkk and index can)
_NON_NEGATIVE = {Unit.PERCENT, Unit.COUNT, Unit.DAYS, Unit.RATE_PER_1000}


def _any_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _screen(row: Row, index: dict[str, int], name: str, problems: _Collector) -> bool:
    """CPR-like values and control characters in any cell; True when the row is clean.

    Runs before every other check of the row, so no other message can echo a CPR number.
    """
    columns = {i: col for col, i in index.items()}
    clean = True
    for i, text in enumerate(row.cells):
        col = columns.get(i, str(i + 1))
        where = f"{row.where(name, i)} column '{col}'"
        if looks_like_cpr(text):
            problems.add(
                Problem(
                    where,
                    "holds a value that looks like a CPR number (not shown)",
                    "no CPR numbers in observation files (they hold aggregate figures)",
                    "",
                    "cpr_like_value",
                )
            )
            clean = False
        elif _CONTROL.search(text):
            problems.add(
                Problem(
                    where,
                    "holds a control character (such as NUL), which is not text",
                    "printable text",
                    "",
                    "control_character",
                )
            )
            clean = False
    return clean


def _row_observation(
    row: Row, index: dict[str, int], name: str, catalog: Catalog, problems: _Collector
) -> ObservationTuple | None:
    def cell(col: str) -> str:
        i = index.get(col)
        return row.cells[i].strip() if i is not None and i < len(row.cells) else ""

    def bad(col: str, message: str, expected: str, hint: str = "", code: str = "") -> None:
        where = row.where(name, index.get(col, 0))
        problems.add(Problem(f"{where} column '{col}'", message, expected, hint, code or col))

    before = problems.total
    if not _screen(row, index, name, problems):
        return None
    indicator = cell("indicator")
    spec = catalog.get(indicator)
    if not indicator:
        bad("indicator", "empty", "an indicator id (see 'pejling indicators')")
    elif spec is None:
        bad(
            "indicator",
            f"unknown indicator '{shown(indicator)}'",
            "an indicator id from the catalog (see 'pejling indicators')",
            did_you_mean(indicator, catalog.ids()),
        )
    code_text = cell("municipality")
    code = -1
    # only ASCII digits: '٢٦٥' is not 265, and '-0' or '2_65' are no codes at all
    area = resolve_area(
        code_text if _ASCII_DIGITS.match(code_text) or not _any_digit(code_text) else ""
    )
    if area.usable and area.code is not None:
        code = area.code
    elif area.kind is AreaKind.UNKNOWN:
        bad(
            "municipality",
            f"'{shown(code_text)}' is not a municipality code",
            "one of the 98 municipality codes (265 or 0265), a name (Roskilde, Københavns "
            "Kommune, Copenhagen), or 0 / Hele landet for the whole country",
            code="municipality",
        )
    else:
        bad(
            "municipality",
            shown(area.explain("en"), 200),
            "one of the 98 municipalities, or 0 / Hele landet for the whole country; "
            "leave such rows out",
            code=f"municipality_{area.kind.value}",
        )
    period: Period | None = None
    period_text = cell("period")
    try:
        if any(c.isdigit() and not c.isascii() for c in period_text):  # only 0-9 are digits
            raise ValueError(f"'{period_text}' is not a period")
        period = Period.parse(period_text)
        if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
            period = None
            raise ValueError(f"'{period_text}' is not a period from {FIRST_YEAR} to {LAST_YEAR}")
    except ValueError as exc:
        bad("period", shown(str(exc), 300), "e.g. 2015, 2015H1, 2015Q3, 2015-03 or 31.03.2015")
    grp = ""
    try:
        group_text = cell("group")
        if not group_text.isascii():
            raise ValueError(f"'{group_text}' is not a group")
        grp = group_key(parse_group_key(group_text))
    except ValueError as exc:
        bad(
            "group", shown(str(exc), 300), "key=value pairs like origin=non_western;sex=f, or empty"
        )
    numbers: dict[str, float | None] = {}
    for col in ("numerator", "denominator", "value"):
        text = cell(col)
        if not text:
            numbers[col] = None
            continue
        try:
            numbers[col] = parse_number(text)
        except ValueError:
            bad(col, f"'{shown(text)}' is not a number", "a number such as 66,7 or 66.7",
                code="number")  # fmt: skip
            numbers[col] = None
    unit = cell("unit")
    if spec is not None and unit != spec.unit.value:
        bad(
            "unit",
            f"unit '{shown(unit)}' does not match indicator '{indicator}'",
            f"'{spec.unit.value}'",
        )
    source, vintage = cell("source"), cell("vintage")
    if not source:
        bad("source", "empty", "who published the figure (document, table)")
    if not vintage:
        bad("vintage", "empty", "the release, e.g. 2025 or 2025-09")
    provenance = cell("provenance").lower() or "published"
    if provenance not in PROVENANCES:
        bad(
            "provenance",
            f"'{shown(cell('provenance'))}' is not a provenance",
            "published (a document or an official statistic), register (computed from "
            "person-level data) or synthetic (computed from generated data)",
            did_you_mean(provenance, PROVENANCES),
        )
    publisher = cell("publisher") or (source if provenance == "published" else "")
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    if num is not None and num < 0:
        bad("numerator", f"negative numerator {text_of(num)}", "0 or more", code="negative")
    if den is not None and den <= 0:
        bad("denominator", f"denominator {text_of(den)} is not positive", "more than 0")
    if problems.total > before:
        return None
    assert spec is not None
    assert period is not None
    is_share = spec.unit in {Unit.PERCENT, Unit.RATE_PER_1000}
    scale = 100.0 if spec.unit is Unit.PERCENT else 1000.0
    if is_share and num is not None and den is not None:
        if num > den:
            bad("numerator", f"numerator {text_of(num)} exceeds denominator {text_of(den)}",
                "at most the denominator", code="consistency")  # fmt: skip
            return None
        computed = scale * num / den
        if value is None:
            value = computed
        elif abs(value - computed) > AGREEMENT:
            bad(
                "value",
                f"value {text_of(value)} disagrees with numerator/denominator "
                f"({text_of(num)}/{text_of(den)} = {computed:.2f})",
                "values that agree within rounding",
                code="consistency",
            )
            return None
    if value is None:
        bad("value", "empty", "a value, or numerator and denominator", code="missing_value")
        return None
    if spec.unit is Unit.PERCENT and not (0 <= value <= 100 or (spec.ratio and value >= 0)):
        bad("value", f"{text_of(value)} is outside 0–100", "a percentage between 0 and 100")
        return None
    if spec.unit in _NON_NEGATIVE and value < 0:
        bad("value", f"negative value {text_of(value)}", f"0 or more ({spec.unit.value})",
            code="negative")  # fmt: skip
        return None
    persons = den if spec.unit is Unit.PERCENT and den is not None else None
    return (indicator, code, period.label, period.t, grp, num, den, value, unit, source, vintage,
            provenance, publisher or None, persons)  # fmt: skip


def text_of(x: float) -> str:
    """A number as written in an error message."""
    return f"{x:g}"


def validate_observations(table: Table, name: str, catalog: Catalog) -> list[ObservationTuple]:
    """Every row checked; raise ImportRejected listing the problems if there are any."""
    problems = _Collector()
    index = _header_map(table, name, problems)
    if problems.total:
        raise ImportRejected(name, problems.listed, problems.total)
    out: list[ObservationTuple] = []
    seen: dict[tuple[str, int, str, str, str, str], int] = {}
    for row in table.rows:
        obs = _row_observation(row, index, name, catalog, problems)
        if obs is None:
            continue
        key = (obs[0], obs[1], obs[2], obs[4], obs[9], obs[10])
        if key in seen:
            problems.add(
                Problem(
                    f"{name}:{row.number}",
                    f"duplicate of line {seen[key]} (same indicator, municipality, period, "
                    "group, source and vintage)",
                    "one row per series, period and vintage",
                    "",
                    "duplicate",
                )
            )
            continue
        seen[key] = row.number
        out.append(obs)
    if not table.rows:
        problems.add(Problem(name, "no data rows", "at least one observation", "", "empty"))
    if problems.total:
        summary = ", ".join(f"{k}: {v}" for k, v in problems.counts.most_common())
        listed = [*problems.listed]
        if len(problems.counts) > 1:
            listed.append(Problem(name, f"problems per kind: {summary}"))
        raise ImportRejected(name, listed, problems.total)
    return out


def next_import_id(store: Store) -> int:
    """A fresh id for the import log (also stamped on the rows an import writes)."""
    row = store.con.execute("SELECT nextval('import_ids')").fetchone()
    assert row is not None
    return int(row[0])


def log_import(
    store: Store, import_id: int, name: str, sha: str, kind: str, outcome: str, rows: int,
    replaced: int, problems: int, message: str | None,
) -> None:  # fmt: skip
    """Record one import attempt (imported, unchanged or rejected)."""
    store.con.execute(
        "INSERT INTO imports (id, file, sha256, kind, outcome, rows, replaced, problems, message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, name, sha, kind, outcome, rows, replaced, problems, message],
    )


_COLUMN_TYPES = (
    "VARCHAR", "SMALLINT", "VARCHAR", "DOUBLE", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR",
    "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE",
)  # fmt: skip
_STORED = (
    "indicator, municipality, period, t, grp, numerator, denominator, value, unit, source, "
    "vintage, provenance, publisher, persons"
)


def _insert_columns(store: Store, table: str, rows: list[ObservationTuple]) -> None:
    """Bulk insert by passing one list per column (much faster than executemany)."""
    columns = (
        [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in _COLUMN_TYPES]
    )
    select = ", ".join(f"unnest(?::{t}[])" for t in _COLUMN_TYPES)
    store.con.execute(f"INSERT INTO {table} ({_STORED}) SELECT {select}", columns)


@dataclass(frozen=True)
class PreparedObservations:
    """A validated observation file, ready to be written."""

    name: str
    sha: str
    rows: list[ObservationTuple]


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes (streamed), or of nothing when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        pass
    return digest.hexdigest()


def prepare_observations(
    path: Path,
    catalog: Catalog,
    *,
    display_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PreparedObservations:
    """Read and validate one file without touching the store; raise ImportRejected."""
    name = display_name or path.name
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        table = read_table(path, name, limits=limits)
        return PreparedObservations(
            name, file_sha(path), validate_observations(table, name, catalog)
        )
    if not path.is_file():
        raise ImportRejected(
            name, [Problem(name, "no such file", "an existing file", code="missing_file")]
        )
    check_file_size(path, name, limits.max_observation_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            name, [Problem(name, f"cannot read the file ({exc.strerror})", code="unreadable")]
        ) from None
    sha = hashlib.sha256(data).hexdigest()
    table = read_table(path, name, data, limits=limits)
    return PreparedObservations(name, sha, validate_observations(table, name, catalog))


def write_observations(store: Store, prepared: PreparedObservations) -> ImportResult:
    """Store one validated file: its rows replace those of the same (indicator, source,
    vintage), or nothing changes when they are already stored. Runs in the caller's
    transaction (or its own)."""
    rows, name = prepared.rows, prepared.name
    vintages = sorted({(r[9], r[10]) for r in rows})
    con = store.con
    with store.transaction():
        import_id = next_import_id(store)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT {_STORED} FROM observations LIMIT 0"
        )
        _insert_columns(store, "incoming", rows)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE keys AS "
            "SELECT DISTINCT indicator, source, vintage FROM incoming"
        )
        existing_row = con.execute(
            "SELECT count(*) FROM observations o SEMI JOIN keys k USING (indicator, source, vintage)"
        ).fetchone()
        existing = int(existing_row[0]) if existing_row else 0
        diff_row = con.execute(
            f"""
            SELECT count(*) FROM (
                (SELECT * FROM incoming
                 EXCEPT SELECT {_STORED} FROM observations
                        SEMI JOIN keys USING (indicator, source, vintage))
                UNION ALL
                (SELECT {_STORED} FROM observations SEMI JOIN keys USING (indicator, source, vintage)
                 EXCEPT SELECT * FROM incoming)
            )
            """
        ).fetchone()
        unchanged = existing == len(rows) and diff_row is not None and diff_row[0] == 0
        if unchanged:
            outcome, replaced = "unchanged", 0
        else:
            outcome, replaced = "imported", existing
            con.execute(
                "DELETE FROM observations WHERE (indicator, source, vintage) IN "
                "(SELECT indicator, source, vintage FROM keys)"
            )
            con.execute(
                f"INSERT INTO observations ({_STORED}, import_id) SELECT *, ? FROM incoming",
                [import_id],
            )
        con.execute("DROP TABLE incoming")
        con.execute("DROP TABLE keys")
        log_import(store, import_id, name, prepared.sha, "observations", outcome, len(rows),
                   replaced, 0, None)  # fmt: skip
    return ImportResult(name, outcome, len(rows), replaced, vintages)


#: the log's message for a file that was fine but rejected because another file of the same
#: command was not (one command is all or nothing)
WITH_THE_REST = "rejected with the rest of the import"


def log_rejected(
    store: Store, name: str, sha: str, kind: str, problems: int, message: str | None
) -> None:
    """Log a rejected attempt (outside any transaction, so it survives the rollback)."""
    log_import(store, next_import_id(store), name, sha, kind, "rejected", 0, 0, problems,
               None if message is None else shown(message, 500))  # fmt: skip


def merge_rejections(rejections: list[ImportRejected]) -> ImportRejected:
    """One rejection for a whole command: every file's problems, the first ones listed."""
    if len(rejections) == 1:
        return rejections[0]
    problems = [p for r in rejections for p in r.problems][: MAX_LISTED + len(rejections)]
    total = sum(r.total for r in rejections)
    return ImportRejected(", ".join(r.source for r in rejections), problems, total)


def import_observation_files(
    store: Store,
    paths: list[Path],
    catalog: Catalog,
    *,
    display_names: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[ImportResult]:
    """Validate every file, then store them all in one transaction — or none of them.

    A rejection is logged for every file (the good ones as rejected with the rest) and raised
    as one ImportRejected listing every file's problems; the store is unchanged but for the log.
    """
    names = display_names or [p.name for p in paths]
    prepared: list[PreparedObservations] = []
    rejections: list[tuple[int, ImportRejected]] = []
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        try:
            prepared.append(prepare_observations(path, catalog, display_name=name, limits=limits))
        except ImportRejected as exc:
            rejections.append((i, exc))
    if rejections:
        failed = dict(rejections)
        for i, (path, name) in enumerate(zip(paths, names, strict=True)):
            own = failed.get(i)
            if own is None:
                log_rejected(store, name, file_sha(path), "observations", 0, WITH_THE_REST)
            else:
                log_rejected(store, name, file_sha(path), "observations", own.total,
                             own.problems[0].render() if own.problems else None)  # fmt: skip
        raise merge_rejections([exc for _i, exc in rejections])
    with store.transaction():
        return [write_observations(store, p) for p in prepared]


def import_observations(
    store: Store,
    path: Path,
    catalog: Catalog,
    *,
    display_name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Validate and store one file; raise ImportRejected (store unchanged but for the log)."""
    names = [display_name] if display_name else None
    return import_observation_files(store, [path], catalog, display_names=names, limits=limits)[0]
