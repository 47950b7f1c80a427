"""Which cube cells make up each group an observation can be about.

Why in Python: origin groups overlap (non-Western contains non-Western immigrants; MENAPT is part
of non-Western), so a person belongs to many groups at once. The cube has a few hundred possible
dimension combinations; deciding membership here for each of them and joining that small table
to the cube is simpler and faster than one SQL pass per group.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

from pejling.groups import ORIGIN_VALUES, group_key
from pejling.register.tables import RESIDENCE_BASIS, SEX
from pejling.spec.compute import ComputeSpec

#: one cube cell's dimensions: origin, wcat (dk/w/nw), menapt, a012, sex, basis
Cell = tuple[str, str, bool, bool, str, str]

ORIGIN_RULES: dict[str, Callable[[Cell], bool]] = {
    "danish_origin": lambda c: c[0] == "danish_origin",
    "immigrant": lambda c: c[0] == "immigrant",
    "descendant": lambda c: c[0] == "descendant",
    "immigrant_descendant": lambda c: c[0] != "danish_origin",
    "minority": lambda c: c[0] != "danish_origin",
    "western": lambda c: c[1] == "w",
    "non_western": lambda c: c[1] == "nw",
    "western_immigrant": lambda c: c[1] == "w" and c[0] == "immigrant",
    "non_western_immigrant": lambda c: c[1] == "nw" and c[0] == "immigrant",
    "non_western_descendant": lambda c: c[1] == "nw" and c[0] == "descendant",
    "non_western_immigrant_arrived_0_12": lambda c: c[1] == "nw" and c[0] == "immigrant" and c[3],
    "non_western_arrived_0_12_or_descendant": lambda c: (
        c[1] == "nw" and (c[0] == "descendant" or (c[0] == "immigrant" and c[3]))
    ),
    "menapt": lambda c: c[2],
}
TARGET_RULES: dict[str, Callable[[Cell], bool]] = {
    "refugees": lambda c: c[5] == "refugee",
    "refugees_and_reunified": lambda c: c[5] in ("refugee", "reunified_refugee"),
}
SEX_RULES: dict[str, Callable[[Cell], bool]] = {s: (lambda c, s=s: c[4] == s) for s in SEX}  # type: ignore[misc]
RULES: dict[str, dict[str, Callable[[Cell], bool]]] = {
    "origin": ORIGIN_RULES,
    "sex": SEX_RULES,
    "target_group": TARGET_RULES,
}
assert set(ORIGIN_RULES) == set(ORIGIN_VALUES), "every origin group needs a rule"


def all_cells() -> Iterator[Cell]:
    """Every possible combination of cube dimensions."""
    origins = ("danish_origin", "immigrant", "descendant")
    for origin, wcat, menapt, a012, sex, basis in itertools.product(
        origins, ("dk", "w", "nw"), (False, True), (False, True), SEX, (*RESIDENCE_BASIS, "-")
    ):
        if (origin == "danish_origin") != (wcat == "dk"):
            continue
        yield (origin, wcat, menapt, a012, sex, basis)


def groups_of(spec: ComputeSpec) -> list[tuple[dict[str, str], Callable[[Cell], bool]]]:
    """(group, membership rule) for the total, each breakdown, each cross and each alias."""
    out: list[tuple[dict[str, str], Callable[[Cell], bool]]] = [({}, lambda c: True)]
    for alias in spec.whole_population_as:
        out.append((dict(alias), lambda c: True))
    for dim in spec.breakdowns:
        for value, rule in RULES[dim].items():
            out.append(({dim: value}, rule))
    for combo in spec.cross:
        for values in itertools.product(*(RULES[d].items() for d in combo)):
            group = {d: v for d, (v, _) in zip(combo, values, strict=True)}
            rules = [r for _, r in values]
            out.append((group, lambda c, rules=rules: all(r(c) for r in rules)))  # type: ignore[misc]
    return out


def membership(spec: ComputeSpec) -> list[tuple[str, str, str, bool, bool, str, str]]:
    """Rows (grp, *cell) saying which cells each group sums."""
    rows = []
    groups = groups_of(spec)
    for cell in all_cells():
        for group, rule in groups:
            if rule(cell):
                rows.append((group_key(group), *cell))
    return rows
