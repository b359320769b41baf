"""Shared fixtures: every service test runs on SQLite and on PostgreSQL.

PostgreSQL tests use the local server (127.0.0.1:5432, user postgres, trust auth; override
with REVDESK_TEST_PG_URL). The schema is migrated once into a template database and each
test gets a fresh copy (CREATE DATABASE ... TEMPLATE), dropped afterwards. Where no server
answers the tests skip saying why, unless REVDESK_REQUIRE_POSTGRES=1 (set by .ci/run),
which turns that skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy.engine import make_url

from app.application import Application
from app.bootstrap import AppContext, bootstrap
from app.config import AuthoritySettings, load_settings
from app.db import Database, make_database, upgrade
from app.models import User
from app.users.directory import add_user
from app.users.requests import AddUser
from app.users.roles import Actor, Role
from tests.memory_keyring import MemoryKeyring
from tests.sqlite_files import copy_database

# The contract's example files (../shared/formats/examples), kept in the repository so the
# suite runs from any clone; tests/test_examples.py checks the copy against the original when present.
EXAMPLES = Path(__file__).resolve().parent / "examples"
SHARED_EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "formats" / "examples"
PG_ADMIN_URL = os.environ.get("REVDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REQUIRE_PG = os.environ.get("REVDESK_REQUIRE_POSTGRES") == "1"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real user data folder, settings or keyring."""
    monkeypatch.setenv("REVDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("REVDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("REVDESK_SETTINGS", raising=False)
    keyring.set_keyring(MemoryKeyring())


def _pg_admin():  # type: ignore[no-untyped-def]
    import psycopg

    url = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def _pg_url(name: str, login: str | None = None) -> str:
    """The URL of database `name` on the test server, as `login` (default: the tests' admin login)."""
    url = make_url(PG_ADMIN_URL).set(database=name, username=login or PG_APP)
    return url.render_as_string(hide_password=False)


# Logins are cluster-wide: this test session's all start with its own prefix (several
# sessions may share the server: xdist workers, other checkouts) and are dropped at the end.
PG_RUN = f"rd_{uuid.uuid4().hex[:8]}_"
PG_OWNER = f"{PG_RUN}owner"  # owns the schema and runs the migrations, as a council's owner login does
PG_APP = f"{PG_RUN}app"  # what the tests act as: an admin's login, not an owner and not a superuser


def pg_login(name: str) -> str:
    """The login this test session uses for the person `name` (see PG_RUN)."""
    return name if name.startswith(PG_RUN) else f"{PG_RUN}{name}"


def person(db_url: str, name: str) -> str:
    """`name` as `db_url`'s database knows the person: on a server, this session's login for them."""
    return name if db_url.startswith("sqlite") else pg_login(name)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database for this test session (dropped at the end), set up as a
    council would: tables owned by a non-superuser owner login that may create roles, and
    the tests' own login an admin user in the revdesk_admin group, so that every
    PostgreSQL test runs with exactly the privileges an admin's desktop has."""
    try:
        conn = _pg_admin()
    except Exception as exc:
        reason = f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__})"
        if REQUIRE_PG:
            pytest.fail(f"{reason}; REVDESK_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(reason)
    name = f"rd_tpl_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE ROLE "{PG_OWNER}" LOGIN CREATEROLE')
    conn.execute(f'CREATE DATABASE "{name}" OWNER "{PG_OWNER}"')
    try:
        owner = bootstrap(_pg_url(name, PG_OWNER), str(EXAMPLES / "settings.toml"))  # migrates; the owner is admin
        try:
            Application(owner).execute(AddUser(username=PG_APP, role=Role.ADMIN))
        finally:
            owner.db.dispose()
        yield name
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        drop_pg_logins(conn)
        conn.close()


def drop_pg_logins(conn) -> None:  # type: ignore[no-untyped-def]
    """Drop every login this session made (its databases are gone, so they own nothing)."""
    for (login,) in conn.execute("SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)", (PG_RUN,)).fetchall():
        conn.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    db = make_database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of each kind."""
    if request.param == "sqlite":
        yield copy_database(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    with _fresh_pg_database(request.getfixturevalue("pg_template")) as url:
        yield url


@contextmanager
def _fresh_pg_database(template: str) -> Iterator[str]:
    """A database copied from the migrated template, dropped afterwards."""
    name = f"rd_t_{uuid.uuid4().hex[:12]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{PG_OWNER}"')
    try:
        yield _pg_url(name)
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database only (connection handling, switching databases)."""
    with _fresh_pg_database(pg_template) as url:
        yield url


def pg_admin_execute(sql: str) -> None:
    """Run one statement as the server's admin (e.g. to cut a test database's connections)."""
    with _pg_admin() as conn:
        conn.execute(sql)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh embedded database only (for UI and CLI tests)."""
    return copy_database(sqlite_template, tmp_path)


def login_url(db_url: str, login: str) -> str:
    """`db_url` signed in as `login` (a server database; an embedded one is returned as it is)."""
    if db_url.startswith("sqlite"):
        return db_url
    return make_url(db_url).set(username=login).render_as_string(hide_password=False)


def embedded_user(db_url: str, name: str) -> str | None:
    """`name` as the acting user on an embedded database; None on a server, where the
    login acts (see app.users.identity)."""
    return name if db_url.startswith("sqlite") else None


@contextmanager
def as_owner(db: Database) -> Iterator[Database]:
    """`db` as the login owning its tables: what the schema itself refuses (triggers,
    constraints, migrations) is tested past the privileges a user's login stops at first.
    On an embedded database, `db` itself."""
    if db.dialect == "sqlite":
        yield db
        return
    owner = make_database(login_url(db.url.render_as_string(hide_password=False), PG_OWNER))
    try:
        yield owner
    finally:
        owner.dispose()


def register_users(ctx: AppContext, actors: Iterable[Actor]) -> None:
    """Make `actors` users of `ctx`'s database (for service tests that act as them directly).
    On a server they are rows only, written as the owner: real logins are made by
    `AddUser` (tests/services/test_users.py), and are cluster-wide."""
    if ctx.db.dialect == "sqlite":
        for actor in actors:
            with ctx.db.uow() as uow:
                add_user(uow, ctx.actor, actor.username, actor.role, team=actor.team)
        return
    with as_owner(ctx.db) as owner, owner.uow() as uow:
        uow.session.add_all(User(username=a.username, display_name=a.username, role=a.role.label, team=a.team)
                            for a in actors)
        uow.commit()


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    """Settings = the shared example authority; acting user an admin ('admin' on SQLite, the first
    user; the tests' admin login on PostgreSQL)."""
    context = bootstrap(db_url, str(EXAMPLES / "settings.toml"), embedded_user(db_url, "admin"))
    try:
        yield context
    finally:
        context.db.dispose()


@pytest.fixture
def owner_ctx(ctx: AppContext) -> Iterator[AppContext]:
    """`ctx` connected as the login owning the tables (see `as_owner`): for tests of the
    schema itself (migrations, triggers, constraints) rather than of a user's work."""
    with as_owner(ctx.db) as owner:
        yield AppContext(settings=ctx.settings, db=owner, actor=ctx.actor)


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def demo_settings() -> AuthoritySettings:
    """The built-in authority settings (years 2023-2026), which demo data needs."""
    return load_settings(None)


@pytest.fixture(autouse=True)
def _no_machine_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads this computer's machine-wide configuration (app.machine_config): it
    points at a file that is not there unless a test writes it."""
    monkeypatch.setenv("REVDESK_MACHINE_CONFIG", str(tmp_path_factory.mktemp("machine") / "revenues-desk.toml"))
