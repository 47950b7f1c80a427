"""One suppression pattern for everything a workspace publishes together.

Why across reports: suppression decided per report let one report hide what another gave away —
a municipality's women's employment rate as "all" minus "men" published in two policies' reports,
one policy's minority series minus another's non-Western series, the national total minus the
published municipalities, a single year's cohort from two years of a cumulative cohort series.
Here every figure of every report, workbook and site page published together is one cell
(keyed by indicator, municipality, group, series source and period — `CellKey`), and the
additive relations between them are found over that union:

- **Groups** (one indicator, municipality, series source and period, and the same other group
  keys, e.g. an age band or a cohort): a published group that contains another published group
  (by their members: origin, sex and target group, as `pejling.engine.groups` computes them;
  a compute block's `whole_population_as` alias is the whole population), total = part + rest;
  and a published total with two published disjoint parts, total = a + b + rest. The rest is a
  published group when one has exactly those members (all − men = women), else a derived cell.
- **Municipalities and the nation**: nation = the published municipalities + the rest of the
  country (derived; empty when all 98 are published).
- **Cohort windows**: a cumulative cohort series (`cohort=2016-2018` per year, computed from the
  register) grows by one cohort year a year: K(y) = K(y−1) + the cohort of year y, which is the
  group's figure for year y without the cohort key.

Cells that are not published but follow from published ones (the rests, the single cohort
years) are *derived* cells with the difference of the published counts; `pejling.disclosure`
protects a small derived cell like a hidden one. The checker `pejling.disclosure_check` builds
the same relations from a published folder and tries the subtractions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from pejling.disclosure import Cell, difference, suppress
from pejling.engine.groups import ORIGIN_RULES, SEX_RULES, TARGET_RULES, all_cells
from pejling.evaluation.points import REGISTER

#: indicator, municipality, group, series source, period (as in `pejling.report.model`)
CellKey = tuple[str, int, str, str, str]
#: the rest of the country: municipality code of the derived cell nation − municipalities
REST_OF_COUNTRY = -1
_COHORT = re.compile(r"^(\d{4})-(\d{4})$")
_ATOMS = tuple(all_cells())
_RULES: dict[str, Mapping[str, Callable[[tuple[str, str, bool, bool, str, str]], bool]]] = {
    "origin": ORIGIN_RULES,
    "sex": SEX_RULES,
    "target_group": TARGET_RULES,
}


@dataclass(frozen=True)
class Relation:
    """total = Σ parts (a part may be a derived cell)."""

    total: CellKey
    parts: tuple[CellKey, ...]

    @property
    def keys(self) -> tuple[CellKey, ...]:
        """Total and parts, for `suppress`."""
        return (self.total, *self.parts)


def _parse(grp: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in grp.split(";") if "=" in kv)


def _key(group: Mapping[str, str]) -> str:
    return ";".join(f"{k}={group[k]}" for k in sorted(group))


@cache
def members(grp: str, aliases: frozenset[tuple[str, str]]) -> tuple[frozenset[int], str] | None:
    """The cube atoms a group counts, and its context (the keys that are not origin, sex or a
    known target group, as text); None for a group with an unknown origin or sex."""
    rules = []
    context: dict[str, str] = {}
    for k, v in _parse(grp).items():
        if (k, v) in aliases:
            continue  # the indicator's population itself (whole_population_as)
        table = _RULES.get(k)
        if table is not None and v in table:
            rules.append(table[v])
        elif k in ("origin", "sex"):
            return None
        else:
            context[k] = v
    atoms = frozenset(i for i, a in enumerate(_ATOMS) if all(r(a) for r in rules))
    return atoms, _key(context)


@cache
def _named(context: str, aliases: frozenset[tuple[str, str]]) -> dict[frozenset[int], list[str]]:
    """Every group that can be named in a context, by its members (several names: minority and
    immigrant_descendant are the same persons)."""
    base = _parse(context)
    out: dict[frozenset[int], list[str]] = defaultdict(list)
    for origin in (None, *ORIGIN_RULES):
        for sex in (None, *SEX_RULES):
            for target in (None, *TARGET_RULES):
                group = dict(base)
                for k, v in (("origin", origin), ("sex", sex), ("target_group", target)):
                    if v is not None:
                        group[k] = v
                key = _key(group)
                found = members(key, aliases)
                if found is not None:
                    out[found[0]].append(key)
    return {atoms: sorted(names, key=lambda n: (len(n), n)) for atoms, names in out.items()}


def _rest_name(
    atoms: frozenset[int], context: str, aliases: frozenset[tuple[str, str]],
    present: Mapping[frozenset[int], str], label: str,
) -> str:  # fmt: skip
    """A published group with exactly these members, else a named group, else a label."""
    if atoms in present:
        return present[atoms]
    names = _named(context, aliases).get(atoms)
    return names[0] if names else label


def group_relations(
    keys: Iterable[CellKey], aliases: Callable[[str, str], frozenset[tuple[str, str]]]
) -> list[Relation]:
    """Relations between the groups of each (indicator, municipality, source, period).

    `aliases(indicator, source)` gives the group keys that stand for the whole population.
    """
    by_slice: dict[tuple[str, int, str, str], list[str]] = defaultdict(list)
    for ind, m, grp, src, per in keys:
        by_slice[(ind, m, src, per)].append(grp)
    out: list[Relation] = []
    for (ind, m, src, per), grps in by_slice.items():
        al = aliases(ind, src)
        by_context: dict[str, dict[str, frozenset[int]]] = defaultdict(dict)
        for g in grps:
            found = members(g, al)
            if found is not None:
                by_context[found[1]][g] = found[0]
        for context, groups in by_context.items():
            out.extend(_slice_relations(ind, m, src, per, context, groups, al))
    return out


def _slice_relations(
    ind: str, m: int, src: str, per: str, context: str, groups: dict[str, frozenset[int]],
    aliases: frozenset[tuple[str, str]],
) -> list[Relation]:  # fmt: skip
    def k(grp: str) -> CellKey:
        return (ind, m, grp, src, per)

    present: dict[frozenset[int], str] = {}
    for g in sorted(groups, key=lambda n: (len(n), n)):
        present.setdefault(groups[g], g)
    out: list[Relation] = []
    names = sorted(groups)
    for total in names:
        t = groups[total]
        inside = [g for g in names if g != total and groups[g] <= t]
        for a in inside:
            if groups[a] == t:
                if a > total:
                    out.append(Relation(k(total), (k(a),)))  # the same persons, two names
                continue
            rest = t - groups[a]
            out.append(Relation(k(total), (k(a), k(_rest_name(
                rest, context, aliases, present, f"{total}|−{a}")))))  # fmt: skip
        for i, a in enumerate(inside):
            for b in inside[i + 1 :]:
                ga, gb = groups[a], groups[b]
                if ga == t or gb == t or ga & gb:
                    continue
                rest = t - ga - gb
                parts = [k(a), k(b)]
                if rest:
                    parts.append(k(_rest_name(rest, context, aliases, present,
                                              f"{total}|−{a}|−{b}")))  # fmt: skip
                out.append(Relation(k(total), tuple(parts)))
    return out


def nation_relations(keys: Iterable[CellKey]) -> list[Relation]:
    """nation = the published municipalities + the rest of the country, per indicator, group,
    source and period (only where the nation and at least one municipality are published)."""
    by_area: dict[tuple[str, str, str, str], list[CellKey]] = defaultdict(list)
    for key in keys:
        if key[1] != REST_OF_COUNTRY:
            by_area[(key[0], key[2], key[3], key[4])].append(key)
    out: list[Relation] = []
    for (ind, grp, src, per), found in by_area.items():
        nation = (ind, 0, grp, src, per)
        local = sorted(k for k in found if k[1] != 0)
        if nation in found and local:
            out.append(Relation(nation, (*local, (ind, REST_OF_COUNTRY, grp, src, per))))
    return out


def cohort_relations(keys: Iterable[CellKey]) -> list[Relation]:
    """K(y) = K(y−1) + cohort year y, for cumulative cohort series computed from the register."""
    present = set(keys)
    out: list[Relation] = []
    for ind, m, grp, src, per in present:
        if src != REGISTER or not per.isdigit():
            continue
        group = _parse(grp)
        window = _COHORT.match(group.get("cohort", ""))
        if window is None:
            continue
        first, last, year = int(window.group(1)), int(window.group(2)), int(per)
        if not first < year <= last:
            continue
        previous = (ind, m, grp, src, str(year - 1))
        if previous not in present:
            continue
        single = _key({k: v for k, v in group.items() if k != "cohort"})
        out.append(Relation((ind, m, grp, src, per), (previous, (ind, m, single, src, per))))
    return out


def all_relations(
    keys: Iterable[CellKey], aliases: Callable[[str, str], frozenset[tuple[str, str]]]
) -> list[Relation]:
    """Every relation among these cells (groups, municipalities → nation, cohort windows)."""
    keys = list(keys)
    return [*group_relations(keys, aliases), *nation_relations(keys), *cohort_relations(keys)]


def derive(cells: Mapping[CellKey, Cell], relations: Iterable[Relation]) -> dict[CellKey, Cell]:
    """Counts of the cells the relations name but that are not published: total − the others.

    A cell derived in several relations keeps the first derivation (they agree when the data
    are additive, as a register's are).
    """
    out: dict[CellKey, Cell] = {}
    for rel in relations:
        missing = [p for p in rel.parts if p not in cells]
        if len(missing) != 1 or rel.total not in cells or missing[0] in out:
            continue
        others = [cells[p] for p in rel.parts if p in cells]
        out[missing[0]] = difference(cells[rel.total], others)
    return out


def protect(
    cells: Mapping[CellKey, Cell],
    aliases: Callable[[str, str], frozenset[tuple[str, str]]],
    threshold: int,
    keep: Collection[CellKey] = (),
) -> dict[CellKey, Cell]:
    """Primary and secondary suppression over every cell published together (`keep`: cells a
    verdict rests on, hidden as a complement only when nothing else will do)."""
    relations = all_relations(cells, aliases)
    derived = derive(cells, relations)
    return suppress(cells, [r.keys for r in relations], threshold, derived, keep)
