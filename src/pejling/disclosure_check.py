"""`pejling disclosure check DIR`: try the documented attacks on a published folder.

Why a checker of the output, not of the model: whatever reaches the public is what an attacker
has. The checker reads every report workbook in a folder (the site's downloads, or the reports/
folder), every long-format data download (the site's `data/*.csv`, `pejling export`), every
figure table of the site's HTML pages, and then does what an attacker would:

- **the same figure twice**: a cell hidden in one place and published in another;
- **differences of totals and parts**: all − men = women, minority − non-Western = Western,
  all − Danish origin − immigrants = descendants, within one report or across reports;
- **the nation minus the municipalities**: when all 98 municipalities and the nation are
  published, the one hidden municipality is the difference;
- **consecutive cohort years**: a cumulative cohort series K(2017) − K(2016) is the cohort of
  2017 alone;
- **pooled years minus single years**: the national report's comparison pools cohort years
  (`measure` benchmark in the data download, period `2020-2024`); minus the single years the
  folder publishes it leaves the rest, which must be neither small nor one hidden year.

The national report's pages are read too: every municipality's figure per goal
(`table.munis`) and every comparison row (`table.compare`), each row naming its cell in `data-`
attributes; a figure shown there that is hidden elsewhere is a leak.

A hidden figure that can be computed is a leak; so is a figure that was never published but can
be computed and is small (between 1 and threshold − 1 persons). The relations are the ones the
suppression itself uses (`pejling.report.protection`), solved with the published numbers.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from openpyxl import load_workbook

from pejling.disclosure import Cell, difference, is_primary, is_zero
from pejling.evaluation.points import REGISTER
from pejling.reference.municipalities import code_by_name, municipalities
from pejling.report.protection import (
    REST_OF_COUNTRY,
    CellKey,
    Relation,
    all_relations,
)
from pejling.report.texts import labels
from pejling.spec.catalog import Catalog, load_catalog

_LANGS = ("da", "en")
_HIDDEN = {labels(lang)["suppressed"].lower() for lang in _LANGS}
_NATIONAL = {labels(lang)["national"].lower() for lang in _LANGS}
_ALL = {"alle", "all", ""}
_YES = {labels(lang)["yes"].lower() for lang in _LANGS}
_COMPUTED_SOURCE = {"pejling compute"} | {labels(lang)["computed_source"] for lang in _LANGS}
_COMPUTED = {
    labels(lang)[f"provenance_{kind}"].lower()
    for lang in _LANGS
    for kind in ("register", "synthetic")
}


@dataclass
class Fact:
    """One published cell as the folder shows it."""

    hidden: bool
    cell: Cell | None  # the published counts (None when hidden)
    unit: str
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Leak:
    """A figure an attacker can compute that must stay unknown."""

    kind: str  # published_elsewhere | recovered | small_derived | html_shows_hidden
    key: CellKey
    counts: str  # what can be computed (or shown)
    places: tuple[str, ...]
    formula: tuple[CellKey, ...] = ()  # total − parts, or parts summed (`op`)
    op: str = "−"
    extra: str = ""  # where it is hidden (published_elsewhere)
    threshold: int = 5

    def render(self, lang: str = "en") -> str:
        """One line: what leaks, how, and where."""
        ind, mun, grp, src, per = self.key
        da = lang == "da"
        formula = f" {self.op} ".join(_short(k, lang) for k in self.formula)
        detail = {
            "published_elsewhere": (
                f"skjult i {self.extra}, men offentliggjort andetsteds ({self.counts})",
                f"hidden in {self.extra} but published elsewhere ({self.counts})",
            ),
            "recovered": (
                f"skjult, men {formula} = {self.counts}",
                f"hidden, but {formula} = {self.counts}",
            ),
            "small_derived": (
                f"aldrig offentliggjort, men {formula} = {self.counts}, færre end "
                f"{self.threshold} personer",
                f"never published, but {formula} = {self.counts}, fewer than "
                f"{self.threshold} persons",
            ),
            "html_shows_hidden": (
                f"skjult i projektmappen, men vist på siden som '{self.counts}'",
                f"hidden in the workbook, shown on the page as '{self.counts}'",
            ),
        }[self.kind][0 if da else 1]
        head = (
            f"{ind}, {_area(mun, lang)}, gruppe {grp or 'alle'}, kilde {src}, {per}"
            if da
            else f"{ind}, {_area(mun, lang)}, group {grp or 'all'}, source {src}, {per}"
        )
        return f"{head}: {detail} [{'; '.join(self.places[:4])}]"


@dataclass
class CheckResult:
    """What the checker read and found."""

    workbooks: int = 0
    pages: int = 0
    data_files: int = 0  # the long-format CSV downloads (`pejling.report.download`)
    facts: int = 0
    hidden: int = 0
    relations: int = 0
    leaks: list[Leak] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _area(mun: int, lang: str = "en") -> str:
    if mun == 0:
        return "hele landet" if lang == "da" else "the whole country"
    if mun == REST_OF_COUNTRY:
        return "resten af landet" if lang == "da" else "the rest of the country"
    m = municipalities().get(mun)
    return f"{m.name} ({mun})" if m else str(mun)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _roles(header: Iterable[object]) -> dict[str, int]:
    """Column roles of a workbook sheet from its header (Danish or English).

    The workbook's code columns (indicator id, group code, period code, unit code, municipality
    code) identify a figure; the Danish period label is kept to find the figure on the pages.
    """
    names: dict[str, str] = {}
    for lang in _LANGS:
        t = labels(lang)
        for key, role in (("goal_id", "goal"), ("indicator_id", "indicator"),
                          ("group_code", "group"), ("unit_code", "unit"),
                          ("municipality_code", "code"), ("period_code", "period"),
                          ("period", "period_label"), ("suppressed", "hidden"),
                          ("series", "series"), ("value", "value"),
                          ("numerator", "numerator"), ("denominator", "denominator"),
                          ("judged_on", "judged_on"), ("source", "source"),
                          ("municipality", "municipality"), ("area", "area"),
                          ("provenance", "provenance")):  # fmt: skip
            names.setdefault(t[key].lower(), role)
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        found = names.get(str(h or "").strip().lower())
        if found is not None and found not in out:
            out[found] = i
    return out


def _hidden(row: list[object], roles: dict[str, int]) -> bool:
    """A suppressed figure: flagged in its column (or, in older workbooks, the word)."""
    if "hidden" in roles and str(row[roles["hidden"]] or "").strip().lower() in _YES:
        return True
    value = row[roles["value"]]
    return isinstance(value, str) and value.strip().lower() in _HIDDEN


class _Reader:
    """Collects facts from workbooks and pages."""

    def __init__(self) -> None:
        self.facts: dict[CellKey, Fact] = {}
        self.result = CheckResult()
        #: per policy folder: (series label, period) → key, for the HTML tables
        #: per policy folder: (goal id, series label, period) → key; the pages mark each goal's
        #: section with `data-goal`, so "Hele landet" of one goal is not taken for another's
        self.labels: dict[Path, dict[tuple[str, str, str], CellKey]] = defaultdict(dict)

    def add(self, key: CellKey, hidden: bool, cell: Cell | None, unit: str, place: str) -> None:
        fact = self.facts.get(key)
        if fact is None:
            self.facts[key] = Fact(hidden, cell, unit, [place])
            return
        fact.places.append(place)
        if fact.hidden != hidden:
            shown = cell if not hidden else fact.cell
            hidden_at = [p for p in fact.places if p != place] if not hidden else [place]
            self.result.leaks.append(
                Leak(
                    "published_elsewhere",
                    key,
                    _counts(shown),
                    tuple(fact.places),
                    extra=", ".join(hidden_at[:2]),
                )
            )
            if not hidden:
                fact.hidden, fact.cell = False, cell

    def workbook(self, path: Path, root: Path) -> None:
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # not a workbook we can read: not a pejling report
            self.result.notes.append(f"{path.relative_to(root)}: not a readable workbook, skipped")
            return
        try:
            sheets: dict[str, list[list[object]]] = {
                ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb
            }
        finally:
            wb.close()
        place = str(path.relative_to(root))
        municipality = _report_municipality(sheets)
        figures = map_rows = None
        for rows in sheets.values():
            if not rows:
                continue
            roles = _roles(rows[0])
            if {"goal", "indicator", "group", "numerator", "denominator"} <= roles.keys():
                figures = (roles, rows[1:])
            elif {"goal", "indicator", "code", "value"} <= roles.keys():
                map_rows = (roles, rows[1:])
        if figures is None:
            return
        self.result.workbooks += 1
        if municipality is None:
            self.result.notes.append(f"{place}: the report's municipality is not stated, skipped")
            return
        roles, rows = figures
        goal_group: dict[str, str] = {}
        source_of_label: dict[str, str] = {}
        for row in rows:
            label = str(row[roles["series"]] or "") if "series" in roles else ""
            mun = 0 if label.strip().lower() in _NATIONAL else municipality
            grp = str(row[roles["group"]] or "")
            grp = "" if grp.lower() in _ALL else grp
            source = str(row[roles["source"]] or "") if "source" in roles else ""
            judged = str(row[roles["judged_on"]] or "") if "judged_on" in roles else source
            provenance = str(row[roles["provenance"]] or "") if "provenance" in roles else ""
            computed = source in _COMPUTED_SOURCE or provenance.lower() in _COMPUTED
            src = REGISTER if computed else judged
            source_of_label.setdefault(judged, src)
            goal = str(row[roles["goal"]] or "")
            if mun != 0:
                goal_group.setdefault(goal, grp)
            period = str(row[roles["period"]] or "")
            key = (str(row[roles["indicator"]] or ""), mun, grp, src, period)
            value = row[roles["value"]]
            hidden = _hidden(row, roles)
            unit = str(row[roles["unit"]] or "") if "unit" in roles else ""
            cell = None if hidden else _cell(unit, value, row[roles["numerator"]],
                                             row[roles["denominator"]])  # fmt: skip
            self.add(key, hidden, cell, unit, place)
            # the pages name a series by its label (gap goals) or by its area, each with the
            # source it is judged on: "Kalundborg (Syntetisk registeropgørelse)"
            area = str(row[roles["area"]] or "") if "area" in roles else ""
            names = [label] + ([f"{area} ({judged})"] if area and judged else [])
            periods = [period]
            if "period_label" in roles:  # the pages show the period as Danes write it
                periods.append(str(row[roles["period_label"]] or ""))
            for name in names:
                for shown in periods:
                    self.labels[path.parent][(goal, name, shown)] = key
        if map_rows is not None:
            roles, rows = map_rows
            for row in rows:
                goal = str(row[roles["goal"]] or "")
                code = _number(row[roles["code"]])
                if goal not in goal_group or code is None:
                    continue
                label = str(row[roles["source"]] or "") if "source" in roles else ""
                src = source_of_label.get(label, label)
                period = str(row[roles["period"]] or "")
                key = (str(row[roles["indicator"]] or ""), int(code), goal_group[goal], src,
                       period)  # fmt: skip
                value = row[roles["value"]]
                hidden = _hidden(row, roles)
                unit = str(row[roles["unit"]] or "") if "unit" in roles else ""
                cell = None if hidden else _cell(unit, value, None, None)
                self.add(key, hidden, cell, unit, place)

    def data_file(self, path: Path, root: Path) -> None:
        """A long-format CSV download (`pejling export`, the site's `data/`): every row names
        its cell by code, so the municipalities of a map come with their counts."""
        place = str(path.relative_to(root))
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                first = fh.readline()
                excel = ";" in first and "," not in first
                header = next(csv.reader([first], delimiter=";" if excel else ","), [])
                if not set(header) >= _DATA_COLUMNS:
                    return  # not a pejling download
                col = {name: i for i, name in enumerate(header)}
                self.result.data_files += 1
                for row in csv.reader(fh, delimiter=";" if excel else ","):
                    if len(row) != len(header):
                        continue
                    code = _decimal(row[col["municipality_code"]], excel)
                    if code is None:
                        continue
                    benchmark = "measure" in col and row[col["measure"]] == BENCHMARK
                    source = BENCHMARK if benchmark else row[col["series_source"]]
                    key = (row[col["indicator_id"]], int(code), row[col["group_code"]],
                           source, row[col["period_code"]])  # fmt: skip
                    hidden = row[col["suppressed"]].strip().lower() == "true"
                    unit = row[col["unit"]]
                    if benchmark:  # a share and its persons: the persons with the outcome
                        share = _decimal(row[col["value"]], excel)
                        persons = _decimal(row[col["persons"]], excel) if "persons" in col else None
                        cell = None
                        if not hidden and share is not None and persons is not None:
                            cell = Cell(share * persons / 100, persons, None)
                    else:
                        cell = None if hidden else _cell(
                            unit, *(_decimal(row[col[c]], excel)
                                    for c in ("value", "numerator", "denominator")))  # fmt: skip
                    self.add(key, hidden, cell, unit, place)
        except (OSError, UnicodeDecodeError, csv.Error, ValueError):
            self.result.notes.append(f"{place}: not a readable data file, skipped")

    def page(self, path: Path, root: Path) -> None:
        parser = _FigureTables()
        national = _NationalTables()
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
            parser.feed(text)
            national.feed(text)
        except Exception:  # a page we cannot parse is not a pejling page
            self.result.notes.append(f"{path.relative_to(root)}: not parsed")
            return
        if not parser.tables and not national.rows:
            return
        self.result.pages += 1
        place = str(path.relative_to(root))
        for cell_key, hidden, shown in national.rows:
            fact = self.facts.get(cell_key)
            if fact is None:
                continue
            fact.places.append(place)
            if fact.hidden and not hidden and re.search(r"\d", shown):
                self.result.leaks.append(
                    Leak("html_shows_hidden", cell_key, shown, (place, *fact.places))
                )
        known = self.labels.get(path.parent, {})
        place = str(path.relative_to(root))
        for table in parser.tables:
            for period, cells in table.rows.items():
                for label, (hidden, text) in cells.items():
                    key = _match(known, table.goal, label, period)
                    if key is None:
                        continue
                    fact = self.facts.get(key)
                    if fact is not None and fact.hidden and not hidden and re.search(r"\d", text):
                        self.result.leaks.append(
                            Leak("html_shows_hidden", key, text, (place, *fact.places))
                        )


def _match(
    known: dict[tuple[str, str, str], CellKey], goal: str, label: str, period: str
) -> CellKey | None:
    """The workbook series whose label the page's column label starts with (the longest), in
    the page's goal section when the page marks it."""
    best: tuple[int, CellKey] | None = None
    for (of_goal, series, per), key in known.items():
        longer = best is None or len(series) > best[0]
        same_goal = not goal or of_goal == goal
        if same_goal and per == period and series and label.startswith(series) and longer:
            best = (len(series), key)
    return best[1] if best else None


#: the columns that make a CSV file a pejling data download (`pejling.report.download`)
_DATA_COLUMNS = {
    "indicator_id", "municipality_code", "group_code", "series_source", "period_code",
    "suppressed", "unit", "value", "numerator", "denominator",
}  # fmt: skip


def _decimal(text: str, comma: bool) -> float | None:
    text = text.strip()
    if not text:
        return None
    return float(text.replace(",", ".") if comma else text)


def _cell(unit: str, value: object, numerator: object, denominator: object) -> Cell:
    num, den, val = _number(numerator), _number(denominator), _number(value)
    if unit == "count":
        return Cell(None, None, val)
    return Cell(num, den, None)


def _counts(cell: Cell | None) -> str:
    if cell is None:
        return "?"
    if cell.denominator is not None and cell.numerator is not None:
        return f"{cell.numerator:g}/{cell.denominator:g}"
    parts = [f"{x:g}" for x in (cell.numerator, cell.denominator, cell.value) if x is not None]
    return ", ".join(parts) or "?"


def _report_municipality(sheets: dict[str, list[list[object]]]) -> int | None:
    """The report's municipality from the first sheet's 'Kommune: …' / 'Municipality: …'."""
    names = code_by_name()
    for rows in sheets.values():
        for row in rows[:20]:
            text = str(row[0] or "") if row else ""
            if len(row) > 1 and row[1] is not None:  # a fact row: label | value
                text = f"{text}: {row[1]}"
            for lang in _LANGS:
                head = labels(lang)["municipality"] + ": "
                if text.startswith(head):
                    name = text[len(head) :].strip()
                    if name.lower() in _NATIONAL:
                        return 0
                    return names.get(name.lower())
        break
    return None


#: the series source under which the data download's comparison rows are read (they are not
#: figures of a series, so they never meet a series' relations)
BENCHMARK = "benchmark"


class _NationalTables(HTMLParser):
    """The national report's tables: every municipality's figure per goal (`table.munis`) and
    the comparison (`table.compare`); each row names its cell in `data-` attributes. Collects
    (key, hidden, text shown) per row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[CellKey, bool, str]] = []
        self._table: dict[str, str] | None = None
        self._row: dict[str, str] | None = None
        self._text: list[str] = []
        self._hidden = False
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "table" and {"munis", "compare"} & set(classes):
            self._table = {**a, "kind": "munis" if "munis" in classes else "compare"}
        elif self._table is None:
            return
        elif tag == "tr" and "data-code" in a:
            self._row, self._text, self._hidden = a, [], False
        elif tag == "td" and self._row is not None:
            self._in_cell = True
            self._hidden = self._hidden or "suppressed" in classes

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._in_cell:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag == "td":
            self._in_cell = False
        elif tag == "tr" and self._row is not None:
            self._end_row(self._table, self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def _end_row(self, table: dict[str, str], row: dict[str, str]) -> None:
        code = row.get("data-code", "")
        if not code.isdigit():
            return
        text = " ".join(" ".join(self._text).split())
        if table["kind"] == "munis":
            if "data-period" not in row:
                return
            key = (table.get("data-indicator", ""), int(code), table.get("data-group", ""),
                   row.get("data-source", REGISTER), row["data-period"])  # fmt: skip
            shown = text.split(" ")[0] if text else ""
        else:
            key = (table.get("data-indicator", ""), int(code), "", BENCHMARK,
                   table.get("data-period", ""))  # fmt: skip
            shown = text
        self.rows.append((key, self._hidden, shown))


class _Table:
    def __init__(self) -> None:
        self.groups: list[tuple[str, int]] = []  # column-group label, columns
        self.head_rows = 0
        self.caption = ""
        self.goal = ""  # the goal section the table is in (`data-goal`), if the page says
        self.rows: dict[str, dict[str, tuple[bool, str]]] = {}

    @property
    def single(self) -> bool:
        """One series per table, named in the caption ("Tal bag figuren: <series>")."""
        return self.head_rows <= 1 and bool(self.caption)

    @property
    def label(self) -> str:
        return self.caption.split(": ", 1)[-1]


class _FigureTables(HTMLParser):
    """The `<table class="figures">` tables of a page: per period, per series label, whether
    the figure is hidden and the text of its counts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self._table: _Table | None = None
        self._in_head = False
        self._row: list[tuple[str, int, str, bool]] | None = None  # tag, colspan, text, hidden
        self._cell: list[str] | None = None
        self._cell_meta: tuple[str, int, bool] = ("", 1, False)
        self._goal = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-goal" in a:
            self._goal = a["data-goal"]
        if tag == "table" and "figures" in a.get("class", "").split():
            self._table = _Table()
            self._table.goal = self._goal
        elif self._table is None:
            return
        elif tag == "caption":
            self._cell = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            span = int(a.get("colspan", "1") or 1) if a.get("colspan", "1").isdigit() else 1
            self._cell = []
            self._cell_meta = (tag, span, "suppressed" in a.get("class", "").split())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag == "caption" and self._cell is not None:
            self._table.caption = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            kind, span, hidden = self._cell_meta
            self._row.append((kind, span, " ".join("".join(self._cell).split()), hidden))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._end_row(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append(self._table)
            self._table = None

    def _end_row(self, row: list[tuple[str, int, str, bool]]) -> None:
        table = self._table
        assert table is not None
        if self._in_head:
            table.head_rows += 1
            if table.head_rows == 1:
                table.groups = [(text, span) for _k, span, text, _h in row[1:]]
            return
        if not row or row[0][0] != "th":
            return
        period = row[0][2]
        cells: dict[str, tuple[bool, str]] = {}
        if table.single:
            hidden = any(h for _k, _s, _t, h in row[1:])
            cells[table.label] = (hidden, " ".join(t for _k, _s, t, _h in row[1:]))
            table.rows[period] = cells
            return
        column = 0
        bounds = []
        start = 0
        for label, span in table.groups:
            bounds.append((start, start + span, label))
            start += span
        for _kind, span, text, hidden in row[1:]:
            for lo, hi, label in bounds:
                if lo <= column < hi:
                    before = cells.get(label, (False, ""))
                    cells[label] = (before[0] or hidden, (before[1] + " " + text).strip())
                    break
            column += span
        table.rows[period] = cells


def _aliases(catalog: Catalog) -> dict[str, frozenset[tuple[str, str]]]:
    out: dict[str, frozenset[tuple[str, str]]] = {}
    for ind in catalog.ids():
        spec = catalog.indicators[ind]
        if spec.compute is not None:
            out[ind] = frozenset(kv for a in spec.compute.whole_population_as for kv in a.items())
    return out


def check_folder(root: Path, *, threshold: int = 5, catalog: Catalog | None = None) -> CheckResult:
    """Read every workbook and page under `root` and try the attacks."""
    reader = _Reader()
    root = root.resolve()
    for path in sorted(root.rglob("*.xlsx")):
        if not path.name.startswith((".", "~$")):
            reader.workbook(path, root)
    for path in sorted(root.rglob("*.csv")):
        if not path.name.startswith((".", "~$")):
            reader.data_file(path, root)
    for path in sorted(root.rglob("*.html")):
        reader.page(path, root)
    aliases = _aliases(catalog or load_catalog())
    relations = all_relations(
        reader.facts,
        lambda ind, src: aliases.get(ind, frozenset()) if src == REGISTER else frozenset(),
    )
    result = reader.result
    result.facts = len(reader.facts)
    result.hidden = sum(1 for f in reader.facts.values() if f.hidden)
    result.relations = len(relations)
    result.leaks.extend(_solve(reader.facts, relations, threshold))
    result.leaks.extend(_pooled(reader.facts, aliases, threshold))
    return result


def _round(x: float | None) -> float | None:
    """A count computed from a share and its persons, without the float's noise."""
    return None if x is None else round(x, 6)


def _pooled(
    facts: dict[CellKey, Fact],
    aliases: dict[str, frozenset[tuple[str, str]]],
    threshold: int,
) -> list[Leak]:
    """Pooled comparison rows minus the single years the folder publishes: the rest must be
    neither small nor exactly one hidden year (`pejling.disclosure.pooled_reveals`)."""
    leaks: list[Leak] = []
    for key, fact in facts.items():
        ind, mun, _grp, src, per = key
        first, _, last = per.partition("-")
        pooled = src == BENCHMARK and first.isdigit() and last.isdigit() and len(last) == 4
        if not pooled or fact.hidden or fact.cell is None or mun <= 0:
            continue
        groups = ["", *(f"{k}={v}" for k, v in sorted(aliases.get(ind, frozenset())))]
        shown: list[CellKey] = []
        unknown: list[CellKey | None] = []  # a year not shown: its hidden cell, or None
        for year in range(int(first), int(last) + 1):
            year_keys = [(ind, mun, g, REGISTER, str(year)) for g in groups]
            visible = [k for k in year_keys if k in facts and not facts[k].hidden]
            hidden = [k for k in year_keys if k in facts and facts[k].hidden]
            if visible:
                shown.append(visible[0])
            else:
                unknown.append(hidden[0] if hidden else None)
        parts = [c for k in shown if (c := facts[k].cell) is not None]
        rest = difference(fact.cell, parts)
        rest = Cell(_round(rest.numerator), _round(rest.denominator), _round(rest.value))
        if is_zero(rest):
            continue
        one_hidden = unknown[0] if len(unknown) == 1 else None
        if is_primary(rest, threshold) or one_hidden is not None:
            places = sorted({p for k in (key, *shown) for p in facts[k].places})
            kind = "recovered" if one_hidden is not None else "small_derived"
            leaks.append(Leak(kind, one_hidden or key, _counts(rest), tuple(places),
                              (key, *shown), threshold=threshold))  # fmt: skip
    return leaks


def _solve(facts: dict[CellKey, Fact], relations: list[Relation], threshold: int) -> list[Leak]:
    """Derive what the relations reveal from the published counts, until nothing new."""
    known: dict[CellKey, Cell] = {
        k: f.cell for k, f in facts.items() if not f.hidden and f.cell is not None
    }
    # all 98 municipalities published: the rest of the country is empty, as an attacker assumes
    count_98: dict[tuple[str, str, str, str], set[int]] = defaultdict(set)
    for ind, mun, grp, src, per in facts:
        if mun > 0:
            count_98[(ind, grp, src, per)].add(mun)
    for (ind, grp, src, per), muns in count_98.items():
        if len(muns) >= len(municipalities()):
            known[(ind, REST_OF_COUNTRY, grp, src, per)] = Cell(0.0, 0.0, 0.0)
    leaks: list[Leak] = []
    changed = True
    while changed:
        changed = False
        for rel in relations:
            missing = [k for k in rel.keys if k not in known]
            if len(missing) != 1:
                continue
            (target,) = missing
            if target == rel.total:
                value = _sum([known[p] for p in rel.parts])
                formula, op = rel.parts, "+"
            else:
                others = [known[p] for p in rel.parts if p != target]
                value = difference(known[rel.total], others)
                formula = (rel.total, *(p for p in rel.parts if p != target))
                op = "−"
            if all(x is None for x in (value.numerator, value.denominator, value.value)):
                continue
            known[target] = value
            changed = True
            fact = facts.get(target)
            if fact is not None and fact.hidden:
                leaks.append(Leak("recovered", target, _counts(value), tuple(fact.places),
                                  formula, op, threshold=threshold))  # fmt: skip
            elif (
                fact is None
                and target[1] != REST_OF_COUNTRY
                and _persons(facts, rel)
                and is_primary(value, threshold)
            ):
                places = sorted({p for k in rel.keys if k in facts for p in facts[k].places})
                leaks.append(Leak("small_derived", target, _counts(value), tuple(places),
                                  formula, op, threshold=threshold))  # fmt: skip
    return leaks


def _persons(facts: dict[CellKey, Fact], rel: Relation) -> bool:
    """The relation counts persons (shares and counts), so a small result is a small cell."""
    units = {facts[k].unit for k in rel.keys if k in facts}
    return bool(units) and units <= {"percent", "count"}


def _sum(cells: list[Cell]) -> Cell:
    out: list[float | None] = []
    for attr in ("numerator", "denominator", "value"):
        total: float | None = 0.0
        for c in cells:
            x = getattr(c, attr)
            total = None if total is None or x is None else total + x
        out.append(total)
    return Cell(out[0], out[1], out[2])


def _short(key: CellKey, lang: str = "en") -> str:
    _ind, mun, grp, _src, per = key
    return f"{_area(mun, lang)}/{grp or ('alle' if lang == 'da' else 'all')}/{per}"
