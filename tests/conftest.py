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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.bootstrap import AppContext, bootstrap
from app.config import AuthoritySettings, load_settings
from app.db import make_database, upgrade
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


def _pg_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database for this test session (dropped at the end)."""
    try:
        conn = _pg_admin()
    except Exception as exc:
        reason = f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__})"
        if REQUIRE_PG:
            pytest.fail(f"{reason}; REVDESK_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(reason)
    name = f"rd_tpl_{uuid.uuid4().hex[:10]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    db = make_database(_pg_url(name))
    upgrade(db)
    db.dispose()
    try:
        yield name
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


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
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
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


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    """Settings = the shared example authority; acting user 'admin' (first user: admin role)."""
    context = bootstrap(db_url, str(EXAMPLES / "settings.toml"), "admin")
    try:
        yield context
    finally:
        context.db.dispose()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def demo_settings() -> AuthoritySettings:
    """The built-in authority settings (years 2023-2026), which demo data needs."""
    return load_settings(None)
