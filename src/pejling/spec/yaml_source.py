"""YAML loading that remembers where every key and item came from.

pydantic sees plain dicts and lists; error messages and lint issues need `file:line`. We load with
ruamel.yaml's round-trip loader (which records positions), convert to plain Python and keep a
`SourceMap` from paths like ("themes", 0, "goals", 1, "target") to 1-based line numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from pejling.errors import Problem, SpecError

PathKey = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Line numbers (1-based) for paths into a YAML document."""

    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int:
        """Line of the deepest known prefix of `path` (1 if nothing is known)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def where(self, path: Sequence[str | int]) -> str:
        """`file:line` for a path."""
        return f"{self.file}:{self.line(path)}"


@dataclass(frozen=True)
class LoadedYaml:
    """Plain data plus where it came from."""

    data: Any
    source: SourceMap


def load_yaml(path: Path, display_name: str | None = None) -> LoadedYaml:
    """Load a YAML file; raise SpecError with file:line on syntax errors."""
    name = display_name or str(path)
    return load_yaml_text(read_yaml_text(path, name), name)


def read_yaml_text(path: Path, name: str) -> str:
    """A YAML file's text; SpecError naming `name` when it is missing or not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(name, [Problem(name, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            name,
            [
                Problem(
                    f"{name}:1",
                    f"not valid UTF-8 text ({exc.reason} at byte {exc.start})",
                    "a UTF-8 encoded YAML file",
                )
            ],
        ) from None


def load_yaml_text(text: str, name: str) -> LoadedYaml:
    """Load YAML from a string (see `load_yaml`)."""
    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1) if mark is not None else 1
        what = (exc.problem or exc.context or "invalid YAML").strip()
        raise SpecError(
            name,
            [
                Problem(
                    f"{name}:{line}",
                    f"YAML syntax error: {what}",
                    "valid YAML (check indentation, colons and quotes)",
                )
            ],
        ) from None
    except Exception as exc:  # ruamel raises a few non-marked errors (e.g. duplicate keys)
        raise SpecError(name, [Problem(f"{name}:1", f"YAML error: {exc}", "valid YAML")]) from None
    source = SourceMap(name)
    source.lines[()] = 1
    data = _plain(doc, (), source)
    return LoadedYaml(data, source)


def _plain(node: Any, path: PathKey, source: SourceMap) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            try:
                line, _col = node.lc.key(key)
                source.lines[child] = line + 1
            except (KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, child, source)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for i, value in enumerate(node):
            child = (*path, i)
            try:
                line, _col = node.lc.item(i)
                source.lines[child] = line + 1
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, child, source))
        return items
    if isinstance(node, datetime):
        return node.date()
    if isinstance(node, date):
        return node
    if isinstance(node, str):
        return str(node)
    return node
