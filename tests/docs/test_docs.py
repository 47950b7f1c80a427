"""Docs are tested: every policy field, target kind, indicator and CLI command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from pejling.cli.app import LAZY, app
from pejling.spec import policy as policy_module
from pejling.spec.catalog import load_catalog
from pejling.spec.policy import TargetKind

ROOT = Path(__file__).resolve().parents[2]


def _models() -> list[type[BaseModel]]:
    return [
        obj
        for obj in vars(policy_module).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == policy_module.__name__
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_policy_field_is_documented(model: type[BaseModel]) -> None:
    doc = (ROOT / "docs" / "policy-format.md").read_text(encoding="utf-8")
    missing = [name for name in model.model_fields if f"`{name}`" not in doc]
    assert not missing, f"{model.__name__} fields not in docs/policy-format.md: {missing}"


def test_every_target_kind_is_documented() -> None:
    doc = (ROOT / "docs" / "policy-format.md").read_text(encoding="utf-8")
    assert all(f"`{kind.value}`" in doc for kind in TargetKind)


def test_every_command_is_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [
        c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
        for c in app.registered_commands
    ] + [c.name for c in LAZY.values() if not c.group]  # built on first use (pejling.cli.lazy)
    assert names, "no commands registered"
    missing = [n for n in names if not re.search(rf"`pejling {n}\b", readme)]
    assert not missing, f"commands not in README: {missing}"


def test_every_indicator_has_title_unit_and_source() -> None:
    catalog = load_catalog()
    for ind_id in catalog.ids():
        spec = catalog.indicators[ind_id]
        assert spec.title, ind_id
        assert spec.sources, ind_id


def test_every_lint_rule_is_documented() -> None:
    from pejling.spec.lint.rules import RULES

    doc = (ROOT / "docs" / "policy-format.md").read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in doc]
    assert not missing, f"lint rules not in docs/policy-format.md: {missing}"


def test_every_register_table_and_computable_indicator_is_documented() -> None:
    from pejling.register.tables import TABLES
    from pejling.spec.compute import PREDICATES, VALUES

    model = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"### `{table.name}`" in model, table.name
        for column in table.columns:
            assert f"| {column.name}" in model, f"{table.name}.{column.name}"
    indicators = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    catalog = load_catalog()
    for ind_id in catalog.ids():
        if catalog.indicators[ind_id].compute:
            assert f"### `{ind_id}`" in indicators, ind_id
        else:
            assert f"- `{ind_id}`" in indicators, ind_id
    for word in (*PREDICATES, *VALUES):
        assert f"`{word}" in indicators, word


def test_the_full_policy_example_lints_as_the_docs_say(tmp_path: Path) -> None:
    from pejling.spec.lint import lint_file

    doc = (ROOT / "docs" / "policy-format.md").read_text(encoding="utf-8")
    example = doc.split("## A full example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    policy, issues = lint_file(path, load_catalog())
    assert policy is not None
    warnings = sorted((i.rule, i.subject) for i in issues if i.severity.value == "warning")
    assert not [i for i in issues if i.severity.value == "error"]
    assert warnings == [("no-baseline", "goal 'maal-3a'"), ("no-measurement", "goal 'maal-3b'")]
