"""Periods: parsing, canonical labels, fractional years, Danish labels."""

from datetime import date

import pytest

from pejling.periods import Period, PeriodType


@pytest.mark.parametrize(
    ("text", "label", "t", "ptype"),
    [
        ("2015", "2015", 2015.0, PeriodType.YEAR),
        (2015, "2015", 2015.0, PeriodType.YEAR),
        ("2016H2", "2016H2", 2016.5, PeriodType.HALF),
        ("2014Q4", "2014Q4", 2014.75, PeriodType.QUARTER),
        ("2014K4", "2014Q4", 2014.75, PeriodType.QUARTER),
        ("2019-12", "2019-12", 2019 + 11 / 12, PeriodType.MONTH),
        ("2019M12", "2019-12", 2019 + 11 / 12, PeriodType.MONTH),
        ("2021-01-01", "2021-01-01", 2021.0, PeriodType.DAY),
        ("31.12.2023", "2023-12-31", 2023 + 364 / 365, PeriodType.DAY),
        (date(2019, 1, 30), "2019-01-30", 2019 + 29 / 365, PeriodType.DAY),
    ],
)
def test_parse(text: object, label: str, t: float, ptype: PeriodType) -> None:
    p = Period.parse(text)
    assert p.label == label
    assert p.t == pytest.approx(t)
    assert p.type is ptype


@pytest.mark.parametrize("bad", ["2015Q5", "20155", "2015-13", "31.02.2020", "next year", ""])
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="expected a year"):
        Period.parse(bad)


def test_bounds_and_order() -> None:
    q = Period.parse("2016Q1")
    assert (q.start, q.end) == (date(2016, 1, 1), date(2016, 3, 31))
    assert Period.parse("2016") < Period.parse("2016H2") < Period.parse("2017Q1")
    assert Period.parse("2016H1").contains(date(2016, 6, 30))


def test_danish_labels() -> None:
    assert Period.parse("2016H2").label_da() == "2. halvår 2016"
    assert Period.parse("2014Q4").label_da() == "4. kvt. 2014"
    assert Period.parse("2019-12").label_da() == "december 2019"
    assert Period.parse("2023-12-31").label_da() == "31.12.2023"
