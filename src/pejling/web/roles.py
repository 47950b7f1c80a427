"""The roles a user can hold in an organisation (issue 13), and the groups views allow.

Why constants and not Django permissions: five fixed roles, each meaning a set of pages in a
tenancy (a municipality or the national level); `pejling.web.access` decides with them. A plain
enum (not Django's `TextChoices`) so that it is typed and importable without Django.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role in one organisation (stored by its value; shown by its Danish label)."""

    READER = "reader"
    EDITOR = "editor"
    DATA_STEWARD = "data_steward"
    NATIONAL_ANALYST = "national_analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        """The Danish name users see."""
        return LABELS[self]


LABELS = {
    Role.READER: "læser",
    Role.EDITOR: "redaktør",
    Role.DATA_STEWARD: "dataansvarlig",
    Role.NATIONAL_ANALYST: "national analytiker",
    Role.ADMINISTRATOR: "administrator",
}
#: the model field's choices
CHOICES = [(role.value, LABELS[role]) for role in Role]
#: everyone who reads goals (every role reads what it may edit or load)
READERS = frozenset(Role)
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
