"""Applying a mapping to a fetched or read table: tidy observation rows and what was left out.

Every area value goes through `resolve_area`: municipalities and (when the mapping allows) the
whole country become rows; regions, landsdele, abroad, not stated and Christiansø are left out
and counted. Every period goes through `Period.parse`, so StatBank's 2025K4, 2025M03 and
English 2025Q4 all work. A figure is made only from cells that have a number: a cell with a
marker ("..", "...") makes the figure missing, counted by marker, never 0. Rows that the
observation import would reject (a share above 100, a numerator above its denominator, a zero
denominator) are left out here and counted, so one odd cell cannot reject a whole refresh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

from pejling.groups import group_key
from pejling.periods import Period, PeriodType
from pejling.reference.municipalities import AreaKind, resolve_area
from pejling.sources.http import SourceFormatError
from pejling.sources.mapping import OtherTable, Selection, SeriesMapping, SourceMapping
from pejling.sources.table import StatTable, fold
from pejling.spec.catalog import Catalog
from pejling.spec.indicator import Unit

#: how many sub-periods make a complete year for `period_mean: year`
_PARTS = {PeriodType.MONTH: 12, PeriodType.QUARTER: 4, PeriodType.HALF: 2}


@dataclass(frozen=True)
class TidyRow:
    """One observation in the tidy import format (source, vintage and publisher added later)."""

    indicator: str
    municipality: int
    period: str
    group: str
    numerator: float | None
    denominator: float | None
    value: float | None
    unit: str


@dataclass
class Conversion:
    """The rows made, and counts of everything left out (for the console)."""

    rows: list[TidyRow] = field(default_factory=list)
    areas_left_out: Counter[str] = field(default_factory=Counter)  # area kind → values
    missing: Counter[str] = field(default_factory=Counter)  # marker → figures not made
    left_out: Counter[str] = field(default_factory=Counter)  # reason → rows not made

    def summary(self, lang: str = "da") -> list[str]:
        """Short lines on what was left out and why."""
        from pejling.sources.table import marker_text

        out = []
        if self.areas_left_out:
            names = {
                "region": ("regioner", "regions"),
                "landsdel": ("landsdele", "landsdele (provinces)"),
                "abroad": ("udlandet", "abroad"),
                "not_stated": ("uoplyst", "not stated"),
                "not_a_municipality": ("Christiansø", "Christiansø"),
                "other_area": ("andre områder", "other areas"),
                "unknown": ("ukendte områder", "unknown areas"),
                "national": ("hele landet", "the whole country"),
            }
            parts = [
                f"{names.get(k, (k, k))[0 if lang == 'da' else 1]} ({n})"
                for k, n in sorted(self.areas_left_out.items())
            ]
            out.append(
                ("ikke kommuner, sprunget over: " if lang == "da" else "not municipalities, "
                 "left out: ") + ", ".join(parts)
            )  # fmt: skip
        if self.missing:
            parts = [
                f"'{m}' {marker_text(m, lang)}: {n}" if m != "absent" else
                (f"findes ikke i tabellen: {n}" if lang == "da" else f"not in the table: {n}")
                for m, n in sorted(self.missing.items())
            ]  # fmt: skip
            out.append(
                ("tal uden værdi (aldrig læst som 0): " if lang == "da" else "figures without a "
                 "value (never read as 0): ") + "; ".join(parts)
            )  # fmt: skip
        for reason, n in sorted(self.left_out.items()):
            out.append(f"{_REASONS.get(reason, (reason, reason))[0 if lang == 'da' else 1]}: {n}")
        return out


_REASONS = {
    "period": ("perioder, der ikke kan læses", "periods that cannot be read"),
    "zero_denominator": ("nævner 0", "denominator 0"),
    "numerator_above_denominator": ("tæller større end nævner", "numerator above denominator"),
    "outside_0_100": ("andel uden for 0–100", "share outside 0–100"),
    "incomplete_year": ("år uden alle måneder/kvartaler", "years without every month/quarter"),
}


class _Cube:
    """Cells of a table addressed by area and period (as pejling reads them) and by codes."""

    def __init__(self, table: StatTable, area_var: str, period_var: str, national: bool):
        self.table = table
        a = table.dimension_index(area_var)
        p = table.dimension_index(period_var)
        if a is None or p is None:
            missing = area_var if a is None else period_var
            dims = ", ".join(d.id for d in table.dimensions)
            raise SourceFormatError(
                f"{table.table}: ingen dimension '{missing}' i data ({dims})",
                f"{table.table}: no dimension '{missing}' in the data ({dims})",
            )
        self.a, self.p = a, p
        self.others = [i for i in range(len(table.dimensions)) if i not in (a, p)]
        self.index = {cell.key: cell for cell in table.cells}
        self.areas: dict[str, int] = {}
        self.areas_left_out: Counter[str] = Counter()
        for code, label in table.dimensions[a].values:
            area = resolve_area(code)
            if area.kind is AreaKind.UNKNOWN and label != code:
                area = resolve_area(label)
            if area.kind is AreaKind.NATIONAL and not national:
                self.areas_left_out["national"] += 1
            elif area.usable and area.code is not None:
                self.areas[code] = area.code
            else:
                self.areas_left_out[area.kind.value] += 1
        self.periods: dict[str, Period] = {}
        self.bad_periods = 0
        for code, label in table.dimensions[p].values:
            for text in (code, label):
                try:
                    self.periods[code] = Period.parse(text)
                    break
                except ValueError:
                    continue
            else:
                self.bad_periods += 1

    def codes_for(self, dim: int, wanted: str | list[str]) -> list[str] | None:
        """Codes of a dimension for a mapping's codes (matched by code, then by label)."""
        values = self.table.dimensions[dim].values
        out = []
        for w in [wanted] if isinstance(wanted, str) else wanted:
            code = next((c for c, _l in values if c == w), None)
            if code is None:
                code = next(
                    (c for c, lab in values if fold(c) == fold(w) or fold(lab) == fold(w)), None
                )
            if code is None:
                return None
            out.append(code)
        return out

    def resolve(self, *selections: Selection) -> list[list[str]] | str:
        """Codes per other dimension for merged selections (later ones win), or a problem."""
        out: list[list[str]] = []
        for d in self.others:
            dim = self.table.dimensions[d]
            wanted: str | list[str] | None = None
            for sel in selections:
                for name, codes in sel.items():
                    if fold(name) in (fold(dim.id), fold(dim.text)):
                        wanted = codes
            if wanted is None:
                if len(dim.values) == 1:
                    out.append([dim.values[0][0]])
                    continue
                return f"{dim.id} is not chosen"
            found = self.codes_for(d, wanted)
            if found is None:
                return f"{dim.id} has no value {wanted!r}"
            out.append(found)
        return out

    def figure(self, area: str, period: str, codes: list[list[str]]) -> tuple[float | None, str]:
        """The sum of the selected cells, or (None, marker) when any is missing."""
        total = 0.0
        for combo in product(*codes):
            key = [""] * len(self.table.dimensions)
            key[self.a], key[self.p] = area, period
            for d, code in zip(self.others, combo, strict=True):
                key[d] = code
            cell = self.index.get(tuple(key))
            if cell is None:
                return None, "absent"
            if cell.value is None:
                return None, cell.marker or ".."
            total += cell.value
        return total, ""


def _fixed(select: Selection) -> Selection:
    """The select entries that fix one value (lists and expressions only shape requests)."""
    return {
        k: v
        for k, v in select.items()
        if isinstance(v, str) and "*" not in v and v[:1] not in "<>("
    }


def convert(
    mapping: SourceMapping,
    table: StatTable,
    catalog: Catalog,
    others: Mapping[str, StatTable] | None = None,
) -> Conversion:
    """The tidy rows a mapping makes from a table (and the tables its denominators come from)."""
    cube = _Cube(table, mapping.area_variable, mapping.period_variable, mapping.national)
    result = Conversion()
    result.areas_left_out.update(cube.areas_left_out)
    if cube.bad_periods:
        result.left_out["period"] += cube.bad_periods
    base = _fixed(mapping.select)
    for series in mapping.series:
        spec = catalog.get(series.indicator)
        if spec is None:
            continue
        unit = series.unit or spec.unit
        other = None
        if series.denominator_from is not None:
            other = _other_figures(series.denominator_from, mapping, (others or {}), result)
        made = _series_rows(cube, base, series, unit, other, result)
        if mapping.period_mean:
            made = _year_means(made, result)
        for row in made:
            if _acceptable(row, unit, spec.ratio, result):
                result.rows.append(row)
    return result


def _series_rows(
    cube: _Cube, base: Selection, s: SeriesMapping, unit: Unit,
    other: dict[tuple[int, str], float] | None, result: Conversion,
) -> list[TidyRow]:  # fmt: skip
    grp = group_key(s.group)
    parts: list[Selection] = []
    kind = "value"
    if s.numerator is not None:
        kind = "share"
        parts = [s.numerator] + ([s.denominator] if s.denominator is not None else [])
    elif s.ratio is not None or s.difference is not None:
        kind = "ratio" if s.ratio is not None else "difference"
        parts = list(s.ratio or s.difference or [])
    else:
        parts = [s.value or {}]
    resolved = []
    for part in parts:
        codes = cube.resolve(base, part)
        if isinstance(codes, str):
            raise SourceFormatError(
                f"{cube.table.table}: serien {s.indicator} kan ikke laves: {codes}",
                f"{cube.table.table}: series {s.indicator} cannot be made: {codes}",
            )
        resolved.append(codes)
    rows = []
    for area_code, municipality in cube.areas.items():
        for period_code, period in cube.periods.items():
            figures = [cube.figure(area_code, period_code, codes) for codes in resolved]
            missing = next((m for v, m in figures if v is None), None)
            if missing is not None:
                result.missing[missing] += 1
                continue
            values = [v * s.scale for v, _m in figures if v is not None]
            num = den = value = None
            if kind == "share":
                num = values[0]
                if other is not None:
                    den_value = other.get((municipality, period.label))
                    if den_value is None:
                        result.missing["absent"] += 1
                        continue
                    den = den_value
                else:
                    den = values[1]
            elif kind == "ratio":
                if values[1] == 0:
                    result.left_out["zero_denominator"] += 1
                    continue
                value = 100.0 * values[0] / values[1]
            elif kind == "difference":
                value = values[0] - values[1]
            else:
                value = values[0]
            rows.append(TidyRow(s.indicator, municipality, period.label, grp, num, den, value,
                                unit.value))  # fmt: skip
    return rows


def _other_figures(
    other: OtherTable, mapping: SourceMapping, tables: Mapping[str, StatTable], result: Conversion
) -> dict[tuple[int, str], float]:
    table = tables.get(other.table.upper())
    if table is None:
        raise SourceFormatError(
            f"tabellen {other.table} (nævneren) er ikke hentet",
            f"the table {other.table} (the denominator) was not fetched",
        )
    cube = _Cube(
        table,
        other.municipality or mapping.area_variable,
        other.period or mapping.period_variable,
        mapping.national,
    )
    codes = cube.resolve(_fixed(other.select))
    if isinstance(codes, str):
        raise SourceFormatError(
            f"{table.table}: nævneren kan ikke laves: {codes}",
            f"{table.table}: the denominator cannot be made: {codes}",
        )
    out: dict[tuple[int, str], float] = {}
    for area_code, municipality in cube.areas.items():
        for period_code, period in cube.periods.items():
            value, _marker = cube.figure(area_code, period_code, codes)
            if value is not None:
                out[(municipality, period.label)] = value
    return out


def _year_means(rows: Sequence[TidyRow], result: Conversion) -> list[TidyRow]:
    """Mean of a year's months (or quarters, half-years); only complete years."""
    groups: dict[tuple[str, int, str, int], list[TidyRow]] = {}
    for row in rows:
        period = Period.parse(row.period)
        groups.setdefault(
            (row.indicator, row.municipality, row.group, period.start.year), []
        ).append(row)
    out = []
    for (indicator, municipality, grp, year), items in sorted(groups.items()):
        kinds = {Period.parse(r.period).type for r in items}
        need = _PARTS.get(next(iter(kinds))) if len(kinds) == 1 else None
        if need is None or len(items) != need:
            result.left_out["incomplete_year"] += 1
            continue

        def mean(values: list[float | None]) -> float | None:
            present = [v for v in values if v is not None]
            return sum(present) / len(present) if len(present) == len(values) else None

        out.append(
            TidyRow(indicator, municipality, str(year), grp,
                    mean([r.numerator for r in items]), mean([r.denominator for r in items]),
                    mean([r.value for r in items]), items[0].unit)
        )  # fmt: skip
    return out


def _acceptable(row: TidyRow, unit: Unit, ratio: bool, result: Conversion) -> bool:
    value = row.value
    if row.numerator is not None and row.denominator is not None:
        if row.denominator <= 0:
            result.left_out["zero_denominator"] += 1
            return False
        scale = 100.0 if unit is Unit.PERCENT else 1000.0
        if unit is Unit.PERCENT and row.numerator > row.denominator:
            result.left_out["numerator_above_denominator"] += 1
            return False
        value = scale * row.numerator / row.denominator
    if unit is Unit.PERCENT and value is not None and not ratio and not 0 <= value <= 100:
        result.left_out["outside_0_100"] += 1
        return False
    return True
