"""The policy editor: a form over the policy's YAML, lint findings next to their fields, and
saving as a new version with a reason.

The form carries the text it was drawn from (`draft`) and the file's hash when it was opened
(`base`): adding a goal or an interim target redraws the form from the changed draft without
saving, and a save is refused when the file changed since `base` (`policy_versions.save`).
`policy_lint` answers the same form with the findings as JSON, for the live check in
static/web/editor.js; without JavaScript the "Tjek" button and a refused save show them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from ruamel.yaml.error import YAMLError

from pejling.reference.municipalities import name_of
from pejling.spec.lint.issue import LintIssue
from pejling.web import yaml_edit
from pejling.web.access import allow
from pejling.web.policy_form import Group, act, apply, fields, form, place
from pejling.web.policy_versions import (
    STALE,
    WEB,
    PolicyFile,
    SaveRefused,
    errors,
    lint,
    save,
    versions,
)
from pejling.web.views.policy_common import EDITORS, audit_refusal, policy_of
from pejling.workspace import Workspace


def draft_of(request: HttpRequest, current: PolicyFile) -> tuple[str, bool]:
    """The text the submitted form describes, and whether it differs from the draft it was
    drawn from: the draft (or the file) with the form's values and action applied."""
    draft = str(request.POST.get("draft") or current.text).replace("\r\n", "\n")
    if draft == current.text.replace("\r\n", "\n"):
        draft = current.text
    try:
        doc = yaml_edit.load(draft)
    except YAMLError:  # not a draft this form drew: start from the file
        draft = current.text
        doc = yaml_edit.load(draft)
    action = str(request.POST.get("action", ""))
    try:
        changed = apply(doc, request.POST)
        if action not in ("", "save", "check"):
            changed = act(doc, action) or changed
    except yaml_edit.EditError as e:  # a form this page did not draw (or a stale one)
        raise BadRequest("Formularen passer ikke til politikken.") from e
    return (yaml_edit.dump(doc) if changed else draft), changed


def _page(
    request: HttpRequest,
    ws: Workspace,
    code: int,
    current: PolicyFile,
    text: str,
    base: str,
    *,
    message: str = "",
    issues: list[LintIssue] | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        top: Group = form(yaml_edit.load(text))
    except YAMLError:
        return render(
            request,
            "web/policy_broken.html",
            {
                "code": code,
                "name": name_of(code),
                "policy_id": current.policy_id,
                "file_name": current.path.name,
            },
            status=200,
        )
    found = issues if issues is not None else lint(ws, text, current.path.name)
    shown = place(top, found)
    n_errors = sum(1 for f in shown if f.is_error)
    saved = request.GET.get("gemt", "")
    return render(
        request,
        "web/policy_edit.html",
        {
            "code": code,
            "name": name_of(code),
            "policy_id": current.policy_id,
            "file_name": current.path.name,
            "form": top,
            "draft": text,
            "base": base,
            "message": message,
            "stale": status == 409,
            "errors": n_errors,
            "warnings": len(shown) - n_errors,
            "saved": saved if saved.isdigit() else "",
            "reason": request.POST.get("reason", ""),
            "lint_url": reverse(
                "web:policy_lint", kwargs={"code": code, "policy": current.policy_id}
            ),
            "n_versions": len(versions(current.policy_id)),
        },
        status=status,
    )


def _loads(text: str) -> bool:
    try:
        yaml_edit.load(text)
    except YAMLError:
        return False
    return True


@allow(EDITORS, scoped=True)
def policy_edit(request: HttpRequest, code: int, policy: str) -> HttpResponse:
    """GET: the form; POST: check, add or remove (redrawn, not saved), or save."""
    ws, current = policy_of(code, policy, request)
    if request.method != "POST" or not _loads(current.text):
        return _page(request, ws, code, current, current.text, current.sha256)
    base = str(request.POST.get("base") or current.sha256)
    text, _changed = draft_of(request, current)
    if request.POST.get("action") != "save":
        return _page(request, ws, code, current, text, base)
    try:
        made = save(
            ws,
            policy,
            text,
            request.user,
            str(request.POST.get("reason", "")),
            base,
            WEB,
            request=request,
        )
    except SaveRefused as refused:
        audit_refusal(request, code, policy, refused, "gemning")
        return _page(
            request,
            ws,
            code,
            current,
            text,
            base,
            message=refused.message,
            issues=refused.issues or None,
            status=409 if refused.message == STALE else 200,
        )
    url = reverse("web:policy_edit", kwargs={"code": code, "policy": policy})
    return redirect(f"{url}?gemt={made.number}")


@allow(EDITORS, scoped=True)
@require_POST
def policy_lint(request: HttpRequest, code: int, policy: str) -> JsonResponse:
    """The findings for the submitted form, each with the field it belongs next to."""
    ws, current = policy_of(code, policy, request)
    if not _loads(current.text):  # the page shows no form for a file that is not YAML
        issues = lint(ws, current.text, current.path.name)
        top = Group((), "Politikken")
    else:
        text, _changed = draft_of(request, current)
        issues = lint(ws, text, current.path.name)
        top = form(yaml_edit.load(text))
    shown = place(top, issues)
    known = {f.name for f in fields(top)} | {g.slot for g in top.walk()}
    payload: dict[str, Any] = {
        "errors": len(errors(issues)),
        "warnings": len(issues) - len(errors(issues)),
        "findings": [
            {
                "field": f.field if f.field in known else "grp-policy",
                "severity": f.severity,
                "label": f.severity_da,
                "text": f.text,
                "detail": f.detail,
            }
            for f in shown
        ],
    }
    return JsonResponse(payload)
