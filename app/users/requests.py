"""What an administrator may ask of users: add someone, change their role, disable or
re-enable them. On a PostgreSQL server each also changes the person's database login."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from app.requests import Request, request
from app.users.roles import Role

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.users.directory import UserAdded  # noqa: F401
    from app.users.roles import Actor  # noqa: F401


@request("users.add")
class AddUser(Request["UserAdded"]):
    """`password` sets a new server login's password (None: the server's own authentication,
    e.g. single sign-on, decides). It is never audited, shown or stored in a journal."""

    username: str
    role: Role
    team: str = ""
    display_name: str = ""
    password: str | None = dataclasses.field(default=None, repr=False)


@request("users.set_role")
class SetRole(Request["Actor"]):
    username: str
    role: Role
    team: str | None = None


@request("users.set_active")
class SetActive(Request["Actor"]):
    """Disable (False) or re-enable (True) a user: on a server, their login too. History stays."""

    username: str
    active: bool
