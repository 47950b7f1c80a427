"""Recognising CPR numbers in any text, so that none is stored, echoed or published.

A CPR number is ddmmyy-nnnn (the dash optional). It is also recognised without its leading zero
(`101901234` for 010190-1234), the form Excel stores when a CPR column is read as numbers. Only
the `cpr` column of a register file may hold CPR numbers (it is pseudonymised on import); a
value that looks like one anywhere else rejects the file, and messages never show it.
"""

from __future__ import annotations

import re

#: ddmmyy[-]nnnn inside any text
CPR_LIKE = re.compile(r"(?<![0-9])([0-9]{6})-?([0-9]{4})(?![0-9])")
#: a whole value dmmyy[-]nnnn: a CPR number whose leading zero a spreadsheet dropped
CPR_SHORT = re.compile(r"^\s*([0-9]{5})-?([0-9]{4})\s*$")
#: either, in DuckDB's regular-expression syntax (day and month loosely: [0-3]d / [01]d)
CPR_LIKE_SQL = (
    r"(^|[^0-9])[0-3][0-9][01][0-9][0-9]{2}-?[0-9]{4}([^0-9]|$)"
    r"|^\s*[1-9][01][0-9][0-9]{2}-?[0-9]{4}\s*$"
)
_ANY = re.compile(r"(?<![0-9])[0-9]{5,6}-?[0-9]{4}(?![0-9])")
MASK = "«skjult CPR-lignende værdi»"


def _plausible(first: str) -> bool:
    digits = first.zfill(6)
    day, month = int(digits[:2]), int(digits[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


def looks_like_cpr(text: str) -> bool:
    """True if the text contains ddmmyy[-]nnnn (or dmmyy[-]nnnn) with a plausible day and month."""
    short = CPR_SHORT.match(text)
    if short and _plausible(short.group(1)):
        return True
    return any(_plausible(m.group(1)) for m in CPR_LIKE.finditer(text))


def mask(text: str) -> str:
    """A value safe to echo in an error: every CPR-looking number is replaced (plausible or not:
    a message loses nothing by it)."""
    return _ANY.sub(MASK, text)


def shown(text: str, limit: int = 60) -> str:
    """A cell value for a message: CPR-like numbers masked, long values shortened."""
    text = mask(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
