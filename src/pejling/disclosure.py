"""Disclosure control for published figures: primary and secondary cell suppression.

Why here, before the reports exist: every published table (report, site, workbook) must go
through one implementation, and computed register indicators are the first figures that rest on
few persons. Groundwork for issue 4; the report and site writers call `suppress`.

Rules (threshold t from settings, default 5):
- *Primary*: a cell is suppressed when any person count it rests on is between 1 and t−1: the
  population (denominator), the persons counted (numerator) or the rest (denominator −
  numerator). Zero is published: "nobody" is not a small cell. A count without a population
  (e.g. persons on public support) is suppressed when it is between 1 and t−1.
- *Secondary*: figures are linked by additive relations — a total is the sum of its parts
  (women + men = all; Danish origin + immigrants + descendants = all; the municipalities sum to
  the national figure). If a relation has exactly one hidden cell, that cell could be
  recovered by subtraction, so the smallest other cell of the relation is hidden too; this
  repeats until no relation has exactly one hidden cell. (Finding the fewest cells to hide is
  NP-hard in general; this greedy rule is the common practice and is safe, if not minimal.)
Suppressed cells carry no value, numerator or denominator and are shown as such, never as zero.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    """One published figure and the person counts it rests on."""

    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool = False
    reason: str = ""  # "primary" or "secondary"

    @property
    def size(self) -> float:
        """How many persons the cell rests on (for choosing the smallest complement)."""
        for x in (self.denominator, self.numerator, self.value):
            if x is not None:
                return float(x)
        return 0.0


def _small(count: float | None, threshold: int) -> bool:
    return count is not None and 0 < round(count) < threshold


def is_primary(cell: Cell, threshold: int) -> bool:
    """The primary rule (see the module docstring)."""
    if cell.denominator is None:
        return _small(cell.numerator if cell.numerator is not None else cell.value, threshold)
    rest = None if cell.numerator is None else cell.denominator - cell.numerator
    return any(_small(c, threshold) for c in (cell.denominator, cell.numerator, rest))


def _hidden(cell: Cell) -> Cell:
    return replace(cell, numerator=None, denominator=None, value=None, suppressed=True)


def suppress(
    cells: Mapping[Key, Cell],
    relations: Iterable[Sequence[Key]],
    threshold: int = 5,
) -> dict[Key, Cell]:
    """Apply primary and secondary suppression; return the cells as they may be published.

    `relations` are groups of keys that are linked by one additive equation (a total and its
    parts); keys missing from `cells` are ignored (a part that does not exist is not a cell).
    """
    if threshold < 1:
        raise ValueError("the disclosure threshold must be at least 1")
    out: dict[Key, Cell] = {}
    for key, cell in cells.items():
        out[key] = replace(_hidden(cell), reason="primary") if is_primary(cell, threshold) else cell
    groups = [[k for k in rel if k in out] for rel in relations]
    groups = [g for g in groups if len(g) > 1]
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [k for k in group if out[k].suppressed]
            if len(hidden) != 1:
                continue
            visible = [k for k in group if not out[k].suppressed]
            if not visible:
                continue
            smallest = min(visible, key=lambda k: (cells[k].size, str(k)))
            out[smallest] = replace(_hidden(cells[smallest]), reason="secondary")
            changed = True
    return out


def group_relations(groups: Iterable[str]) -> list[list[str]]:
    """Additive relations among the canonical group keys of one indicator, municipality, period.

    Totals and their partitions: sex (m + f), origin (Danish origin + immigrants +
    descendants; Danish origin + Western + non-Western; non-Western immigrants + non-Western
    descendants = non-Western), each also within a sex (origin=…;sex=f), and the sexes within
    each origin group. Only relations whose total is among `groups` are returned.
    """
    present = set(groups)
    partitions = [
        ("", ["origin=danish_origin", "origin=immigrant", "origin=descendant"]),
        ("", ["origin=danish_origin", "origin=western", "origin=non_western"]),
        ("origin=non_western", ["origin=non_western_immigrant", "origin=non_western_descendant"]),
        ("origin=immigrant_descendant", ["origin=western", "origin=non_western"]),
        ("origin=minority", ["origin=western", "origin=non_western"]),
        ("", ["sex=m", "sex=f"]),
    ]
    relations: list[list[str]] = []
    for total, parts in partitions:
        relations.append([total, *parts])
        for sex in ("m", "f"):

            def with_sex(key: str, sex: str = sex) -> str:
                return f"{key};sex={sex}" if key else f"sex={sex}"

            relations.append([with_sex(total), *(with_sex(p) for p in parts)])
    origins = {g.split(";")[0] for g in present if g.startswith("origin=")}
    for origin in sorted(origins):
        relations.append([origin, f"{origin};sex=m", f"{origin};sex=f"])
    # An equation links its cells only when its total is published: without the total, a hidden
    # part has two unknowns and cannot be recovered from the other parts. A part that is absent
    # while the total is published may be an empty group (known to be 0), so the relation holds.
    return [
        [k for k in rel if k in present]
        for rel in relations
        if rel[0] in present and sum(k in present for k in rel) > 1
    ]
