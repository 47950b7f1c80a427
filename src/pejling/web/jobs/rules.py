"""Which data a user may import from the web application — decided here, in one place.

- Observation files: every row's municipality must be one the user is a data steward (or
  administrator) of; a data steward at the national level may import rows of any area (the
  whole country, regions). A file with rows of other municipalities is refused whole, before
  anything is written, naming the municipalities and the first rows.
- Register extracts (person-level): only a data steward or administrator at the national level,
  or of the workspace's own municipality (`[workspace] municipality` in pejling.toml) on that
  municipality's data page. A municipality's steward in a shared (national) workspace cannot
  load person-level data that the other municipalities' figures would then be computed from.

The verdicts are values (`None`: allowed; else the reason, in Danish, made here at the edge).
"""

from __future__ import annotations

from typing import Any

from pejling.reference.municipalities import name_of
from pejling.web.access import memberships, municipalities_of
from pejling.web.models import NATIONAL
from pejling.web.roles import Role

#: the roles that may load data
DATA_ROLES = frozenset({Role.DATA_STEWARD, Role.ADMINISTRATOR})


def is_national_steward(user: Any) -> bool:
    """A data steward or administrator at the national level."""
    return any(org == NATIONAL and role in DATA_ROLES for org, role in memberships(user))


def register_refusal(user: Any, code: int, workspace_municipality: int) -> str | None:
    """Why the user may not upload a register extract on municipality `code`'s page."""
    if is_national_steward(user):
        return None
    own = workspace_municipality
    if own != NATIONAL and code == own and code in municipalities_of(user, DATA_ROLES):
        return None
    if own == NATIONAL:
        return (
            "Registerudtræk kan kun indlæses af en dataansvarlig på nationalt niveau i dette "
            "fælles arbejdsområde: personhenførbare data bruges til alle kommuners tal."
        )
    return (
        f"Registerudtræk kan kun indlæses på {name_of(own)} Kommunes dataside (arbejdsområdets "
        "egen kommune) eller af en dataansvarlig på nationalt niveau."
    )


def area_label(code: int) -> str:
    """`Roskilde (265)`, `Hele landet (000)`, or the bare code of another area (a region)."""
    try:
        return f"{name_of(code)} ({code:03d})"
    except KeyError:
        return f"område {code}"


def observation_refusal(user: Any, rows: list[tuple[int, int]]) -> str | None:
    """Why the user may not import these rows ((row number, municipality code) each)."""
    if is_national_steward(user):
        return None
    allowed = set(municipalities_of(user, DATA_ROLES))
    foreign: dict[int, list[int]] = {}
    for number, code in rows:
        if code not in allowed:
            foreign.setdefault(code, []).append(number)
    if not foreign:
        return None
    parts = []
    for code in sorted(foreign)[:10]:
        numbers = foreign[code]
        shown = ", ".join(str(n) for n in numbers[:5]) + (" …" if len(numbers) > 5 else "")
        parts.append(f"{area_label(code)}: række {shown}")
    mine = ", ".join(area_label(c) for c in sorted(allowed)) or "ingen"
    return (
        "Filen har rækker for kommuner, du ikke er dataansvarlig for, og er ikke indlæst: "
        + "; ".join(parts)
        + f". Du kan indlæse rækker for: {mine}."
    )


def owns_workspace(
    user: Any, code: int, workspace_municipality: int, roles: frozenset[Role]
) -> bool:
    """Whether what is shared by the whole workspace is the user's: a membership at the national
    level with one of `roles`, or one of `roles` in the workspace's own municipality on that
    municipality's pages (a municipal workspace is that municipality's alone)."""
    if any(org == NATIONAL and role in roles for org, role in memberships(user)):
        return True
    own = workspace_municipality
    return own != NATIONAL and code == own and code in municipalities_of(user, roles)


#: who may publish the site: the roles that make reports
PUBLISH_ROLES = frozenset({Role.EDITOR, Role.ADMINISTRATOR})


def publish_refusal(user: Any, code: int, workspace_municipality: int) -> str | None:
    """Why the user may not publish the workspace's site from municipality `code`'s page: the
    site holds every municipality's policies, so in a shared (national) workspace one
    municipality's editor does not publish the others'."""
    if owns_workspace(user, code, workspace_municipality, PUBLISH_ROLES):
        return None
    return (
        "Det offentlige site dækker alle kommunerne i dette fælles arbejdsområde og udgives af "
        "en administrator på nationalt niveau."
    )


def sees_whole_import_log(user: Any, code: int, workspace_municipality: int) -> bool:
    """The store's import log names every file loaded into the workspace (other
    municipalities' and the national register's too): shown whole to those who own the
    workspace's data, else only the municipality's own jobs are listed."""
    return owns_workspace(user, code, workspace_municipality, DATA_ROLES)
