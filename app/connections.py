"""Which database the desktop works on, as the connection dialog chooses it.

Two kinds: the embedded SQLite file in the user's data folder, or a shared PostgreSQL
server. A choice is remembered per user as a password-free URL (`config.save_connection_url`);
the password goes to the OS keyring when one is usable and Remember is ticked, and
otherwise lives only in memory for this session (the next start asks again if the server
wants one). It is never written to a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.engine import URL, make_url

from app.bootstrap import AppContext, open_context
from app.config import AuthoritySettings, default_database_url, save_connection_url
from app.db import describe, make_database
from app.errors import ValidationError
from app.secrets import forget_password, lookup_password, store_password

Kind = Literal["embedded", "server"]
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ConnectionTarget:
    """The embedded database, or a server login (host, port, database, user; no password)."""

    kind: Kind
    host: str = ""
    port: int = DEFAULT_PORT
    database: str = ""
    username: str = ""
    # Connection options a URL carried (e.g. sslmode=require), kept when the dialog reconnects.
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_url(cls, url: str | URL) -> ConnectionTarget:
        """The target a URL names (to fill the dialog with the database in use)."""
        parsed = make_url(url) if isinstance(url, str) else url
        if parsed.drivername.startswith("sqlite"):
            return cls("embedded")
        options = tuple(sorted((k, v if isinstance(v, str) else v[-1]) for k, v in parsed.query.items()))
        return cls("server", parsed.host or "localhost", parsed.port or DEFAULT_PORT, parsed.database or "",
                   parsed.username or "", options)

    def problems(self) -> dict[str, str]:
        """What must be filled in before connecting: field -> one sentence."""
        if self.kind == "embedded":
            return {}
        found: dict[str, str] = {}
        if not self.host.strip():
            found["host"] = "Enter the server's name or address."
        if not 0 < self.port < 65536:
            found["port"] = "The port is a number from 1 to 65535 (PostgreSQL's usual port is 5432)."
        if not self.database.strip():
            found["database"] = "Enter the name of the database on the server."
        if not self.username.strip():
            found["username"] = "Enter your user name on the server."
        return found

    def url(self) -> URL:
        """The password-free URL (what is remembered and shown)."""
        if self.kind == "embedded":
            return make_url(default_database_url())
        problems = self.problems()
        if problems:
            field, sentence = next(iter(problems.items()))
            raise ValidationError(sentence, field=field)
        return URL.create(
            "postgresql+psycopg", username=self.username.strip(), host=self.host.strip(), port=self.port,
            database=self.database.strip(), query=dict(self.options),
        )

    def has_stored_password(self) -> bool:
        return self.kind == "server" and not self.problems() and lookup_password(self.url()) is not None


def _with_typed_password(target: ConnectionTarget, password: str | None) -> URL:
    url = target.url()
    return url.set(password=password) if password and target.kind == "server" else url


def check_connection(target: ConnectionTarget, password: str | None) -> str:
    """Connect once and let go: the password-free description of what answered.
    Raises DatabaseUnavailable with one sentence when it does not."""
    db = make_database(_with_typed_password(target, password))
    db.dispose()
    return describe(target.url())


@dataclass(frozen=True)
class Connected:
    context: AppContext
    session_only: bool  # a typed password not kept (no usable keyring, or Remember unticked)


def connect(
    target: ConnectionTarget, password: str | None, remember_password: bool, settings: AuthoritySettings,
    username: str | None,
) -> Connected:
    """Open `target` (upgrading its schema if behind, as at start-up), as `username` on the
    embedded database and as the server's login on a server, then
    remember it as this user's database and, if asked, the typed password in the keyring
    (unticking Remember forgets one kept before). Nothing is remembered unless the
    connection worked, and nothing is left open if remembering fails."""
    acting = username if target.kind == "embedded" else None  # on a server, the login is who acts
    context = open_context(_with_typed_password(target, password), settings, acting)
    try:
        stored = False
        if target.kind == "server" and password:
            if remember_password:
                stored = store_password(target.url(), password)
            else:
                forget_password(target.url())
        save_connection_url(target.url().render_as_string(hide_password=False))
    except BaseException:
        context.db.dispose()
        raise
    return Connected(context, session_only=bool(password) and target.kind == "server" and not stored)
