"""The indicator catalog: built-in definitions plus a workspace's local ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pejling.errors import Problem, SpecError
from pejling.spec.indicator import IndicatorFile, IndicatorSpec
from pejling.spec.load import load_model_text


@dataclass(frozen=True)
class Catalog:
    """All known indicators by id, with where each was defined."""

    indicators: dict[str, IndicatorSpec]
    defined_in: dict[str, str]

    def get(self, indicator_id: str) -> IndicatorSpec | None:
        """The indicator, or None."""
        return self.indicators.get(indicator_id)

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators

    def ids(self) -> list[str]:
        """All ids, sorted."""
        return sorted(self.indicators)


def builtin_files() -> list[tuple[str, str]]:
    """(display name, text) of every built-in catalog file."""
    root = resources.files("pejling.catalog")
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append((f"pejling/catalog/{entry.name}", entry.read_text(encoding="utf-8")))
    return out


def load_catalog(extra_dirs: Iterable[Path] = ()) -> Catalog:
    """Load the built-in catalog and any `*.yaml` in `extra_dirs`; duplicate ids are errors."""
    sources = builtin_files()
    for folder in extra_dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                sources.append((str(path), path.read_text(encoding="utf-8")))
    indicators: dict[str, IndicatorSpec] = {}
    defined_in: dict[str, str] = {}
    problems: list[Problem] = []
    for name, text in sources:
        spec_file, source = load_model_text(IndicatorFile, text, name)
        for i, spec in enumerate(spec_file.indicators):
            where = source.where(("indicators", i, "id"))
            if spec.id in indicators:
                problems.append(
                    Problem(
                        where,
                        f"indicator '{spec.id}' is defined twice",
                        f"unique ids (first in {defined_in[spec.id]})",
                    )
                )
                continue
            indicators[spec.id] = spec
            defined_in[spec.id] = where
    if problems:
        raise SpecError("indicator catalog", problems)
    return Catalog(indicators, defined_in)
