"""Acting users, roles and the audit trail.

Identity is the OS login by default (or `--user`), as in the systems councils use today.
A user seen for the first time is recorded as an officer; on an empty database the first
user becomes admin so someone can grant roles. Roles are checked here, in the service
layer, so the CLI and the desktop enforce the same rules.
"""

from __future__ import annotations

import getpass
import os
import uuid
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import func, select

from app.db import UnitOfWork
from app.models import AuditEvent, User
from app.errors import NotAllowed, NotFound, ValidationError


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

    def at_least(self, role: Role) -> bool:
        return self.role >= role


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def resolve_actor(uow: UnitOfWork, username: str | None = None) -> Actor:
    """The acting user, recording a first-time user (admin if the database has none)."""
    name = (username or os_login()).strip()
    if not name:
        raise ValidationError("A user name is required.", field="user")
    user = uow.session.scalars(select(User).where(User.username == name)).one_or_none()
    if user is None:
        has_users = uow.session.scalar(select(func.count()).select_from(User)) or 0
        role = Role.OFFICER if has_users else Role.ADMIN
        user = User(username=name, display_name=name, role=role.label)
        uow.session.add(user)
        uow.session.flush()
        audit(uow, name, "user.created", "user", user.id, after={"username": name, "role": role.label})
        uow.commit()
    if not user.active:
        raise NotAllowed(f"User '{name}' is disabled.")
    return Actor(username=user.username, role=Role.parse(user.role), display_name=user.display_name, team=user.team)


def require_role(actor: Actor, role: Role, action: str) -> None:
    """Raise NotAllowed naming the action and the role it needs."""
    if not actor.at_least(role):
        raise NotAllowed(
            f"{actor.username} is a {actor.role.label.replace('_', ' ')} and cannot {action}: "
            f"that needs the {role.label.replace('_', ' ')} role."
        )


def set_role(uow: UnitOfWork, actor: Actor, username: str, role: Role, team: str | None = None) -> Actor:
    require_role(actor, Role.ADMIN, "change users' roles")
    user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
    before: dict[str, Any] | None
    if user is None:
        user = User(username=username, display_name=username, role=role.label, team=team or "")
        uow.session.add(user)
        uow.session.flush()
        before = None
    else:
        before = {"role": user.role, "team": user.team}
        user.role = role.label
        if team is not None:
            user.team = team
    audit(uow, actor.username, "user.role_set", "user", user.id, before=before, after={"role": role.label, "team": user.team})
    uow.commit()
    return Actor(username=user.username, role=role, display_name=user.display_name, team=user.team)


def list_users(uow: UnitOfWork) -> list[Actor]:
    users = uow.session.scalars(select(User).order_by(User.username)).all()
    return [Actor(u.username, Role.parse(u.role), u.display_name, u.team) for u in users]


def get_user(uow: UnitOfWork, username: str) -> Actor:
    user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"There is no user '{username}'.")
    return Actor(user.username, Role.parse(user.role), user.display_name, user.team)


def audit(
    uow: UnitOfWork,
    username: str,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    *,
    account_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit event to the current unit of work (committed with the change itself)."""
    uow.session.add(
        AuditEvent(
            username=username, action=action, entity=entity, entity_id=entity_id,
            account_id=account_id, before=before, after=after,
        )
    )
