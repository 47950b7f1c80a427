"""Who sees the national comparison: national analysts and administrators at the national level.

The views declare it with `allow(NATIONAL_ROLES, scoped=False, national=True)`: only a
membership at the national level (organisation code 0) counts, so an administrator of a
municipality, who holds the same role, is refused, and the menu (built from the same rule)
shows them no link.
"""

from __future__ import annotations

from typing import Any

from pejling.web.access import Rule, reaches
from pejling.web.roles import Role

NATIONAL_ROLES = frozenset({Role.NATIONAL_ANALYST, Role.ADMINISTRATOR})
NATIONAL_RULE = Rule(NATIONAL_ROLES, national=True)

#: æ, ø, å sort after z (the characters after "z" in ASCII)
DANISH_LAST = str.maketrans("æøå", "{|}")


def is_national(user: Any) -> bool:
    """Whether the user may open the national comparison."""
    return bool(user.is_authenticated) and reaches(user, NATIONAL_RULE, None)


def danish_order(name: str) -> str:
    """A sort key putting names in Danish alphabetical order (Æ, Ø, Å after Z; "Aa" as Å)."""
    folded = name.casefold()
    if folded.startswith("aa"):
        folded = "å" + folded[2:]
    return folded.translate(DANISH_LAST)
