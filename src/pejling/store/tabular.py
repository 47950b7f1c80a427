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

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


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


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def sniff_delimiter(first_line: str) -> str:
    """`;` when the header has more semicolons than commas (Danish Excel), else `,`."""
    if first_line.count(";") > first_line.count(","):
        return ";"
    if first_line.count("\t") > first_line.count(","):
        return "\t"
    return ","


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path, name: str, data: bytes | None = None) -> Table:
    """Read a CSV or XLSX file into text cells; raise ImportRejected if it cannot be read."""
    raw = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(raw, name)
    if suffix not in {".csv", ".txt", ".tsv"}:
        raise ImportRejected(
            name, [Problem(name, f"unsupported file type '{suffix}'", "a .csv or .xlsx file")]
        )
    text, encoding = decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append(Row(reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise ImportRejected(
            name, [Problem(f"{name}:{reader.line_num}", f"unreadable CSV: {exc}", "valid CSV")]
        ) from None
    if header is None:
        raise ImportRejected(name, [Problem(name, "the file is empty", "a header row and data")])
    return Table(header, rows, encoding, delimiter)


def _read_xlsx(raw: bytes, name: str) -> Table:
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportRejected(
            name, [Problem(name, f"not a readable XLSX file ({exc})", "an .xlsx workbook")]
        ) from None
    ws = wb.worksheets[0]
    it: Iterator[tuple[object, ...]] = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    rows: list[Row] = []
    for number, values in enumerate(it, start=1):
        cells = [_cell_text(v) for v in values]
        if header is None:
            if not any(cells):
                continue
            header = cells
            continue
        if not any(cells):
            continue
        rows.append(Row(number, cells, sheet=ws.title))
    wb.close()
    if header is None:
        raise ImportRejected(name, [Problem(name, "the first sheet is empty", "a header row")])
    while header and not header[-1]:
        header.pop()
    return Table(header, rows, "xlsx", "")


def parse_number(text: str) -> float:
    """Parse `66.7`, `66,7`, `1.234,5` or `4.823.567` (a comma is always the decimal sign).

    Raise ValueError otherwise.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in t:
        if t.count(",") > 1:
            raise ValueError(f"'{text}' has more than one decimal comma")
        t = t.replace(".", "").replace(",", ".")
    elif t.count(".") > 1 and _THOUSANDS.match(t):
        t = t.replace(".", "")  # 4.823.567: Danish thousands separators
    value = float(t)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a finite number")
    return value
