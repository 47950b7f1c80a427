"""Users for administrators: the users of the organisations the administrator administers,
creating a user with one membership and role, and deactivating one. Each change is audited
(USER_CHANGE); passwords are never shown (only set, hashed by Django).

Scope: an administrator at the national level administers every organisation; a municipal
administrator only their municipality. A user who also belongs to an organisation the
administrator does not administer can be seen (through the shared organisation) but not
deactivated: that would lock them out of the other organisation too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render

from pejling.reference.municipalities import municipalities, name_of
from pejling.web.access import allow, memberships
from pejling.web.audit import record
from pejling.web.demo_users import organisation
from pejling.web.models import NATIONAL, AuditEvent, Membership
from pejling.web.roles import ADMINISTRATORS, Role


def administered(user: Any) -> list[int]:
    """The organisation codes the user administers (every one from the national level)."""
    orgs = {org for org, role in memberships(user) if role is Role.ADMINISTRATOR}
    if NATIONAL in orgs:
        return [NATIONAL, *municipalities()]
    return sorted(orgs)


def _org_name(code: int) -> str:
    return "Nationalt niveau" if code == NATIONAL else name_of(code)


NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.DATA_STEWARD, Role.ADMINISTRATOR})
"""The roles a membership at the national level may have. Why not the editor: a membership at
level 0 reaches every municipality, so an editor there would edit every municipality's
policies. A data steward there is the national one, who loads the national register extract and
observations for every municipality (`pejling.web.jobs.rules`)."""


def valid_roles(code: int) -> frozenset[Role]:
    """The roles a membership of organisation `code` may have (a municipality: every role but
    the national analyst, whose work is across municipalities)."""
    if code == NATIONAL:
        return NATIONAL_ROLES
    return frozenset(Role) - {Role.NATIONAL_ANALYST}


def role_error(code: int, role: Role) -> str:
    """Why `role` is refused in organisation `code` (Danish), or "" when it is allowed."""
    if role in valid_roles(code):
        return ""
    labels = [r.label for r in Role if r in valid_roles(code)]
    allowed = ", ".join(labels[:-1]) + " eller " + labels[-1] if len(labels) > 1 else labels[0]
    if code == NATIONAL:
        return (
            f"På nationalt niveau kan en bruger kun være {allowed} (en bruger dér når alle "
            f"kommuner). Vælg en kommune som organisation for en {role.label}."
        )
    return (
        f"En {role.label} hører til det nationale niveau, ikke til en kommune. "
        f"Vælg en anden rolle eller Nationalt niveau som organisation."
    )


class NewUser(forms.Form):
    """A new user with one membership; the password is checked by Django's validators."""

    username = forms.RegexField(
        label="Brugernavn",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "Kun bogstaver, tal og tegnene . @ + - _."},
    )
    password = forms.CharField(label="Adgangskode", widget=forms.PasswordInput, strip=False)
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    role = forms.ChoiceField(label="Rolle")

    def __init__(self, orgs: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c, _org_name(c)) for c in orgs]
        # only the roles some offered organisation allows; which fits which: help text + clean
        offered = {r for c in orgs for r in valid_roles(c)}
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r.value, r.label) for r in Role if r in offered]
        if NATIONAL in orgs:
            role.help_text = (
                "Nationalt niveau: kun national analytiker, dataansvarlig eller administrator. "
                "En kommune: alle roller undtagen national analytiker."
            )
            _describe(role, "id_role-hjaelp")

    def clean_username(self) -> str:
        name: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise ValidationError("Brugernavnet findes allerede.")
        return name

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        password = data.get("password")
        if password:
            try:
                validate_password(password, get_user_model()(username=data.get("username", "")))
            except ValidationError as e:
                self.add_error("password", e)
        code, role = data.get("organisation"), data.get("role")
        if code is not None and role and role_error(code, Role(role)):
            self.add_error("role", role_error(code, Role(role)))
        return data


def _describe(field: forms.Field, ref: str) -> None:
    """Add `ref` to the ids the field's input is described by (its help text, its error)."""
    attrs = field.widget.attrs
    attrs["aria-describedby"] = " ".join(filter(None, (attrs.get("aria-describedby"), ref)))


def _rows(orgs: list[int]) -> list[dict[str, Any]]:
    """The users with a membership in these organisations, and whether they may be deactivated."""
    wanted = set(orgs)
    found: dict[int, dict[str, Any]] = {}
    rows = Membership.objects.select_related("user", "organisation").order_by("user__username")
    for m in rows.filter(organisation__code__in=orgs):
        found.setdefault(m.user_id, {"user": m.user, "roles": [], "all_here": True})[
            "roles"
        ].append(f"{Role(m.role).label}, {_org_name(m.organisation.code)}")
    for m in rows.filter(user_id__in=found):
        if m.organisation.code not in wanted:
            found[m.user_id]["all_here"] = False
    return list(found.values())


def _create(request: HttpRequest, form: NewUser) -> None:
    data = form.cleaned_data
    with transaction.atomic():
        user = get_user_model().objects.create_user(data["username"], password=data["password"])
        Membership.objects.create(
            user=user, organisation=organisation(data["organisation"]), role=data["role"]
        )
    code = data["organisation"]
    record(
        request,
        AuditEvent.Kind.USER_CHANGE,
        municipality=code or None,
        detail=f"oprettet {user.get_username()}: {Role(data['role']).label}, {_org_name(code)}",
    )


def _deactivate(request: HttpRequest, orgs: list[int]) -> HttpResponse | None:
    """Deactivate the user named in the POST (None: done; else the refusal)."""
    raw = request.POST.get("user", "")
    row = next((r for r in _rows(orgs) if str(r["user"].pk) == raw), None)
    if row is None or not row["all_here"] or row["user"].pk == request.user.pk:
        return HttpResponseBadRequest("Brugeren kan ikke deaktiveres her.")
    user = row["user"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    # the user's municipality, so that its administrators see the event in their audit log
    codes = set(
        Membership.objects.filter(user=user).values_list("organisation__code", flat=True)
    ) - {NATIONAL}
    record(
        request,
        AuditEvent.Kind.USER_CHANGE,
        municipality=min(codes) if len(codes) == 1 else None,
        detail=f"deaktiveret {user.get_username()}",
    )
    return None


@allow(ADMINISTRATORS, scoped=False)
def users(request: HttpRequest) -> HttpResponse:
    """The list, the form for a new user (re-rendered with its errors, status 200) and the
    deactivate buttons (a refused or unknown action: 400)."""
    orgs = administered(request.user)
    form = NewUser(orgs)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            form = NewUser(orgs, request.POST)
            if form.is_valid():
                _create(request, form)
                return redirect("web:users")
            for name in form.errors:  # the error is read with its field
                if name in form.fields:
                    form.fields[name].widget.attrs["aria-invalid"] = "true"
                    _describe(form.fields[name], f"id_{name}-fejl")
        elif action == "deactivate":
            refused = _deactivate(request, orgs)
            if refused is not None:
                return refused
            return redirect("web:users")
        else:
            return HttpResponseBadRequest("Ukendt handling.")
    return render(
        request,
        "web/users.html",
        {"rows": _rows(orgs), "form": form, "me": request.user.pk},
    )
