"""The indicator catalog: built-in definitions plus a workspace's local ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pejling.errors import Problem, SpecError
from pejling.spec.indicator import IndicatorFile, IndicatorSpec, Unit
from pejling.spec.load import load_model_text
from pejling.spec.yaml_source import SourceMap


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
    """Load the built-in catalog and any `*.yaml` in `extra_dirs` (a workspace's own
    indicators), and report every problem of every file at once, with `file:line`.

    Files of `extra_dirs` are named by folder and file (`indicators/bibliotek.yaml`), as the
    user sees them in the workspace. An id may be used once: an own indicator cannot replace a
    built-in one (goals, reports and computed figures would silently change meaning).
    """
    sources = builtin_files()
    problems: list[Problem] = []
    for folder in extra_dirs:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                name = f"{folder.name}/{path.name}"
                try:
                    sources.append((name, path.read_text(encoding="utf-8")))
                except UnicodeDecodeError as exc:
                    problems.append(
                        Problem(
                            f"{name}:1",
                            f"not valid UTF-8 text (byte {exc.start})",
                            "a UTF-8 encoded YAML file",
                        )
                    )
    indicators: dict[str, IndicatorSpec] = {}
    defined_in: dict[str, str] = {}
    for name, text in sources:
        try:
            spec_file, source = load_model_text(IndicatorFile, text, name)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        for i, spec in enumerate(spec_file.indicators):
            where = source.where(("indicators", i, "id"))
            if spec.id in indicators:
                first = defined_in[spec.id]
                builtin = first.startswith("pejling/catalog/")
                problems.append(
                    Problem(
                        where,
                        f"indicator '{spec.id}' is already a built-in indicator"
                        if builtin
                        else f"indicator '{spec.id}' is defined twice",
                        f"another id for your own indicator (the built-in one is at {first})"
                        if builtin
                        else f"unique ids (first in {first})",
                        code="duplicate-indicator",
                    )
                )
                continue
            problems.extend(_indicator_rules(spec, i, source))
            indicators[spec.id] = spec
            defined_in[spec.id] = where
    if problems:
        raise SpecError("indicator catalog", problems)
    return Catalog(indicators, defined_in)


def _indicator_rules(spec: IndicatorSpec, index: int, source: SourceMap) -> list[Problem]:
    """Rules across an indicator's fields (the schema checks each field alone)."""
    out = []
    at = ("indicators", index)
    if spec.ratio and spec.unit is not Unit.PERCENT:
        out.append(
            Problem(
                source.where((*at, "ratio")),
                f"indicator '{spec.id}': 'ratio: true' is for percent, not '{spec.unit.value}'",
                "unit: percent, or leave 'ratio' out",
                code="indicator-ratio",
            )
        )
    if (
        spec.limit is not None
        and spec.unit is Unit.PERCENT
        and not spec.ratio
        and not 0 <= spec.limit <= 100
    ):
        out.append(
            Problem(
                source.where((*at, "limit")),
                f"indicator '{spec.id}': limit {spec.limit:g} is outside 0–100",
                "100 for a share that should rise, 0 for one that should fall",
                code="indicator-limit",
            )
        )
    if spec.limit is not None and spec.direction is not None and spec.unit is Unit.PERCENT:
        wrong = (spec.direction.value == "higher" and spec.limit == 0) or (
            spec.direction.value == "lower" and spec.limit == 100
        )
        if wrong:
            out.append(
                Problem(
                    source.where((*at, "limit")),
                    f"indicator '{spec.id}': limit {spec.limit:g} lies against direction "
                    f"'{spec.direction.value}'",
                    "the value the series moves towards: 100 for higher, 0 for lower",
                    code="indicator-limit",
                )
            )
    return out
