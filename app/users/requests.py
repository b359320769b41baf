"""What an administrator may ask of users: give someone a role (and team)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.requests import Request, request
from app.users.roles import Role

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.users.roles import Actor  # noqa: F401



@request("users.set_role")
class SetRole(Request["Actor"]):
    username: str
    role: Role
    team: str | None = None
