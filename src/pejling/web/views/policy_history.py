"""The municipality's policies and their history: the list, the versions, a readable diff
between two versions, YAML export of a version and YAML import as a new version.

Export is the stored text byte for byte and import stores the uploaded text as it is (after
lint), so export → import round-trips exactly, comments included.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from pejling.errors import SpecError
from pejling.reference.municipalities import name_of
from pejling.spec.lint.texts_da import text_da
from pejling.web.access import allow
from pejling.web.audit import record
from pejling.web.goals import workspace
from pejling.web.models import EventKind, PolicyVersion
from pejling.web.policy_form import as_int
from pejling.web.policy_versions import (
    IMPORT,
    ORIGIN_LABELS,
    SaveRefused,
    counts,
    files,
    save,
    sync,
    versions,
)
from pejling.web.roles import READERS
from pejling.web.views.policy_common import (
    EDITORS,
    audit_refusal,
    author_name,
    may,
    policy_of,
    version_of,
)
from pejling.workspace import LoadedPolicy, Workspace

MAX_UPLOAD = 1_000_000
"""The largest policy file accepted (bytes); the largest demo policy is 40 kB."""


def when(v: PolicyVersion) -> str:
    """A version's time, Danish style (31.12.2026 14:05)."""
    return str(timezone.localtime(v.at).strftime("%d.%m.%Y %H:%M"))


@dataclass(frozen=True)
class Row:
    """One policy of the list."""

    policy_id: str
    title: str
    file_name: str
    versions: int
    can_edit: bool


@allow(READERS, scoped=True)
def policy_list(request: HttpRequest, code: int) -> HttpResponse:
    """The municipality's policies with the number of versions and links."""
    ws = workspace()
    sync(ws, request)
    n = counts()
    titles = {lp.policy.id: lp.policy.title for lp in _loadable(ws)}
    rows = [
        Row(
            f.policy_id,
            titles.get(f.policy_id, f.policy_id),
            f.path.name,
            n.get(f.policy_id, 0),
            may(request, "web:policy_edit", code=code, policy=f.policy_id),
        )
        for f in files(ws)
        if not f.national and f.municipality == code
    ]
    return render(
        request, "web/policy_list.html", {"code": code, "name": name_of(code), "rows": rows}
    )


def _loadable(ws: Workspace) -> list[LoadedPolicy]:
    """The policies that load (a broken file is still listed, under its id)."""
    try:
        return ws.load_policies()
    except SpecError:
        return []


@allow(READERS, scoped=True)
def policy_history(request: HttpRequest, code: int, policy: str) -> HttpResponse:
    """Every version: number, time, author, origin, reason; choose two to compare."""
    _ws, current = policy_of(code, policy, request)
    a, b = as_int(request.GET.get("a", ""), None), as_int(request.GET.get("b", ""), None)
    if a is not None and b is not None:
        return redirect("web:policy_diff", code=code, policy=policy, a=a, b=b)
    rows = [
        {
            "v": v,
            "when": when(v),
            "author": author_name(v.author) or "–",
            "origin": ORIGIN_LABELS.get(v.origin, v.origin),
        }
        for v in versions(policy)
        if v.municipality == code
    ]
    imported = as_int(request.GET.get("indlaest", ""), None)
    return render(
        request,
        "web/policy_history.html",
        {
            "code": code,
            "name": name_of(code),
            "policy_id": policy,
            "file_name": current.path.name,
            "rows": rows,
            "can_edit": may(request, "web:policy_edit", code=code, policy=policy),
            "imported": imported,
        },
    )


@dataclass(frozen=True)
class Line:
    """One line of a diff: kind (add, remove, same, hunk), the old and new line numbers."""

    kind: str
    text: str
    old: str = ""
    new: str = ""


def diff_lines(old: str, new: str) -> list[Line]:
    """A unified diff of two texts with line numbers, three lines of context."""
    a, b = old.splitlines(), new.splitlines()
    out: list[Line] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        out.append(
            Line("hunk", f"Linje {first[1] + 1}–{last[2]} før, {first[3] + 1}–{last[4]} efter")
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [Line("same", a[i], str(i + 1), str(j1 + i - i1 + 1)) for i in range(i1, i2)]
                continue
            out += [Line("remove", a[i], str(i + 1), "") for i in range(i1, i2)]
            out += [Line("add", b[j], "", str(j + 1)) for j in range(j1, j2)]
    return out


@allow(READERS, scoped=True)
def policy_diff(request: HttpRequest, code: int, policy: str, a: int, b: int) -> HttpResponse:
    """What changed from version `a` to version `b`."""
    policy_of(code, policy, request)
    old, new = version_of(policy, a, code), version_of(policy, b, code)
    lines = diff_lines(old.text, new.text)
    return render(
        request,
        "web/policy_diff.html",
        {
            "code": code,
            "name": name_of(code),
            "policy_id": policy,
            "old": old,
            "new": new,
            "old_when": when(old),
            "new_when": when(new),
            "new_author": author_name(new.author) or "–",
            "new_origin": ORIGIN_LABELS.get(new.origin, new.origin),
            "lines": lines,
            "added": sum(1 for x in lines if x.kind == "add"),
            "removed": sum(1 for x in lines if x.kind == "remove"),
            "numbers": [v.number for v in versions(policy) if v.municipality == code],
        },
    )


@allow(READERS, scoped=True)
def policy_export(request: HttpRequest, code: int, policy: str, number: int) -> HttpResponse:
    """A version's YAML text, byte for byte, as a download (audited)."""
    policy_of(code, policy, request)
    v = version_of(policy, number, code)
    record(request, EventKind.POLICY_EXPORT, municipality=code, detail=f"{policy} v{number}")
    response = HttpResponse(v.text.encode("utf-8"), content_type="application/yaml; charset=utf-8")
    stem = v.file_name.removesuffix(".yaml")
    # a file name the policy chose may hold any character: quoted, or RFC 5987 when not ASCII
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-v{number}.yaml")
    return response


@allow(EDITORS, scoped=True)
def policy_import(request: HttpRequest, code: int, policy: str) -> HttpResponse:
    """GET: the upload form; POST: the uploaded YAML as a new version (after lint)."""
    ws, current = policy_of(code, policy, request)
    message = ""
    findings: list[str] = []
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("fil")
        if upload is None:
            message, status = "Vælg en YAML-fil at indlæse.", 400
        elif upload.size is not None and upload.size > MAX_UPLOAD:
            message, status = "Filen er for stor til at være en politik (højst 1 MB).", 400
        else:
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                message, status = "Filen er ikke UTF-8-tekst.", 400
            else:
                try:
                    made = save(
                        ws,
                        policy,
                        text,
                        request.user,
                        str(request.POST.get("reason", "")),
                        str(request.POST.get("base") or current.sha256),
                        IMPORT,
                        request=request,
                    )
                except SaveRefused as refused:
                    audit_refusal(request, code, policy, refused, "indlæsning")
                    message = refused.message
                    findings = [
                        f"{i.location}: {text_da(i)} ({i.message})"
                        for i in refused.issues
                        if i.severity.value == "error"
                    ]
                else:
                    url = reverse("web:policy_history", kwargs={"code": code, "policy": policy})
                    return redirect(f"{url}?indlaest={made.number}")
    return render(
        request,
        "web/policy_import.html",
        {
            "code": code,
            "name": name_of(code),
            "policy_id": policy,
            "file_name": current.path.name,
            "base": current.sha256 if request.method != "POST" else request.POST.get("base"),
            "message": message,
            "findings": findings,
            "reason": request.POST.get("reason", ""),
        },
        status=status,
    )
