"""Users and identity on both databases (issue 14, part 1): an admin adds people, changes
their roles and disables them; nobody unknown or disabled gets in; who acts is the login.

On PostgreSQL each person is a server login (named per test session, see tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.application import Application
from app.bootstrap import AppContext, bootstrap
from app.db import make_database, upgrade
from app.errors import DatabaseUnavailable, NotAllowed, NotFound, ValidationError
from app.models import AuditEvent, User
from app.users.requests import AddUser, SetActive, SetRole
from app.users.roles import Role
from tests.conftest import EXAMPLES, embedded_user, login_url, person, pg_login

SETTINGS = str(EXAMPLES / "settings.toml")


def as_person(db_url: str, name: str) -> AppContext:
    """Start as `name`: `--user` on the embedded database, their own login on a server."""
    return bootstrap(login_url(db_url, name), SETTINGS, embedded_user(db_url, name))


def test_admin_adds_a_user_who_then_acts_as_themself(ctx: AppContext, db_url: str) -> None:
    admin = Application(ctx)
    jsmith = person(db_url, "jsmith")
    added = admin.execute(AddUser(username=jsmith, role=Role.OFFICER, team="Recovery", display_name="Jo Smith"))
    assert (added.user.username, added.user.role, added.user.team) == (jsmith, Role.OFFICER, "Recovery")
    assert added.login_created is (not db_url.startswith("sqlite"))
    officer = as_person(db_url, jsmith)
    try:
        assert (officer.actor.username, officer.actor.role, officer.actor.display_name) == (jsmith, Role.OFFICER,
                                                                                              "Jo Smith")
        with pytest.raises(NotAllowed, match="is an officer and cannot change users' roles: that needs the admin role"):
            Application(officer).execute(SetRole(username=jsmith, role=Role.ADMIN))
        with pytest.raises(NotAllowed, match="cannot add users"):
            Application(officer).execute(AddUser(username=person(db_url, "friend"), role=Role.ADMIN))
    finally:
        officer.db.dispose()
    with pytest.raises(ValidationError, match="already a user"):
        admin.execute(AddUser(username=jsmith, role=Role.OFFICER))

    promoted = admin.execute(SetRole(username=jsmith, role=Role.TEAM_LEADER, team="Billing"))
    assert (promoted.role, promoted.team) == (Role.TEAM_LEADER, "Billing")
    with ctx.db.uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%"))
                                     .order_by(AuditEvent.at)).all()
        stored = uow.session.scalars(select(User).where(User.username == jsmith)).one()
    assert (stored.role, stored.team, stored.display_name) == ("team_leader", "Billing", "Jo Smith")
    assert [(e.username, e.action, e.before, e.after) for e in events if e.entity_id == stored.id] == [
        (ctx.actor.username, "user.added", None,
         {"username": jsmith, "role": "officer", "team": "Recovery", "login_created": not db_url.startswith("sqlite")}),
        (ctx.actor.username, "user.role_set", {"role": "officer", "team": "Recovery"},
         {"role": "team_leader", "team": "Billing"}),
    ]


def test_someone_unknown_is_refused_not_recorded(ctx: AppContext, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        with pytest.raises(NotAllowed, match="stranger is not a Revenues Desk user on this database: ask an "
                                             "administrator to add you"):
            bootstrap(db_url, SETTINGS, "stranger")
    else:
        from tests.conftest import pg_admin_execute

        stranger = pg_login("stranger")
        pg_admin_execute(f'CREATE ROLE "{stranger}" LOGIN IN ROLE revdesk_officer')  # a login, but no user
        with pytest.raises(NotAllowed, match=f"{stranger} is not a Revenues Desk user on this database"):
            as_person(db_url, stranger)
    with ctx.db.uow() as uow:
        assert "stranger" not in "".join(uow.session.scalars(select(User.username)).all())


def test_a_disabled_user_is_refused_and_history_kept(ctx: AppContext, db_url: str) -> None:
    admin = Application(ctx)
    leaver = person(db_url, "leaver")
    admin.execute(AddUser(username=leaver, role=Role.OFFICER))
    disabled = admin.execute(SetActive(username=leaver, active=False))
    assert disabled.active is False
    refusal = "is disabled on this database" if db_url.startswith("sqlite") else "is disabled on the server"
    with pytest.raises((NotAllowed, DatabaseUnavailable), match=refusal):
        as_person(db_url, leaver)
    assert [u.username for u in admin.users() if not u.active] == [leaver]
    admin.execute(SetActive(username=leaver, active=True))
    back = as_person(db_url, leaver)
    back.db.dispose()
    assert back.actor.username == leaver


def test_an_admin_cannot_lock_themself_out(ctx: AppContext) -> None:
    admin = Application(ctx)
    with pytest.raises(NotAllowed, match="cannot disable yourself"):
        admin.execute(SetActive(username=ctx.actor.username, active=False))
    with pytest.raises(NotAllowed, match="cannot take the admin role from yourself"):
        admin.execute(SetRole(username=ctx.actor.username, role=Role.OFFICER))
    with pytest.raises(NotFound, match="nobody is not a user"):
        admin.execute(SetRole(username="nobody", role=Role.OFFICER))


@pytest.mark.parametrize("name", ["", "1abc", "pg_monitor", "revdesk_admin", "a b", "x" * 64, "robert'); drop"])
def test_user_names_a_login_can_have(ctx: AppContext, name: str) -> None:
    with pytest.raises(ValidationError, match="cannot be a user name"):
        Application(ctx).execute(AddUser(username=name, role=Role.OFFICER))


def test_the_first_user_of_a_new_embedded_database_is_its_admin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = bootstrap(url, SETTINGS, "founder")
    first.db.dispose()
    assert first.actor.role is Role.ADMIN
    with pytest.raises(NotAllowed, match="second is not a Revenues Desk user"):
        bootstrap(url, SETTINGS, "second")


def test_passwords_belong_to_server_logins(sqlite_url: str) -> None:
    admin = bootstrap(sqlite_url, SETTINGS, "admin")
    try:
        with pytest.raises(ValidationError, match="embedded database has no logins or passwords"):
            Application(admin).execute(AddUser(username="pat", role=Role.OFFICER, password="secret"))
    finally:
        admin.db.dispose()


def test_a_new_database_file_needs_no_setup(tmp_path: Path) -> None:
    db = make_database(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        assert upgrade(db, privileges=True) is True  # privileges are a server's business: nothing to do here
    finally:
        db.dispose()


def test_the_computer_login_comes_from_the_system_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import pwd

    from app.users.identity import os_login

    for variable in ("LOGNAME", "USER", "USERNAME"):
        monkeypatch.setenv(variable, "someone_else")
    assert os_login() == pwd.getpwuid(os.getuid()).pw_name

    def no_account(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_account)
    with pytest.raises(ValidationError, match=r"no login name for user id .*: start Revenues Desk with --user NAME"):
        os_login()
