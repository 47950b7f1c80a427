"""The built-in catalog speaks Danish: committee reports print its prose as it stands.

Every prose field of an indicator (`title`, `description`, `population`, `numerator`,
`denominator`, `period`) is Danish; its English twin (`<field>_en`) is used by `--lang en`. The
Danish text must hold no English words, no code strings (identifiers, `=`) and follow Danish
number and date formats ("66,7 %", "30. november").
"""

from __future__ import annotations

import re

import pytest

from pejling.spec.catalog import load_catalog
from pejling.spec.indicator import IndicatorSpec

PROSE = ("title", "description", "population", "numerator", "denominator", "period")
CATALOG = load_catalog()
IDS = CATALOG.ids()

# Whole English words that are not Danish words ("and", "of" …). "person", "program", "at",
# "for", "i", "to" are Danish too and not listed.
_ENGLISH_WORDS = re.compile(
    r"\b(the|of|who|whose|which|with|and|or|not|are|is|those|all|persons|people|share|number|"
    r"residents?|inhabitants|within|between|years?|months?|weeks?|days?|benefits?|employment|"
    r"unemployment|education|programme|recipients|participants|pupils|cohort|quarter|"
    r"per cent|percentage|point in time|e\.g|i\.e)\b",
    re.IGNORECASE,
)
_ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_DANISH_MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
)
_CODE = (
    (re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]+\b"), "an identifier (snake_case)"),
    (re.compile(r"[=`{}\[\]<>]|->"), "a code character"),
    (re.compile(r"\b(None|null|True|False)\b"), "a code literal"),
)
_FORMAT = (
    (re.compile(r"\d\.\d{1,2}\b"), "a decimal point (write 66,7)"),
    (re.compile(r"\d%"), "a percent sign without a space (write 66,7 %)"),
    (
        re.compile(rf"\b\d{{1,2}} ({_DANISH_MONTHS})\b"),
        "a date without the dot (write 30. november)",
    ),
    (re.compile(r"(?<!\.)\.\.(?!\.)|[,;:]\s*[,;:.]|\s[,;:.]"), "doubled or loose punctuation"),
    (re.compile(r"\s{2,}"), "a double space"),
)


def language_problems(text: str) -> list[str]:
    """What keeps `text` from being clean Danish prose; empty when it is."""
    problems = [f"English word {m.group(0)!r}" for m in _ENGLISH_WORDS.finditer(text)]
    problems += [f"English month {m.group(0)!r}" for m in _ENGLISH_MONTHS.finditer(text)]
    for pattern, what in (*_CODE, *_FORMAT):
        problems += [f"{what}: {m.group(0)!r}" for m in pattern.finditer(text)]
    if text != text.strip():
        problems.append("leading or trailing whitespace")
    return problems


@pytest.mark.parametrize(
    "text",
    [
        "Share of persons who are employed",
        "Andel af the residents",
        "Numerator = local units",
        "Beregnes sammen med employment_rate_25_64",
        "Status pr. 30 november",
        "Opgørelsestidspunkt (30 November)",
        "66.7 % af alle",
        "66,7% af alle",
        "Kilde: Kilde:..",
        "Lokalbiblioteker (e.g. netværkscafé)",
    ],
)
def test_the_check_catches_english_and_code(text: str) -> None:
    assert language_problems(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Andel af 16-64-årige indbyggere, der er selvforsørgende",
        "Indvandrere og efterkommere med ikke-vestlig oprindelse",
        "Fuldtidstimer (37 timer om ugen); aktivering 66,7 % af tiden",
        "Opgørelsestidspunkt (status pr. 1. oktober/1. januar)",
        "Nettoledige kontanthjælpsmodtagere pr. 1.000 indbyggere (4. kvartal)",
        "Personer i ordinær beskæftigelse eller på et program (PD1, RAS200, IGU)",
    ],
)
def test_the_check_accepts_danish(text: str) -> None:
    assert language_problems(text) == []


@pytest.mark.parametrize("indicator_id", IDS)
def test_danish_prose_has_no_english_or_code(indicator_id: str) -> None:
    spec = CATALOG.indicators[indicator_id]
    problems = {
        name: found
        for name in PROSE
        if (text := getattr(spec, name))
        if (found := language_problems(text))
    }
    assert not problems, f"{indicator_id} ({CATALOG.defined_in[indicator_id]}): {problems}"


@pytest.mark.parametrize("indicator_id", IDS)
def test_every_english_text_has_a_danish_one_and_back(indicator_id: str) -> None:
    spec = CATALOG.indicators[indicator_id]
    english_only = [n for n in PROSE if getattr(spec, f"{n}_en") and not getattr(spec, n)]
    danish_only = [n for n in PROSE if getattr(spec, n) and not getattr(spec, f"{n}_en")]
    assert not english_only, f"{indicator_id}: English without Danish: {english_only}"
    assert not danish_only, f"{indicator_id}: Danish without English (--lang en): {danish_only}"
    same = [n for n in PROSE if getattr(spec, n) and getattr(spec, n) == getattr(spec, f"{n}_en")]
    assert not same, f"{indicator_id}: Danish text is the English text: {same}"


@pytest.mark.parametrize("indicator_id", IDS)
def test_titles_fit_a_caption(indicator_id: str) -> None:
    title = CATALOG.indicators[indicator_id].title
    assert len(title) <= 120, f"{indicator_id}: title of {len(title)} characters"
    assert not title.endswith("."), f"{indicator_id}: title ends with a full stop"


def test_every_english_field_twins_a_danish_field() -> None:
    fields = IndicatorSpec.model_fields
    twins = [name for name in fields if name.endswith("_en")]
    assert sorted(twins) == sorted(f"{n}_en" for n in PROSE)
    assert all(name.removesuffix("_en") in fields for name in twins)
