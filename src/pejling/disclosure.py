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
  the national figure; a cumulative cohort is the previous year's plus this year's). If a
  relation has exactly one hidden cell, that cell could be recovered by subtraction, so the
  smallest other cell of the relation is hidden too; this repeats until no relation has
  exactly one hidden cell. Parts that are not published themselves but follow from published
  cells (all − men = women) are *derived* cells: a small one is protected like a hidden cell.
  (Finding the fewest cells to hide is NP-hard in general; this greedy rule is the common
  practice and is safe, if not minimal.) Which relations hold across a whole publication is
  decided by `pejling.report.protection`.
Suppressed cells carry no value, numerator or denominator and are shown as such, never as zero.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
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


def is_zero(cell: Cell) -> bool:
    """A cell known to be empty: every count it has is (about) zero."""
    counts = [x for x in (cell.numerator, cell.denominator, cell.value) if x is not None]
    return bool(counts) and all(abs(x) < 0.5 for x in counts)


def difference(total: Cell, parts: Iterable[Cell]) -> Cell:
    """total − Σ parts, count by count (None where any of them lacks that count)."""
    out: list[float | None] = []
    items = list(parts)
    for attr in ("numerator", "denominator", "value"):
        x: float | None = getattr(total, attr)
        for part in items:
            y = getattr(part, attr)
            x = None if x is None or y is None else x - y
        out.append(x)
    return Cell(out[0], out[1], out[2])


def suppress(
    cells: Mapping[Key, Cell],
    relations: Iterable[Sequence[Key]],
    threshold: int = 5,
    derived: Mapping[Key, Cell] | None = None,
    keep: Collection[Key] = (),
) -> dict[Key, Cell]:
    """Apply primary and secondary suppression; return the cells as they may be published.

    `relations` are groups of keys that are linked by one additive equation (a total and its
    parts); keys in neither `cells` nor `derived` are ignored (a part that does not exist is
    not a cell).

    `derived` are cells that are never published but follow from published ones — the women
    of a municipality when "all" and "men" are published (in the same report or in two), the
    persons of a single cohort year when a cumulative cohort series is published, the rest of
    the country when the nation and some municipalities are. Their counts are the difference of
    the published ones. A derived cell is unknown to a reader until a relation reveals it (the
    only unknown cell of a relation); when it is small (the primary rule) it must stay unknown,
    so a published cell of that relation is hidden too. A derived cell that is empty (all
    counts 0) is known from the start: "nobody" is no secret.

    The rule: until no relation has exactly one unknown cell that must stay unknown (a hidden
    published cell, or a small derived one), hide the smallest published visible cell of such
    a relation — one not in `keep` when there is one (the figures verdicts rest on are hidden
    last). A derived cell that may be known is treated as known once a relation reveals it.
    """
    kept = set(keep)
    if threshold < 1:
        raise ValueError("the disclosure threshold must be at least 1")
    extra = {k: c for k, c in (derived or {}).items() if k not in cells}
    out: dict[Key, Cell] = {}
    for key, cell in cells.items():
        out[key] = replace(_hidden(cell), reason="primary") if is_primary(cell, threshold) else cell
    unknown: set[Key] = {k for k, c in out.items() if c.suppressed}
    unknown |= {k for k, c in extra.items() if not is_zero(c)}
    protect: set[Key] = {k for k, c in out.items() if c.suppressed}
    protect |= {k for k, c in extra.items() if is_primary(c, threshold)}
    groups = [[k for k in dict.fromkeys(rel) if k in out or k in extra] for rel in relations]
    groups = [g for g in groups if len(g) > 1]
    member_of: dict[Key, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        for k in group:
            member_of[k].append(i)
    queue = deque(range(len(groups)))
    while queue:
        group = groups[queue.popleft()]
        unknowns = [k for k in group if k in unknown]
        if len(unknowns) != 1:
            continue
        (only,) = unknowns
        if only not in protect:
            unknown.discard(only)  # a derived cell this relation reveals: harmless, now known
            queue.extend(member_of[only])
            continue
        visible = [k for k in group if k in out and k not in unknown]
        if not visible:
            continue  # only derived cells are known here; nothing published to hide
        smallest = min(visible, key=lambda k: (k in kept, cells[k].size, str(k)))
        out[smallest] = replace(_hidden(cells[smallest]), reason="secondary")
        unknown.add(smallest)
        protect.add(smallest)
        queue.extend(member_of[smallest])
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


def pooled_reveals(pool: Cell, parts: Sequence[Cell], threshold: int = 5) -> bool:
    """Whether publishing a pooled figure (several periods summed, e.g. five cohort years) would
    give away a part of it that the publication hides.

    Why: a reader who has the pooled figure and the single periods published elsewhere in the
    same publication (reports, site, download) can subtract: pool − published periods = the
    rest. `parts` are the pool's single periods with their true counts, `suppressed` when the
    publication does not show them (hidden, or never published); the pool may hold persons that
    are in no part (a period never published at all), which stay in the rest.

    The pooled figure must be hidden when the rest is not zero and
    - it is small: its persons, persons with the outcome or persons without it between 1 and
      threshold − 1 (the primary rule, `is_primary`); or
    - it is exactly one hidden period: the only unpublished part that is not empty, so the
      subtraction recovers that hidden figure, however large (a secondary suppression).
    An empty rest ("nobody" in the unpublished periods) reveals nothing.
    """
    shown = [p for p in parts if not p.suppressed]
    rest = difference(pool, shown)
    if is_zero(rest):
        return False
    if is_primary(rest, threshold):
        return True
    unknown = [p for p in parts if p.suppressed and not is_zero(p)]
    covered = difference(rest, unknown)  # persons of the pool in no part
    return len(unknown) == 1 and is_zero(covered)
