"""Who is acting: a login, never a name someone typed.

* On a PostgreSQL server the acting user *is* the database login (`session_user`): the
  server authenticated it, and neither `--user` nor an environment variable can change
  it. Naming someone else is refused.
* The embedded database is one person's file on their computer: the acting user is the
  computer's login (from the operating system's account database, not from LOGNAME or
  USER), and `--user` may name another (tests, demonstrations, a shared training file).

Whoever it is must then be a user of the database (`app.users.directory.resolve_actor`).
"""

from __future__ import annotations

import os

from app.adapters.server_roles import session_login
from app.db import UnitOfWork
from app.errors import ValidationError


def acting_login(uow: UnitOfWork, requested: str | None) -> str:
    """The login acting in `uow`; `requested` (the `--user` option) only on the embedded database."""
    if uow.dialect == "sqlite":
        name = (requested if requested is not None else os_login()).strip()
        if not name:
            raise ValidationError("A user name is required.", field="user")
        return name
    login = session_login(uow.session.connection())
    if requested is not None and requested.strip() != login:
        raise ValidationError(
            f"On a server database you act as your own login ({login}): --user cannot make you "
            f"{requested.strip() or 'someone else'}. Sign in as that person's login instead.", field="user")
    return login


def os_login() -> str:
    """The computer's login name, from the operating system, never from the environment:
    POSIX's account database for this process's user id; on Windows the account the
    process runs as (`os.getlogin`: GetUserNameW, not %USERNAME%). A user id with no
    account (some containers) has no name to use: `--user` must give one."""
    try:
        import pwd
    except ImportError:
        return os.getlogin()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        raise ValidationError(
            f"This computer has no login name for user id {os.getuid()}: start Revenues Desk with --user NAME.",
            field="user",
        ) from None
