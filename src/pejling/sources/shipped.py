"""Real Statistics Denmark series shipped with pejling, converted to tidy observation files.

Why files rather than writing straight to the store: the demo then goes through exactly the
import a municipality uses (validation, vintages, import log), and a user can open the files.
Origins and attribution of every input: `pejling/data/ATTRIBUTION.md`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from pejling.reference.municipalities import code_by_name

HEADER = (
    "indicator", "municipality", "period", "group", "numerator", "denominator", "value", "unit",
    "source", "vintage", "provenance", "publisher",
)  # fmt: skip
PUBLISHER = "Danmarks Statistik"
ATTRIBUTION = "Danmarks Statistik"

FOLK1E_ORIGIN = {
    "1": "danish_origin",
    "24": "western_immigrant",
    "25": "non_western_immigrant",
    "35": "non_western_descendant",
}  # 34 (descendants from Western countries) has no group of its own in pejling
INDKP109_ORIGIN = {
    "DANSK": "danish_origin",
    "IND_VEST": "western_immigrant",
    "IND_ANDRE": "non_western_immigrant",
}

Row = tuple[str, int, str, str, str, str, str, str, str, str]


def _read(name: str, delimiter: str = ",") -> Iterator[dict[str, str]]:
    text = resources.files("pejling.data").joinpath(f"dst/{name}").read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines(), delimiter=delimiter)


def _code(name: str) -> int:
    return code_by_name()[name.strip().lower()]


def employment_rate_ratio() -> Iterator[Row]:
    """RAS200 employment rate of non-Western immigrants as % of Danish origin, 98 × 2010–2024."""
    src = f"{ATTRIBUTION} (RAS200), beregnet af Thisted Kommunes doughnut-projekt"
    for r in _read("doughnut_employment_origin_gap_2010_2024.csv"):
        yield ("employment_rate_ratio", int(r["kommune_kode"]), r["aar"],
               "origin=non_western_immigrant", "", "", r["vaerdi"], "percent", src, "2025")  # fmt: skip
    first = next(_read("doughnut_ligestilling_scores.csv"))
    yield ("employment_rate_ratio", 0, "2024", "origin=non_western_immigrant", "", "",
           first["employment_origin_gap_ref"], "percent", src, "2025")  # fmt: skip


def unemployment_rate() -> Iterator[Row]:
    """AUP02 gross unemployment, annual mean, all residents, 2007–2024."""
    for r in _read("dpd_unemployment_pct.csv"):
        yield ("unemployment_rate", _code(r["municipality"]), r["year"], "", "", "", r["value"],
               "percent", f"{ATTRIBUTION} (AUP02)", "2025")  # fmt: skip


def population() -> Iterator[Row]:
    """FOLK1A population at the reference quarter, plus FOLK1E national by origin (Q4)."""
    for r in _read("dpd_population.csv"):
        yield ("population", _code(r["municipality"]), r["reference_period"], "", "", "",
               r["value"], "count", f"{ATTRIBUTION} (FOLK1A)", "2026")  # fmt: skip
    for r in _read("rexer_folk1e_national_herkomst_q4_2008_2025.csv", ";"):
        origin = FOLK1E_ORIGIN.get(r["HERKOMST"])
        if origin is None:
            continue
        yield ("population", 0, r["TID"], f"origin={origin}", "", "", r["INDHOLD"], "count",
               f"{ATTRIBUTION} (FOLK1E)", "2026")  # fmt: skip


def population_non_danish_origin_share() -> Iterator[Row]:
    """FOLK1E share not of Danish origin, Q1 (the 2007 row is 2008Q1 in the source)."""
    for r in _read("dpd_immigration_share_pct.csv"):
        year = int(r["year"])
        period = "2008Q1" if year == 2007 else f"{year}Q1"
        yield ("population_non_danish_origin_share", _code(r["municipality"]), period, "", "", "",
               r["value"], "percent", f"{ATTRIBUTION} (FOLK1E)", "2026")  # fmt: skip


def social_assistance_per_1000() -> Iterator[Row]:
    """AUK01 net-unemployed cash-benefit recipients in Q4 per 1,000 inhabitants."""
    for r in _read("dpd_welfare_per_1000.csv"):
        yield ("social_assistance_per_1000", _code(r["municipality"]), f"{r['year']}Q4", "", "",
               "", r["value"], "per_1000", f"{ATTRIBUTION} (AUK01, FOLK1A)", "2025")  # fmt: skip


def taxable_income_per_person() -> Iterator[Row]:
    """INDKP109 taxable income per person (kr.), whole country, by origin, 2008–2024."""
    for r in _read("rexer_indkp109_national_herkomst_2008_2024.csv", ";"):
        origin = INDKP109_ORIGIN.get(r["HERKOMST"])
        if r["ENHED"] != "121" or origin is None:
            continue
        yield ("taxable_income_per_person", 0, r["TID"], f"origin={origin}", "", "",
               r["INDHOLD"], "dkk", f"{ATTRIBUTION} (INDKP109)", "2025")  # fmt: skip


SERIES = {
    "dst_employment_rate_ratio.csv": employment_rate_ratio,
    "dst_unemployment_rate.csv": unemployment_rate,
    "dst_population.csv": population,
    "dst_population_non_danish_origin_share.csv": population_non_danish_origin_share,
    "dst_social_assistance_per_1000.csv": social_assistance_per_1000,
    "dst_taxable_income_per_person.csv": taxable_income_per_person,
}


def _write(path: Path, rows: Iterable[Row]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows((*row, "published", PUBLISHER) for row in rows)
    tmp.replace(path)


def write_shipped_observations(out_dir: Path) -> list[Path]:
    """Write one tidy CSV per shipped series into `out_dir`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in SERIES.items():
        path = out_dir / name
        _write(path, rows())
        paths.append(path)
    return paths
