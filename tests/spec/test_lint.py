"""The linter on a dozen kinds of mistakes, and on the four seed policies.

Each bad policy is the valid base policy with one mistake; the rendered findings are compared with
`golden/lint_bad_policies.txt` (regenerate with PEJLING_UPDATE_GOLDEN=1 after reviewing the diff).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest

from pejling.spec.catalog import Catalog, load_catalog
from pejling.spec.lint import lint_file, lint_files
from pejling.spec.lint.report import render_issue, summarise

GOLDEN = Path(__file__).parent / "golden" / "lint_bad_policies.txt"

BASE = """\
id: demo
municipality: 265
title: Demo
adopted: 2020-01-15
period: {start: 2020, end: 2023}
source: {document: demo.pdf}
themes:
  - id: job
    title: Beskæftigelse
    goals:
      - id: g1
        statement: Aktiveringsgraden skal op.
        indicator: {id: activation_degree, source: register}
        target: {kind: level, value: 60}
        baseline: {value: 50, date: 2019, source: jobindsats.dk}
        deadline: 2023
        measurement: {frequency: quarterly, source: jobindsats.dk}
        initiatives: [i1]
initiatives:
  - {id: i1, title: Virksomhedspraktik, status: running}
"""

MISTAKES: dict[str, tuple[str, str]] = {
    "unknown_key": ("        deadline: 2023\n", "        deadline: 2023\n        dedline: 2023\n"),
    "wrong_type": ("target: {kind: level, value: 60}", "target: {kind: level, value: tres}"),
    "misspelt_kind": ("kind: level", "kind: levle"),
    "target_against_direction": ("value: 60}", "value: 40}"),
    "deadline_after_period": ("        deadline: 2023\n", "        deadline: 2025\n"),
    "missing_baseline_date": ("{value: 50, date: 2019, source: jobindsats.dk}", "{value: 50, source: jobindsats.dk}"),
    "duplicate_ids": ("  - {id: i1, title: Virksomhedspraktik, status: running}\n",
                      "  - {id: i1, title: Virksomhedspraktik, status: running}\n  - {id: g1, title: X, goals: [g1], status: planned}\n"),
    "unknown_indicator": ("{id: activation_degree,", "{id: activation_degre,"),
    "source_not_stated": ("{id: activation_degree, source: register}", "{id: activation_degree}"),
    "interim_order": ("target: {kind: level, value: 60}",
                      "target: {kind: level, value: 60, interim: [{deadline: 2022, value: 55}, {deadline: 2021, value: 58}]}"),
    "interim_backwards": ("target: {kind: level, value: 60}",
                          "target: {kind: level, value: 60, interim: [{deadline: 2021, value: 58}, {deadline: 2022, value: 55}]}"),
    "interim_after_deadline": ("target: {kind: level, value: 60}",
                               "target: {kind: level, value: 60, interim: [{deadline: 2024, value: 55}]}"),
    "invalid_municipality": ("municipality: 265", "municipality: 999"),
    "bad_yaml": ("title: Beskæftigelse\n", "title: Beskæftigelse\n   goals: [\n"),
    "unknown_initiative": ("initiatives: [i1]", "initiatives: [i2]"),
    "none_without_reason": ("target: {kind: level, value: 60}", "target: {kind: none}"),
    "gap_without_reference": ("target: {kind: level, value: 60}", "target: {kind: gap, value: 0}"),
    "change_against_direction": ("target: {kind: level, value: 60}", "target: {kind: change_rel, value: -15}"),
    "direction_only": ("target: {kind: level, value: 60}", "target: {kind: direction, direction: higher}"),
    "unknown_accept_rule": ("        initiatives: [i1]\n", "        initiatives: [i1]\n        accept: [{rule: deadline-after-periode, reason: x}]\n"),
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _lint(tmp_path: Path, name: str, text: str, catalog: Catalog) -> list[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    _policy, issues = lint_file(path, catalog, display_name=path.name)
    return [render_issue(i) for i in issues]


def test_base_policy_is_clean(tmp_path: Path, catalog: Catalog) -> None:
    assert _lint(tmp_path, "base", BASE, catalog) == []


def test_bad_policies_match_golden(tmp_path: Path, catalog: Catalog) -> None:
    out: list[str] = []
    for name, (old, new) in MISTAKES.items():
        assert old in BASE, name
        lines = _lint(tmp_path, name, BASE.replace(old, new, 1), catalog)
        assert lines, f"{name}: no finding"
        out.append(f"## {name}")
        out.extend(lines)
    text = "\n".join(out) + "\n"
    if os.environ.get("PEJLING_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unknown_key", "unknown_key.yaml:17: error[schema]: goal 'g1': unknown key 'dedline'"),
        ("wrong_type", "wrong_type.yaml:14: error[schema]"),
        ("misspelt_kind", "Did you mean 'level'?"),
        ("target_against_direction", "error[target-against-direction]"),
        ("deadline_after_period", "error[deadline-after-period]"),
        ("missing_baseline_date", "baseline.date' is missing"),
        ("duplicate_ids", "error[duplicate-id]"),
        ("unknown_indicator", "did you mean 'activation_degree'?"),
        ("invalid_municipality", "999 is not a municipality code"),
        ("bad_yaml", "bad_yaml.yaml:10: error[schema]: YAML syntax error"),
        ("unknown_initiative", "error[unknown-initiative]"),
        ("none_without_reason", "needs a reason"),
        ("gap_without_reference", "needs reference_group"),
        ("change_against_direction", "error[target-against-direction]"),
        ("direction_only", "warning[direction-only]"),
        ("unknown_accept_rule", "did you mean 'deadline-after-period'?"),
        ("source_not_stated", "warning[source-not-stated]"),
        ("interim_order", "error[interim-order]: goal 'g1': interim target 2021 is not after 2022"),
        (
            "interim_backwards",
            "error[target-against-direction]: goal 'g1': interim target 55 moves back",
        ),
        ("interim_after_deadline", "error[interim-order]"),
    ],
)
def test_each_mistake_is_precise(
    tmp_path: Path, catalog: Catalog, name: str, expected: str
) -> None:
    old, new = MISTAKES[name]
    lines = _lint(tmp_path, name, BASE.replace(old, new, 1), catalog)
    assert any(expected in line for line in lines), lines


def test_accept_downgrades_to_warning(tmp_path: Path, catalog: Catalog) -> None:
    text = BASE.replace("        deadline: 2023\n", "        deadline: 2025\n").replace(
        "        initiatives: [i1]\n",
        "        initiatives: [i1]\n        accept: [{rule: deadline-after-period, reason: Loven}]\n",
    )
    path = tmp_path / "acc.yaml"
    path.write_text(text, encoding="utf-8")
    _p, issues = lint_file(path, catalog)
    assert summarise(issues) == (0, 1, 0)
    assert "accepted by the policy: Loven" in render_issue(issues[0])


def test_seed_policies(catalog: Catalog) -> None:
    folder = resources.files("pejling.demo").joinpath("policies")
    counts = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        with resources.as_file(entry) as path:
            policy, issues = lint_file(path, catalog)
        assert policy is not None
        counts[policy.id] = (len(policy.goals()), summarise(issues)[0])
        rules = [i.rule for i in issues]
        if policy.id == "kalundborg-2019":
            assert rules.count("direction-only") == 8
    assert counts == {
        "kalundborg-2019": (8, 0),
        "nationale-maal": (5, 0),
        "roskilde-2015": (7, 0),
        "roskilde-handleplan-2021": (6, 0),
        "soenderborg-strategi": (2, 0),
    }


def test_two_policy_files_with_one_id_are_an_error(tmp_path: Path, catalog: Catalog) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(BASE, encoding="utf-8")
    b.write_text(BASE.replace("title: Demo", "title: Demo 2"), encoding="utf-8")
    results = lint_files([a, b], catalog, {a: "a.yaml", b: "b.yaml"})
    rendered = [render_issue(i) for _p, _pol, issues in results for i in issues]
    assert (
        "a.yaml:1: error[duplicate-policy-id]: policy 'demo': policy id 'demo' is also used by b.yaml"
        in "\n".join(rendered)
    )
    assert any(r.startswith("b.yaml:1: error[duplicate-policy-id]") for r in rendered)
