"""What the access tables share: who is asked, how one URL pattern is requested, and the
common expected rows. Each area of the application has its table (access_core, access_policy,
access_data, access_work); tests/web/test_access_matrix.py joins them and fails on a URL
pattern none of them lists."""

from __future__ import annotations

from dataclasses import dataclass

from pejling.web.roles import Role

ANON = "anonym"
NOROLE = "uden-rolle"
R, E, D, N, A = (
    Role.READER,
    Role.EDITOR,
    Role.DATA_STEWARD,
    Role.NATIONAL_ANALYST,
    Role.ADMINISTRATOR,
)
WHO: tuple[str | Role, ...] = (ANON, NOROLE, R, E, D, N, A)


@dataclass(frozen=True)
class Case:
    """How to request one URL pattern for the own and the other municipality, and the
    expected status for each kind of user (in the order of `WHO`)."""

    own_kwargs: dict[str, object]
    other_kwargs: dict[str, object] | None  # None: the page belongs to no municipality
    own: tuple[int, ...]
    other: tuple[int, ...] = ()
    method: str = "get"


READ_OWN = (302, 403, 200, 200, 200, 200, 200)
READ_OTHER = (302, 403, 403, 403, 403, 200, 403)

#: editors (and administrators) of the own municipality; national analysts only read
EDIT_OWN = (302, 403, 403, 200, 403, 403, 200)
EDIT_OTHER = (302, 403, 403, 403, 403, 403, 403)
#: data stewards (and administrators) of the own municipality
DATA_OWN = (302, 403, 403, 403, 200, 403, 200)
DATA_OTHER = (302, 403, 403, 403, 403, 403, 403)
