"""The policy editor's form: which fields a policy has, how a field's text becomes YAML, and
where a lint finding is shown.

Why fields named by their YAML path (`f-themes.0.goals.1.target.value`): a lint finding
carries the path it concerns (`LintIssue.path`), so placing it next to its field needs no
second mapping; and applying the form changes exactly the values whose text differs from
what the form was rendered with, through `pejling.web.yaml_edit`, so an unchanged form gives
the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pejling.spec.lint.issue import LintIssue
from pejling.spec.lint.report import render_issue
from pejling.spec.lint.texts_da import SEVERITY_DA, text_da
from pejling.web import yaml_edit

Path = tuple[str | int, ...]
PREFIX = "f-"

TARGET_KINDS = [
    ("level", "niveau: nå en værdi"),
    ("change_pp", "ændring i procentpoint"),
    ("change_rel", "ændring i procent af udgangspunktet"),
    ("gap", "højst en forskel til en referencegruppe"),
    ("count", "antal"),
    ("direction", "kun retning (flere eller færre)"),
    ("none", "intet måltal (kun tiltag)"),
]
DIRECTIONS = [("", "som indikatoren"), ("higher", "højere er bedre"), ("lower", "lavere er bedre")]
STATUSES = [
    ("planned", "planlagt"),
    ("running", "i gang"),
    ("ended", "gennemført"),
    ("stopped", "stoppet"),
]
STATUS_DA = dict(STATUSES)


@dataclass
class Finding:
    """A lint finding as the editor shows it: Danish text, and the English detail."""

    severity: str
    severity_da: str
    text: str
    detail: str
    field: str = ""

    @property
    def is_error(self) -> bool:
        """Whether it blocks saving."""
        return self.severity == "error"


def signature(findings: Sequence[Finding]) -> str:
    """What a list of findings shows (editor.js redraws a list only when this changes)."""
    return "|".join(f.severity + f.text + f.detail for f in findings)


@dataclass
class Field:
    """One input: its name (from the YAML path), label, kind and current text."""

    path: Path
    label: str
    kind: str = "text"  # text, textarea, number, period, date, select, lines
    choices: Sequence[tuple[str, str]] = ()
    hint: str = ""
    value: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The input's name and id."""
        return name_of(self.path)

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        """A select's (value, label, selected); a value the list does not know is kept."""
        known = [(v, label, v == self.value) for v, label in self.choices]
        if self.value not in {v for v, _label in self.choices}:
            known.insert(0, (self.value, self.value or "–", True))
        return known

    @property
    def shown(self) -> str:
        """The signature of its findings."""
        return signature(self.findings)

    @property
    def has_error(self) -> bool:
        """Whether a finding on the field blocks saving (aria-invalid)."""
        return any(f.is_error for f in self.findings)


@dataclass
class Group:
    """A fieldset: a policy, theme, goal, interim target or initiative."""

    path: Path
    legend: str
    fields: list[Field] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (action value, label)
    findings: list[Finding] = field(default_factory=list)

    @property
    def slot(self) -> str:
        """The id of the group's list of findings."""
        return "grp-" + ".".join(map(str, self.path)) if self.path else "grp-policy"

    @property
    def shown(self) -> str:
        """The signature of its findings."""
        return signature(self.findings)

    @property
    def level(self) -> int:
        """The heading level of its legend (themes and initiatives 2, goals 3, interim 4)."""
        return max(2, 1 + sum(1 for p in self.path if isinstance(p, int)))

    def walk(self) -> list[Group]:
        """This group and every group inside it."""
        out = [self]
        for g in self.groups:
            out += g.walk()
        return out


def name_of(path: Path) -> str:
    """The form name of a YAML path."""
    return PREFIX + ".".join(map(str, path))


def path_of(text: str) -> Path:
    """The YAML path of a dotted path (numbers are list indexes)."""
    return tuple(as_int(p, p) for p in text.split(".") if p)


def as_int(text: str, default: Any) -> Any:
    """`text` as a whole number when it is one written in ASCII digits (at most 9 of them),
    else `default`. Why not `str.isdigit`: it accepts "²" and "٣", and `int` of a long
    digit string is refused; both would end a request in a server error."""
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return default


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(float(value)).replace(".", ",")
    return str(value)


def to_text(kind: str, value: Any) -> str:
    """A YAML value as the form shows it."""
    if value is None:
        return ""
    if kind == "number":
        return _number_text(value)
    if kind == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def from_text(kind: str, text: str) -> Any:
    """A form text as the YAML value to write (None: remove the key).

    A text that is not a number, date or period where one is wanted is written as it is, so
    that lint reports it next to its field like any other finding.
    """
    text = _clean(text)
    if not text:
        return None
    if kind == "number":
        number = number_of(text)
        return text if number is None else number
    if kind == "period":
        return as_int(text, text)
    if kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if kind == "lines":
        return [line.strip() for line in text.split("\n") if line.strip()]
    if kind == "textarea":
        return "\n".join(line.rstrip() for line in text.split("\n"))
    return " ".join(text.split())


_GROUPED = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"  # 1.500 or 12.500.000: dots between groups
_DANISH = re.compile(rf"([+-]?)({_GROUPED}|[0-9]+)(?:,([0-9]+))?")  # 1.500,25 / 66,7 / 12
_POINT = re.compile(r"([+-]?)([0-9]+)\.([0-9]+)")  # 66.7
_AMBIGUOUS = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")  # 1.500: 1500 or 1,5?
AMBIGUOUS_TEXT = (
    "Tallet kan læses på to måder: er punktummet et tusindtalsskilletegn eller et "
    "decimaltegn? Skriv det uden punktum (1500) eller med decimalkomma (1,5)."
)


def _plain(text: str) -> str:
    """The number text without spaces (also no-break and thin ones) and with an ASCII minus."""
    return "".join(text.split()).replace("\u202f", "").replace("\u2212", "-")


def ambiguous(text: str) -> bool:
    """Whether a number text has one dot followed by exactly three digits and no comma, so
    that a Danish reader may mean a thousands separator (1.500 = 1500) and another a decimal
    point (1.500 = 1,5). Neither is guessed: the editor asks (`AMBIGUOUS_TEXT`)."""
    return _AMBIGUOUS.fullmatch(_plain(text)) is not None


def number_of(text: str) -> int | float | None:
    """A number as a Danish user writes it, or None when it is not one or is `ambiguous`.

    The rule, which never misreads: a comma is the decimal sign, and then dots may only
    separate groups of three digits ("1.500,25"); without a comma, dots between groups of
    three are thousands separators when there are at least two ("1.500.000"), a single dot
    is a decimal point unless exactly three digits follow it ("66.7", "0.500"), and one dot
    with three digits after 1–3 leading digits ("1.500") is ambiguous. ASCII digits only.
    """
    plain = _plain(text)
    if not plain.isascii() or ambiguous(plain):
        return None
    danish = _DANISH.fullmatch(plain)
    if danish is not None:
        sign, whole, decimals = danish.groups()
        whole = whole.replace(".", "")
        if decimals is None:
            return int(sign + whole)
        return float(f"{sign}{whole}.{decimals}")
    point = _POINT.fullmatch(plain)
    if point is not None:
        return float(plain)
    return None


def _f(doc: Any, path: Path, label: str, kind: str = "text", **kw: Any) -> Field:
    return Field(path, label, kind, value=to_text(kind, yaml_edit.get(doc, path)), **kw)


def goal_group(doc: Any, path: Path) -> Group:
    """The fields of one goal."""
    g = yaml_edit.get(doc, path) or {}
    name = g.get("label") or g.get("id") or "nyt mål"
    group = Group(path, f"Mål: {name}")
    t = (*path, "target")
    b = (*path, "baseline")
    group.fields = [
        _f(doc, (*path, "id"), "Id (bruges i adressen)"),
        _f(doc, (*path, "statement"), "Målet", "textarea"),
        _f(doc, (*path, "responsible"), "Ansvarlig"),
        _f(doc, (*path, "deadline"), "Frist", "period", hint="fx 2025 eller 2025H2"),
        _f(doc, (*path, "indicator", "id"), "Indikator (id)"),
        _f(doc, (*path, "indicator", "source"), "Indikatorens kilde", hint="fx register"),
        _f(doc, (*t, "kind"), "Måltype", "select", choices=TARGET_KINDS),
        _f(doc, (*t, "value"), "Måltal", "number"),
        _f(doc, (*t, "direction"), "Retning", "select", choices=DIRECTIONS),
        _f(doc, (*b, "value"), "Udgangspunkt: værdi", "number"),
        _f(doc, (*b, "date"), "Udgangspunkt: tidspunkt", "period"),
        _f(doc, (*b, "source"), "Udgangspunkt: kilde"),
    ]
    interim = yaml_edit.get(doc, (*t, "interim")) or []
    for k in range(len(interim)):
        p = (*t, "interim", k)
        sub = Group(p, f"Delmål {k + 1}")
        sub.fields = [
            _f(doc, (*p, "deadline"), "Frist", "period"),
            _f(doc, (*p, "value"), "Værdi", "number"),
            _f(doc, (*p, "note"), "Note"),
        ]
        sub.actions = [("remove:" + ".".join(map(str, p)), f"Fjern delmål {k + 1}")]
        group.groups.append(sub)
    group.actions = [("add-interim:" + ".".join(map(str, path)), "Tilføj delmål")]
    return group


def initiative_group(doc: Any, path: Path) -> Group:
    """The fields of one initiative."""
    i = yaml_edit.get(doc, path) or {}
    group = Group(path, f"Tiltag: {i.get('title') or i.get('id') or 'nyt tiltag'}")
    group.fields = [
        _f(doc, (*path, "id"), "Id"),
        _f(doc, (*path, "title"), "Titel"),
        _f(doc, (*path, "owner"), "Ansvarlig"),
        _f(doc, (*path, "partners"), "Samarbejdspartnere", "lines", hint="én pr. linje"),
        _f(doc, (*path, "status"), "Status", "select", choices=STATUSES),
        _f(doc, (*path, "follow_up"), "Næste opfølgning", "date"),
    ]
    return group


def form(doc: Any) -> Group:
    """The whole editor: the policy, its themes and goals, and its initiatives."""
    top = Group((), "Politikken")
    top.fields = [
        _f(doc, ("title",), "Titel"),
        _f(doc, ("period", "start"), "Periode: start", "period", hint="fx 2024"),
        _f(doc, ("period", "end"), "Periode: slut", "period", hint="fx 2027"),
        _f(doc, ("vision",), "Vision", "textarea"),
    ]
    for ti, theme in enumerate(yaml_edit.get(doc, ("themes",)) or []):
        tp: Path = ("themes", ti)
        tg = Group(tp, f"Tema: {theme.get('title') or theme.get('id')}")
        tg.fields = [
            _f(doc, (*tp, "title"), "Temaets titel"),
            _f(doc, (*tp, "objective"), "Målsætning", "textarea"),
        ]
        for gi in range(len(theme.get("goals") or [])):
            tg.groups.append(goal_group(doc, (*tp, "goals", gi)))
        tg.actions = [("add-goal:" + ".".join(map(str, tp)), "Tilføj mål til temaet")]
        top.groups.append(tg)
    inits = Group(("initiatives",), "Tiltag")
    for ii in range(len(yaml_edit.get(doc, ("initiatives",)) or [])):
        inits.groups.append(initiative_group(doc, ("initiatives", ii)))
    inits.actions = [("add-initiative:", "Tilføj tiltag")]
    top.groups.append(inits)
    return top


def fields(group: Group) -> list[Field]:
    """Every field of a form."""
    return [f for g in group.walk() for f in g.fields]


def apply(doc: Any, data: Mapping[str, str]) -> bool:
    """Write the submitted values that differ from the document's into it; whether any did.

    Fields not submitted are left alone (a partial form, such as one initiative's follow-up,
    changes only what it shows).
    """
    changed = False
    for f in fields(form(doc)):
        submitted = data.get(f.name)
        if submitted is None or _same(f.kind, submitted, f.value):
            continue
        yaml_edit.set_value(doc, f.path, from_text(f.kind, submitted))
        changed = True
    return changed


def _same(kind: str, submitted: str, shown: str) -> bool:
    """Whether a submitted text is the one shown (a browser turns CRLF into LF in a textarea,
    and drops line breaks from a one-line input)."""
    if kind in ("textarea", "lines"):
        return _clean(submitted) == _clean(shown)
    return " ".join(submitted.split()) == " ".join(shown.split())


def _unique(doc: Any, stem: str) -> str:
    taken = {str(g.get("id")) for t in (doc.get("themes") or []) for g in (t.get("goals") or [])}
    taken |= {str(i.get("id")) for i in (doc.get("initiatives") or [])}
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def act(doc: Any, action: str) -> bool:
    """Apply a structural action of the form (add a goal, initiative or interim target,
    remove an interim target); whether it was one."""
    verb, _, where = action.partition(":")
    path = path_of(where)
    if verb == "add-goal" and len(path) == 2 and path[0] == "themes":
        item = {
            "id": _unique(doc, "nyt-maal"),
            "statement": "Beskriv målet",
            "target": {"kind": "level", "value": 0},
        }
        yaml_edit.append(doc, (*path, "goals"), item)
        return True
    if verb == "add-initiative":
        item = {"id": _unique(doc, "nyt-tiltag"), "title": "Nyt tiltag", "status": "planned"}
        yaml_edit.append(doc, ("initiatives",), item)
        return True
    if verb == "add-interim" and len(path) == 4:
        goal = yaml_edit.get(doc, path) or {}
        target = goal.get("target") or {}
        deadline = goal.get("deadline") or yaml_edit.get(doc, ("period", "end"))
        value = target.get("value")
        yaml_edit.append(
            doc,
            (*path, "target", "interim"),
            {"deadline": deadline, "value": value if value is not None else 0},
        )
        return True
    if verb == "remove" and "interim" in path:
        yaml_edit.remove(doc, path)
        parent = path[:-1]
        if not yaml_edit.get(doc, parent):
            yaml_edit.remove(doc, parent)
        return True
    return False


def finding(issue: LintIssue) -> Finding:
    """A lint issue as the editor shows it."""
    return Finding(
        issue.severity.value,
        SEVERITY_DA[issue.severity.value],
        text_da(issue),
        render_issue(issue),
    )


def place(top: Group, issues: Sequence[LintIssue]) -> list[Finding]:
    """Attach every finding to its field (or the nearest group); the findings, placed.

    A number field holding an `ambiguous` text gets the editor's own finding instead of
    lint's (which only says that the text is no number)."""
    by_path = {f.path: f for f in fields(top)}
    groups = top.walk()
    out = []
    unclear = {f.path for f in by_path.values() if f.kind == "number" and ambiguous(f.value)}
    for path in sorted(unclear, key=str):
        own = Finding("error", SEVERITY_DA["error"], AMBIGUOUS_TEXT, "", by_path[path].name)
        by_path[path].findings.append(own)
        out.append(own)
    for issue in issues:
        if issue.path in unclear:
            continue
        shown = finding(issue)
        target = _field_for(issue.path, by_path)
        if target is not None:
            shown.field = target.name
            target.findings.append(shown)
        else:
            group = max(
                (g for g in groups if issue.path[: len(g.path)] == g.path),
                key=lambda g: len(g.path),
                default=top,
            )
            shown.field = group.slot
            group.findings.append(shown)
        out.append(shown)
    return out


def _field_for(path: Path, by_path: dict[Path, Field]) -> Field | None:
    """The field a path concerns: itself, the nearest field above it, or the first inside."""
    if not path:
        return None
    for n in range(len(path), 0, -1):
        found = by_path.get(path[:n])
        if found is not None:
            return found
    if path[-1] not in INSIDE:
        return None
    return next((f for p, f in by_path.items() if p[: len(path)] == path), None)


#: findings on these whole objects are shown at their first field
INSIDE = {"target", "baseline", "indicator", "period", "interim", "measurement"}
