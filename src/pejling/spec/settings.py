"""Workspace settings (`pejling.toml`): who we are, language, disclosure threshold."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from pejling.errors import Problem, SpecError
from pejling.reference.municipalities import is_valid_code
from pejling.spec.types import StrictModel


class WorkspaceSection(StrictModel):
    """Identity of the workspace."""

    name: str = Field(min_length=1)
    municipality: int = Field(description="municipality code, or 0 for a national workspace")
    language: str = Field(default="da", pattern="^(da|en)$")

    @field_validator("municipality")
    @classmethod
    def _code(cls, code: int) -> int:
        if not is_valid_code(code):
            raise ValueError(f"{code} is not one of the 98 municipality codes or 0 (national)")
        return code


class DisclosureSection(StrictModel):
    """Small-cell suppression for published outputs."""

    threshold: int = Field(default=5, ge=1)


DEFAULT_MIN_PERSONS = 20
"""Why 20: at 20 persons and a 50 % share the 95 % interval runs from 30 % to 70 %, wider than
any change a municipal goal sets out to make (the seed goals move 4–15 percentage points); with
fewer persons a status would be decided by one or two persons' outcomes. Figures on fewer persons
are still shown (above the disclosure threshold) but get no status."""


class EvaluationSection(StrictModel):
    """When the data can carry a verdict."""

    min_persons: int = Field(
        default=DEFAULT_MIN_PERSONS,
        ge=1,
        description="a status needs the figures it rests on to count at least this many persons",
    )


class PseudonymisationSection(StrictModel):
    """Where the key for hashing CPR numbers comes from (never the key itself)."""

    key_env: str = "PEJLING_PSEUDONYM_KEY"


DEFAULT_WAIT_SECONDS = 600
"""Why ten minutes: importing and computing a national extract takes a few minutes; a status or
report started meanwhile should wait for it rather than fail."""


class StoreSection(StrictModel):
    """How commands share the workspace's database."""

    wait_seconds: float = Field(
        default=DEFAULT_WAIT_SECONDS,
        ge=0,
        description="while another pejling process writes the database, wait this many seconds "
        "(with a message) before giving up; 0: give up at once",
    )


class Settings(StrictModel):
    """The whole settings file."""

    workspace: WorkspaceSection
    disclosure: DisclosureSection = Field(default_factory=DisclosureSection)
    evaluation: EvaluationSection = Field(default_factory=EvaluationSection)
    pseudonymisation: PseudonymisationSection = Field(default_factory=PseudonymisationSection)
    store: StoreSection = Field(default_factory=StoreSection)


def load_settings(path: Path) -> Settings:
    """Read and validate `pejling.toml`; errors name the file, line or key."""
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(
            name,
            [
                Problem(
                    name,
                    "settings file not found",
                    "a pejling.toml (create one with `pejling init`)",
                )
            ],
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(name, [Problem(name, f"TOML syntax error: {exc}", "valid TOML")]) from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(
                f"{name} [{'.'.join(str(p) for p in e['loc'])}]",
                str(e["msg"]).removeprefix("Value error, "),
            )
            for e in exc.errors()
        ]
        raise SpecError(name, problems) from None


def render_settings(name: str, municipality: int, language: str = "da") -> str:
    """Text of a fresh settings file with comments."""
    return (
        "# pejling workspace settings\n"
        "[workspace]\n"
        f'name = "{name}"\n'
        f"municipality = {municipality}  # 3-digit municipality code, 0 = national\n"
        f'language = "{language}"  # da or en\n\n'
        "[disclosure]\n"
        "threshold = 5  # published figures resting on fewer persons are suppressed\n\n"
        "[evaluation]\n"
        f"min_persons = {DEFAULT_MIN_PERSONS}  # no status on figures resting on fewer persons\n\n"
        "[pseudonymisation]\n"
        'key_env = "PEJLING_PSEUDONYM_KEY"  # environment variable holding the HMAC key\n\n'
        "[store]\n"
        f"wait_seconds = {DEFAULT_WAIT_SECONDS}  # wait this long while another pejling process "
        "writes the database\n"
    )
