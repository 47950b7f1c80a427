"""docs/sources.md and docs/own-indicators.md are complete and their examples work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from pejling.cli.app import LAZY
from pejling.errors import SpecError
from pejling.sources.mapping import OtherTable, SeriesMapping, SourceMapping, load_mappings
from pejling.spec.catalog import load_catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.store.queries import current_observations
from pejling.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
OWN = (ROOT / "docs" / "own-indicators.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "model", [SourceMapping, SeriesMapping, OtherTable], ids=lambda m: m.__name__
)
def test_every_mapping_field_is_documented(model: type[BaseModel]) -> None:
    missing = [name for name in model.model_fields if f"`{name}`" not in SOURCES]
    assert not missing, missing


def test_every_shipped_mapping_and_subcommand_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for item in load_mappings(load_catalog()):
        assert f"`{item.mapping.id}`" in SOURCES, item.mapping.id
    for group_name in ("fetch", "sources"):  # sub-apps built on first use (pejling.cli.lazy)
        sub_app = LAZY[group_name].load()
        assert sub_app.registered_commands
        for command in sub_app.registered_commands:
            name = f"pejling {group_name} {command.name}"
            assert re.search(rf"`{name}\b", readme), name
            assert f"`{name}" in SOURCES, name
    assert "(docs/sources.md)" in readme
    assert "(docs/own-indicators.md)" in readme


def _block(text: str, lang: str, n: int = 0) -> str:
    return text.split(f"```{lang}\n")[n + 1].split("```", 1)[0]


def test_own_indicator_example_loads_and_imports(tmp_path: Path) -> None:
    for name, model_field in IndicatorSpec.model_fields.items():
        assert f"`{name}`" in OWN, f"IndicatorSpec.{name} ({model_field}) not documented"
    ws = Workspace.create(tmp_path / "ws", "t", 326)
    (ws.root / "indicators" / "bibliotek.yaml").write_text(_block(OWN, "yaml"), encoding="utf-8")
    catalog = ws.catalog()
    assert catalog.defined_in["language_cafe_return_share"].startswith("indicators/bibliotek.yaml:")
    csv_path = tmp_path / "sprogcafe.csv"
    csv_path.write_text(_block(OWN, "csv"), encoding="utf-8")
    with Store.open(ws.db_path) as store:
        import_observations(store, csv_path, catalog)
        rows = current_observations(
            store, indicator_id="language_cafe_return_share", municipality_code=326, grp=""
        )
    assert [(r.period, round(r.value or 0, 2), r.persons) for r in rows] == [
        ("2024H2", 46.59, 88.0)
    ]


def test_own_indicator_errors_as_documented(tmp_path: Path) -> None:
    folder = tmp_path / "indicators"
    folder.mkdir()
    (folder / "bibliotek.yaml").write_text(
        _block(OWN, "yaml")
        .replace("unit: count", "unit: cuont")
        .replace(
            "  - id: language_cafe_return_share\n    title:",
            "  - id: language_cafe_return_share\n    titel:",
        ),
        encoding="utf-8",
    )
    (folder / "andet.yaml").write_text(
        "indicators:\n  - id: population\n    title: Igen\n    unit: count\n"
        "  - id: return_share\n    title: Andel\n    unit: percent\n    direction: higher\n"
        "    limit: 0\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as err:
        load_catalog([folder])
    text = err.value.render()
    for line in _block(OWN, "text").splitlines()[1:]:
        head = re.split(r" … | \(the built-in one is at", line.strip())[0]
        assert head in text, head
