"""Groups, municipalities and Danish formatting."""

from datetime import date

import pytest

from pejling.formatting import fmt_date, fmt_number, fmt_percent, fmt_pp, fmt_value
from pejling.groups import describe_group_da, group_key, parse_group_key, validate_group
from pejling.reference.municipalities import code_by_name, is_valid_code, municipalities, name_of


def test_group_key_is_canonical() -> None:
    assert group_key({"sex": "f", "origin": "non_western"}) == "origin=non_western;sex=f"
    assert group_key({}) == ""
    assert parse_group_key("sex=f, origin=non_western") == {"origin": "non_western", "sex": "f"}
    assert parse_group_key("") == {}


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ({"orgin": "non_western"}, "did you mean 'origin'"),
        ({"origin": "non_westrn"}, "did you mean 'non_western'"),
        ({"age": "twenty"}, "not an age band"),
        ({"cohort": "2016/18"}, "not a cohort"),
    ],
)
def test_group_errors(group: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_group(group)


def test_describe_group() -> None:
    assert "ikke-vestlig" in describe_group_da({"origin": "non_western"})
    assert describe_group_da({}) == "alle"


def test_municipalities_reference() -> None:
    ms = municipalities()
    assert len(ms) == 98
    regions: dict[str, int] = {}
    for m in ms.values():
        regions[m.region_name] = regions.get(m.region_name, 0) + 1
    assert regions == {
        "Region Hovedstaden": 29,
        "Region Sjælland": 17,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Nordjylland": 11,
    }
    assert ms[265].name == "Roskilde"
    assert ms[265].region_name == "Region Sjælland"
    assert not is_valid_code(411)
    assert is_valid_code(0)
    assert name_of(0) == "Hele landet"
    assert code_by_name()["copenhagen"] == 101


def test_danish_formatting() -> None:
    assert fmt_percent(66.69) == "66,7 %"
    assert fmt_percent(66.69, lang="en") == "66.7%"
    assert fmt_number(1234567.891, 2) == "1.234.567,89"
    assert fmt_pp(4) == "+4,0 pct.-point"
    assert fmt_pp(-1.25, 2) == "−1,25 pct.-point"
    assert fmt_date(date(2023, 12, 31)) == "31.12.2023"
    assert fmt_value(300, "count") == "300"
    assert fmt_value(None, "percent") == "–"
