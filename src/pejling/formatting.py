"""Danish number and date formatting for user-facing text.

Danish uses a decimal comma, a dot as thousands separator and a space before the percent sign:
"66,7 %", "1.234", "31.12.2023". Kept here so every table, report and message agrees.
"""

from __future__ import annotations

from datetime import date


def fmt_number(value: float | None, decimals: int = 1, lang: str = "da") -> str:
    """Format a number with fixed decimals: 1234.5 → '1.234,5' (da) or '1,234.5' (en)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_percent(value: float | None, decimals: int = 1, lang: str = "da") -> str:
    """Format a value already in percent: 66.69 → '66,7 %'."""
    if value is None:
        return "–"
    return (
        f"{fmt_number(value, decimals, lang)} %"
        if lang == "da"
        else f"{fmt_number(value, decimals, lang)}%"
    )


def fmt_pp(value: float | None, decimals: int = 1, lang: str = "da") -> str:
    """Format a difference in percentage points with its sign: 4 → '+4,0 pct.-point'."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    unit = "pct.-point" if lang == "da" else "pp"
    return f"{sign}{fmt_number(abs(value), decimals, lang)} {unit}"


def fmt_date(value: date | None, lang: str = "da") -> str:
    """Format a date: 31.12.2023 (da) or 2023-12-31 (en)."""
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y") if lang == "da" else value.isoformat()


def fmt_value(value: float | None, unit: str, lang: str = "da", decimals: int | None = None) -> str:
    """Format a value in its unit: percent with ' %', counts without decimals."""
    if unit == "percent":
        return fmt_percent(value, 1 if decimals is None else decimals, lang)
    if unit in {"count", "persons"}:
        return fmt_number(value, 0 if decimals is None else decimals, lang)
    if unit == "pp":
        return fmt_pp(value, 1 if decimals is None else decimals, lang)
    return fmt_number(value, 1 if decimals is None else decimals, lang)
