"""The users the database knows: who is acting, and who may be given which role.

Who is acting is never typed (`app.users.identity`): on a server it is the database login,
on the embedded database the computer's login. That person must be a user here: someone
the database does not know is refused with a sentence, never recorded on the fly. There
are two ways in without an administrator, both for the person who set the database up:
the first user of a new embedded database, and the login owning a server database's
schema (the one that runs `revdesk db upgrade`), become admins. Everyone else is added by
an admin (`AddUser`), which on a server also creates their login in the matching group
role (`app.adapters.server_roles`), where `app_user` can be changed only through the
server's user functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.adapters import server_roles
from app.audit import audit
from app.db import UnitOfWork
from app.errors import NotAllowed, NotFound, ValidationError
from app.models import User
from app.models.base import new_id
from app.requests import handles
from app.users.requests import AddUser, SetActive, SetRole
from app.users.roles import Actor, Role

# What a login name may be: letters, digits and . _ - @ (as directory accounts are named),
# starting with a letter; not PostgreSQL's reserved pg_ prefix or our group roles' names.
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9._@-]{0,62}")
RESERVED_PREFIXES = ("pg_", "revdesk_")


@dataclass(frozen=True)
class UserAdded:
    user: Actor
    login_created: bool  # a server login was created (False: embedded, or the login already existed)


def resolve_actor(uow: UnitOfWork, login: str) -> Actor:
    """The user `login` is. The first user of a new embedded database, or a server schema's
    owner, is registered as an admin; anyone else unknown, or disabled, is refused."""
    user = _find(uow, login)
    if user is None:
        why = _admin_without_asking(uow)
        if why is None:
            raise NotAllowed(
                f"{login} is not a Revenues Desk user on this database: ask an administrator to add you "
                f"(revdesk user add {login} --role officer)."
            )
        user = User(username=login, display_name=login, role=Role.ADMIN.label)
        uow.session.add(user)
        uow.session.flush()
        audit(uow, login, "user.created", "user", user.id,
              after={"username": login, "role": Role.ADMIN.label, "why": why})
        uow.commit()
    if not user.active:
        raise NotAllowed(f"{login} is disabled on this database: ask an administrator to enable you again.")
    return _actor(user)


def _admin_without_asking(uow: UnitOfWork) -> str | None:
    """Why this unknown login may register itself as an admin (None: it may not)."""
    if uow.dialect == "sqlite":
        empty = not (uow.session.scalar(select(func.count()).select_from(User)) or 0)
        return "first user of this database" if empty else None
    return "owns the database's schema" if server_roles.owns_schema(uow.session.connection()) else None


@handles(AddUser, role=Role.ADMIN, action="add users")
def add_user(
    uow: UnitOfWork, actor: Actor, username: str, role: Role, team: str = "", display_name: str = "",
    password: str | None = None,
) -> UserAdded:
    name = check_username(username)
    if _find(uow, name) is not None:
        raise ValidationError(f"{name} is already a user: use `user set-role` or `user enable`.", field="username")
    display = display_name.strip() or name
    user_id = new_id()
    created = False
    if uow.dialect == "sqlite":
        if password:
            raise ValidationError("The embedded database has no logins or passwords: each person uses their "
                                  "computer login.", field="password")
        uow.session.add(User(id=user_id, username=name, display_name=display, role=role.label, team=team))
    else:
        created = server_roles.add_login(uow.session.connection(), str(user_id), name, display, role, team, password)
    uow.flush(f"User {name}")
    audit(uow, actor.username, "user.added", "user", user_id,
          after={"username": name, "role": role.label, "team": team, "login_created": created})
    uow.commit(f"User {name}")
    return UserAdded(Actor(name, role, display, team), created)


@handles(SetRole, role=Role.ADMIN, action="change users' roles")
def set_role(uow: UnitOfWork, actor: Actor, username: str, role: Role, team: str | None = None) -> Actor:
    user = _existing(uow, username)
    before: dict[str, Any] = {"role": user.role, "team": user.team}
    if user.username == actor.username and role is not Role.ADMIN:
        raise NotAllowed("You cannot take the admin role from yourself: ask another admin.")
    if uow.dialect == "sqlite":
        user.role = role.label
        if team is not None:
            user.team = team
    else:
        server_roles.set_login_role(uow.session.connection(), user.username, role, team)
        uow.session.refresh(user)
    audit(uow, actor.username, "user.role_set", "user", user.id, before=before,
          after={"role": role.label, "team": team if team is not None else user.team})
    uow.commit(f"User {user.username}")
    return _actor(user)


@handles(SetActive, role=Role.ADMIN, action="disable or enable users")
def set_active(uow: UnitOfWork, actor: Actor, username: str, active: bool) -> Actor:
    user = _existing(uow, username)
    if user.username == actor.username and not active:
        raise NotAllowed("You cannot disable yourself: ask another admin.")
    before = {"active": user.active}
    if uow.dialect == "sqlite":
        user.active = active
    else:
        server_roles.set_login_active(uow.session.connection(), user.username, active)
        uow.session.refresh(user)
    audit(uow, actor.username, "user.enabled" if active else "user.disabled", "user", user.id,
          before=before, after={"active": active})
    uow.commit(f"User {user.username}")
    return _actor(user)


def list_users(uow: UnitOfWork) -> list[Actor]:
    users = uow.session.scalars(select(User).order_by(User.username)).all()
    return [_actor(u) for u in users]


def check_username(text: str) -> str:
    """The login name, or ValidationError saying what a name may be."""
    name = text.strip()
    if not USERNAME.fullmatch(name) or name.lower().startswith(RESERVED_PREFIXES):
        raise ValidationError(
            f"'{text}' cannot be a user name: use up to 63 letters, digits, dots, hyphens, underscores or @, "
            "starting with a letter (not pg_ or revdesk_).", field="username")
    return name


def _find(uow: UnitOfWork, username: str) -> User | None:
    return uow.session.scalars(select(User).where(User.username == username)).one_or_none()


def _existing(uow: UnitOfWork, username: str) -> User:
    user = _find(uow, username)
    if user is None:
        raise NotFound(f"{username} is not a user on this database (add them with `revdesk user add`).")
    return user


def _actor(user: User) -> Actor:
    return Actor(user.username, Role.parse(user.role), user.display_name, user.team, active=user.active)
