"""Municipality codes and names as statistics write them; what every other area is."""

from __future__ import annotations

import pytest

from pejling.reference.municipalities import AreaKind, resolve_area


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("265", 265),
        ("0265", 265),
        ("101", 101),
        ("0101", 101),
        ("Roskilde", 265),
        ("roskilde kommune", 265),
        ("København", 101),
        ("Københavns Kommune", 101),
        ("Copenhagen", 101),
        ("Høje-Taastrup Kommune", 169),
        ("Høje Taastrup", 169),
        ("Vesthimmerlands Kommune", 820),
        ("Bornholms Regionskommune", 400),
        ("Århus", 751),
        ("0", 0),
        ("000", 0),
        ("Hele landet", 0),
        ("All Denmark", 0),
    ],
)
def test_municipalities_and_the_country(text: str, code: int) -> None:
    area = resolve_area(text)
    assert area.usable
    assert area.code == code


@pytest.mark.parametrize(
    ("text", "kind", "said"),
    [
        ("Region Hovedstaden", AreaKind.REGION, "is a region"),
        ("Capital Region of Denmark", AreaKind.REGION, "is a region (Region Hovedstaden)"),
        ("084", AreaKind.REGION, "is a region (Region Hovedstaden)"),
        ("1085", AreaKind.REGION, "is a region (Region Sjælland)"),
        ("01", AreaKind.LANDSDEL, "is a landsdel (province)"),
        ("Province Byen København", AreaKind.LANDSDEL, "landsdel"),
        ("Landsdel Østsjælland", AreaKind.LANDSDEL, "landsdel"),
        ("Udlandet", AreaKind.ABROAD, "is abroad"),
        ("Abroad", AreaKind.ABROAD, "is abroad"),
        ("Uoplyst", AreaKind.NOT_STATED, "not stated"),
        ("997", AreaKind.NOT_STATED, "not stated"),
        ("411", AreaKind.NOT_A_MUNICIPALITY, "Christiansø"),
        ("999", AreaKind.UNKNOWN, "not a municipality code or name"),
        ("Atlantis", AreaKind.UNKNOWN, "not a municipality code or name"),
    ],
)
def test_other_areas_say_what_they_are(text: str, kind: AreaKind, said: str) -> None:
    area = resolve_area(text)
    assert area.kind is kind
    assert not area.usable
    assert said in area.explain("en")
    assert area.explain("da")
