"""Template context every page shares: the menu, built from the access rules themselves.

A link is shown only when the user may open the page it leads to: each entry is resolved to
its view and the view's own `Rule` is asked (`pejling.web.access.reaches`), so the menu and the
authorisation cannot disagree. Pages of one municipality (those with `code` in their URL) get a
second row of links to that municipality's other pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, resolve, reverse

from pejling.reference.municipalities import municipalities, name_of
from pejling.web.access import memberships, municipalities_of, reaches, rule_of
from pejling.web.roles import READERS


@dataclass(frozen=True)
class Link:
    """One menu entry; `current` marks the page being shown (aria-current)."""

    url: str
    text: str
    current: bool = False


#: the menu's pages: (URL name, Danish text), in menu order
TOP = (
    ("web:worklist", "Arbejdsliste"),
    ("web:national", "National sammenligning"),
    ("web:users", "Brugere"),
    ("web:audit", "Revisionslog"),
)
MUNICIPAL = (
    ("web:overview", "Overblik"),
    ("web:policy_list", "Politikker"),
    ("web:followup", "Opfølgning"),
    ("web:data", "Data"),
    ("web:reports", "Rapporter"),
)


def _link(request: HttpRequest, name: str, text: str, kwargs: dict[str, Any]) -> Link | None:
    """The entry when the page exists and the user may open it."""
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    rule = rule_of(resolve(url).func)
    if rule is None or not reaches(request.user, rule, kwargs.get("code")):
        return None
    return Link(url, text, current=request.path == url)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu rows and the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for _org, role in memberships(user)}
    codes = municipalities_of(user, READERS)
    top = [
        Link(reverse("web:overview", kwargs={"code": c}), name_of(c))
        for c in (codes if len(codes) <= 5 else [])
    ]
    top += [x for name, text in TOP if (x := _link(request, name, text, {})) is not None]
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match is not None else None
    local: list[Link] = []
    here = ""
    if isinstance(code, int) and code in municipalities():
        here = name_of(code)
        local = [
            x
            for name, text in MUNICIPAL
            if (x := _link(request, name, text, {"code": code})) is not None
        ]
    from pejling.web.goals import failure, is_updating

    return {
        "updating": is_updating(),
        "judge_failed": failure(),
        "nav_top": top,
        "nav_municipality": here,
        "nav_local": local,
        "nav_roles": sorted(r.label for r in roles),
    }
