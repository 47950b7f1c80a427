"""Editing a policy's YAML text in place: change values at paths, keep everything else.

Why round-trip YAML and not "load, change, dump": the file is the source of truth that people
also read and edit by hand and keep in git, so a change in the web editor must change only the
lines it concerns; comments, key order, quoting and flow style (`{kind: level, value: 57}`)
stay as they were. ruamel.yaml's round-trip mode (as `pejling.spec.yaml_source` loads) keeps
them; an unchanged document dumps to the same bytes (tests check every demo policy), and
`apply` returns the text itself when nothing changed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

Path = tuple[str | int, ...]
WRAP = 96
"""Where a long text written by the editor is folded (as the encoded policies are)."""


class EditError(ValueError):
    """A path does not lead to a place that can be changed (a bug or a stale form)."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap what the author wrapped
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> Any:
    """The round-trip document of a YAML text."""
    return _yaml().load(text)


def dump(doc: Any) -> str:
    """The YAML text of a round-trip document."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def get(doc: Any, path: Sequence[str | int]) -> Any:
    """The value at `path` (None when any part is missing)."""
    node = doc
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _parent(doc: Any, path: Sequence[str | int], create: bool) -> Any:
    node = doc
    for part in path[:-1]:
        if isinstance(node, dict) and isinstance(part, str):
            if part not in node or node[part] is None:
                if not create:
                    return None
                node[part] = CommentedMap()
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            raise EditError(f"no place at {'.'.join(map(str, path))}")
    return node


def _folded(text: str) -> FoldedScalarString:
    """A long one-paragraph text as a folded block, wrapped near `WRAP` columns."""
    out: FoldedScalarString = FoldedScalarString(text)
    folds: list[int] = []
    start = 0
    last_space = -1
    for i, ch in enumerate(text):
        if ch == " ":
            if i - start > WRAP - 10 and last_space > start:
                folds.append(last_space)
                start = last_space + 1
            last_space = i
    if len(text) - start > WRAP - 10 and last_space > start:
        folds.append(last_space)
    setattr(out, "fold_pos", folds)  # noqa: B010 (not in the stubs; read by the emitter)
    return out


def styled(old: Any, new: Any) -> Any:
    """`new` in the style `old` was written in (quotes, folded or literal block)."""
    if not isinstance(new, str):
        return new
    if "\n" in new:
        return LiteralScalarString(new)
    block = isinstance(old, FoldedScalarString | LiteralScalarString) or len(new) > WRAP
    if block and "  " not in new and new == new.strip():
        return _folded(new)
    for kind in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, kind):
            return kind(new)
    return new


def set_value(doc: Any, path: Sequence[str | int], value: Any) -> None:
    """Set the value at `path` (None: remove the key); missing mappings on the way are made.

    A list value replaces the items of an existing list in place, so a flow list stays one.
    """
    parent = _parent(doc, path, create=value is not None)
    key = path[-1]
    if parent is None:
        return
    if isinstance(parent, dict) and isinstance(key, str):
        if value is None:
            parent.pop(key, None)
            return
        old = parent.get(key)
        if isinstance(value, list) and isinstance(old, CommentedSeq):
            old[:] = value
            return
        if isinstance(value, list):
            value = CommentedSeq(value)
        parent[key] = styled(old, value)
    elif isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        if value is None:
            del parent[key]
        else:
            parent[key] = styled(parent[key], value)
    else:
        raise EditError(f"no place at {'.'.join(map(str, path))}")


def append(doc: Any, path: Sequence[str | int], item: Any) -> int:
    """Append `item` to the list at `path` (made when missing); its index."""
    seq = get(doc, path)
    if seq is None:
        set_value(doc, path, CommentedSeq())
        seq = get(doc, path)
    if not isinstance(seq, list):
        raise EditError(f"not a list at {'.'.join(map(str, path))}")
    if isinstance(item, dict) and not isinstance(item, CommentedMap):
        item = mapping(item)
    seq.append(item)
    return len(seq) - 1


def remove(doc: Any, path: Sequence[str | int]) -> None:
    """Remove the list item or key at `path` (nothing when it is not there)."""
    parent = _parent(doc, path, create=False)
    key = path[-1]
    if isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent):
        del parent[key]
    elif isinstance(parent, dict) and isinstance(key, str):
        parent.pop(key, None)


def mapping(values: dict[str, Any]) -> CommentedMap:
    """A new block mapping (nested dicts become block mappings too)."""
    out = CommentedMap()
    for key, value in values.items():
        out[key] = mapping(value) if isinstance(value, dict) else value
    return out
