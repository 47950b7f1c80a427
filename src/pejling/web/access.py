"""Who may see which page: the one place that decides access.

Every view declares a `Rule` with `@allow(...)` (the roles it admits, and whether it is scoped
to the municipality in its URL) or `@public`; `AccessMiddleware` enforces the rule before the
view runs and refuses any view that declares none, so a new page is closed until someone says
who may see it. tests/web/test_access_matrix.py checks every URL pattern × role × own/other
municipality against its expected status.

Tenancy: a membership in a municipality reaches that municipality; a membership at the
national level (code 0, e.g. a national analyst's) reaches every municipality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from pejling.reference.municipalities import municipalities
from pejling.web.models import NATIONAL, Membership
from pejling.web.roles import Role

ATTR = "pejling_access"
V = TypeVar("V", bound=Callable[..., Any])


@dataclass(frozen=True)
class Rule:
    """A view's access: the roles it admits (`public`: anyone, logged in or not), whether
    the URL's `code` (a municipality) must be one the user's membership reaches, and whether
    only memberships at the national level count (`national`: pages of all municipalities)."""

    roles: frozenset[Role] = frozenset()
    scoped: bool = False
    public: bool = False
    national: bool = False


def allow(roles: frozenset[Role], *, scoped: bool, national: bool = False) -> Callable[[V], V]:
    """Declare who may open a view."""

    def mark(view: V) -> V:
        setattr(view, ATTR, Rule(frozenset(roles), scoped, national=national))
        return view

    return mark


def public(view: V) -> V:
    """Declare a view open to everyone (the login page, static files)."""
    setattr(view, ATTR, Rule(public=True))
    return view


def rule_of(view: Callable[..., Any]) -> Rule | None:
    """The rule a view declares (class-based views: on the function `as_view` returns)."""
    return getattr(view, ATTR, None)


def memberships(user: Any) -> list[tuple[int, Role]]:
    """The (organisation code, role) pairs of a user, read once per request."""
    cached: list[tuple[int, Role]] | None = getattr(user, "_pejling_memberships", None)
    if cached is None:
        rows = Membership.objects.filter(user=user).values_list("organisation__code", "role")
        cached = [(code, Role(role)) for code, role in rows]
        user._pejling_memberships = cached
    return cached


def reaches(user: Any, rule: Rule, code: int | None) -> bool:
    """Whether one of the user's memberships admits them to a page of municipality `code`
    (`None`: a page of no municipality)."""
    for org, role in memberships(user):
        if role not in rule.roles or (rule.national and org != NATIONAL):
            continue
        if not rule.scoped or org in (NATIONAL, code):
            return True
    return False


def municipalities_of(user: Any, roles: frozenset[Role]) -> list[int]:
    """The municipalities the user reaches with one of these roles (all, from the national
    level), in code order."""
    codes: set[int] = set()
    for org, role in memberships(user):
        if role in roles:
            codes |= set(municipalities()) if org == NATIONAL else {org}
    return sorted(codes)


def check(request: HttpRequest, rule: Rule, kwargs: dict[str, Any]) -> HttpResponse | None:
    """None when the request may proceed; else the login redirect (raises 403/404)."""
    if rule.public:
        return None
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not any(role in rule.roles for _org, role in memberships(user)):
        raise PermissionDenied("Din rolle giver ikke adgang til denne side.")
    code: int | None = None
    if rule.scoped:
        code = int(kwargs["code"])
        if code not in municipalities():
            raise Http404("Ukendt kommunekode.")
    if not reaches(user, rule, code):
        if rule.national:
            raise PermissionDenied("Siden er kun for brugere på nationalt niveau.")
        raise PermissionDenied("Du har ikke adgang til denne kommune.")
    return None


class AccessMiddleware:
    """Enforces every view's `Rule`; a view without one is refused (closed by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        rule = rule_of(view)
        if rule is None:
            raise PermissionDenied("Siden har ingen adgangsregel.")
        return check(request, rule, kwargs)
