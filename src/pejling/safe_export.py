"""Text cells that a spreadsheet would read as a formula, neutralised in every export.

Why: a goal label, an initiative title or an imported figure's `source` is text a user typed;
a text beginning with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is executed
as a formula by Excel and LibreOffice when it is written unescaped to a CSV file or as a formula
cell to a workbook ("CSV injection"). Every XLSX and CSV pejling writes passes its text cells
through this module:

- CSV: a risky text gets a leading apostrophe (`'=SUM(A1)`), the convention spreadsheets show as
  text; numbers — also numbers written as text, such as `-3` or `-12,5` — stay as they are.
- XLSX: a risky text is stored as a text cell with Excel's "quote prefix" flag, so it is shown
  exactly as written, is never evaluated and stays text when the cell is edited; numbers stay
  numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl loads when a workbook is written, not for CSV (`pejling status`)
    from openpyxl.cell.cell import Cell as XlsxCell
    from openpyxl.worksheet.worksheet import Worksheet

#: characters that make a spreadsheet parse a cell as a formula (OWASP's list)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: a plain number as text (with a decimal point or comma and thousands separators)
_NUMBER = re.compile(r"^[+-]?(\d{1,3}([.,\u00a0 ]\d{3})*|\d+)([.,]\d+)?([eE][+-]?\d+)?$")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read this text as a formula (a plain number is not)."""
    stripped = text.lstrip(" \u00a0")
    if not stripped or stripped[0] not in TRIGGERS:
        return False
    return not _NUMBER.match(stripped.strip())


def csv_value(value: object) -> object:
    """One CSV cell: a risky text with a leading apostrophe, anything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every risky text neutralised."""
    return [csv_value(v) for v in values]


def xlsx_value(value: object) -> object:
    """One value for `Worksheet.append`: a risky text as rich text, which openpyxl writes as a
    text cell (a plain `str` starting with `=` would become a formula); anything else unchanged.

    Call `protect_sheet` after writing to also set the quote prefix on such cells.
    """
    if isinstance(value, str) and is_formula_like(value):
        from openpyxl.cell.rich_text import CellRichText

        return CellRichText(value)
    return value


def xlsx_row(values: Sequence[object]) -> list[object]:
    """A worksheet row with every risky text made a text cell."""
    return [xlsx_value(v) for v in values]


def protect_cell(cell: XlsxCell) -> None:
    """Make a cell that holds risky text a quote-prefixed text cell (never a formula)."""
    from openpyxl.cell.rich_text import CellRichText

    value = cell.value
    text = str(value) if isinstance(value, str | CellRichText) else None
    if text is None:
        return
    if cell.data_type == "f" or is_formula_like(text):
        cell.value = text
        cell.data_type = "s"
        cell.quotePrefix = True


def protect_sheet(ws: Worksheet) -> None:
    """Neutralise every risky text cell of a worksheet (pejling never writes formulas)."""
    from openpyxl.cell.cell import Cell as XlsxCell

    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, XlsxCell):
                protect_cell(cell)
