"""Reading tidy tables (CSV or XLSX) the way Danish offices save them.

Why a reader of our own around `csv` and openpyxl: Excel in Danish locale writes `;`-separated
Windows-1252 files with decimal commas, while systems export UTF-8 with `,`. Users should not
have to know which one they have; every cell must keep a location (`file.csv:12` or
`Ark1!B12`) for error messages.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pejling.errors import ImportRejected, Problem
from pejling.store.encoding import check_text, decode_text
from pejling.store.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_file_size,
    check_xlsx,
    too_large,
    too_many,
)

_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")


@dataclass(frozen=True)
class Row:
    """One data row: its cells as text, and how to name a cell's location."""

    number: int  # 1-based line (CSV) or row (XLSX) number
    cells: list[str]
    sheet: str | None = None

    def where(self, name: str, column: int) -> str:
        """`file.csv:12` style location of a cell, with the column for XLSX."""
        if self.sheet is not None:
            return f"{name} {self.sheet}!{get_column_letter(column + 1)}{self.number}"
        return f"{name}:{self.number}"


@dataclass(frozen=True)
class Table:
    """A header and the rows of a file, read fully into memory as text."""

    header: list[str]
    rows: list[Row]
    encoding: str
    delimiter: str


def sniff_delimiter(first_line: str) -> str:
    """`;` when the header has more semicolons than commas (Danish Excel), else `,`."""
    if first_line.count(";") > first_line.count(","):
        return ";"
    if first_line.count("\t") > first_line.count(","):
        return "\t"
    return ","


#: invisible characters that end up in headers (byte-order marks, zero-width spaces)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


def clean_header(text: str) -> str:
    """A header cell without surrounding space and invisible characters (a second BOM)."""
    return text.translate(_INVISIBLE).replace("\u00a0", " ").strip()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def read_table(
    path: Path, name: str, data: bytes | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """Read a CSV or XLSX file into text cells; raise ImportRejected if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        check_xlsx(path, name, limits)
        return _read_xlsx(path, name, limits)
    if suffix not in {".csv", ".txt", ".tsv"}:
        raise ImportRejected(
            name,
            [
                Problem(
                    name,
                    f"unsupported file type '{suffix}'",
                    "a .csv or .xlsx file",
                    code="unsupported",
                )
            ],
        )
    if data is None:
        check_file_size(path, name, limits.max_observation_bytes)
        raw = path.read_bytes()
    else:
        raw = data
    if len(raw) > limits.max_observation_bytes:
        raise too_large(name, "on disk", len(raw), limits.max_observation_bytes)
    info = check_text(name, data=raw, limits=limits)
    text = decode_text(raw, info)
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    csv.field_size_limit(max(limits.max_line_bytes, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if len(cells) > limits.max_columns:
                raise too_many(name, "columns", limits.max_columns)
            if header is None:
                header = [clean_header(c) for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= limits.max_rows:
                raise too_many(name, "rows", limits.max_rows)
            rows.append(Row(reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ImportRejected(
            name,
            [
                Problem(
                    f"{name}:{reader.line_num}",
                    f"unreadable CSV: {exc}",
                    "valid CSV",
                    code="unreadable",
                )
            ],
        ) from None
    if header is None:
        raise ImportRejected(
            name, [Problem(name, "the file is empty", "a header row and data", code="empty")]
        )
    return Table(header, rows, info.encoding, delimiter)


def _read_xlsx(path: Path, name: str, limits: Limits) -> Table:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files
        raise ImportRejected(
            name,
            [Problem(name, "not a readable XLSX file", "an .xlsx workbook", code="unreadable")],
        ) from None
    try:
        ws = wb.worksheets[0]
        it: Iterator[tuple[object, ...]] = ws.iter_rows(
            values_only=True, max_col=limits.max_columns + 1
        )
        header: list[str] | None = None
        rows: list[Row] = []
        for number, values in enumerate(it, start=1):
            if number > limits.max_rows + 1:
                raise too_many(name, "rows", limits.max_rows)
            cells = [_cell_text(v) for v in values]
            if len(cells) > limits.max_columns and cells[limits.max_columns]:
                raise too_many(name, "columns", limits.max_columns)
            if header is None:
                if not any(cells):
                    continue
                header = [clean_header(c) for c in cells]
                continue
            if not any(cells):
                continue
            rows.append(Row(number, cells, sheet=ws.title))
    except ImportRejected:
        raise
    except Exception:  # a damaged sheet fails while it is read, not when it is opened
        raise ImportRejected(
            name,
            [Problem(name, "not a readable XLSX file", "an .xlsx workbook", code="unreadable")],
        ) from None
    finally:
        wb.close()
    if header is None:
        raise ImportRejected(
            name, [Problem(name, "the first sheet is empty", "a header row", code="empty")]
        )
    while header and not header[-1]:
        header.pop()
    return Table(header[: limits.max_columns], rows, "xlsx", "")


def parse_number(text: str) -> float:
    """Parse `66.7`, `66,7`, `1.234,5` or `4.823.567` (a comma is always the decimal sign).

    Only ASCII digits count (`٣` and `6_6`, which Python's `float` would read as 3 and 66, are
    refused). Raise ValueError otherwise.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in t:
        if t.count(",") > 1:
            raise ValueError(f"'{text}' has more than one decimal comma")
        t = t.replace(".", "").replace(",", ".")
    elif t.count(".") > 1 and _THOUSANDS.match(t):
        t = t.replace(".", "")  # 4.823.567: Danish thousands separators
    if not _PLAIN_NUMBER.match(t):
        raise ValueError(f"'{text}' is not a number")
    value = float(t)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a finite number")
    return value
