"""A statistics table in one shape, whatever it came from.

StatBank answers in JSON-stat, CSV or BULK, users download CSV files from the StatBank website,
jobindsats answers in its own JSON. All of them become a `StatTable`: dimensions (each value
with its code and label) and cells (one code per dimension, a number or a marker). Table info
(`TableInfo`: the table's variables and values, its unit and update time) lets a reader turn the
labels of a CSV file back into codes, and lets a mapping be checked before anything is fetched.

Markers: Statistics Denmark prints symbols instead of numbers where a figure is missing,
confidential or too uncertain (".." and "..." and others). They are kept as markers and a cell
with a marker has no value: pejling never reads a marker as 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pejling.suggest import did_you_mean

#: symbols statistics print instead of a number (Danish, English description)
MARKERS: dict[str, tuple[str, str]] = {
    "..": ("diskretioneret eller for usikkert", "confidential or too uncertain"),
    "...": ("ikke tilgængeligt", "not available"),
    ".": ("kan ikke forekomme", "cannot occur"),
    "-": ("markeret med '-' (læses ikke som 0)", "marked '-' (not read as 0)"),
    ":": ("ikke tilgængeligt", "not available"),
    "x": ("diskretioneret", "confidential"),
    "*": ("diskretioneret", "confidential"),
    "": ("tom celle", "empty cell"),
}

_DA_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def read_number(text: str, decimal: str = ",") -> tuple[float | None, str | None]:
    """A cell as (value, marker): `37,7` or `37.7` → 37.7; `..` → (None, '..').

    `decimal` is the decimal sign of the source (`,` for Danish, `.` for English); a number
    with thousands separators in that language's style is read too. Anything that is not a
    number is a marker, so an unknown symbol can never become a value.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if not t or not any(ch.isdigit() for ch in t):
        return None, t
    if decimal == ",":
        if _DA_THOUSANDS.match(t):
            t = t.replace(".", "")
        t = t.replace(",", ".") if t.count(",") == 1 else t
    elif _EN_THOUSANDS.match(t):
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        return None, text.strip()
    if value != value or value in (float("inf"), float("-inf")):
        return None, text.strip()
    return value, None


def marker_text(marker: str, lang: str = "da") -> str:
    """What a marker means, e.g. '..' → 'diskretioneret eller for usikkert'."""
    da, en = MARKERS.get(marker, ("ukendt markering", "unknown marker"))
    return en if lang == "en" else da


def fold(text: str) -> str:
    """Case- and space-insensitive comparison form."""
    return " ".join(text.casefold().split())


def ascii_fold(text: str) -> str:
    """Like `fold`, with æ, ø, å written ae, oe, aa (KOEN and KØN compare equal)."""
    return fold(text).replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


@dataclass(frozen=True)
class Variable:
    """One variable of a table with its values as (code, label) pairs."""

    id: str
    text: str
    values: tuple[tuple[str, str], ...]
    time: bool = False
    elimination: bool = False

    def codes(self) -> list[str]:
        """All value codes in table order."""
        return [code for code, _label in self.values]

    def find(self, wanted: str, *, labels: bool = True) -> str | None:
        """The code for a code or (with `labels`) a label, matched as exactly as possible."""
        for code, _label in self.values:
            if code == wanted:
                return code
        key = fold(wanted)
        for code, _label in self.values:
            if fold(code) == key:
                return code
        if labels:
            for code, label in self.values:
                if fold(label) == key:
                    return code
        return None

    def suggest(self, wanted: str) -> str:
        """A did-you-mean hint among codes and labels."""
        hint = did_you_mean(wanted, self.codes())
        if hint:
            return hint
        by_label = {label: code for code, label in self.values}
        hint = did_you_mean(wanted, list(by_label))
        return hint


def same_variable(a: str, b: str) -> bool:
    """Variable ids compare case-insensitively (StatBank's CSV header writes TID for Tid)."""
    return fold(a) == fold(b)


@dataclass(frozen=True)
class TableInfo:
    """What a table holds: its variables and values, unit and last update."""

    id: str
    text: str
    unit: str
    updated: str | None
    variables: tuple[Variable, ...]
    lang: str = "da"
    description: str = ""
    suppressed_value: str | None = None

    def variable(self, name: str) -> Variable | None:
        """A variable by id (case-insensitive) or by its text."""
        for var in self.variables:
            if same_variable(var.id, name):
                return var
        for var in self.variables:
            if fold(var.text) == fold(name):
                return var
        return None

    def time_variable(self) -> Variable | None:
        """The time variable (flagged by the API, else the one called Tid)."""
        for var in self.variables:
            if var.time:
                return var
        return self.variable("Tid")

    @property
    def updated_date(self) -> str | None:
        """The update time as a date (2025-08-11), used as an import's vintage."""
        return self.updated[:10] if self.updated else None


@dataclass(frozen=True)
class Dimension:
    """A dimension of a fetched table and the values that occur in it."""

    id: str
    text: str
    values: tuple[tuple[str, str], ...]

    def label(self, code: str) -> str:
        """The label of a code (the code itself when unknown)."""
        for c, label in self.values:
            if c == code:
                return label
        return code


@dataclass(frozen=True)
class Cell:
    """One figure: its codes in dimension order, and a value or a marker."""

    key: tuple[str, ...]
    value: float | None
    marker: str | None = None


@dataclass(frozen=True)
class StatTable:
    """A fetched or read table."""

    table: str
    dimensions: tuple[Dimension, ...]
    cells: tuple[Cell, ...]
    updated: str | None = None
    origin: str = ""  # e.g. "JSON-stat", "CSV (Statistikbanken)", "jobindsats"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def dimension_index(self, name: str) -> int | None:
        """Position of a dimension by id (case-insensitive) or text."""
        for i, dim in enumerate(self.dimensions):
            if same_variable(dim.id, name):
                return i
        for i, dim in enumerate(self.dimensions):
            if fold(dim.text) == fold(name):
                return i
        return None

    def marker_counts(self) -> dict[str, int]:
        """How many cells carry each marker."""
        counts: dict[str, int] = {}
        for cell in self.cells:
            if cell.value is None:
                marker = cell.marker or ""
                counts[marker] = counts.get(marker, 0) + 1
        return counts


def dimensions_from_cells(
    ids: Sequence[str], texts: Sequence[str], keys: Iterable[tuple[str, ...]],
    labels: Sequence[dict[str, str]],
) -> tuple[Dimension, ...]:  # fmt: skip
    """Dimensions listing the values that occur in `keys`, in order of first appearance."""
    seen: list[dict[str, None]] = [{} for _ in ids]
    for key in keys:
        for i, code in enumerate(key):
            seen[i].setdefault(code, None)
    return tuple(
        Dimension(ids[i], texts[i], tuple((c, labels[i].get(c, c)) for c in seen[i]))
        for i in range(len(ids))
    )
