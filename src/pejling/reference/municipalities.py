"""The 98 Danish municipalities with codes, regions and DST municipality groups.

Built from the shipped DST-derived list (see pejling/data/ATTRIBUTION.md). Code 0 means the whole
country; 411 Christiansø is deliberately excluded: it is not a municipality.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
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


# --- Areas as statistics name them --------------------------------------------------------------
#
# Statistics Denmark's tables and the files users download from them mix the 98 municipalities
# with the whole country, the 5 regions, the 11 landsdele (provinces), "abroad" and "not stated",
# written as codes (with or without leading zeros) or as Danish or English names. `resolve_area`
# says which of these a value is, so an import can take the municipalities and the national total
# and say clearly what every other row is instead of calling it "not a municipality code".


class AreaKind(StrEnum):
    """What an area value in a statistics file denotes."""

    MUNICIPALITY = "municipality"
    NATIONAL = "national"
    REGION = "region"
    LANDSDEL = "landsdel"
    ABROAD = "abroad"
    NOT_STATED = "not_stated"
    NOT_A_MUNICIPALITY = "not_a_municipality"  # Christiansø: counted in DST lists, no municipality
    OTHER_AREA = "other_area"  # e.g. jobindsats' RAR areas
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Area:
    """The result of reading one area value: its kind and, for usable ones, pejling's code."""

    kind: AreaKind
    text: str
    code: int | None = None  # a municipality code, 0 for the whole country
    name: str = ""  # the Danish name of the municipality, region or landsdel

    @property
    def usable(self) -> bool:
        """A municipality or the whole country (the two things an observation can be about)."""
        return self.kind in (AreaKind.MUNICIPALITY, AreaKind.NATIONAL)

    def explain(self, lang: str = "en") -> str:
        """Why the value is not a municipality, e.g. "'Region Hovedstaden' is a region"."""
        what = _AREA_WHAT[self.kind][0 if lang == "da" else 1]
        shown = self.name if self.name and _fold(self.name) != _fold(self.text) else ""
        return what.format(text=self.text, name=shown).replace(" ()", "")


_AREA_WHAT: dict[AreaKind, tuple[str, str]] = {
    AreaKind.MUNICIPALITY: (
        "'{text}' er en kommune ({name})",
        "'{text}' is a municipality ({name})",
    ),
    AreaKind.NATIONAL: ("'{text}' er hele landet", "'{text}' is the whole country"),
    AreaKind.REGION: (
        "'{text}' er en region ({name}), ikke en kommune",
        "'{text}' is a region ({name}), not a municipality",
    ),
    AreaKind.LANDSDEL: (
        "'{text}' er en landsdel ({name}), ikke en kommune",
        "'{text}' is a landsdel (province) ({name}), not a municipality",
    ),
    AreaKind.ABROAD: (
        "'{text}' er udlandet, ikke en kommune",
        "'{text}' is abroad, not a municipality",
    ),
    AreaKind.NOT_STATED: (
        "'{text}' er uoplyst (ingen kendt kommune)",
        "'{text}' means not stated (no known municipality)",
    ),
    AreaKind.NOT_A_MUNICIPALITY: (
        "'{text}' er Christiansø, som ikke er en kommune",
        "'{text}' is Christiansø, which is not a municipality",
    ),
    AreaKind.OTHER_AREA: (
        "'{text}' er et område, der ikke er en kommune",
        "'{text}' is an area that is not a municipality",
    ),
    AreaKind.UNKNOWN: (
        "'{text}' er ikke en kommunekode eller et kommunenavn",
        "'{text}' is not a municipality code or name",
    ),
}

_NATIONAL_NAMES = {
    "hele landet", "all denmark", "danmark", "denmark", "landet i alt", "hele danmark",
    "whole country", "i alt", "total",
}  # fmt: skip
_ABROAD_NAMES = {"udlandet", "abroad", "udland", "outside denmark"}
_NOT_STATED_NAMES = {
    "uoplyst", "uoplyst kommune", "ukendt", "ukendt kommune", "not stated", "unknown",
    "uden fast bopæl", "no fixed abode", "no permanent residence", "uoplyst bopæl",
}  # fmt: skip
#: Statistics Denmark's code for "not stated" municipality (AUK01 and others)
NOT_STATED_CODE = 997
_REGION_EN = {
    "capital region of denmark": 1084,
    "capital region": 1084,
    "region zealand": 1085,
    "region of southern denmark": 1083,
    "southern denmark region": 1083,
    "central denmark region": 1082,
    "region central denmark": 1082,
    "north denmark region": 1081,
    "region north denmark": 1081,
}
#: other spellings met in files (old names, ASCII, DAGI)
_ALIASES = {
    "københavns": 101,
    "copenhagen": 101,
    "copenhagen municipality": 101,
    "kobenhavn": 101,
    "århus": 751,
    "aarhus": 751,
    "ålborg": 851,
    "åbenrå": 580,
    "høje taastrup": 169,
    "bornholms regionskommune": 400,
    "bornholms": 400,
    "brønderslev-dronninglund": 810,
}


@cache
def _regions() -> dict[int, str]:
    """Region code (1081–1085) → Danish name."""
    return {m.region_code: m.region_name for m in municipalities().values()}


@cache
def _landsdele() -> dict[int, str]:
    """Landsdel code (1–11) → Danish name ("Landsdel Byen København")."""
    return {int(m.landsdel_code): m.landsdel_name for m in municipalities().values()}


@cache
def _names() -> dict[str, Area]:
    """Lower-case names (Danish, English, with and without 'Kommune') → area."""
    out: dict[str, Area] = {}
    for m in municipalities().values():
        area = Area(AreaKind.MUNICIPALITY, "", m.code, m.name)
        key = _fold(m.name)
        out[key] = area
        out[f"{key} kommune"] = area
        out[f"{key}s kommune"] = area
        out[f"{key} municipality"] = area
    for alias, code in _ALIASES.items():
        m = municipalities()[code]
        out[_fold(alias)] = Area(AreaKind.MUNICIPALITY, "", code, m.name)
    for name in _regions().values():
        region = Area(AreaKind.REGION, "", None, name)
        out[_fold(name)] = region
        out[_fold(name.removeprefix("Region "))] = region
    for alias, code in _REGION_EN.items():
        out[alias] = Area(AreaKind.REGION, "", None, _regions()[code])
    for name in _landsdele().values():
        landsdel = Area(AreaKind.LANDSDEL, "", None, name)
        rest = _fold(name.removeprefix("Landsdel "))
        out[_fold(name)] = landsdel
        out[f"province {rest}"] = landsdel
    christiansoe = Area(AreaKind.NOT_A_MUNICIPALITY, "", None, "Christiansø")
    out["christiansø"] = christiansoe
    out["christiansoe"] = christiansoe
    for name in _NATIONAL_NAMES:
        out[name] = Area(AreaKind.NATIONAL, "", NATIONAL_CODE, "Hele landet")
    for name in _ABROAD_NAMES:
        out[name] = Area(AreaKind.ABROAD, "")
    for name in _NOT_STATED_NAMES:
        out[name] = Area(AreaKind.NOT_STATED, "")
    return out


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().replace("–", "-").split())


def resolve_area(value: object) -> Area:
    """Read an area value: a municipality code (101, 0101), a name (København, Copenhagen,
    Københavns Kommune), the whole country (0, 000, Hele landet, All Denmark) or something that is
    not a municipality (regions 081–085 or 1081–1085 and their names, landsdele 01–11, Udlandet,
    Uoplyst 997, Christiansø 411); never raises."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return Area(AreaKind.UNKNOWN, text)
    if text.isdigit():
        return _resolve_code(text)
    found = _names().get(_fold(text))
    if found is None:
        folded = _fold(text)
        if folded.startswith("rar ") or folded.startswith("jobcenter "):
            return Area(AreaKind.OTHER_AREA, text)
        return Area(AreaKind.UNKNOWN, text)
    return Area(found.kind, text, found.code, found.name)


def _resolve_code(text: str) -> Area:
    number = int(text)
    if number == NATIONAL_CODE:
        return Area(AreaKind.NATIONAL, text, NATIONAL_CODE, "Hele landet")
    if number in municipalities():
        return Area(AreaKind.MUNICIPALITY, text, number, municipalities()[number].name)
    region = number + 1000 if 81 <= number <= 85 else number
    if region in _regions():
        return Area(AreaKind.REGION, text, None, _regions()[region])
    if number in _landsdele() and len(text) == 2:
        return Area(AreaKind.LANDSDEL, text, None, _landsdele()[number])
    if number == 411:
        return Area(AreaKind.NOT_A_MUNICIPALITY, text, None, "Christiansø")
    if number == NOT_STATED_CODE:
        return Area(AreaKind.NOT_STATED, text)
    return Area(AreaKind.UNKNOWN, text)
