"""Load and validate spec files, turning pydantic errors into `file:line: …` problems."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pejling.errors import Problem, SpecError
from pejling.spec.yaml_source import LoadedYaml, SourceMap, load_yaml_text, read_yaml_text
from pejling.suggest import did_you_mean

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], loaded: LoadedYaml) -> M:
    """Validate loaded YAML against `model`; raise SpecError listing every problem with its line."""
    if not isinstance(loaded.data, dict):
        raise SpecError(
            loaded.source.file,
            [
                Problem(
                    f"{loaded.source.file}:1",
                    "the file is empty or not a mapping",
                    "a YAML mapping of keys",
                )
            ],
        )
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        problems = [_problem(model, loaded, err) for err in exc.errors()]
        raise SpecError(loaded.source.file, problems) from None


def load_model(model: type[M], path: Path, display_name: str | None = None) -> tuple[M, SourceMap]:
    """Load a YAML file into `model`, returning the model and its source map."""
    name = display_name or str(path)
    return load_model_text(model, read_yaml_text(path, name), name)


def load_model_text(model: type[M], text: str, name: str) -> tuple[M, SourceMap]:
    """Like `load_model` for text already in memory (tests, web forms).

    A frozen model is parsed once per process for the same text: one command reads the same
    policy and catalog files several times (listing, linting, judging the other policies for
    joint disclosure control), and the round-trip YAML parser is the slow part. The model
    depends on nothing but the text (the name only labels the source map and error messages),
    it cannot be changed, and each caller gets its own source map under its own name. A file
    with problems is parsed again under its name, so every message names the file as before.
    """
    if model.model_config.get("frozen"):
        try:
            parsed, lines = _parse_frozen(model, text)
        except SpecError:
            pass  # parsed again below, for messages that name the file
        else:
            return typing.cast(M, parsed), SourceMap(name, dict(lines))
    loaded = load_yaml_text(text, name)
    return parse_model(model, loaded), loaded.source


@lru_cache(maxsize=128)
def _parse_frozen(
    model: type[BaseModel], text: str
) -> tuple[BaseModel, dict[tuple[str | int, ...], int]]:
    """The model and line map of a text (see `load_model_text`); not for error messages."""
    loaded = load_yaml_text(text, "<text>")
    return parse_model(model, loaded), loaded.source.lines


def _problem(model: type[BaseModel], loaded: LoadedYaml, err: Any) -> Problem:
    loc: tuple[str | int, ...] = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    where = loaded.source.where(loc)
    path = _dotted(loc)
    context = _context(loaded.data, loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(key, allowed)
        if not hint and (" " in key or key[:1].isupper()):
            hint = (
                "if this is the rest of a text that contains a comma inside {…}, "
                "put the whole text in quotes"
            )
        return Problem(
            where,
            f"{context}unknown key '{key}'",
            f"one of: {', '.join(allowed)}" if allowed else "",
            hint.capitalize() if hint else "",
            code="unknown-key",
        )
    if kind == "missing":
        why = str(err.get("msg", ""))
        return Problem(
            where,
            f"{context}'{path}' is missing",
            "it to be present",
            "" if why in ("", "Field required") else why[:1].upper() + why[1:],
            code="missing-key",
        )
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        given = err.get("input")
        choices = [c.strip(" '") for c in str(expected).replace(" or ", ",").split(",")]
        hint = did_you_mean(str(given), choices)
        return Problem(
            where,
            f"{context}{path} '{given}' is not allowed",
            f"one of {expected}",
            hint.capitalize() if hint else "",
            code="bad-value",
        )
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    given = err.get("input")
    shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
    return Problem(where, f"{context}{path}: {msg}{shown}", code="bad-value")


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "document"


def _context(data: Any, loc: Sequence[str | int]) -> str:
    """Name the nearest enclosing object with an id: "goal 'mal-1': "."""
    node = data
    last_id = ""
    parent_key = ""
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            parent_key = part
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        if isinstance(node, dict) and "id" in node:
            kind = {
                "themes": "theme",
                "goals": "goal",
                "initiatives": "initiative",
                "key_figures": "key figure",
                "indicators": "indicator",
            }.get(parent_key, "item")
            last_id = f"{kind} '{node['id']}': "
    return last_id


def _fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model reached by walking `loc` (for did-you-mean)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
