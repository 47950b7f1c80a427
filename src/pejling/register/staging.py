"""Reading one person-level file into a temporary DuckDB table of text cells.

Why DuckDB reads the file: a national extract has millions of rows; DuckDB's CSV and Parquet
readers are orders of magnitude faster than a Python loop, and the CPR column is replaced by its
keyed hash in the very statement that reads it, so the raw number never lands in a table.

The staging table has one VARCHAR column per expected column (NULL for an empty cell), the
display row number `_row` (the line in a CSV file, the row in a sheet or Parquet file) and, when
the file had a `cpr` column, `_cpr_ok` (was it a valid CPR number).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
from openpyxl import load_workbook

from pejling.errors import ImportRejected, Problem
from pejling.register.pseudonym import ID_LENGTH, PseudonymKey, mask
from pejling.register.tables import Table
from pejling.suggest import did_you_mean

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
_CPR_VALID_SQL = (
    "(regexp_full_match({c}, '[0-9]{{6}}-?[0-9]{{4}}') "
    "AND try_strptime(substr({c}, 1, 6), '%d%m%y') IS NOT NULL)"
)


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
    return text.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _detect_encoding(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ImportRejected(
            name,
            [
                Problem(
                    name,
                    "the file is UTF-16 (or binary), which pejling does not read",
                    "a CSV file in UTF-8 or Windows-1252",
                    "Save it again as 'CSV UTF-8' from Excel",
                    "wrong_encoding",
                )
            ],
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"  # Windows-1252: identical for every character our codes and dates use
    return "utf-8"


def _map_header(
    header: Sequence[str], table: Table, name: str, delimiter: str | None
) -> tuple[dict[str, str], bool]:
    """Map file columns to table columns; reject missing or unknown columns."""
    normalised = {_normalise_header(h): h for h in header if h.strip()}
    problems: list[Problem] = []
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
                    f"{name}: column '{mask(original)}'",
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


def _select_list(table: Table, mapping: dict[str, str], had_cpr: bool, cpr_int: bool) -> str:
    parts = ["_row"]
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


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, table: Table, key: PseudonymKey, name: str
) -> Staged:
    """Read `path` into the temp table `stage_<table>`; raise ImportRejected if unreadable."""
    suffix = path.suffix.lower()
    relation = f"stage_{table.name}"
    con.execute(f"DROP TABLE IF EXISTS {relation}")
    params = {"opad": key.opad, "ipad": key.ipad, "path": str(path)}
    if suffix == ".parquet":
        try:
            described = con.execute(
                "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
            ).fetchall()
        except duckdb.Error:
            raise ImportRejected(
                name,
                [Problem(name, "not a readable Parquet file", "a Parquet file", code="unreadable")],
            ) from None
        header = [str(r[0]) for r in described]
        types = {_normalise_header(str(r[0])): str(r[1]) for r in described}
        mapping, had_cpr = _map_header(header, table, name, None)
        cpr_int = had_cpr and any(t in types.get("cpr", "") for t in ("INT", "DECIMAL"))
        source = "(SELECT *, row_number() OVER () AS _row FROM read_parquet($path))"
        row_label = "row"
    elif suffix in {".csv", ".txt", ".tsv"}:
        data = path.read_bytes()
        encoding = _detect_encoding(data, name)
        first = data.split(b"\n", 1)[0].decode("utf-8" if encoding == "utf-8" else "latin-1")
        delimiter = _sniff(first)
        header = next(iter([first.rstrip("\r").split(delimiter)]))
        header = [h.strip().strip('"') for h in header]
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
        return _stage_xlsx(con, path, table, key, name, relation)
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
    sql = f"CREATE TEMP TABLE {relation} AS SELECT {_select_list(table, mapping, had_cpr, cpr_int)} FROM {source}"
    params = {k: v for k, v in params.items() if f"${k}" in sql}
    try:
        con.execute(sql, params)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        line = re.search(r"[Ll]ine:?\s*(\d+)", str(exc))
        where = f"{name}:{int(line.group(1))}" if line else name
        raise ImportRejected(
            name,
            [
                Problem(
                    where,
                    "the file cannot be read as a table (a row has more or fewer fields than the "
                    "header, or a quote is not closed)",
                    f"one '{params.get('delim', ',')}'-separated field per column on every line",
                    code="unreadable",
                )
            ],
        ) from None
    count = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    return Staged(table, name, relation, int(count[0]) if count else 0, had_cpr, row_label)


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


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, table: Table, key: PseudonymKey, name: str,
    relation: str,
) -> Staged:  # fmt: skip
    try:
        wb = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise ImportRejected(
            name,
            [Problem(name, "not a readable XLSX file", "an .xlsx workbook", code="unreadable")],
        ) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header: list[str] = []
    for values in rows:
        header = [str(v).strip() if v is not None else "" for v in values]
        if any(header):
            break
    while header and not header[-1]:
        header.pop()
    mapping, had_cpr = _map_header(header, table, name, None)
    columns: list[list[str | None]] = [[] for _ in header]
    numbers: list[int] = []
    for number, values in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in values[: len(header)]]
        if not any(cells):
            continue
        numbers.append(number)
        for i in range(len(header)):
            columns[i].append(cells[i] if i < len(cells) else None)
    wb.close()
    labels = [h or f"column{i}" for i, h in enumerate(header)]
    unnest = ", ".join(
        f"unnest($c{i}::VARCHAR[]) AS {_quote(label)}" for i, label in enumerate(labels)
    )
    params: dict[str, object] = {f"c{i}": col for i, col in enumerate(columns)}
    params.update({"rows": numbers, "opad": key.opad, "ipad": key.ipad})
    source = f"(SELECT unnest($rows::BIGINT[]) AS _row, {unnest})"
    sql = (
        f"CREATE TEMP TABLE {relation} AS SELECT {_select_list(table, mapping, had_cpr, False)} "
        f"FROM {source}"
    )
    con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    return Staged(table, name, relation, len(numbers), had_cpr, f"{ws.title}!row")
