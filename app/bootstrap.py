"""The composition root: settings, database and acting user, built the same way for the
CLI, the desktop and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import URL

from app.config import AuthoritySettings, load_settings, resolve_database_url
from app.db import Database, make_database, upgrade
from app.secrets import PasswordPrompt
from app.users.directory import resolve_actor
from app.users.identity import acting_login
from app.users.roles import Actor


@dataclass(frozen=True)
class AppContext:
    settings: AuthoritySettings
    db: Database
    actor: Actor


def bootstrap(
    db_url: str | None = None,
    settings_path: str | None = None,
    username: str | None = None,
    *,
    migrate: bool = True,
    prompt: PasswordPrompt | None = None,
) -> AppContext:
    """Load settings, open (and if behind, upgrade) the database, resolve the acting user.
    `username` names the acting user on the embedded database only (see app.users.identity)."""
    settings = load_settings(settings_path)
    return open_context(resolve_database_url(db_url, settings), settings, username, migrate=migrate, prompt=prompt)


def open_context(
    db_url: str | URL,
    settings: AuthoritySettings,
    username: str | None,
    *,
    migrate: bool = True,
    prompt: PasswordPrompt | None = None,
) -> AppContext:
    """Open (and if behind, upgrade) one database with settings already loaded: start-up,
    and the desktop switching database. Nothing is left open if any step fails."""
    return context_on(make_database(db_url, prompt=prompt), settings, username, prepare=upgrade if migrate else None)


def context_on(
    db: Database, settings: AuthoritySettings, username: str | None, *,
    prepare: Callable[[Database], object] | None = None,
) -> AppContext:
    """The context on a database just opened: `prepare` (an upgrade, a check) first, then the
    acting user; the database is closed again if either fails. The office database and a
    court pack both start this way."""
    try:
        if prepare is not None:
            prepare(db)
        with db.uow() as uow:
            actor = resolve_actor(uow, acting_login(uow, username))
    except BaseException:
        db.dispose()
        raise
    return AppContext(settings=settings, db=db, actor=actor)
