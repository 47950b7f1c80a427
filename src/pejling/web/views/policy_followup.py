"""Follow-up of initiatives (status and next follow-up date) and comments on goals.

Both change the policy file: each save is a new version with its reason, made by the same
service as the editor (`policy_versions.save`), from a small form that submits only the
values it shows (the rest of the file stays byte for byte).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pejling.formatting import fmt_date
from pejling.reference.municipalities import name_of
from pejling.report.model import section_anchor
from pejling.spec.lint.texts_da import text_da
from pejling.web import yaml_edit
from pejling.web.access import allow
from pejling.web.goals import workspace
from pejling.web.policy_form import STATUS_DA, STATUSES, apply, as_int
from pejling.web.policy_form import name_of as field_name
from pejling.web.policy_versions import STALE, WEB, SaveRefused, errors, files, save, sync
from pejling.web.roles import READERS
from pejling.web.views.policy_common import EDITORS, author_name, may, policy_of


@dataclass(frozen=True)
class Item:
    """One initiative of the follow-up list."""

    policy_id: str
    policy_title: str
    index: int
    title: str
    owner: str
    status: str
    status_da: str
    follow_up: str
    follow_up_iso: str
    due: bool
    base: str

    @property
    def key(self) -> str:
        """A unique id for the item's form controls."""
        return f"{self.policy_id}-{self.index}"

    @property
    def status_field(self) -> str:
        """The status input's name."""
        return field_name(("initiatives", self.index, "status"))

    @property
    def date_field(self) -> str:
        """The follow-up date input's name."""
        return field_name(("initiatives", self.index, "follow_up"))


Row = tuple[int, str, str, str, date | None]


@lru_cache(maxsize=32)
def _initiatives(text: str, fallback: str) -> tuple[str, tuple[Row, ...]]:
    """A policy text's title and its initiatives (index, title, owner, status, follow-up),
    read once per text."""
    doc = yaml_edit.load(text)
    rows: list[Row] = []
    for i, init in enumerate(doc.get("initiatives") or []):
        when = init.get("follow_up")
        rows.append(
            (
                i,
                str(init.get("title") or init.get("id")),
                str(init.get("owner") or ""),
                str(init.get("status") or ""),
                when if isinstance(when, date) else None,
            )
        )
    return str(doc.get("title") or fallback), tuple(rows)


def items(code: int) -> list[Item]:
    """Every initiative of the municipality's policies, the next follow-up first."""
    out = []
    today = date.today()
    for f in files(workspace()):
        if f.national or f.municipality != code:
            continue
        title, rows = _initiatives(f.text, f.policy_id)
        for i, name, owner, status, when in rows:
            out.append(
                Item(
                    f.policy_id,
                    title,
                    i,
                    name,
                    owner,
                    status,
                    STATUS_DA.get(status, status),
                    fmt_date(when) if when else "",
                    when.isoformat() if when else "",
                    when is not None and when <= today and status in ("planned", "running"),
                    f.sha256,
                )
            )
    return sorted(out, key=lambda x: (x.follow_up_iso or "9999", x.policy_id, x.index))


@allow(READERS, scoped=True)
def followup(request: HttpRequest, code: int) -> HttpResponse:
    """The initiatives with status and next follow-up; editors change them here."""
    ws = workspace()
    sync(ws, request)
    message, status = "", 200
    if request.method == "POST":
        if not may(request, "web:policy_edit", code=code, policy="x"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Kun redaktører kan ændre opfølgningen.")
        policy = str(request.POST.get("policy", ""))
        _ws, current = policy_of(code, policy, request)
        doc = yaml_edit.load(current.text)
        if apply(doc, request.POST):
            try:
                made = save(
                    ws,
                    policy,
                    yaml_edit.dump(doc),
                    request.user,
                    str(request.POST.get("reason", "")),
                    str(request.POST.get("base", "")),
                    WEB,
                    request=request,
                )
            except SaveRefused as refused:
                message, status = refused.message, 409 if refused.message == STALE else 200
                if refused.issues:
                    message += " " + " ".join(
                        f"{i.location}: {i.message}."
                        for i in refused.issues
                        if i.severity.value == "error"
                    )
            else:
                url = reverse("web:followup", kwargs={"code": code})
                return redirect(f"{url}?gemt={policy}:{made.number}")
        else:
            message = "Der er ingen ændringer at gemme."
    saved = request.GET.get("gemt", "")
    return render(
        request,
        "web/followup.html",
        {
            "code": code,
            "name": name_of(code),
            "items": items(code),
            "statuses": STATUSES,
            "can_edit": may(request, "web:policy_edit", code=code, policy="x"),
            "message": message,
            "saved": saved,
        },
        status=status,
    )


def _goal_path(text: str, anchor: str) -> tuple[str | int, ...] | None:
    doc = yaml_edit.load(text)
    for ti, theme in enumerate(doc.get("themes") or []):
        for gi, goal in enumerate(theme.get("goals") or []):
            if section_anchor(str(goal.get("id")), False) == anchor:
                return ("themes", ti, "goals", gi)
    return None


def _refusal(refused: SaveRefused) -> str:
    """Why a comment was not saved: its period, or errors the policy already had (a file
    changed outside the application), which the editor must fix first."""
    found = errors(refused.issues)
    if not found:
        return refused.message
    if any("comments" in i.path for i in found):
        return "Kommentaren er ikke gemt: perioden skal være fx 2025 eller 2025H2."
    return (
        "Kommentaren er ikke gemt, fordi politikken har fejl, der skal rettes i redigeringen "
        "først: " + " ".join(text_da(i) for i in found[:3])
    )


@allow(EDITORS, scoped=True)
def goal_comment(request: HttpRequest, code: int, policy: str, anchor: str) -> HttpResponse:
    """GET: the comment form; POST: the comment appended to the goal's comments."""
    ws, current = policy_of(code, policy, request)
    path = _goal_path(current.text, anchor)
    if path is None:
        raise Http404("Målet findes ikke i politikken.")
    doc = yaml_edit.load(current.text)
    goal = yaml_edit.get(doc, path)
    label = str(goal.get("label") or goal.get("id"))
    previous = [
        {"period": str(c.get("period")), "text": str(c.get("text")), "by": str(c.get("by") or "")}
        for c in (goal.get("comments") or [])
    ]
    message, status = "", 200
    period = str(request.POST.get("period", "") or date.today().year)
    text = str(request.POST.get("text", "")).strip()
    if request.method == "POST":
        if not text:
            message, status = "Skriv kommentaren.", 400
        else:
            comment = {
                "period": as_int(period, period),
                "text": " ".join(text.split()),
                "by": author_name(request.user),
            }
            yaml_edit.append(doc, (*path, "comments"), comment)
            try:
                save(
                    ws,
                    policy,
                    yaml_edit.dump(doc),
                    request.user,
                    f"Kommentar til {label}",
                    str(request.POST.get("base") or current.sha256),
                    WEB,
                    request=request,
                )
            except SaveRefused as refused:
                message = _refusal(refused)
            else:
                return redirect("web:goal", code=code, policy=policy, anchor=anchor)
    return render(
        request,
        "web/policy_comment.html",
        {
            "code": code,
            "name": name_of(code),
            "policy_id": policy,
            "anchor": anchor,
            "label": label,
            "statement": str(goal.get("statement") or ""),
            "period": period,
            "text": text,
            "message": message,
            "base": current.sha256,
            "comments": previous,
        },
        status=status,
    )
