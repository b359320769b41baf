"""Least privilege on a PostgreSQL server (issue 14, parts 1 and 2), tested with real
non-superuser logins: what an officer's login may not do is refused by the server itself,
whatever the application would have allowed.

These run only on PostgreSQL (the `pg_url` fixture: the suite's template database is set
up as a council's, with an owner login and the tests acting as an admin login)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from sqlalchemy import select

from app.application import Application
from app.bootstrap import bootstrap
from app.cli import main
from app.errors import NotAllowed, ValidationError
from app.models import AuditEvent
from app.payments.requests import DecideRefund
from app.users.requests import AddUser, SetRole
from app.users.roles import Role
from tests.conftest import EXAMPLES, PG_OWNER, login_url, pg_login

SETTINGS = str(EXAMPLES / "settings.toml")
AS_OF = date(2025, 6, 30)


@pytest.fixture
def admin(pg_url: str) -> Iterator[Application]:
    context = bootstrap(pg_url, SETTINGS)
    try:
        yield Application(context)
    finally:
        context.db.dispose()


@pytest.fixture
def officer_login(admin: Application) -> str:
    login = pg_login(f"officer_{uuid.uuid4().hex[:6]}")
    admin.execute(AddUser(username=login, role=Role.OFFICER))
    return login


def raw(pg_url: str, login: str) -> psycopg.Connection[tuple[object, ...]]:
    """A plain driver connection as `login`: what anyone holding the password could do."""
    url = login_url(pg_url, login).replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_transaction SET amount_pence = 0",
    "DELETE FROM ledger_transaction",
    "TRUNCATE ledger_transaction",
    "UPDATE audit_event SET username = 'someone'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "DELETE FROM note",
    "UPDATE document SET file_name = 'x'",
    "DELETE FROM document",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "ALTER TABLE ledger_transaction DISABLE TRIGGER ALL",
    "UPDATE app_user SET role = 'admin'",
    "INSERT INTO app_user (id, username, display_name, role, team, active, created_at, version) "
    "VALUES (gen_random_uuid(), 'eve', 'Eve', 'admin', '', true, now(), 1)",
    "SELECT revdesk_set_user_role(session_user, 'admin', NULL)",
    "SELECT revdesk_add_user(gen_random_uuid(), 'eve', 'Eve', 'admin', '', NULL)",
    "DROP TABLE payment",
    "CREATE TABLE shadow (x int)",
])
def test_the_server_refuses_an_officer_login(pg_url: str, officer_login: str, statement: str) -> None:
    with raw(pg_url, officer_login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_an_officer_login_reads_and_appends(pg_url: str, officer_login: str) -> None:
    with raw(pg_url, officer_login) as conn:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone() == (3,)  # owner, the tests' admin, this
        conn.execute("INSERT INTO audit_event (id, at, username, action, entity) "
                     "VALUES (gen_random_uuid(), now(), session_user, 'test.appended', 'test')")


def test_an_officer_login_cannot_claim_another_identity(
    pg_url: str, officer_login: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    as_officer = login_url(pg_url, officer_login)
    with pytest.raises(ValidationError, match=f"you act as your own login \\({officer_login}\\)"):
        bootstrap(as_officer, SETTINGS, pg_login("app"))
    for variable in ("LOGNAME", "USER", "USERNAME", "PGUSER"):
        monkeypatch.setenv(variable, pg_login("app"))
    context = bootstrap(as_officer, SETTINGS)
    try:
        assert (context.actor.username, context.actor.role) == (officer_login, Role.OFFICER)
        # Roles are checked before anything is read: an officer approves no refund, their own or not.
        with pytest.raises(NotAllowed, match="that needs the team leader role"):
            Application(context).execute(DecideRefund(refund_id=uuid.uuid4(), approve=True, note="mine", as_of=AS_OF))
        with pytest.raises(NotAllowed, match="that needs the admin role"):
            Application(context).execute(SetRole(username=officer_login, role=Role.ADMIN))
    finally:
        context.db.dispose()
    assert main(["--db", as_officer, "--user", pg_login("app"), "user", "list"]) == 2
    assert "--user cannot make you" in capsys.readouterr().err
    assert main(["--db", as_officer, "user", "set-role", officer_login, "admin"]) == 1
    assert "cannot change users' roles" in capsys.readouterr().err


def test_an_officer_logins_audit_events_carry_its_login(pg_url: str, officer_login: str, admin: Application) -> None:
    from app.accounts.requests import ImportProperties

    context = bootstrap(login_url(pg_url, officer_login), SETTINGS)
    try:
        Application(context).execute(ImportProperties(path=str(EXAMPLES / "properties.csv")))
    finally:
        context.db.dispose()
    with admin._ctx.db.uow() as uow:
        who = set(uow.session.scalars(select(AuditEvent.username).where(AuditEvent.action.like("import.%"))).all())
    assert who == {officer_login}


def test_role_changes_move_the_login_between_groups(pg_url: str, officer_login: str, admin: Application) -> None:
    def groups() -> list[str]:
        with raw(pg_url, officer_login) as conn:
            rows = conn.execute(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = session_user) ORDER BY 1").fetchall()
        return [str(name) for (name,) in rows]

    assert groups() == ["revdesk_officer"]
    admin.execute(SetRole(username=officer_login, role=Role.TEAM_LEADER))
    assert groups() == ["revdesk_team_leader"]
    with raw(pg_url, officer_login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM audit_event")  # a team leader's login is no freer than an officer's


def test_the_owner_cannot_be_demoted_by_an_admin(admin: Application) -> None:
    with pytest.raises(NotAllowed, match=f"{PG_OWNER} owns the database's tables"):
        admin.execute(SetRole(username=PG_OWNER, role=Role.OFFICER))


def test_only_the_owner_upgrades(pg_url: str, officer_login: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", login_url(pg_url, officer_login), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert f"Only the login that owns this database's tables ({PG_OWNER}) may set its roles and privileges" in err
    assert main(["--db", login_url(pg_url, PG_OWNER), "db", "upgrade"]) == 0  # idempotent: grants set again
    with raw(pg_url, officer_login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("TRUNCATE audit_event")
    with raw(pg_url, PG_OWNER) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0012'")
    with pytest.raises(NotAllowed, match=f"\\({PG_OWNER}\\) may upgrade its schema to revision"):
        bootstrap(login_url(pg_url, officer_login), SETTINGS)


def test_a_refused_privilege_is_one_sentence_and_nothing_is_saved(pg_url: str, officer_login: str) -> None:
    from sqlalchemy import func, text

    from app.db import make_database
    from app.models import Parish

    db = make_database(login_url(pg_url, officer_login))
    try:
        with pytest.raises(NotAllowed, match=r"^The database server refused this to your login \(permission denied "
                                             r"for table audit_event\); nothing was saved"), db.uow() as uow:
            uow.session.add(Parish(name="Half-written"))
            uow.session.flush()
            uow.session.execute(text("DELETE FROM audit_event"))
        with db.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(Parish).where(Parish.name == "Half-written")) == 0
    finally:
        db.dispose()
