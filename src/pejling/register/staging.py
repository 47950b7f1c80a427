"""Reading one person-level file: the SELECT that yields its cells as text, and the temporary
table of text cells that located error messages are read from.

Why DuckDB reads the file: a national extract has millions of rows; DuckDB's CSV and Parquet
readers are orders of magnitude faster than a Python loop, and the CPR column is replaced by its
keyed hash in the very statement that reads it, so the raw number never lands in a table.

Why a `Source` and not at once a table: at whole-population scale (6 million persons, 37 million
rows) a table of text cells per file was the largest part of an import's memory. The import reads
a CSV or Parquet file straight into its typed table (checks.py) and materialises the text cells
(`stage`) only for a file that has problems, to show their values; an XLSX sheet, streamed in
chunks through Python, is always materialised.

The text rows have one VARCHAR column per expected column (NULL for an empty cell), the display
row number `_row` (the line in a CSV file, the row in a sheet or Parquet file) and, when the file
had a `cpr` column, `_cpr_ok` (was it a valid CPR number).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from pejling.cpr import shown
from pejling.errors import ImportRejected, Problem
from pejling.register.pseudonym import ID_LENGTH, PseudonymKey
from pejling.register.tables import ColumnType, Table
from pejling.store.encoding import TextInfo, check_text
from pejling.store.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_file_size,
    check_xlsx,
    too_large,
    too_many,
)
from pejling.store.tabular import clean_header
from pejling.suggest import did_you_mean

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
_CPR_VALID_SQL = (
    "(regexp_full_match({c}, '[0-9]{{6}}-?[0-9]{{4}}') "
    "AND try_strptime(substr({c}, 1, 6), '%d%m%y') IS NOT NULL)"
)


@dataclass(frozen=True)
class Source:
    """A file whose header is checked, ready to be read: `sql` yields its text rows.

    `materialised` when `sql` reads a temp table already filled (an XLSX sheet).
    """

    table: Table
    name: str  # display name of the file
    sql: str
    params: dict[str, object]
    had_cpr: bool
    row_label: str  # "line" for CSV, "row" otherwise
    delimiter: str | None = None
    materialised: bool = False
    #: date columns stored as DATE in a Parquet file: their values are also selected as
    #: `"<column>$date"`, so that the typed table need not parse them back from text
    native_dates: frozenset[str] = frozenset()

    @property
    def relation(self) -> str:
        """The temp table of text cells (`stage`)."""
        return f"stage_{self.table.name}"


@dataclass(frozen=True)
class Staged:
    """A file read into `stage_<table>`."""

    table: Table
    name: str  # display name of the file
    relation: str  # temp table name
    rows: int
    had_cpr: bool
    row_label: str  # "line" for CSV, "row" otherwise


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _normalise_header(text: str) -> str:
    return clean_header(text).lower().replace(" ", "_")


def _sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _map_header(
    header: Sequence[str], table: Table, name: str, delimiter: str | None
) -> tuple[dict[str, str], bool]:
    """Map file columns to table columns; reject missing or unknown columns."""
    normalised: dict[str, str] = {}
    problems: list[Problem] = []
    for h in header:
        norm = _normalise_header(h)
        if not norm:
            continue
        if norm in normalised:
            problems.append(
                Problem(
                    f"{name}: column '{shown(norm)}'",
                    "the column appears twice in the header",
                    "each column once",
                    code="duplicate_column",
                )
            )
        normalised[norm] = h
    mapping: dict[str, str] = {}
    had_cpr = False
    for col in table.columns:
        if col.name == "person_id" and "cpr" in normalised:
            mapping["person_id"] = normalised["cpr"]
            had_cpr = True
        elif col.name in normalised:
            mapping[col.name] = normalised[col.name]
    allowed = {*table.column_names, "cpr"}
    for norm, original in normalised.items():
        if norm not in allowed:
            hint = did_you_mean(norm, sorted(allowed))
            problems.append(
                Problem(
                    f"{name}: column '{shown(original)}'",
                    "unknown column (person-level files may only hold the documented columns)",
                    f"only {', '.join(table.column_names)} (or cpr instead of person_id)",
                    hint,
                    "unknown_column",
                )
            )
    if "cpr" in normalised and "person_id" in normalised:
        problems.append(
            Problem(
                name,
                "both cpr and person_id columns",
                "one of them",
                code="unknown_column",
            )
        )
    missing = [c.name for c in table.columns if c.name not in mapping and not c.absent_ok]
    if missing:
        hint = ""
        if len(normalised) == 1 and delimiter is not None:
            hint = (
                "The header was read as a single column: is the delimiter something other "
                "than ';' or ','?"
            )
        problems.append(
            Problem(
                name,
                f"missing column(s): {', '.join('cpr' if m == 'person_id' else m for m in missing)}",
                f"the columns {', '.join(table.required_names)} (person_id may be cpr)",
                hint,
                "missing_column",
            )
        )
    if problems:
        raise ImportRejected(name, problems)
    return mapping, had_cpr


def _person_expr(source: str, had_cpr: bool) -> str:
    """The stored person id: the HMAC of a valid CPR number, or the given pseudonymous id."""
    if not had_cpr:
        return f"NULLIF(trim(CAST({source} AS VARCHAR)), '')"
    digits = f"replace(trim(CAST({source} AS VARCHAR)), '-', '')"
    valid = _CPR_VALID_SQL.format(c=f"trim(CAST({source} AS VARCHAR))")
    return (
        f"CASE WHEN {valid} THEN substr(sha256($opad::BLOB || unhex(sha256($ipad::BLOB || "
        f"encode({digits})))), 1, {ID_LENGTH}) END"
    )


def _select_list(
    table: Table,
    mapping: dict[str, str],
    had_cpr: bool,
    cpr_int: bool,
    native_dates: frozenset[str] = frozenset(),
) -> str:
    parts = ["_row"]
    parts += [f"{_quote(mapping[c])} AS {_quote(c + '$date')}" for c in sorted(native_dates)]
    for col in table.columns:
        if col.name not in mapping:  # an optional column left out of the file
            parts.append(f"CAST(NULL AS VARCHAR) AS {_quote(col.name)}")
            continue
        source = _quote(mapping[col.name])
        if col.name == "person_id":
            src = f"lpad(CAST({source} AS VARCHAR), 10, '0')" if cpr_int else source
            parts.append(f"{_person_expr(src, had_cpr)} AS person_id")
            if had_cpr:
                parts.append(
                    "(" + _CPR_VALID_SQL.format(c=f"trim(CAST({src} AS VARCHAR))") + ") AS _cpr_ok"
                )
        else:
            parts.append(f"NULLIF(trim(CAST({source} AS VARCHAR)), '') AS {_quote(col.name)}")
    return ", ".join(parts)


def _check_line_endings(info: TextInfo, name: str) -> None:
    """DuckDB reads one line-ending style per file, \\n or \\r\\n; name what the file has."""
    styles = [
        (line, label)
        for line, label in (
            (info.first_crlf, "\\r\\n (Windows)"),
            (info.first_lf, "\\n (Unix)"),
            (info.first_cr, "\\r alone (old Mac)"),
        )
        if line
    ]
    if not info.mixed_line_endings and not info.cr:
        return
    found = ", ".join(f"{label} first in line {line}" for line, label in sorted(styles))
    first = min(line for line, _label in styles[1:]) if len(styles) > 1 else styles[0][0]
    raise ImportRejected(
        name,
        [
            Problem(
                f"{name}:{first}",
                ("mixed line endings: " if info.mixed_line_endings else "line endings: ") + found,
                "one kind of line ending in the whole file, \\n or \\r\\n",
                "Save it again as 'CSV UTF-8' from Excel, or convert the line endings",
                code="unreadable",
            )
        ],
    )


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: Table,
    key: PseudonymKey,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
) -> Source:
    """Check the file's size, encoding and header; return the SELECT of its text rows.

    Raise ImportRejected for a file that cannot be read or has the wrong columns. Nothing is
    read beyond the header and the metadata, except an XLSX sheet, which is read into
    `stage_<table>` here (openpyxl streams it; DuckDB cannot read it).
    """
    suffix = path.suffix.lower()
    relation = f"stage_{table.name}"
    con.execute(f"DROP TABLE IF EXISTS {relation}")
    params: dict[str, object] = {"opad": key.opad, "ipad": key.ipad, "path": str(path)}
    delimiter: str | None = None
    native_dates: frozenset[str] = frozenset()
    if suffix == ".parquet":
        check_file_size(path, name, limits.max_register_bytes)
        try:
            described = con.execute(
                "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
            ).fetchall()
            meta = con.execute(
                "SELECT sum(num_rows) FROM parquet_file_metadata($path)", {"path": str(path)}
            ).fetchone()
            unpacked = con.execute(
                "SELECT sum(total_uncompressed_size) FROM parquet_metadata($path)",
                {"path": str(path)},
            ).fetchone()
        except duckdb.Error:
            raise ImportRejected(
                name,
                [Problem(name, "not a readable Parquet file", "a Parquet file", code="unreadable")],
            ) from None
        if len(described) > limits.max_columns:
            raise too_many(name, "columns", limits.max_columns)
        if meta and meta[0] is not None and int(meta[0]) > limits.max_register_rows:
            raise too_many(name, "rows", limits.max_register_rows)
        if (
            unpacked
            and unpacked[0] is not None
            and int(unpacked[0]) > 4 * limits.max_register_bytes
        ):
            raise too_large(name, "unpacked", int(unpacked[0]), 4 * limits.max_register_bytes)
        header = [str(r[0]) for r in described]
        types = {_normalise_header(str(r[0])): str(r[1]) for r in described}
        mapping, had_cpr = _map_header(header, table, name, None)
        cpr_int = had_cpr and any(t in types.get("cpr", "") for t in ("INT", "DECIMAL"))
        native_dates = frozenset(
            c.name
            for c in table.columns
            if c.type is ColumnType.DATE
            and c.name in mapping
            and types.get(_normalise_header(mapping[c.name])) == "DATE"
        )
        # the reader's own row number, not row_number() OVER (): that is a streaming window,
        # which runs the whole statement (the keyed hash included) on one thread
        source = (
            "(SELECT *, file_row_number + 1 AS _row FROM read_parquet($path, file_row_number=true))"
        )
        row_label = "row"
    elif suffix in {".csv", ".txt", ".tsv"}:
        check_file_size(path, name, limits.max_register_bytes)
        info = check_text(name, path=path, limits=limits)
        _check_line_endings(info, name)
        if info.crlf + info.lf > limits.max_register_rows:
            raise too_many(name, "rows", limits.max_register_rows)
        encoding = "utf-8" if info.encoding == "utf-8" else "latin-1"
        with path.open("rb") as fh:
            first_line = fh.readline(limits.max_line_bytes + 1)[info.bom_bytes :]
        first = first_line.decode("utf-8" if info.encoding == "utf-8" else "cp1252")
        first = first.rstrip("\r\n").lstrip("\ufeff")
        delimiter = _sniff(first)
        header = next(csv.reader([first], delimiter=delimiter), [])
        if len(header) > limits.max_columns:
            raise too_many(name, "columns", limits.max_columns)
        header = [h.strip() for h in header]
        mapping, had_cpr = _map_header(header, table, name, delimiter)
        cpr_int = False
        params.update({"delim": delimiter, "enc": encoding})
        source = (
            "(SELECT *, row_number() OVER () + 1 AS _row FROM read_csv($path, delim=$delim, "
            "header=true, all_varchar=true, encoding=$enc, quote='\"', escape='\"', "
            "strict_mode=true, null_padding=false, auto_detect=false, "
            "columns=" + _columns_struct(header) + "))"
        )
        row_label = "line"
    elif suffix == ".xlsx":
        check_xlsx(path, name, limits)
        staged = _stage_xlsx(con, path, table, key, name, relation, limits)
        return Source(table, name, f"SELECT * FROM {relation}", {}, staged.had_cpr,
                      staged.row_label, materialised=True)  # fmt: skip
    else:
        raise ImportRejected(
            name,
            [
                Problem(
                    name,
                    f"unsupported file type '{suffix}'",
                    "a .csv, .xlsx or .parquet file",
                    code="unsupported",
                )
            ],
        )
    sql = f"SELECT {_select_list(table, mapping, had_cpr, cpr_int, native_dates)} FROM {source}"
    params = {k: v for k, v in params.items() if f"${k}" in sql}
    return Source(table, name, sql, params, had_cpr, row_label, delimiter, False, native_dates)


def unreadable(source: Source, exc: duckdb.Error) -> ImportRejected:
    """The rejection for a file DuckDB fails to read (a ragged row, an unclosed quote).

    DuckDB's own text may quote the data, so it is never shown; only the line it names.
    """
    line = re.search(r"[Ll]ine:?\s*(\d+)", str(exc))
    where = f"{source.name}:{int(line.group(1))}" if line else source.name
    return ImportRejected(
        source.name,
        [
            Problem(
                where,
                "the file cannot be read as a table (a row has more or fewer fields than the "
                "header, or a quote is not closed)",
                f"one '{source.delimiter or ','}'-separated field per column on every line",
                code="unreadable",
            )
        ],
    )


def stage(con: duckdb.DuckDBPyConnection, source: Source) -> Staged:
    """Read the text rows into the temp table `stage_<table>` (kept for an XLSX sheet)."""
    relation = source.relation
    if not source.materialised:
        con.execute(f"DROP TABLE IF EXISTS {relation}")
        try:
            con.execute(f"CREATE TEMP TABLE {relation} AS {source.sql}", source.params)
        except duckdb.Error as exc:
            raise unreadable(source, exc) from None
    count = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    rows = int(count[0]) if count else 0
    return Staged(source.table, source.name, relation, rows, source.had_cpr, source.row_label)


def _columns_struct(header: Sequence[str]) -> str:
    """A read_csv `columns` struct that names every header column VARCHAR (keeps odd names)."""
    entries = []
    for i, h in enumerate(header):
        label = h if h else f"column{i}"
        entries.append("'" + label.replace("'", "''") + "': 'VARCHAR'")
    return "{" + ", ".join(entries) + "}"


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


#: rows of an XLSX sheet sent to DuckDB at a time (bounded memory for big sheets)
XLSX_CHUNK = 50_000


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, table: Table, key: PseudonymKey, name: str,
    relation: str, limits: Limits = DEFAULT_LIMITS,
) -> Staged:  # fmt: skip
    unreadable = ImportRejected(
        name, [Problem(name, "not a readable XLSX file", "an .xlsx workbook", code="unreadable")]
    )
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise unreadable from None
    try:
        ws = wb.worksheets[0]
        title = ws.title
        rows = enumerate(ws.iter_rows(values_only=True, max_col=limits.max_columns + 1), start=1)
        header: list[str] = []
        for _number, values in rows:
            header = [clean_header(str(v)) if v is not None else "" for v in values]
            if any(header):
                break
        if len(header) > limits.max_columns and header[limits.max_columns]:
            raise too_many(name, "columns", limits.max_columns)
        while header and not header[-1]:
            header.pop()
        mapping, had_cpr = _map_header(header, table, name, None)
        labels = [h or f"column{i}" for i, h in enumerate(header)]
        unnest = ", ".join(
            f"unnest($c{i}::VARCHAR[]) AS {_quote(label)}" for i, label in enumerate(labels)
        )
        select = _select_list(table, mapping, had_cpr, False)
        source = f"(SELECT unnest($rows::BIGINT[]) AS _row, {unnest})"
        create = f"CREATE TEMP TABLE {relation} AS SELECT {select} FROM {source}"
        insert = f"INSERT INTO {relation} SELECT {select} FROM {source}"
        count = 0
        columns: list[list[str | None]] = [[] for _ in header]
        numbers: list[int] = []

        def flush(sql: str) -> None:
            params: dict[str, object] = {f"c{i}": col for i, col in enumerate(columns)}
            params.update({"rows": numbers, "opad": key.opad, "ipad": key.ipad})
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
            for col in columns:
                col.clear()
            numbers.clear()

        flush(create)  # the empty table, so every chunk is an INSERT
        for number, values in rows:
            if number > limits.max_rows + 1:
                raise too_many(name, "rows", limits.max_rows)
            if len(values) > limits.max_columns and values[limits.max_columns] is not None:
                raise too_many(name, "columns", limits.max_columns)
            cells = [_cell_text(v) for v in values[: len(header)]]
            if not any(cells):
                continue
            numbers.append(number)
            count += 1
            for i in range(len(header)):
                columns[i].append(cells[i] if i < len(cells) else None)
            if len(numbers) >= XLSX_CHUNK:
                flush(insert)
        if numbers:
            flush(insert)
    except (ImportRejected, duckdb.Error):
        raise
    except Exception:  # a damaged sheet fails while it is read, not when it is opened
        raise unreadable from None
    finally:
        wb.close()
    return Staged(table, name, relation, count, had_cpr, f"{title}!row")
