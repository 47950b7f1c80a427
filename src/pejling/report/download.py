"""Every figure a workspace publishes, as one long table for machines: CSV and Parquet.

Why from the published reports and not from the store: the download must hold exactly what the
reports, the site and the workbooks show after the publication's disclosure control
(`build_publication`), no more. So the rows are read off the finished reports — every point of
every series of every goal (the municipality, the comparison group, the nation, other sources)
and every municipality of every map — one row per figure, a figure shown in several reports
once (with the ids of the policies that show it). A suppressed figure is a row with empty
numbers and `suppressed` true, never its number.

Why these formats: the CSV is the standard one machines read (RFC 4180 with `,` and `.`,
UTF-8 without byte-order mark, one header row of stable snake_case codes, `true`/`false`, ISO
dates); Danish Excel splits on `;` and reads decimal commas, so `pejling export --format
csv-excel` writes that variant (`;`, decimal comma, UTF-8 with byte-order mark) — the workbooks
remain the readable Danish version. Text a spreadsheet would read as a formula is written as
text in both CSVs (`pejling.safe_export`). The Parquet file is written by DuckDB's `COPY … TO`
(no pyarrow) with typed columns and the raw text (Parquet is not read as formulas). Every file is
written to a temporary name and renamed into place.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.engine.run import SOURCE as COMPUTED_SOURCE
from pejling.reference.municipalities import name_of
from pejling.report.build import write_atomic
from pejling.report.model import Report, ShownPoint
from pejling.report.texts import labels
from pejling.report.workbook import describe_group
from pejling.safe_export import csv_value
from pejling.spec.indicator import IndicatorSpec

if TYPE_CHECKING:
    from pejling.national.report import NationalReport, NationalSection

#: file names in the site's `data/` folder (and the default of `pejling export`)
BASENAME = "pejling-observationer"
README_NAME = "LAES-MIG.txt"
DATA_DIR = "data"
FORMATS = ("csv", "csv-excel", "parquet")

CellKey = tuple[str, int, str, str, str]
#: the `measure` of a published figure and of a row of the national report's comparison
FIGURE = "figure"
BENCHMARK = "benchmark"
Value = str | int | float | bool | date | None


@dataclass(frozen=True)
class Column:
    """One column of the download: its code, DuckDB type and meaning in Danish and English."""

    code: str
    sql: str
    da: str
    en: str


COLUMNS: tuple[Column, ...] = (
    Column("indicator_id", "VARCHAR", "indikatorens id (`pejling indicators`)",
           "the indicator's id (`pejling indicators`)"),
    Column("indicator_name", "VARCHAR", "indikatorens navn på dansk", "the indicator's Danish name"),
    Column("municipality_code", "INTEGER", "kommunekode; 0 = hele landet",
           "municipality code; 0 = the whole country"),
    Column("municipality_name", "VARCHAR", "kommunens navn, eller Hele landet",
           "the municipality's name, or Hele landet"),
    Column("period_code", "VARCHAR", "perioden som kode: 2018, 2018H2, 2018Q4, 2018-12",
           "the period as a code: 2018, 2018H2, 2018Q4, 2018-12"),
    Column("period_label", "VARCHAR", "perioden som på dansk: 2. halvår 2018",
           "the period in Danish: 2. halvår 2018"),
    Column("period_start", "DATE", "periodens første dag (ÅÅÅÅ-MM-DD)",
           "the period's first day (YYYY-MM-DD)"),
    Column("period_end", "DATE", "periodens sidste dag", "the period's last day"),
    Column("group_code", "VARCHAR", "gruppen som kode, fx origin=non_western;sex=f; tom = alle",
           "the group as a code, e.g. origin=non_western;sex=f; empty = everybody"),
    Column("group_label", "VARCHAR", "gruppen i ord", "the group in Danish words"),
    Column("unit", "VARCHAR", "enhed: percent (procent, 0–100), count (antal), days (dage), "
           "per_1000 (promille), dkk (kroner), index",
           "unit: percent (0–100), count, days, per_1000, dkk, index"),
    Column("value", "DOUBLE", "tallet (procent i procent: 66.7 er 66,7 %); tomt når "
           "diskretioneret", "the figure (percent in percent: 66.7 is 66.7 %); empty when "
           "suppressed"),
    Column("numerator", "DOUBLE", "tælleren: personer (eller enheder) talt",
           "the numerator: persons (or units) counted"),
    Column("denominator", "DOUBLE", "nævneren: dem der er talt blandt",
           "the denominator: the population counted from"),
    Column("ci_lower", "DOUBLE", "nedre grænse af 95 %-intervallet (Wilson) for en andel",
           "lower limit of the 95 % interval (Wilson) of a share"),
    Column("ci_upper", "DOUBLE", "øvre grænse af 95 %-intervallet", "upper limit of the 95 % "
           "interval"),
    Column("persons", "DOUBLE", "personer tallet bygger på (de udtrukne, for en vægtet "
           "stikprøve)", "persons the figure rests on (the sampled ones, for a weighted sample)"),
    Column("estimated", "BOOLEAN", "true: tæller og nævner er skøn fra en vægtet stikprøve",
           "true: numerator and denominator are estimates from a weighted sample"),
    Column("suppressed", "BOOLEAN", "true: diskretioneret (for få personer); tallene er tomme",
           "true: suppressed (too few persons); the numbers are empty"),
    Column("series_source", "VARCHAR", "seriens kilde: register (beregnet af pejling fra "
           "personregisteret) eller udgiveren, fx Danmarks Statistik",
           "the series source: register (computed by pejling from the person register) or "
           "the publisher, e.g. Danmarks Statistik"),
    Column("source", "VARCHAR", "kilden som citeret (dokument eller tabel)",
           "the source as cited (document or table)"),
    Column("vintage", "VARCHAR", "udgivelsen eller datadatoen tallet stammer fra",
           "the release or data date the figure comes from"),
    Column("provenance", "VARCHAR", "oprindelse: published (offentliggjort af udgiveren), "
           "register (beregnet fra personregisteret) eller synthetic (beregnet fra syntetiske "
           "data)", "provenance: published (by the publisher), register (computed from the "
           "person register) or synthetic (computed from generated data)"),
    Column("synthetic", "BOOLEAN", "true: beregnet fra syntetiske data – ikke rigtige tal",
           "true: computed from synthetic data – not real figures"),
    Column("policies", "VARCHAR", "de politikker (id, adskilt af mellemrum) hvis rapport viser "
           "tallet", "the policies (ids, separated by spaces) whose report shows the figure"),
    Column("measure", "VARCHAR", "rækkens slags: figure (et offentliggjort tal) eller benchmark "
           "(den nationale rapports sammenligning med det forventede: value er den faktiske "
           "andel; for samlede årgange er period_code første og sidste år, fx 2020-2024)",
           "the kind of row: figure (a published figure) or benchmark (the national report's "
           "comparison with the expected: value is the observed share; for pooled cohorts "
           "period_code is the first and last year, e.g. 2020-2024)"),
    Column("expected", "DOUBLE", "benchmark: den forventede andel (procent) ud fra kommunens "
           "personer og ledighed", "benchmark: the expected share (percent) from the "
           "municipality's persons and unemployment"),
    Column("difference", "DOUBLE", "benchmark: faktisk minus forventet andel (procentpoint)",
           "benchmark: observed minus expected share (percentage points)"),
    Column("difference_ci_lower", "DOUBLE", "benchmark: nedre grænse af forskellens "
           "95 %-interval", "benchmark: lower limit of the difference's 95 % interval"),
    Column("difference_ci_upper", "DOUBLE", "benchmark: øvre grænse af forskellens "
           "95 %-interval", "benchmark: upper limit of the difference's 95 % interval"),
    Column("shrunken", "DOUBLE", "benchmark: forskellen krympet mod 0 (empirisk Bayes)",
           "benchmark: the difference shrunk towards 0 (empirical Bayes)"),
    Column("fifth", "INTEGER", "benchmark: femtedel, 1 = bedste … 5 = dårligste (tom: ikke "
           "rangeret)", "benchmark: fifth, 1 = best … 5 = worst (empty: not ranked)"),
    Column("rank_median", "DOUBLE", "benchmark: rangens median (1 = bedst)",
           "benchmark: the rank's median (1 = best)"),
    Column("rank_lower", "INTEGER", "benchmark: rangens 95 %-interval, bedste ende",
           "benchmark: the rank's 95 % interval, best end"),
    Column("rank_upper", "INTEGER", "benchmark: rangens 95 %-interval, dårligste ende",
           "benchmark: the rank's 95 % interval, worst end"),
    Column("funnel", "VARCHAR", "benchmark: i tragtdiagrammet within, above95, above998, "
           "below95 eller below998", "benchmark: in the funnel plot within, above95, "
           "above998, below95 or below998"),
)  # fmt: skip
CODES = tuple(c.code for c in COLUMNS)
#: the columns a row is identified by (all but `policies`, which lists the reports showing it)
_KEYED = tuple(c for c in CODES if c != "policies")
_NUMBERS = {c.code for c in COLUMNS if c.sql in ("DOUBLE", "INTEGER")}


def _key_row(spec: IndicatorSpec, key: CellKey, p: ShownPoint) -> tuple[Value, ...]:
    """A row without its policies (two reports showing a figure give the same row)."""
    ind, mun, grp, src, _per = key
    hidden = p.suppressed or p.value is None
    t = labels("da")
    interval = p.interval if p.interval and not hidden else None
    row: dict[str, Value] = {
        "indicator_id": ind,
        "indicator_name": spec.title,
        "municipality_code": mun,
        "municipality_name": name_of(mun) if mun else t["national"],
        "period_code": p.period.label,
        "period_label": p.period.label_da(),
        "period_start": p.period.start,
        "period_end": p.period.end,
        "group_code": grp,
        "group_label": describe_group(grp, "da"),
        "unit": spec.unit.value,
        "value": None if hidden else p.value,
        "numerator": None if hidden else p.numerator,
        "denominator": None if hidden else p.denominator,
        "ci_lower": interval[0] if interval else None,
        "ci_upper": interval[1] if interval else None,
        "persons": None if hidden else p.persons,
        "estimated": not hidden and p.estimated,
        "suppressed": hidden,
        "series_source": src,
        "source": t["computed_source"] if p.source == COMPUTED_SOURCE else p.source,
        "vintage": p.vintage,
        "provenance": p.provenance,
        "synthetic": p.synthetic,
        "measure": FIGURE,
    }
    return tuple(row.get(c) for c in _KEYED)


def _shown(report: Report) -> Iterable[tuple[IndicatorSpec, CellKey, ShownPoint]]:
    """Every figure a report shows, with its cell key (as `pejling.report.model` keys them)."""
    for g in report.goals():
        if g.spec is None:
            continue
        for s in g.series:
            mun = 0 if s.role == "national" else report.policy.municipality
            for p in s.points:
                yield g.spec, (g.spec.id, mun, s.group, s.source, p.period.label), p
        if g.map is not None:
            for key, p in g.map.cells.items():
                yield g.spec, key, p


def published_cells(reports: Sequence[Report]) -> dict[CellKey, ShownPoint]:
    """Every figure of reports published together, by cell key (one publication: a cell has
    the same state in every report that shows it)."""
    return {key: p for report in reports for _spec, key, p in _shown(report)}


def _national_figures(
    report: NationalReport,
) -> Iterable[tuple[IndicatorSpec, CellKey, ShownPoint]]:
    """Every municipality's (and the nation's) figure per goal of a national report, as the
    publication shows it: the judged figure, or the hidden cell of the newest period."""
    from pejling.national.report import figure_key

    st = report.status
    for s in report.sections:
        g = s.goal
        if g.spec is None:
            continue
        for status in (g.main.national, *g.main.rows):
            key = figure_key(st, g, status) if status is not None else None
            if status is None or key is None:
                continue
            point = st.published.get(key)
            if point is None and status.latest is not None and not status.suppressed:
                v = status.latest
                point = ShownPoint(v.period, v.value, v.numerator, v.denominator, v.interval,
                                   False, v.source, v.vintage, v.provenance, v.persons)  # fmt: skip
            if point is not None:
                yield g.spec, key, point


def _benchmark_rows(report: NationalReport, s: NationalSection) -> Iterable[tuple[Value, ...]]:
    """The comparison's rows of one goal: every municipality with persons (a hidden one with
    empty numbers) and the nation (its share and persons, as the report shows them)."""
    from pejling.evaluation.points import REGISTER

    c = s.comparison
    spec = s.goal.spec
    if c is None or spec is None:
        return
    res = c.result
    t = labels("da")
    from pejling.national.report_render import benchmark_period_code

    first, last = res.periods[0], res.periods[-1]
    code = benchmark_period_code(res)
    start, end = date(int(first[:4]), 1, 1), date(int(last[:4]), 12, 31)
    base: dict[str, Value] = {
        "indicator_id": spec.id, "indicator_name": spec.title, "period_code": code,
        "period_label": res.period_label, "period_start": start, "period_end": end,
        "group_code": "", "group_label": describe_group("", "da"), "unit": "percent",
        "series_source": REGISTER, "source": t["computed_source"],
        "vintage": res.as_of.isoformat(),
        "provenance": "synthetic" if res.synthetic else "register",
        "synthetic": res.synthetic, "measure": BENCHMARK, "estimated": False,
    }  # fmt: skip
    lines: list[tuple[int, dict[str, Value]]] = [
        (0, {"value": res.national_share, "persons": float(res.persons), "suppressed": False})
    ]
    for ln in c.lines:
        r = ln.row
        if r is None:
            if ln.hidden:
                lines.append((ln.code, {"suppressed": True}))
            continue
        lo, hi = r.difference_interval
        ri = r.rank_interval
        lines.append((ln.code, {
            "value": r.observed_share, "persons": float(r.persons), "suppressed": False,
            "expected": r.expected_share, "difference": r.difference,
            "difference_ci_lower": lo, "difference_ci_upper": hi, "shrunken": r.shrunken,
            "fifth": r.fifth, "rank_median": r.rank_median,
            "rank_lower": ri[0] if ri else None, "rank_upper": ri[1] if ri else None,
            "funnel": r.funnel,
        }))  # fmt: skip
    for mun, figures in lines:
        figures = {k: _six(v) for k, v in figures.items()}
        row = {**base, **figures, "municipality_code": mun,
               "municipality_name": name_of(mun) if mun else t["national"]}  # fmt: skip
        yield tuple(row.get(col) for col in _KEYED)


def _six(value: Value) -> Value:
    """A model figure to 6 decimals: shown to one, and the fit's last bits differ between runs
    (DuckDB's parallel float sums), so the site and `pejling export` agree."""
    return round(value, 6) + 0.0 if isinstance(value, float) else value


def observation_rows(
    reports: Sequence[Report], national: Sequence[NationalReport] = ()
) -> list[tuple[Value, ...]]:
    """One row per published figure (columns `CODES`), sorted by indicator, municipality,
    group, source and period: every figure of the reports, and of the national reports every
    municipality's figure per goal and the comparison with the expected (`measure`
    benchmark). All must be published together (`build_publication`; the national reports
    from the same workspace)."""
    found: dict[tuple[Value, ...], list[str]] = {}
    for report in reports:
        for spec, key, p in _shown(report):
            ids = found.setdefault(_key_row(spec, key, p), [])
            if report.policy.id not in ids:
                ids.append(report.policy.id)
    for nr in national:
        pid = nr.status.policy.id
        rows = [_key_row(spec, key, p) for spec, key, p in _national_figures(nr)]
        for s in nr.sections:
            rows.extend(_benchmark_rows(nr, s))
        for row in rows:
            ids = found.setdefault(row, [])
            if pid not in ids:
                ids.append(pid)
    at = CODES.index("policies")
    rows = [(*row[:at], " ".join(ids), *row[at:]) for row, ids in found.items()]
    order = {c: i for i, c in enumerate(CODES)}

    def sort_key(row: tuple[Value, ...]) -> tuple[object, ...]:
        pick = [row[order[c]] for c in ("indicator_id", "measure", "municipality_code",
                                         "group_code", "series_source", "period_start",
                                         "period_end", "vintage")]  # fmt: skip
        return (*[x if x is not None else "" for x in pick], bool(row[order["suppressed"]]))

    return sorted(rows, key=sort_key)


def _text(value: Value, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", ",") if excel else text
    if isinstance(value, date):
        return value.isoformat()
    return str(csv_value(value))  # a text a spreadsheet would run as a formula gets a '


def csv_bytes(rows: Sequence[tuple[Value, ...]], *, excel: bool = False) -> bytes:
    """The rows as CSV: `,` and `.`, UTF-8 (`excel`: `;`, decimal comma, UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n"
    )
    writer.writerow(CODES)
    for row in rows:
        writer.writerow([_text(v, excel) for v in row])
    return (("\ufeff" if excel else "") + buffer.getvalue()).encode("utf-8")


def write_csv(rows: Sequence[tuple[Value, ...]], path: Path, *, excel: bool = False) -> Path:
    """Write the CSV atomically."""
    write_atomic(path, csv_bytes(rows, excel=excel))
    return path


def write_parquet(rows: Sequence[tuple[Value, ...]], path: Path) -> Path:
    """Write the rows as Parquet with typed columns (DuckDB's COPY), atomically."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
        select = ", ".join(
            f"unnest(${i + 1}::{c.sql}[]) AS {c.code}" for i, c in enumerate(COLUMNS)
        )
        con = duckdb.connect()
        try:
            con.execute(f"CREATE TABLE obs AS SELECT {select}", [list(col) for col in columns])
            target = tmp.replace("'", "''")
            con.execute(f"COPY obs TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_TEXTS = {
    "da": {
        "title": "pejling – alle offentliggjorte tal",
        "made": "Dannet {date}; {rows} rækker, én pr. tal.",
        "synthetic": "SYNTETISKE DATA – ikke rigtige tal: rækker med synthetic = true er "
        "beregnet fra genererede data.",
        "csv": "{name}.csv: kommasepareret (,) med punktum som decimaltegn, UTF-8, én "
        "overskriftsrække med kolonnekoderne nedenfor; sand/falsk som true/false, datoer som "
        "ÅÅÅÅ-MM-DD. Tekst der begynder med = + - eller @ er skrevet med ' foran, så et "
        "regneark ikke kører den som en formel.",
        "parquet": "{name}.parquet: de samme rækker med typede kolonner (tal, datoer, true/false).",
        "workbooks": "Excel-projektmapperne ved hver rapport har de samme tal med danske "
        "overskrifter.",
        "control": "Rækkerne er præcis de tal rapporterne og webstedet viser efter "
        "diskretionering, som er afgjort én gang for alt hvad der offentliggøres sammen: et "
        "diskretioneret tal har suppressed = true og tomme talkolonner, aldrig tallet selv.",
        "columns": "Kolonner:",
        "link_csv": "Alle tal som CSV (kommasepareret, UTF-8)",
        "link_parquet": "Alle tal som Parquet",
        "link_readme": "Læs mig: kolonnernes betydning (tekst)",
        "heading": "Alle tal til download",
        "intro": "Hvert tal rapporterne viser, ét pr. række med koder, kilde og oprindelse – "
        "til analyse i fx R, Python eller et regneark. Diskretionerede tal står som tomme felter.",
    },
    "en": {
        "title": "pejling – every published figure",
        "made": "Made {date}; {rows} rows, one per figure.",
        "synthetic": "SYNTHETIC DATA – not real figures: rows with synthetic = true were "
        "computed from generated data.",
        "csv": "{name}.csv: comma-separated (,) with a decimal point, UTF-8, one header row of "
        "the column codes below; true/false, dates as YYYY-MM-DD. Text beginning with = + - or @ "
        "is written with a leading ' so that a spreadsheet does not run it as a formula.",
        "parquet": "{name}.parquet: the same rows with typed columns (numbers, dates, true/false).",
        "workbooks": "The Excel workbook of each report holds the same figures with readable "
        "headers.",
        "control": "The rows are exactly the figures the reports and the site show after "
        "disclosure control, decided once for everything published together: a suppressed "
        "figure has suppressed = true and empty numbers, never the figure itself.",
        "columns": "Columns:",
        "link_csv": "Every figure as CSV (comma-separated, UTF-8)",
        "link_parquet": "Every figure as Parquet",
        "link_readme": "Read me: what the columns mean (text)",
        "heading": "Every figure for download",
        "intro": "Every figure the reports show, one per row with codes, source and provenance "
        "– for analysis in R, Python or a spreadsheet. Suppressed figures are empty.",
    },
}


def readme_text(rows: int, generated: date, synthetic: bool, lang: str = "da") -> str:
    """The 'læs mig' file shipped beside the data: what the files are and every column."""
    t = _TEXTS["en" if lang == "en" else "da"]
    lines = [t["title"], "", t["made"].format(date=generated.strftime("%d.%m.%Y"), rows=rows), ""]
    if synthetic:
        lines += [t["synthetic"], ""]
    lines += [
        t["csv"].format(name=BASENAME),
        t["parquet"].format(name=BASENAME),
        t["workbooks"],
        "",
        t["control"],
        "",
        t["columns"],
    ]
    lines += [f"  {c.code}: {c.en if lang == 'en' else c.da}" for c in COLUMNS]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class DataDownload:
    """A data file on the site's front page: link, name and size."""

    href: str
    label: str
    size: str


def human_size(n: int, lang: str = "da") -> str:
    """A file size as Danes write it: '850 B', '12 kB', '1,4 MB'."""
    if n < 1000:
        return f"{n} B"
    if n < 999_500:
        return f"{round(n / 1000)} kB"
    text = f"{n / 1_000_000:.1f} MB"
    return text if lang == "en" else text.replace(".", ",")


def site_texts(lang: str) -> dict[str, str]:
    """The front page's texts for the data downloads."""
    return _TEXTS["en" if lang == "en" else "da"]


def write_site_data(
    reports: Sequence[Report],
    root: Path,
    generated: date,
    lang: str = "da",
    *,
    national: Sequence[NationalReport] = (),
) -> list[DataDownload]:
    """Write the CSV, the Parquet file and the 'læs mig' text into `root/data/`; returns the
    links for the front page (relative to `root`)."""
    t = _TEXTS["en" if lang == "en" else "da"]
    rows = observation_rows(reports, national)
    folder = root / DATA_DIR
    synthetic = any(r.synthetic for r in reports) or any(n.synthetic for n in national)
    readme = folder / README_NAME
    write_atomic(readme, readme_text(len(rows), generated, synthetic, lang).encode("utf-8"))
    files = [
        (write_csv(rows, folder / f"{BASENAME}.csv"), t["link_csv"]),
        (write_parquet(rows, folder / f"{BASENAME}.parquet"), t["link_parquet"]),
        (readme, t["link_readme"]),
    ]
    return [
        DataDownload(f"{DATA_DIR}/{path.name}", label, human_size(path.stat().st_size, lang))
        for path, label in files
    ]
