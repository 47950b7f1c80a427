"""Declarative source mappings: which table, which values, which indicator and group.

A mapping is a YAML file — shipped ones in `pejling/sources/mappings/`, a workspace's own in
`sources/*.yaml` (a workspace file with a shipped mapping's id replaces it; `enabled: false`
switches one off). It names an API and a table, the variables that hold the municipality and the
period, the fixed values of the other variables (`select`), and one entry per series: the
indicator, the population group, and how the figure is made from cells — one cell (`value`), a
share (`numerator` / `denominator`, optionally `denominator_from` another table), or the
`ratio` or `difference` of two cells. A list of codes means their sum. docs/sources.md has the
full reference and an example.

Mappings are checked in the policy files' layers: YAML with line numbers, pydantic with unknown
keys forbidden (did-you-mean), then the rules below, each a located problem; with the table info
at hand (`check_against_table`) also every variable and value, so a typo is caught before
anything is fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from pejling.errors import Problem, SpecError
from pejling.groups import group_key
from pejling.sources.table import TableInfo, Variable, ascii_fold, fold
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import Unit
from pejling.spec.load import load_model_text
from pejling.spec.types import GroupField, StrictModel
from pejling.spec.yaml_source import SourceMap
from pejling.suggest import did_you_mean


def _codes(value: Any) -> Any:
    """A code or a list of codes; YAML numbers become text (quote codes with leading zeros)."""
    if isinstance(value, bool):
        raise ValueError("a code must be text or a number, not true/false")
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list) and value:
        return [_codes(v) for v in value]
    raise ValueError("a code or a non-empty list of codes")


Codes = Annotated[str | list[str], BeforeValidator(_codes)]
Selection = dict[str, Codes]


class Api(StrEnum):
    """Where a mapping's table comes from."""

    STATBANK = "statbank"
    JOBINDSATS = "jobindsats"


class OtherTable(StrictModel):
    """A denominator taken from another table of the same API, matched on area and period."""

    table: str = Field(min_length=1)
    select: Selection = Field(default_factory=dict)
    municipality: str | None = None
    period: str | None = None


class SeriesMapping(StrictModel):
    """One series a mapping produces."""

    indicator: str
    group: GroupField = Field(default_factory=dict)
    value: Selection | None = None
    numerator: Selection | None = None
    denominator: Selection | None = None
    denominator_from: OtherTable | None = None
    ratio: list[Selection] | None = None
    difference: list[Selection] | None = None
    unit: Unit | None = None
    scale: float = Field(default=1.0, gt=0)

    def selections(self) -> list[Selection]:
        """Every selection of the series (for checks and requests)."""
        out: list[Selection] = []
        for sel in (self.value, self.numerator, self.denominator):
            if sel is not None:
                out.append(sel)
        for pair in (self.ratio, self.difference):
            out.extend(pair or [])
        return out


class SourceMapping(StrictModel):
    """A mapping file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str | None = None
    api: Api = Api.STATBANK
    table: str = Field(min_length=1)
    publisher: str | None = None
    source: str | None = None
    municipality: str | None = None
    period: str | None = None
    national: bool = True
    select: Selection = Field(default_factory=dict)
    request: dict[str, Any] = Field(default_factory=dict)
    period_mean: str | None = Field(default=None, pattern=r"^year$")
    enabled: bool = True
    notes: str | None = None
    series: list[SeriesMapping] = Field(min_length=1)

    @property
    def publisher_name(self) -> str:
        """The series source of everything this mapping imports."""
        if self.publisher:
            return self.publisher
        return "jobindsats.dk" if self.api is Api.JOBINDSATS else "Danmarks Statistik"

    @property
    def source_text(self) -> str:
        """The `source` column of the imported rows (who published it, citing the table)."""
        return self.source or f"{self.publisher_name} ({self.table.upper()})"

    @property
    def area_variable(self) -> str:
        """The variable holding municipality codes or names."""
        return self.municipality or ("area" if self.api is Api.JOBINDSATS else "OMRÅDE")

    @property
    def period_variable(self) -> str:
        """The variable holding periods."""
        return self.period or ("period" if self.api is Api.JOBINDSATS else "Tid")


@dataclass(frozen=True)
class LoadedMapping:
    """A mapping with the file it came from and its line map."""

    mapping: SourceMapping
    file: str
    source: SourceMap
    shipped: bool

    def where(self, *path: str | int) -> str:
        """`file:line` of a key of the mapping."""
        return self.source.where(path)


def shipped_files() -> list[tuple[str, str]]:
    """(display name, text) of every shipped mapping."""
    root = resources.files("pejling.sources").joinpath("mappings")
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append((f"pejling/sources/mappings/{entry.name}", entry.read_text("utf-8")))
    return out


def workspace_files(folder: Path, display: str = "sources") -> list[tuple[str, str]]:
    """(display name, text) of a workspace's `sources/*.yaml`."""
    if not folder.is_dir():
        return []
    return [
        (f"{display}/{p.name}", p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.yaml"))
    ]


def load_mappings(
    catalog: Catalog, workspace_sources: Path | None = None, *, include_disabled: bool = False
) -> list[LoadedMapping]:
    """Shipped mappings plus a workspace's, checked; raise SpecError listing every problem."""
    problems: list[Problem] = []
    loaded: dict[str, LoadedMapping] = {}
    sources = [(n, t, True) for n, t in shipped_files()]
    if workspace_sources is not None:
        sources += [(n, t, False) for n, t in workspace_files(workspace_sources)]
    for name, text, shipped in sources:
        try:
            mapping, source = load_model_text(SourceMapping, text, name)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        item = LoadedMapping(mapping, name, source, shipped)
        problems.extend(check_mapping(item, catalog))
        previous = loaded.get(mapping.id)
        if previous is not None and previous.shipped == shipped:
            problems.append(
                Problem(
                    item.where("id"),
                    f"mapping id '{mapping.id}' is also used by {previous.where('id')}",
                    "one id per mapping",
                    code="duplicate-mapping-id",
                )
            )
            continue
        loaded[mapping.id] = item  # a workspace file replaces the shipped mapping of that id
    active = [m for m in loaded.values() if include_disabled or m.mapping.enabled]
    problems.extend(_check_overlaps([m for m in loaded.values() if m.mapping.enabled]))
    if problems:
        raise SpecError("source mappings", problems)
    return sorted(active, key=lambda m: (not m.shipped, m.mapping.id))


def check_mapping(item: LoadedMapping, catalog: Catalog) -> list[Problem]:
    """The rules a mapping must meet on its own (catalog, expressions, units)."""
    m = item.mapping
    out: list[Problem] = []
    if fold(m.area_variable) == fold(m.period_variable):
        out.append(
            Problem(
                item.where("period"),
                "municipality and period name the same variable",
                "two different variables",
                code="mapping-variables",
            )
        )
    if m.request and m.api is not Api.JOBINDSATS:
        out.append(
            Problem(
                item.where("request"),
                "'request' is only for jobindsats mappings",
                "select values with 'select'",
                code="mapping-request",
            )
        )
    for i, s in enumerate(m.series):
        here = ("series", i)
        spec = catalog.get(s.indicator)
        if spec is None:
            out.append(
                Problem(
                    item.where(*here, "indicator"),
                    f"unknown indicator '{s.indicator}'",
                    "an indicator id from the catalog (see 'pejling indicators')",
                    did_you_mean(s.indicator, catalog.ids()),
                    code="unknown-indicator",
                )
            )
        kinds = [
            name
            for name, given in (
                ("value", s.value is not None),
                ("numerator", s.numerator is not None),
                ("ratio", s.ratio is not None),
                ("difference", s.difference is not None),
            )
            if given
        ]
        has_den = s.denominator is not None or s.denominator_from is not None
        if len(kinds) > 1:
            out.append(
                Problem(
                    item.where(*here, kinds[1]),
                    f"series gives both '{kinds[0]}' and '{kinds[1]}'",
                    "one of value, numerator + denominator, ratio or difference",
                    code="mapping-figure",
                )
            )
        if "numerator" in kinds and not has_den:
            out.append(
                Problem(
                    item.where(*here, "numerator"),
                    "a numerator without a denominator",
                    "'denominator' or 'denominator_from' beside it",
                    code="mapping-figure",
                )
            )
        if has_den and "numerator" not in kinds:
            out.append(
                Problem(
                    item.where(*here, "denominator" if s.denominator else "denominator_from"),
                    "a denominator without a numerator",
                    "'numerator' beside it",
                    code="mapping-figure",
                )
            )
        if s.denominator is not None and s.denominator_from is not None:
            out.append(
                Problem(
                    item.where(*here, "denominator_from"),
                    "both 'denominator' and 'denominator_from'",
                    "one of them",
                    code="mapping-figure",
                )
            )
        if s.denominator_from is not None and m.api is not Api.STATBANK:
            out.append(
                Problem(
                    item.where(*here, "denominator_from"),
                    "'denominator_from' is only for StatBank mappings",
                    "a numerator and denominator from the same table",
                    code="mapping-figure",
                )
            )
        for pair_name, pair in (("ratio", s.ratio), ("difference", s.difference)):
            if pair is not None and len(pair) != 2:
                out.append(
                    Problem(
                        item.where(*here, pair_name),
                        f"'{pair_name}' needs exactly two selections, got {len(pair)}",
                        f"{pair_name}: [{{VAR: code}}, {{VAR: code}}]",
                        code="mapping-figure",
                    )
                )
        if spec is None:
            continue
        if s.unit is not None and s.unit is not spec.unit:
            out.append(
                Problem(
                    item.where(*here, "unit"),
                    f"unit '{s.unit.value}' does not match indicator '{s.indicator}'",
                    f"'{spec.unit.value}' (or leave 'unit' out)",
                    code="mapping-unit",
                )
            )
        if "numerator" in kinds and spec.unit not in (Unit.PERCENT, Unit.RATE_PER_1000):
            out.append(
                Problem(
                    item.where(*here, "numerator"),
                    f"numerator/denominator make a share, but '{s.indicator}' is in "
                    f"'{spec.unit.value}'",
                    "an indicator in percent or per_1000, or 'value'",
                    code="mapping-unit",
                )
            )
        if ("ratio" in kinds or "difference" in kinds) and spec.unit is not Unit.PERCENT:
            out.append(
                Problem(
                    item.where(*here, kinds[0]),
                    f"'{kinds[0]}' gives percent (points), but '{s.indicator}' is in "
                    f"'{spec.unit.value}'",
                    "an indicator in percent",
                    code="mapping-unit",
                )
            )
    return out


def _check_overlaps(items: Sequence[LoadedMapping]) -> list[Problem]:
    """Two mappings must not write the same (indicator, source, group): an import replaces the
    rows of its (indicator, source, vintage), so they would overwrite each other."""
    seen: dict[tuple[str, str, str], str] = {}
    out: list[Problem] = []
    for item in items:
        for i, s in enumerate(item.mapping.series):
            key = (s.indicator, item.mapping.source_text, group_key(s.group))
            where = item.where("series", i, "indicator")
            if key in seen and not seen[key].startswith(item.file + ":"):
                out.append(
                    Problem(
                        where,
                        f"series '{s.indicator}' {group_key(s.group) or '(everybody)'} with "
                        f"source '{key[1]}' is also made by {seen[key]}",
                        "a different 'source' text, or one mapping per series",
                        code="duplicate-series",
                    )
                )
            elif key in seen:
                out.append(
                    Problem(
                        where,
                        f"series '{s.indicator}' {group_key(s.group) or '(everybody)'} appears "
                        f"twice (first at {seen[key]})",
                        "each indicator and group once per mapping",
                        code="duplicate-series",
                    )
                )
            else:
                seen[key] = where
    return out


def check_against_table(item: LoadedMapping, info: TableInfo) -> list[Problem]:
    """Every variable and value the mapping names exists in the table, and every other
    variable of the table is fixed to one value (StatBank's totals come first)."""
    m = item.mapping
    out: list[Problem] = []
    area = info.variable(m.area_variable)
    period = info.variable(m.period_variable)
    for key, var, name in (
        ("municipality", area, m.area_variable),
        ("period", period, m.period_variable),
    ):
        if var is None:
            out.append(_unknown_variable(item, (key,), name, info))
    for name, codes in m.select.items():
        var = info.variable(name)
        if var is None:
            out.append(_unknown_variable(item, ("select", name), name, info))
            continue
        out.extend(_unknown_codes(item, ("select", name), var, codes, info.id))
    pinned = {
        fold(v.id) for name, codes in m.select.items() if (v := info.variable(name)) is not None
        if isinstance(codes, str) and "*" not in codes and codes[:1] not in "<>("
    }  # fmt: skip
    free = [
        v for v in info.variables if v is not area and v is not period and fold(v.id) not in pinned
    ]
    for i, s in enumerate(m.series):
        for field_name, selections in _named_selections(s):
            for j, sel in enumerate(selections):
                path: tuple[str | int, ...] = ("series", i, field_name)
                if field_name in ("ratio", "difference"):
                    path = (*path, j)
                named = set()
                for name, codes in sel.items():
                    var = info.variable(name)
                    if var is None:
                        out.append(_unknown_variable(item, (*path, name), name, info))
                        continue
                    named.add(fold(var.id))
                    out.extend(_unknown_codes(item, (*path, name), var, codes, info.id))
                for var in free:
                    if fold(var.id) not in named:
                        first = var.values[0] if var.values else ("", "")
                        out.append(
                            Problem(
                                item.where(*path),
                                f"{info.id} variable {var.id} ({var.text}) is not chosen here",
                                f"one value (or a list to sum) under 'select' or in the series, "
                                f"e.g. {var.id}: {first[0]} ({first[1]})",
                                code="mapping-unpinned",
                            )
                        )
    return out


def _named_selections(s: SeriesMapping) -> Iterable[tuple[str, list[Selection]]]:
    given = False
    for name in ("value", "numerator", "denominator"):
        sel = getattr(s, name)
        if sel is not None:
            given = True
            yield name, [sel]
    for name in ("ratio", "difference"):
        pair = getattr(s, name)
        if pair:
            given = True
            yield name, list(pair)
    if not given:
        yield "value", [{}]  # a series without a selection is the cell `select` fixes


def _unknown_variable(
    item: LoadedMapping, path: tuple[str | int, ...], name: str, info: TableInfo
) -> Problem:
    ids = [v.id for v in info.variables]
    same = [i for i in ids if ascii_fold(i) == ascii_fold(name)]
    hint = f"did you mean '{same[0]}'?" if same else did_you_mean(name, ids)
    return Problem(
        item.where(*path),
        f"{info.id} has no variable '{name}'",
        f"one of {', '.join(ids)}",
        hint,
        code="mapping-variable",
    )


def _unknown_codes(
    item: LoadedMapping, path: tuple[str | int, ...], var: Variable, codes: str | list[str],
    table: str,
) -> list[Problem]:  # fmt: skip
    out = []
    for code in [codes] if isinstance(codes, str) else codes:
        if "*" in code or code[:1] in "<>(":
            continue
        if var.find(code, labels=False) is None:
            shown = ", ".join(var.codes()[:8]) + (" …" if len(var.values) > 8 else "")
            out.append(
                Problem(
                    item.where(*path),
                    f"{table} variable {var.id} has no value '{code}'",
                    f"a code of {var.id} ({shown})",
                    var.suggest(code),
                    code="mapping-value",
                )
            )
    return out
