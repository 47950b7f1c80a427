"""Result-grant rule sets (resultattilskud, integrationsloven § 45): versioned data, checked.

A rule set is a YAML file — shipped ones in `pejling/data/grants/`, a workspace's own in
`grants/*.yaml` (a workspace file with a shipped rule set's id replaces it, another id adds a
version). It says when it applies (`valid_from`, `valid_to`), which programmes count, the events
that trigger a grant with their conditions and time windows (years of the programme), and the
rates per year with their source and whether they were verified. docs/result-grants.md has the
reading of the law behind the shipped files.

Checked in the policy files' layers: YAML with line numbers, pydantic with unknown keys
forbidden, then the rules below, each a located problem; every problem of every file is
reported at once.

Rates between known rate years: the nearest earlier rate year of the rule set applies (no index
numbers are invented); a year before the first rate year has no rate.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from pejling.errors import Problem, SpecError, UserError
from pejling.register.tables import EDUCATION_LEVELS, EMPLOYMENT_KINDS, FINAL_TESTS, PROGRAMMES
from pejling.spec.load import load_model_text
from pejling.spec.types import StrictModel
from pejling.spec.yaml_source import SourceMap
from pejling.suggest import did_you_mean

EventType = Literal["employment", "education", "danish_test"]
EVENT_TYPES: tuple[EventType, ...] = ("employment", "education", "danish_test")
#: the programme years a window may name (the law's windows end with year 5)
MAX_PROGRAMME_YEAR = 10


def _cap(hint: str) -> str:
    """A did-you-mean hint as a sentence (codes keep their case: 'Did you mean 'PD3'?')."""
    return hint[:1].upper() + hint[1:]


def _window(value: object) -> object:
    """[first year, last year] of the programme; a single year is [y, y]."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    return value


Window = Annotated[tuple[int, int], BeforeValidator(_window)]
Windows = Annotated[dict[str, Window], Field(min_length=1)]


class EmploymentRule(StrictModel):
    """Ordinary employment that lasted `min_months` continuous months at an average of at
    least `min_weekly_hours`, started within a window."""

    kind: str = "ordinary"
    min_months: int = Field(default=6, ge=1, le=60)
    min_weekly_hours: float = Field(default=20.0, ge=0, le=80)
    windows: Windows


class EducationRule(StrictModel):
    """An education of one of `levels` followed `min_months` continuous months from its
    first study day, started within a window."""

    levels: list[str] = Field(min_length=1)
    min_months: int = Field(default=6, ge=1, le=60)
    windows: Windows


class DanishTestRule(StrictModel):
    """One of `tests` passed within a window."""

    tests: list[str] = Field(min_length=1)
    windows: Windows


class Events(StrictModel):
    """The events that trigger a grant (an event left out triggers none)."""

    employment: EmploymentRule | None = None
    education: EducationRule | None = None
    danish_test: DanishTestRule | None = None


class Source(StrictModel):
    """Where a rate or rule was read."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = Field(min_length=1)
    url: str | None = None


Rates = dict[str, Annotated[int, Field(gt=0)]]


class RateYear(StrictModel):
    """The rates (kr.) from one year on, per event and window."""

    year: int = Field(ge=1990, le=2100)
    source: str
    verified: bool
    employment: Rates | None = None
    education: Rates | None = None
    danish_test: Rates | None = None
    note: str | None = None

    def rates(self, event: EventType) -> Rates | None:
        """The rates of one event type."""
        value: Rates | None = getattr(self, event)
        return value


class RuleSet(StrictModel):
    """One version of the result-grant rules."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str = Field(min_length=1)
    valid_from: date
    valid_to: date | None = None
    programmes: list[str] = Field(default_factory=lambda: list(PROGRAMMES), min_length=1)
    events: Events
    sources: list[Source] = Field(min_length=1)
    rates: list[RateYear] = Field(min_length=1)

    def event(self, event: EventType) -> EmploymentRule | EducationRule | DanishTestRule | None:
        """The rule of one event type (None: the event triggers no grant)."""
        rule: EmploymentRule | EducationRule | DanishTestRule | None = getattr(self.events, event)
        return rule

    def covers(self, day: date) -> bool:
        """Whether the rule set applies on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def rate_year(self, year: int) -> RateYear | None:
        """The rates of a grant year: the nearest earlier (or same) rate year."""
        found = None
        for entry in self.rates:
            if entry.year <= year:
                found = entry
        return found

    def rate(self, year: int, event: EventType, window: str) -> int | None:
        """kr. for an event in a window, earned in `year` (None: no rate)."""
        entry = self.rate_year(year)
        if entry is None:
            return None
        rates = entry.rates(event)
        return None if rates is None else rates.get(window)

    def window_of(self, event: EventType, programme_year: int) -> str | None:
        """The window holding a programme year (1 = the first 12 months), or None."""
        rule = self.event(event)
        if rule is None:
            return None
        for key, (first, last) in rule.windows.items():
            if first <= programme_year <= last:
                return key
        return None

    def source(self, source_id: str) -> Source | None:
        """A source by id."""
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(frozen=True)
class LoadedRuleSet:
    """A rule set with the file it came from and its line map."""

    rules: RuleSet
    file: str
    source: SourceMap
    shipped: bool

    def where(self, *path: str | int) -> str:
        """`file:line` of a key of the rule set."""
        return self.source.where(path)


@dataclass(frozen=True)
class RuleBook:
    """Every rule set in force, ordered by `valid_from`."""

    versions: tuple[LoadedRuleSet, ...]

    def get(self, version: str) -> RuleSet:
        """A rule set by id; a SpecError naming the known ids (did-you-mean) if unknown."""
        for loaded in self.versions:
            if loaded.rules.id == version:
                return loaded.rules
        ids = [v.rules.id for v in self.versions]
        hint = did_you_mean(version, ids)
        raise UserError(
            f"no result-grant rule set '{version}'; expected one of {', '.join(ids)}"
            + (f". {_cap(hint)}" if hint else "")
        )

    def for_date(self, day: date) -> RuleSet | None:
        """The rule set that applies on `day` (None: none does)."""
        return next((v.rules for v in self.versions if v.rules.covers(day)), None)

    def ids(self) -> list[str]:
        """Version ids in date order."""
        return [v.rules.id for v in self.versions]


def check_rule_set(item: LoadedRuleSet) -> list[Problem]:
    """The semantic rules of one file (pydantic has checked the shapes)."""
    r = item.rules
    problems: list[Problem] = []

    def bad(path: Sequence[str | int], message: str, expected: str = "", hint: str = "") -> None:
        problems.append(Problem(item.where(*path), message, expected, hint, code="bad-grant-rule"))

    if r.valid_to is not None and r.valid_to < r.valid_from:
        bad(["valid_to"], f"valid_to {r.valid_to} is before valid_from {r.valid_from}",
            "valid_to on or after valid_from")  # fmt: skip
    for code in r.programmes:
        if code not in PROGRAMMES:
            hint = did_you_mean(code, PROGRAMMES)
            bad(["programmes"], f"unknown programme '{code}'", f"one of {', '.join(PROGRAMMES)}",
                _cap(hint))  # fmt: skip
    if r.events.employment and r.events.employment.kind not in EMPLOYMENT_KINDS:
        bad(["events", "employment", "kind"], f"unknown employment kind "
            f"'{r.events.employment.kind}'", f"one of {', '.join(EMPLOYMENT_KINDS)}")  # fmt: skip
    if r.events.education:
        for level in r.events.education.levels:
            if level not in EDUCATION_LEVELS:
                bad(["events", "education", "levels"], f"unknown education level '{level}'",
                    f"one of {', '.join(EDUCATION_LEVELS)}")  # fmt: skip
    if r.events.danish_test:
        for test in r.events.danish_test.tests:
            if test not in FINAL_TESTS:
                hint = did_you_mean(test, FINAL_TESTS)
                bad(["events", "danish_test", "tests"], f"unknown Danish test '{test}'",
                    f"one of {', '.join(FINAL_TESTS)}", _cap(hint))  # fmt: skip
    defined = [e for e in EVENT_TYPES if r.event(e) is not None]
    if not defined:
        bad(["events"], "no event triggers a grant", "employment, education or danish_test")
    for event in defined:
        rule = r.event(event)
        assert rule is not None
        spans = sorted((a, b, key) for key, (a, b) in rule.windows.items())
        for a, b, key in spans:
            if not 1 <= a <= b <= MAX_PROGRAMME_YEAR:
                bad(["events", event, "windows", key], f"window {key} [{a}, {b}] is not a range "
                    "of programme years", f"[first, last] with 1 <= first <= last <= "
                    f"{MAX_PROGRAMME_YEAR}")  # fmt: skip
        for (_a1, b1, k1), (a2, _b2, k2) in itertools.pairwise(spans):
            if a2 <= b1:
                bad(["events", event, "windows", k2], f"windows {k1} and {k2} overlap "
                    f"(year {a2})", "each programme year in one window at most")  # fmt: skip
    known_sources = {s.id for s in r.sources}
    previous: int | None = None
    for i, entry in enumerate(r.rates):
        if previous is not None and entry.year <= previous:
            bad(["rates", i, "year"], f"rate year {entry.year} does not follow {previous}",
                "rate years in increasing order, each once")  # fmt: skip
        previous = entry.year
        if entry.source not in known_sources:
            hint = did_you_mean(entry.source, sorted(known_sources))
            bad(["rates", i, "source"], f"unknown source '{entry.source}'",
                f"one of the ids under sources: {', '.join(sorted(known_sources))}",
                _cap(hint))  # fmt: skip
        if r.valid_to is not None and entry.year > r.valid_to.year:
            bad(["rates", i, "year"], f"rate year {entry.year} is after valid_to {r.valid_to}",
                "rate years within the rule set's validity")  # fmt: skip
        for event in EVENT_TYPES:
            rule = r.event(event)
            rates = entry.rates(event)
            if rule is None:
                if rates is not None:
                    bad(["rates", i, event], f"a rate for {event}, which is not under events",
                        f"rates only for {', '.join(defined)}")  # fmt: skip
                continue
            if rates is None:
                bad(["rates", i], f"rate year {entry.year} has no rates for {event}",
                    f"{event}: {{{', '.join(f'{k}: kr.' for k in rule.windows)}}}")  # fmt: skip
                continue
            for key in rates:
                if key not in rule.windows:
                    hint = did_you_mean(key, list(rule.windows))
                    bad(["rates", i, event, key], f"unknown window '{key}' for {event}",
                        f"one of {', '.join(rule.windows)}", _cap(hint))  # fmt: skip
            for key in rule.windows:
                if key not in rates:
                    bad(["rates", i, event], f"no rate for window {key} of {event}",
                        f"a rate (kr.) for every window of {event}")  # fmt: skip
    if r.rates[0].year > r.valid_from.year:
        bad(["rates", 0, "year"], f"the first rate year {r.rates[0].year} is after valid_from "
            f"{r.valid_from}: grants earned before it would have no rate",
            f"a rate year no later than {r.valid_from.year}")  # fmt: skip
    return problems


def shipped_files() -> list[tuple[str, str]]:
    """(display name, text) of every shipped rule set."""
    root = resources.files("pejling.data").joinpath("grants")
    return [
        (f"pejling/data/grants/{e.name}", e.read_text("utf-8"))
        for e in sorted(root.iterdir(), key=lambda e: e.name)
        if e.name.endswith(".yaml")
    ]


def workspace_files(folder: Path | None) -> list[tuple[str, str]]:
    """(display name, text) of a workspace's `grants/*.yaml`."""
    if folder is None or not folder.is_dir():
        return []
    return [(f"grants/{p.name}", p.read_text("utf-8")) for p in sorted(folder.glob("*.yaml"))]


def load_rule_book(workspace_grants: Path | None = None) -> RuleBook:
    """Shipped rule sets plus a workspace's; raise SpecError listing every problem."""
    return rule_book_from_texts(
        [(n, t, True) for n, t in shipped_files()]
        + [(n, t, False) for n, t in workspace_files(workspace_grants)]
    )


def rule_book_from_texts(files: Iterable[tuple[str, str, bool]]) -> RuleBook:
    """Rule sets from (display name, YAML text, shipped) triples, checked together."""
    problems: list[Problem] = []
    loaded: dict[str, LoadedRuleSet] = {}
    for name, text, shipped in files:
        try:
            rules, source = load_model_text(RuleSet, text, name)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        item = LoadedRuleSet(rules, name, source, shipped)
        problems.extend(check_rule_set(item))
        previous = loaded.get(rules.id)
        if previous is not None and previous.shipped == shipped:
            problems.append(
                Problem(
                    item.where("id"),
                    f"rule set id '{rules.id}' is also used by {previous.where('id')}",
                    "one id per rule set",
                    code="duplicate-grant-rules",
                )
            )
            continue
        loaded[rules.id] = item  # a workspace file replaces the shipped rule set of that id
    ordered = sorted(loaded.values(), key=lambda v: v.rules.valid_from)
    for a, b in itertools.pairwise(ordered):
        end = a.rules.valid_to
        if end is None or end >= b.rules.valid_from:
            problems.append(
                Problem(
                    b.where("valid_from"),
                    f"rule set '{b.rules.id}' (from "
                    f"{b.rules.valid_from}) overlaps '{a.rules.id}' ({a.where('valid_from')}, "
                    f"valid to {end or 'open'})",
                    "rule sets whose periods do not overlap",
                    "Give the earlier one a valid_to before this valid_from",
                    code="overlapping-grant-rules",
                )
            )
    if problems:
        raise SpecError("grants", problems)
    return RuleBook(tuple(ordered))
