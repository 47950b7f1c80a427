"""Template context every page shares: the municipalities the user may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pejling.reference.municipalities import name_of
from pejling.web.access import memberships, municipalities_of
from pejling.web.roles import READERS, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's municipalities (for the menu) and whether they administer."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for _org, role in memberships(user)}
    codes = municipalities_of(user, READERS)
    return {
        "nav_municipalities": [(c, name_of(c)) for c in codes] if len(codes) <= 5 else [],
        "nav_is_admin": Role.ADMINISTRATOR in roles,
        "nav_roles": sorted(Role(r).label for r in roles),
    }
