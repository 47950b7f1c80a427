"""One demo user per role (`pejling serve --demo-users`), with fresh random passwords.

The municipal roles belong to one demo municipality, the national analyst to the national
level. Each call sets new passwords (printed once by `pejling serve`, stored only as hashes),
so a demo never runs with a password known in advance.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from pejling.reference.municipalities import name_of
from pejling.web.models import NATIONAL, Membership, Organisation
from pejling.web.roles import Role

USERNAMES = {
    Role.READER: "laeser",
    Role.EDITOR: "redaktoer",
    Role.DATA_STEWARD: "dataansvarlig",
    Role.NATIONAL_ANALYST: "national-analytiker",
    Role.ADMINISTRATOR: "administrator",
}


@dataclass(frozen=True)
class DemoUser:
    """A demo login as printed once."""

    username: str
    password: str
    role: Role
    organisation: int


def organisation(code: int) -> Organisation:
    """The organisation of a municipality code (or 0), created when missing."""
    org: Organisation
    org, _created = Organisation.objects.get_or_create(code=code, defaults={"name": name_of(code)})
    return org


@transaction.atomic
def create_demo_users(municipality: int) -> list[DemoUser]:
    """Create (or reset) the demo users; returns their new passwords."""
    users = get_user_model()
    out = []
    for role, username in USERNAMES.items():
        code = NATIONAL if role is Role.NATIONAL_ANALYST else municipality
        user, _created = users.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_active = True
        user.save()
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(user=user, organisation=organisation(code), role=role)
        out.append(DemoUser(username, password, role, code))
    return out
