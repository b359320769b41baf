"""Roles and the acting user as services see them.

Roles are ordered (each may do everything the roles below it may) and checked in the
service layer, so the command line and the desktop enforce the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from app.errors import NotAllowed, ValidationError


class Role(IntEnum):
    """Ordered: each role may do everything the roles below it may."""

    OFFICER = 1
    TEAM_LEADER = 2
    MANAGER = 3
    ADMIN = 4

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(r.name.lower() for r in cls)
            raise ValidationError(f"'{text}' is not a role (use one of {names}).", field="role") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Actor:
    """The person doing the work, as services see them."""

    username: str
    role: Role
    display_name: str = ""
    team: str = ""
    active: bool = True

    def at_least(self, role: Role) -> bool:
        return self.role >= role


def require_role(actor: Actor, role: Role, action: str) -> None:
    """Raise NotAllowed naming the action and the role it needs."""
    if not actor.at_least(role):
        held = actor.role.label.replace("_", " ")
        article = "an" if held[0] in "aeiou" else "a"
        raise NotAllowed(
            f"{actor.username} is {article} {held} and cannot {action}: "
            f"that needs the {role.label.replace('_', ' ')} role."
        )
