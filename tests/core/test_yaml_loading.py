"""Loading specs: line numbers, did-you-mean, YAML syntax errors."""

import pytest

from pejling.errors import SpecError
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy, TargetKind

GOOD = """\
id: test
municipality: 265
title: Test
period: {start: 2015, end: 2018}
source: {document: test.txt}
themes:
  - id: uddannelse
    title: Uddannelse
    goals:
      - id: mal-1
        statement: Flere gennemfører en ungdomsuddannelse
        indicator: {id: youth_education_20_24, group: {origin: non_western}}
        target: {kind: level, value: 57}
        baseline: {value: 52, date: 2012, source: Integrationsbarometer}
        deadline: 2018
"""


def test_good_policy_loads_with_lines() -> None:
    policy, source = load_model_text(Policy, GOOD, "p.yaml")
    goal = policy.themes[0].goals[0]
    assert goal.target.kind is TargetKind.LEVEL
    assert goal.baseline is not None
    assert goal.baseline.date.label == "2012"
    assert source.where(("themes", 0, "goals", 0, "target")) == "p.yaml:13"
    assert source.where(("themes", 0, "goals", 0, "target", "nonexistent")) == "p.yaml:13"


def _errors(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_model_text(Policy, text, "p.yaml")
    return [p.render() for p in info.value.problems]


def test_unknown_key_names_line_and_suggests() -> None:
    (msg,) = _errors(GOOD.replace("        deadline: 2018", "        dedline: 2018"))
    assert msg.startswith("p.yaml:15: goal 'mal-1': unknown key 'dedline'")
    assert "Did you mean 'deadline'?" in msg


def test_misspelt_kind() -> None:
    (msg,) = _errors(GOOD.replace("kind: level", "kind: levle"))
    assert msg.startswith("p.yaml:13:")
    assert "Did you mean 'level'?" in msg


def test_missing_baseline_date() -> None:
    (msg,) = _errors(GOOD.replace("date: 2012, ", ""))
    assert msg.startswith("p.yaml:14:")
    assert "baseline.date' is missing" in msg


def test_bad_municipality_and_yaml() -> None:
    (msg,) = _errors(GOOD.replace("municipality: 265", "municipality: 411"))
    assert msg.startswith("p.yaml:2:")
    assert "not a municipality code" in msg
    (msg,) = _errors(GOOD.replace("    title: Uddannelse", "  title: Uddannelse\n   x"))
    assert "YAML syntax error" in msg


def test_all_problems_collected() -> None:
    text = (
        GOOD.replace("kind: level", "kind: levle")
        .replace("dedline", "x")
        .replace("value: 52", "value: fifty")
    )
    assert len(_errors(text)) == 2
