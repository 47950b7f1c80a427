"""The 98 Danish municipalities with codes, regions and DST municipality groups.

Built from the shipped DST-derived list (see pejling/data/ATTRIBUTION.md). Code 0 means the whole
country; 411 Christiansø is deliberately excluded: it is not a municipality.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

NATIONAL_CODE = 0


@dataclass(frozen=True)
class Municipality:
    """One municipality (kommune)."""

    code: int
    name: str
    region_code: int
    region_name: str
    landsdel_code: str
    landsdel_name: str
    group_code: int
    group_name: str


@cache
def municipalities() -> dict[int, Municipality]:
    """All 98 municipalities keyed by their 3-digit code (as int)."""
    text = resources.files("pejling.data").joinpath("reference/kommuner_98_med_region.csv")
    out: dict[int, Municipality] = {}
    with text.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["er_kommune"] != "1":
                continue
            m = Municipality(
                code=int(row["kommunekode"]),
                name=row["kommunenavn"],
                region_code=int(row["regionskode"]),
                region_name=row["regionsnavn"],
                landsdel_code=row["landsdelskode"],
                landsdel_name=row["landsdelsnavn"],
                group_code=int(row["kommunegruppe"]),
                group_name=row["kommunegruppe_navn"],
            )
            out[m.code] = m
    return out


def is_valid_code(code: int) -> bool:
    """True for the 98 municipality codes and 0 (national)."""
    return code == NATIONAL_CODE or code in municipalities()


def name_of(code: int) -> str:
    """Danish name, or 'Hele landet' for code 0."""
    if code == NATIONAL_CODE:
        return "Hele landet"
    return municipalities()[code].name


@cache
def code_by_name() -> dict[str, int]:
    """Lookup from Danish and DST English names (lower case) to code."""
    out = {m.name.lower(): m.code for m in municipalities().values()}
    out["copenhagen"] = 101
    out["høje taastrup"] = 169
    return out
