"""Every period label pejling prints (and Statistics Denmark's codes) reads back in."""

from __future__ import annotations

import pytest

from pejling.periods import Period


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("4. kvt. 2025", "2025Q4"),
        ("4. kvartal 2025", "2025Q4"),
        ("2025K4", "2025Q4"),
        ("2025Q4", "2025Q4"),
        ("Q4 2025", "2025Q4"),
        ("2025-Q4", "2025Q4"),
        ("2025M03", "2025-03"),
        ("marts 2025", "2025-03"),
        ("Marts 2025", "2025-03"),
        ("March 2025", "2025-03"),
        ("mar. 2025", "2025-03"),
        ("maj 2024", "2024-05"),
        ("okt 2024", "2024-10"),
        ("1. halvår 2025", "2025H1"),
        ("2. halvår 2016", "2016H2"),
        ("H2 2025", "2025H2"),
        ("2025M03D31", "2025-03-31"),
    ],
)
def test_printed_forms(text: str, label: str) -> None:
    assert Period.parse(text).label == label


@pytest.mark.parametrize("label", ["2015", "2016H2", "2014Q4", "2019-12", "2023-12-31"])
def test_every_danish_label_round_trips(label: str) -> None:
    period = Period.parse(label)
    assert Period.parse(period.label_da()) == period
    assert Period.parse(period.label) == period


@pytest.mark.parametrize("bad", ["5. kvt. 2025", "3. halvår 2020", "brumaire 2020", "2025M13D01"])
def test_printed_forms_reject(bad: str) -> None:
    with pytest.raises(ValueError, match="expected a year"):
        Period.parse(bad)
