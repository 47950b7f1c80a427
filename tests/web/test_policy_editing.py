"""The editor's form over the YAML text: an unchanged form gives the same bytes for every demo
policy, a change touches only its lines, findings carry their YAML path and land next to their
field, and every lint rule has a Danish text."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from pejling.spec.catalog import load_catalog
from pejling.spec.lint import RULES, lint_text
from pejling.spec.lint.issue import LintIssue
from pejling.spec.lint.texts_da import RULE_TEXTS, SCHEMA_TEXTS, text_da
from pejling.spec.types import Severity
from pejling.web import yaml_edit
from pejling.web.policy_form import (
    AMBIGUOUS_TEXT,
    act,
    ambiguous,
    apply,
    fields,
    form,
    from_text,
    place,
)

GOAL_3B = ("themes", 1, "goals", 1)


def _policies(demo_dir: Path) -> list[Path]:
    found = sorted((demo_dir / "policies").glob("*.yaml"))
    assert len(found) >= 5
    return found


def _submitted(text: str, crlf: bool = False) -> dict[str, str]:
    """What a browser sends back for an untouched form (`crlf`: as a browser does, with CRLF
    line breaks in textareas and none in one-line inputs)."""
    out = {}
    for f in fields(form(yaml_edit.load(text))):
        if crlf:
            wide = f.kind in ("textarea", "lines")
            out[f.name] = f.value.replace("\n", "\r\n") if wide else f.value.replace("\n", "")
        else:
            out[f.name] = f.value
    return out


@pytest.mark.parametrize("crlf", [False, True])
def test_an_unchanged_form_gives_the_same_bytes_for_every_demo_policy(
    demo_dir: Path, crlf: bool
) -> None:
    for path in _policies(demo_dir):
        text = path.read_text(encoding="utf-8")
        doc = yaml_edit.load(text)
        assert yaml_edit.dump(doc) == text, path.name  # the round trip itself
        assert not apply(doc, _submitted(text, crlf)), path.name
        assert yaml_edit.dump(doc).encode("utf-8") == path.read_bytes(), path.name


def _changed_lines(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_a_changed_value_changes_only_its_line(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    data = _submitted(text)
    data["f-themes.1.goals.1.target.value"] = "69,5"
    data["f-initiatives.0.partners"] = "Jobcenter Roskilde\r\nRoskilde Bibliotekerne"
    doc = yaml_edit.load(text)
    assert apply(doc, data)
    new = yaml_edit.dump(doc)
    changed = _changed_lines(text, new)
    assert "-        target: {kind: level, value: 75}" in changed
    assert "+        target: {kind: level, value: 69.5}" in changed
    assert "+      - Jobcenter Roskilde" in changed or any("Jobcenter" in c for c in changed)
    assert all("target" in c or "partners" in c or "Roskilde" in c for c in changed), changed


def test_a_long_text_stays_a_folded_block(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    doc = yaml_edit.load(text)
    statement = "Flest mulige borgere skal være selvforsørgende. " * 6
    apply(doc, {"f-themes.1.goals.1.statement": statement})
    new = yaml_edit.dump(doc)
    assert "        statement: >-\n          Flest mulige borgere" in new
    assert max(len(line) for line in new.splitlines() if "Flest" in line) < 110
    assert yaml_edit.get(yaml_edit.load(new), (*GOAL_3B, "statement")) == statement.strip()
    # comments elsewhere are kept
    assert new.splitlines()[0] == text.splitlines()[0]


def test_add_and_remove_interim_targets_goals_and_initiatives(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    catalog = load_catalog([demo_dir / "indicators"])
    doc = yaml_edit.load(text)
    assert act(doc, "add-interim:themes.1.goals.1")
    assert yaml_edit.get(doc, (*GOAL_3B, "target", "interim", 0, "value")) == 75
    assert act(doc, "add-goal:themes.0")
    assert act(doc, "add-initiative:")
    new = yaml_edit.dump(doc)
    _policy, issues = lint_text(new, catalog, "roskilde-2015.yaml")
    assert not [i for i in issues if i.rule == "schema"], issues
    names = {f.name for f in fields(form(yaml_edit.load(new)))}
    assert "f-themes.1.goals.1.target.interim.0.deadline" in names
    assert "f-themes.0.goals.2.statement" in names
    assert act(doc, "remove:themes.1.goals.1.target.interim.0")
    assert yaml_edit.get(doc, (*GOAL_3B, "target", "interim")) is None


def _lint(demo_dir: Path, text: str) -> list[LintIssue]:
    catalog = load_catalog([demo_dir / "indicators"])
    return lint_text(text, catalog, "roskilde-2015.yaml")[1]


def test_findings_carry_their_path_and_land_next_to_their_field(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    doc = yaml_edit.load(text)
    apply(doc, {"f-themes.1.goals.1.target.value": "60", "f-themes.1.goals.0.deadline": "snart"})
    issues = _lint(demo_dir, yaml_edit.dump(doc))
    schema = [i for i in issues if i.rule == "schema"]
    assert [(i.path, i.code) for i in schema] == [
        (("themes", 1, "goals", 0, "deadline"), "bad-value")
    ]
    # a text with schema errors is not judged further, so the range error shows on its own
    doc = yaml_edit.load(text)
    apply(doc, {"f-themes.1.goals.1.target.value": "60"})
    issues = _lint(demo_dir, yaml_edit.dump(doc))
    top = form(doc)
    shown = place(top, issues)
    errors = [f for f in shown if f.is_error]
    assert [f.field for f in errors] == ["f-themes.1.goals.1.target.value"]
    value = next(f for f in fields(top) if f.name == "f-themes.1.goals.1.target.value")
    assert value.has_error
    assert "forkerte vej" in value.findings[0].text
    assert "target-against-direction" in value.findings[0].detail  # the English detail


def test_schema_problems_have_danish_texts_with_the_key(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    unknown = text.replace("    title: Uddannelse\n", "    title: Uddannelse\n    titel: x\n", 1)
    missing = text.replace("title: Integrationspolitik for Roskilde Kommune\n", "", 1)
    enum = text.replace("frequency: yearly", "frequency: hver dag", 1)
    seen = {}
    for variant in (unknown, missing, enum):
        for issue in _lint(demo_dir, variant):
            if issue.rule == "schema":
                seen[issue.code] = (issue.path, text_da(issue))
    assert seen["unknown-key"] == (
        ("themes", 0, "titel"),
        "Feltet 'titel' findes ikke i politikformatet. Fjern feltet, eller ret navnet.",
    )
    assert seen["missing-key"][0] == ("title",)
    assert "'title' mangler" in seen["missing-key"][1]
    assert seen["enum"][0][-1] == "frequency"
    assert "tilladte" in seen["enum"][1]


def test_every_rule_and_schema_kind_has_a_danish_text() -> None:
    assert set(RULE_TEXTS) == set(RULES)
    assert len(RULES) == 29
    assert {"missing-key", "unknown-key", "bad-value", "enum", "syntax"} <= set(SCHEMA_TEXTS)
    for rule, (wrong, todo) in RULE_TEXTS.items():
        assert wrong.endswith("."), rule
        assert todo.endswith("."), rule
        issue = LintIssue("x.yaml:1", Severity.ERROR, rule, "English message")
        assert text_da(issue) == f"{wrong} {todo}"


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("66,7", 66.7),
        ("66.7", 66.7),
        ("0.500", 0.5),
        ("1.500,25", 1500.25),
        ("1.500.000", 1500000),
        ("1 500", 1500),
        ("\u22123", -3),
        ("12", 12),
        ("1.500", "1.500"),  # ambiguous: kept as text, the editor asks
        ("-2.250", "-2.250"),
        ("1e3", "1e3"),
        ("nan", "nan"),
        ("1.50.0", "1.50.0"),
    ],
)
def test_a_danish_number_is_never_misread(written: str, value: object) -> None:
    assert from_text("number", written) == value
    assert type(from_text("number", written)) is type(value)
    assert ambiguous(written) == (written in ("1.500", "-2.250"))


def test_an_ambiguous_number_gets_the_editor_s_finding_not_lint_s(demo_dir: Path) -> None:
    text = (demo_dir / "policies" / "roskilde-2015.yaml").read_text(encoding="utf-8")
    doc = yaml_edit.load(text)
    assert apply(doc, {"f-themes.1.goals.1.target.value": "1.500"})
    changed = yaml_edit.dump(doc)
    top = form(yaml_edit.load(changed))
    issues = _lint(demo_dir, changed)
    assert any(i.path == (*GOAL_3B, "target", "value") for i in issues)  # lint: no number
    shown = place(top, issues)
    mine = [f for f in shown if f.field == "f-themes.1.goals.1.target.value"]
    assert [f.text for f in mine] == [AMBIGUOUS_TEXT]
