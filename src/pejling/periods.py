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
from typing import Any


class PeriodType(StrEnum):
    """The granularity of a period."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


_PATTERNS: list[tuple[re.Pattern[str], PeriodType]] = [
    (re.compile(r"^(\d{4})$"), PeriodType.YEAR),
    (re.compile(r"^(\d{4})\s*[Hh]([12])$"), PeriodType.HALF),
    (re.compile(r"^(\d{4})\s*[QqKk]([1-4])$"), PeriodType.QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), PeriodType.MONTH),
    (re.compile(r"^(\d{4})[Mm](\d{1,2})$"), PeriodType.MONTH),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), PeriodType.DAY),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), PeriodType.DAY),
]

PERIOD_FORMS = "a year (2015), half-year (2015H1), quarter (2015Q3 or 2015K3), month (2015-03) or date (2015-03-31 or 31.03.2015)"


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
        text = str(value).strip()
        for pattern, ptype in _PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            try:
                return _build(ptype, m.groups(), pattern.pattern.startswith(r"^(\d{1,2})\."))
            except ValueError:
                break
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
