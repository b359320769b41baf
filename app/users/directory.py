"""The users the database knows: who is acting, and who may be given which role.

Identity is the OS login by default (or `--user`), as in the systems councils use today.
A user seen for the first time is recorded as an officer; on an empty database the first
user becomes admin so someone can grant roles.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.audit import audit
from app.db import UnitOfWork
from app.errors import NotAllowed, ValidationError
from app.models import User
from app.requests import handles
from app.users.requests import SetRole
from app.users.roles import Actor, Role, os_login


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


@handles(SetRole, role=Role.ADMIN, action="change users' roles")
def set_role(uow: UnitOfWork, actor: Actor, username: str, role: Role, team: str | None = None) -> Actor:
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
