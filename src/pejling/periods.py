"""Typed reporting periods: year, half-year, quarter, month and day.

Observations, baselines and deadlines all name a period. Progress needs a time axis, so every
period maps to a fractional year (`Period.t`): the start of the period, with years at whole
numbers (2015 → 2015.0, 2015H2 → 2015.5, 2015Q4 → 2015.75, 2015-12 → 2015.9167). Using the start
keeps annual series on whole years, exactly as the Open SDG method counts them, and lets
sub-year goals (quarterly activation, half-yearly cohorts) use the same arithmetic.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any


class PeriodType(StrEnum):
    """The granularity of a period."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


_PATTERNS: list[tuple[re.Pattern[str], PeriodType]] = [
    (re.compile(r"^(\d{4})$", re.ASCII), PeriodType.YEAR),
    (re.compile(r"^(\d{4})\s*[Hh]([12])$", re.ASCII), PeriodType.HALF),
    (re.compile(r"^(\d{4})\s*[QqKk]([1-4])$", re.ASCII), PeriodType.QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$", re.ASCII), PeriodType.MONTH),
    (re.compile(r"^(\d{4})[Mm](\d{1,2})$", re.ASCII), PeriodType.MONTH),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII), PeriodType.DAY),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", re.ASCII), PeriodType.DAY),
]

PERIOD_FORMS = (
    "a year (2015), half-year (2015H1, 1. halvår 2015), quarter (2015Q3, 2015K3, 3. kvt. 2015), "
    "month (2015-03, 2015M03, marts 2015) or date (2015-03-31 or 31.03.2015)"
)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. Ordered by start, then by length (shorter first)."""

    start: date
    type: PeriodType
    end: date

    @staticmethod
    def parse(value: Any) -> Period:
        """Parse a period from text, an int year or a date; raise ValueError with the forms."""
        if isinstance(value, Period):
            return value
        if isinstance(value, date):
            return Period.day(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return Period.year(value)
        if isinstance(value, float) and value.is_integer():
            return Period.year(int(value))
        if type(value) is str:
            return _parse_text(value)
        return _parse_text(str(value))

    @staticmethod
    def _parse(value: str) -> Period:
        """Parse text (see `parse`; memoised by `_parse_text`)."""
        text = value.strip()
        for pattern, ptype in _PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            try:
                return _build(ptype, m.groups(), pattern.pattern.startswith(r"^(\d{1,2})\."))
            except ValueError:
                break
        else:
            printed = _parse_printed(text)
            if printed is not None:
                return printed
        raise ValueError(f"'{text}' is not a period; expected {PERIOD_FORMS}")

    @staticmethod
    def year(y: int) -> Period:
        """The calendar year `y`."""
        return Period(date(y, 1, 1), PeriodType.YEAR, date(y, 12, 31))

    @staticmethod
    def day(d: date) -> Period:
        """A single day."""
        return Period(d, PeriodType.DAY, d)

    @property
    def label(self) -> str:
        """Canonical text: 2015, 2015H1, 2015Q3, 2015-03, 2015-03-31."""
        y = self.start.year
        if self.type is PeriodType.YEAR:
            return f"{y}"
        if self.type is PeriodType.HALF:
            return f"{y}H{1 if self.start.month == 1 else 2}"
        if self.type is PeriodType.QUARTER:
            return f"{y}Q{(self.start.month - 1) // 3 + 1}"
        if self.type is PeriodType.MONTH:
            return f"{y}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def t(self) -> float:
        """Fractional year at the start of the period (see module docstring)."""
        y = self.start.year
        if self.type is PeriodType.YEAR:
            return float(y)
        if self.type is PeriodType.HALF:
            return y + (0.0 if self.start.month == 1 else 0.5)
        if self.type is PeriodType.QUARTER:
            return y + (self.start.month - 1) / 12
        if self.type is PeriodType.MONTH:
            return y + (self.start.month - 1) / 12
        days = 366 if calendar.isleap(y) else 365
        return y + (self.start.timetuple().tm_yday - 1) / days

    def label_da(self) -> str:
        """Danish display text: 2015, 1. halvår 2015, 3. kvt. 2015, marts 2015, 31.03.2015."""
        y = self.start.year
        if self.type is PeriodType.YEAR:
            return f"{y}"
        if self.type is PeriodType.HALF:
            return f"{1 if self.start.month == 1 else 2}. halvår {y}"
        if self.type is PeriodType.QUARTER:
            return f"{(self.start.month - 1) // 3 + 1}. kvt. {y}"
        if self.type is PeriodType.MONTH:
            return f"{_MONTHS_DA[self.start.month - 1]} {y}"
        return self.start.strftime("%d.%m.%Y")

    def contains(self, d: date) -> bool:
        """True when `d` falls inside the period."""
        return self.start <= d <= self.end

    def __str__(self) -> str:
        return self.label


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    """`Period.parse` of a text, once per text: the store's rows name their periods as text
    (tens of thousands of rows, a few dozen periods) and a period is an immutable value, so one
    parsed period serves every row. A text that is no period raises each time (not cached)."""
    return Period._parse(text)


_MONTHS_DA = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip


def _build(ptype: PeriodType, groups: tuple[str | Any, ...], danish_date: bool) -> Period:
    if ptype is PeriodType.YEAR:
        return Period.year(int(groups[0]))
    y = int(groups[0]) if not danish_date else int(groups[2])
    if ptype is PeriodType.HALF:
        h = int(groups[1])
        start = date(y, 1 if h == 1 else 7, 1)
        end = date(y, 6, 30) if h == 1 else date(y, 12, 31)
        return Period(start, ptype, end)
    if ptype is PeriodType.QUARTER:
        q = int(groups[1])
        m0 = 3 * (q - 1) + 1
        start = date(y, m0, 1)
        end = date(y, m0 + 2, calendar.monthrange(y, m0 + 2)[1])
        return Period(start, ptype, end)
    if ptype is PeriodType.MONTH:
        m = int(groups[1])
        return Period(date(y, m, 1), ptype, date(y, m, calendar.monthrange(y, m)[1]))
    if danish_date:
        d = date(y, int(groups[1]), int(groups[0]))
    else:
        d = date(y, int(groups[1]), int(groups[2]))
    return Period.day(d)


# Periods as pejling and Statistics Denmark print them ("4. kvt. 2025", "marts 2025",
# "1. halvår 2025", "Q4 2025", "2025M03D31"): every label pejling prints must read back in.
_MONTH_NAMES: dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(_MONTHS_DA)},
    **{
        name: i + 1
        for i, name in enumerate(
            ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]
        )
    },
    **{
        abbr: i + 1
        for i, abbr in enumerate(
            ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
        )
    },
    "sept": 9, "may": 5, "oct": 10, "mrt": 3,
}  # fmt: skip
_PRINTED: list[tuple[re.Pattern[str], PeriodType]] = [
    # 4. kvt. 2025, 4. kvartal 2025, 4 kvt 2025
    (re.compile(r"^([1-4])\.?\s*(?:kvt|kvartal)\.?\s+([0-9]{4})$", re.I), PeriodType.QUARTER),
    # Q4 2025, K4 2025, 2025-Q4, 2025 Q4
    (re.compile(r"^[QK]([1-4])\s*[-/ ]?\s*([0-9]{4})$", re.I), PeriodType.QUARTER),
    (re.compile(r"^([0-9]{4})\s*[-/ ]\s*[QK]([1-4])$", re.I), PeriodType.QUARTER),
    # 1. halvår 2025, H1 2025, 2025-H1
    (re.compile(r"^([12])\.?\s*halvår\s+([0-9]{4})$", re.I), PeriodType.HALF),
    (re.compile(r"^H([12])\s*[-/ ]?\s*([0-9]{4})$", re.I), PeriodType.HALF),
    (re.compile(r"^([0-9]{4})\s*[-/ ]\s*H([12])$", re.I), PeriodType.HALF),
    # marts 2025, Mar. 2025, March 2025
    (re.compile(r"^([a-zæøå]+)\.?\s+([0-9]{4})$", re.I), PeriodType.MONTH),
    # Statistics Denmark's day codes: 2025M03D31
    (re.compile(r"^([0-9]{4})M([0-9]{1,2})D([0-9]{1,2})$", re.I), PeriodType.DAY),
]


def _parse_printed(text: str) -> Period | None:
    """The printed forms of a period (Danish and English), or None."""
    for pattern, ptype in _PRINTED:
        m = pattern.match(text)
        if not m:
            continue
        a, b = m.group(1), m.group(2)
        try:
            if ptype is PeriodType.DAY:
                return Period.day(date(int(a), int(b), int(m.group(3))))
            if ptype is PeriodType.MONTH:
                month = _MONTH_NAMES.get(a.lower())
                if month is None:
                    return None
                return _build(ptype, (b, str(month)), False)
            year, part = (a, b) if len(a) == 4 else (b, a)
            return _build(ptype, (year, part), False)
        except ValueError:
            return None
    return None
