"""Choosing the database (connection dialog's services) and noticing when it goes away.

The lost-connection tests cut a real PostgreSQL database's connections from the admin
side (pg_terminate_backend) and refuse new ones (ALLOW_CONNECTIONS false), which is what
a server restart or a dropped network looks like to the application.
"""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from app.bootstrap import bootstrap
from app.config import (
    CONNECTION_FILE,
    default_database_url,
    desktop_database_url,
    load_settings,
    resolve_database_url,
    save_connection_url,
    saved_connection_url,
    user_data_dir,
)
from app.connections import ConnectionTarget, check_connection, connect
from app.db import Database, make_database, password_required
from app.errors import ConnectionLost, DatabaseUnavailable, ValidationError
from app.models import Parish
from app.secrets import SERVICE, keyring_account
from tests.conftest import pg_admin_execute


def _target(url: str) -> ConnectionTarget:
    return ConnectionTarget.from_url(url)


def _cut(url: str, *, refuse: bool = False) -> None:
    """End every session on the database; with `refuse`, turn new ones away too."""
    name = make_url(url).database
    if refuse:
        pg_admin_execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    pg_admin_execute(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


def _allow(url: str) -> None:
    pg_admin_execute(f'ALTER DATABASE "{make_url(url).database}" ALLOW_CONNECTIONS true')


# --- the remembered choice ------------------------------------------------------------

def test_the_desktop_follows_its_saved_choice_and_the_command_line_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(None)
    default = resolve_database_url(None, settings)
    assert default == default_database_url() and default.endswith("revdesk.db")
    assert desktop_database_url(None) is None  # nothing chosen: settings, then the embedded file
    save_connection_url("postgresql+psycopg://ann@db.council.local:5432/revenues")
    assert desktop_database_url(None) == "postgresql+psycopg://ann@db.council.local:5432/revenues"
    assert resolve_database_url(None, settings) == default  # a scheduled CLI job does not move
    monkeypatch.setenv("REVDESK_DATABASE_URL", "sqlite:////tmp/env.db")
    assert desktop_database_url(None) == "sqlite:////tmp/env.db"
    assert desktop_database_url("sqlite:////tmp/cli.db") == "sqlite:////tmp/cli.db"
    monkeypatch.delenv("REVDESK_DATABASE_URL")
    save_connection_url(default)  # "embedded" is remembered too, so it beats a server in the settings
    assert desktop_database_url(None) == default


def test_an_unreadable_saved_choice_is_ignored() -> None:
    (user_data_dir() / CONNECTION_FILE).write_text("{not json", encoding="utf-8")
    assert saved_connection_url() is None
    (user_data_dir() / CONNECTION_FILE).write_text(json.dumps(["a list"]), encoding="utf-8")
    assert saved_connection_url() is None


def test_a_server_target_needs_every_part() -> None:
    target = ConnectionTarget("server", host=" ", port=70000, database="", username="")
    assert set(target.problems()) == {"host", "port", "database", "username"}
    with pytest.raises(ValidationError, match="server's name") as caught:
        target.url()
    assert caught.value.field == "host"
    assert ConnectionTarget("embedded").problems() == {}
    good = ConnectionTarget("server", "db.council.local", 5433, "revenues", "ann")
    assert str(good.url()) == "postgresql+psycopg://ann@db.council.local:5433/revenues"
    assert ConnectionTarget.from_url(good.url()) == good
    secure = ConnectionTarget.from_url("postgresql://ann@db.council.local/revenues?sslmode=require")
    assert secure.options == (("sslmode", "require"),)
    assert str(secure.url()) == "postgresql+psycopg://ann@db.council.local:5432/revenues?sslmode=require"


# --- connecting -----------------------------------------------------------------------

def test_connect_to_a_server_remembers_it_without_the_password(pg_url: str, tmp_path: Path) -> None:
    target = _target(pg_url)
    assert check_connection(target, None).endswith(make_url(pg_url).database or "")
    connected = connect(target, "s3cret", True, load_settings(None), "ann")
    try:
        # On a server the login acts, whatever name the desktop had: not "ann".
        assert connected.context.actor.username == make_url(pg_url).username
        assert not connected.session_only
        assert keyring.get_password(SERVICE, keyring_account(target.url())) == "s3cret"
        saved = (user_data_dir() / CONNECTION_FILE).read_text(encoding="utf-8")
        assert "s3cret" not in saved and saved_connection_url() == str(target.url())
    finally:
        connected.context.db.dispose()
    # The next desktop start (no --db) opens the remembered server.
    ctx = bootstrap(desktop_database_url(None), None)
    try:
        assert ctx.db.dialect == "postgresql" and ctx.db.url.database == make_url(pg_url).database
    finally:
        ctx.db.dispose()


def test_a_password_not_to_be_remembered_is_forgotten(pg_url: str) -> None:
    target = _target(pg_url)
    keyring.set_password(SERVICE, keyring_account(target.url()), "old")
    connected = connect(target, "new", False, load_settings(None), "ann")
    connected.context.db.dispose()
    assert connected.session_only
    assert keyring.get_password(SERVICE, keyring_account(target.url())) is None
    kept = connect(target, None, True, load_settings(None), "ann")  # nothing typed: nothing to keep
    kept.context.db.dispose()
    assert not kept.session_only


def test_a_failed_connection_changes_nothing(pg_url: str) -> None:
    save_connection_url(str(_target(pg_url).url()))
    nowhere = ConnectionTarget("server", "127.0.0.1", 1, "revenues", "ann")
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database at postgresql"):
        check_connection(nowhere, None)
    with pytest.raises(DatabaseUnavailable):
        connect(nowhere, "pw", True, load_settings(None), "ann")
    assert saved_connection_url() == str(_target(pg_url).url())
    assert keyring.get_password(SERVICE, keyring_account(nowhere.url())) is None


def test_back_to_embedded_is_remembered(pg_url: str) -> None:
    save_connection_url(str(_target(pg_url).url()))
    connected = connect(ConnectionTarget("embedded"), None, False, load_settings(None), "ann")
    try:
        assert connected.context.db.dialect == "sqlite"
    finally:
        connected.context.db.dispose()
    assert saved_connection_url() == default_database_url()


def test_a_server_that_needs_no_password_is_not_asked_for_one(pg_url: str) -> None:
    def never(account: str) -> str:
        raise AssertionError(f"asked for a password for {account}")

    make_database(pg_url, prompt=never).dispose()


def test_only_libpq_saying_no_password_was_given_means_ask() -> None:
    assert password_required(RuntimeError('connection failed: fe_sendauth: no password supplied'))
    assert not password_required(RuntimeError('password authentication failed for user "ann"'))
    assert not password_required(RuntimeError("connection refused"))


# --- a connection that goes away ----------------------------------------------------------

def test_a_cut_connection_is_reported_as_lost_then_reconnects(pg_url: str) -> None:
    db = make_database(pg_url)
    try:
        db.ping()  # a pooled connection now exists
        _cut(pg_url)
        with pytest.raises(ConnectionLost, match="connection to the database was lost"), db.uow() as uow:
            uow.session.execute(text("SELECT 1"))
        db.ping()  # the pool threw the dead connection away and made a new one
    finally:
        db.dispose()


def test_a_connection_lost_while_saving_says_the_outcome_is_unknown(pg_url: str) -> None:
    db = make_database(pg_url)
    try:
        with pytest.raises(ConnectionLost, match="may or may not have been saved"), db.uow() as uow:
            uow.session.add(Parish(name="Lost Parish"))
            uow.session.flush()
            _cut(pg_url)
            uow.commit()
    finally:
        db.dispose()


def test_a_server_turning_connections_away_stays_lost_until_it_answers(pg_url: str) -> None:
    db = make_database(pg_url)
    try:
        _cut(pg_url, refuse=True)
        with pytest.raises(ConnectionLost):
            db.ping()
        with pytest.raises(ConnectionLost), db.uow() as uow:
            uow.session.execute(text("SELECT 1"))
        _allow(pg_url)
        db.ping()
    finally:
        _allow(pg_url)
        db.dispose()


def test_a_server_refusing_a_statement_is_not_a_lost_connection(pg_url: str) -> None:
    db = make_database(pg_url)
    try:
        with pytest.raises(Exception) as caught, db.uow() as uow:
            uow.session.execute(text("SELECT 1/0"))
        assert not isinstance(caught.value, ConnectionLost)
    finally:
        db.dispose()


def test_nothing_listening_is_lost() -> None:
    engine = create_engine("postgresql+psycopg://ann@127.0.0.1:1/revenues", connect_args={"connect_timeout": 2})
    db = Database(engine=engine, sessions=sessionmaker(engine))
    try:
        with pytest.raises(ConnectionLost, match="Revenues Desk will reconnect"):
            db.ping()
    finally:
        engine.dispose()
