"""The history of the policy files: every version with who, when and why.

The YAML files in `<workspace>/policies/` stay the one source of truth (docs/architecture.md,
"Policies"); `PolicyVersion` is their history. `sync` records a file the application has not
seen (version 1, found) or one changed outside the application (a new version, outside).
`save` lints a new text, refuses it when the file changed since the editor opened it, and then
records the version and replaces the file atomically, in one database transaction, under a
file lock so that two server processes cannot interleave check and replace.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest

from pejling.errors import SpecError
from pejling.reference.municipalities import NATIONAL_CODE
from pejling.spec.catalog import Catalog
from pejling.spec.lint.issue import LintIssue
from pejling.spec.types import Severity
from pejling.spec.yaml_source import load_yaml_text
from pejling.web.audit import record
from pejling.web.models import AuditEvent, EventKind, PolicyVersion
from pejling.workspace import Workspace

# the values of `PolicyVersion.Origin` (plain strings: typed without Django's stubs)
FOUND, WEB, OUTSIDE, IMPORT = "found", "web", "outside", "import"
ORIGIN_LABELS: dict[str, str] = {str(k): str(v) for k, v in PolicyVersion.Origin.choices}
LOCK_NAME = "policies.lock"


class SaveRefused(Exception):
    """A save that did not happen; `message` is Danish, for the editor to show."""

    def __init__(self, message: str, issues: list[LintIssue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.issues = issues or []


STALE = (
    "Politikken er blevet ændret, siden du åbnede den (af en anden, eller uden for pejling "
    "web). Dine ændringer er ikke gemt. Åbn politikken igen, og lav ændringerne på den nyeste "
    "version."
)


def sha256(text: str) -> str:
    """The SHA-256 of a text as stored (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PolicyFile:
    """A policy file as it is now: its path, text, hash and what it says about itself."""

    path: Path
    text: str
    sha256: str
    policy_id: str
    municipality: int
    national: bool


def _identity(text: str, path: Path) -> tuple[str, int, bool]:
    """The policy id, municipality and whether it is national, read leniently (a file that
    does not validate still has a history; its id falls back to the file name).

    A file that is not a YAML mapping (a broken edit outside the application) says nothing
    about itself: it keeps the identity of the last version recorded from the same file, so
    that it stays its municipality's, the editor shows it as broken and an editor can import
    a repaired text. A file never seen whole falls back to its name, as no municipality's.
    """
    found = _identity_of(text, path.stem)
    if found is not None:
        return found
    last: PolicyVersion | None = (
        PolicyVersion.objects.filter(file_name=path.name).order_by("-at", "-number").first()
    )
    if last is None:
        return path.stem, NATIONAL_CODE, False
    return last.policy_id, last.municipality, last.municipality == NATIONAL_CODE


@lru_cache(maxsize=64)
def _identity_of(text: str, stem: str) -> tuple[str, int, bool] | None:
    """`_identity`, once per text (every policy page reads every file; YAML parsing is the
    slow part); None when the text is not a YAML mapping."""
    try:
        data = load_yaml_text(text, stem).data
    except SpecError:
        data = None
    if not isinstance(data, dict):
        return None
    national = data.get("scope") == "national"
    code = data.get("municipality")
    municipality = code if isinstance(code, int) and not national else NATIONAL_CODE
    return str(data.get("id") or stem), municipality, national


def read(path: Path) -> PolicyFile:
    """One policy file now."""
    text = path.read_text(encoding="utf-8")
    policy_id, municipality, national = _identity(text, path)
    return PolicyFile(path, text, sha256(text), policy_id, municipality, national)


def files(ws: Workspace) -> list[PolicyFile]:
    """Every policy file of the workspace now, in the workspace's order."""
    return [read(p) for p in ws.policy_files()]


def find(ws: Workspace, policy_id: str) -> PolicyFile | None:
    """The file of a policy (None: no file has that id)."""
    return next((f for f in files(ws) if f.policy_id == policy_id), None)


@contextmanager
def locked(ws: Workspace) -> Iterator[None]:
    """An exclusive lock on the workspace's policies, across processes (fcntl)."""
    folder = ws.root / ".pejling"
    folder.mkdir(exist_ok=True)
    with open(folder / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def latest(policy_id: str) -> PolicyVersion | None:
    """The newest version of a policy."""
    found: PolicyVersion | None = (
        PolicyVersion.objects.filter(policy_id=policy_id).order_by("-number").first()
    )
    return found


def versions(policy_id: str) -> list[PolicyVersion]:
    """Every version of a policy, newest first."""
    return list(
        PolicyVersion.objects.filter(policy_id=policy_id)
        .select_related("author")
        .order_by("-number")
    )


def version(policy_id: str, number: int) -> PolicyVersion | None:
    """One version."""
    found: PolicyVersion | None = PolicyVersion.objects.filter(
        policy_id=policy_id, number=number
    ).first()
    return found


def counts() -> dict[str, int]:
    """The number of versions of every policy."""
    rows = PolicyVersion.objects.values("policy_id").annotate(n=Count("id"))
    return {r["policy_id"]: r["n"] for r in rows}


def _add(
    f: PolicyFile,
    number: int,
    origin: str,
    *,
    text: str | None = None,
    user: Any = None,
    reason: str = "",
) -> PolicyVersion:
    body = f.text if text is None else text
    created: PolicyVersion = PolicyVersion.objects.create(
        policy_id=f.policy_id,
        number=number,
        file_name=f.path.name,
        municipality=f.municipality,
        text=body,
        sha256=sha256(body),
        author=user if user is not None and user.is_authenticated else None,
        reason=reason[:500],
        origin=origin,
    )
    return created


def _audit(
    request: HttpRequest | None, kind: EventKind, user: Any, municipality: int, detail: str
) -> None:
    if request is not None:
        record(request, kind, municipality=municipality, detail=detail)
        return
    named = user is not None and user.is_authenticated
    AuditEvent.objects.create(
        kind=kind,
        username=user.get_username() if named else "",
        user=user if named else None,
        municipality=municipality,
        detail=detail[:300],
    )


def _sync_one(f: PolicyFile, request: HttpRequest | None) -> PolicyVersion:
    """Record `f` when it is new or changed outside the application; its latest version."""
    last = latest(f.policy_id)
    if last is not None and last.sha256 == f.sha256:
        return last
    try:
        with transaction.atomic():
            if last is None:
                return _add(f, 1, FOUND)
            made = _add(f, last.number + 1, OUTSIDE)
            # not in the name of whoever happened to open a page: they did not make the change
            viewer = getattr(request, "user", None)
            noticed = (
                f"; opdaget af {viewer.get_username()}"
                if viewer is not None and viewer.is_authenticated
                else ""
            )
            _audit(
                None,
                EventKind.POLICY_OUTSIDE,
                None,
                f.municipality,
                f"{f.policy_id} v{made.number} ({f.path.name}){noticed}",
            )
            return made
    except IntegrityError:  # another process recorded it meanwhile (without the file lock)
        found = latest(f.policy_id)
        assert found is not None
        return found


def sync(ws: Workspace, request: HttpRequest | None = None) -> dict[str, PolicyVersion]:
    """Record every file first seen (version 1, found) or changed outside the application
    (a new version, outside, audited); the latest version of every policy by id."""
    with locked(ws):
        return {f.policy_id: _sync_one(f, request) for f in files(ws)}


def lint(ws: Workspace, text: str, name: str) -> list[LintIssue]:
    """The findings for a policy text (the rules that need only the file and the catalog)."""
    from pejling.spec.lint.check import lint_text

    _policy, issues = lint_text(text, _catalog(ws), name)
    return issues


def _catalog(ws: Workspace) -> Catalog:
    """The workspace's indicator catalog, read again only when its files change (the live
    check lints on every pause in typing)."""
    folder = ws.root / "indicators"
    stamp = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in (sorted(folder.glob("*.yaml")) if folder.is_dir() else [])
    )
    return _catalog_at(ws.root, stamp)


@lru_cache(maxsize=4)
def _catalog_at(root: Path, stamp: tuple[tuple[str, int, int], ...]) -> Catalog:
    return Workspace.open(root).catalog()


def errors(issues: list[LintIssue]) -> list[LintIssue]:
    """The findings that block saving."""
    return [i for i in issues if i.severity is Severity.ERROR]


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text`: a temporary file beside it, fsync, rename over it.

    A reader (the CLI, another worker) sees the old text or the new one, never a part. The
    temporary name does not end in `.yaml`, so no command takes it for a policy.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


KIND: dict[str, EventKind] = {WEB: EventKind.POLICY_CHANGE, IMPORT: EventKind.POLICY_IMPORT}


def save(
    ws: Workspace,
    policy_id: str,
    new_text: str,
    user: Any,
    reason: str,
    expected_sha: str,
    origin: str = WEB,
    *,
    request: HttpRequest | None = None,
) -> PolicyVersion:
    """Save `new_text` as the next version of the policy and as its file.

    Refused (`SaveRefused`, Danish message) when the reason is empty, lint finds errors, the
    text names another policy or municipality, or the file's hash is no longer
    `expected_sha` (it changed since the editor read it).
    """
    if origin not in KIND:
        raise ValueError(f"a save is a web change or an import, not {origin!r}")
    reason = reason.strip()
    if not reason:
        raise SaveRefused("Skriv kort, hvorfor du ændrer politikken.")
    new_text = new_text.replace("\r\n", "\n")
    current = find(ws, policy_id)
    if current is None:
        raise SaveRefused("Politikken findes ikke længere i arbejdsområdet.")
    issues = lint(ws, new_text, current.path.name)
    if errors(issues):
        raise SaveRefused("Politikken er ikke gemt: ret fejlene først.", issues)
    new_id, new_code, new_national = _identity(new_text, current.path)
    if new_id != policy_id:
        raise SaveRefused(
            f"Politikkens id kan ikke ændres (den hedder '{policy_id}', teksten siger '{new_id}')."
        )
    if (new_code, new_national) != (current.municipality, current.national):
        raise SaveRefused("Politikkens kommune og omfang kan ikke ændres her.")
    with locked(ws):
        now = read(current.path)
        last = _sync_one(now, request)
        if now.sha256 != expected_sha:
            raise SaveRefused(STALE)
        if new_text == now.text:
            raise SaveRefused("Der er ingen ændringer at gemme.")
        with transaction.atomic():
            made = _add(now, last.number + 1, origin, text=new_text, user=user, reason=reason)
            _audit(
                request,
                KIND[origin],
                user,
                now.municipality,
                f"{policy_id} v{made.number}: {reason}",
            )
            write_atomically(now.path, new_text)
    _judge_now(ws)
    return made


def _judge_now(ws: Workspace) -> None:
    """Judge the saved policy before the editor answers, so the next page shows the status
    following the change (other server processes load this judgement; `pejling.web.goals`).
    A failure here is not the save's: the page judges again and shows the command's error."""
    from pejling.web import goals

    try:
        goals.warm(ws)
    except Exception as exc:  # its type only: a message may quote data
        logging.getLogger(__name__).error("judging the saved policy failed: %s", type(exc).__name__)
