"""Least privilege on a PostgreSQL server: group roles, grants and the user functions.

A council's server has one **owner** login, which owns the schema and runs
`revdesk db upgrade`, and one login per person. Each person's login is a member of one
group role, named after their Revenues Desk role (`revdesk_officer`,
`revdesk_team_leader`, `revdesk_manager`, `revdesk_admin`); the groups above officer are
members of `revdesk_officer` and hold nothing more, because what a team leader may do
that an officer may not is decided per request in the service layer (one place for the
desktop and the command line). What the database itself guarantees, whoever connects:

* nobody but the owner can ALTER, TRUNCATE, drop or disable a trigger on anything;
* the ledger, the audit trail and notes take INSERT only, and a stored letter only the
  one filling-in of its content (the append-only triggers refuse the rest even for the
  owner);
* `app_user` is read-only: who is a user, with which role, changes only through the
  SECURITY DEFINER functions below, which check that the *session's* login is an active
  admin before they touch `app_user` or the server's logins. The functions run as the
  owner (which needs CREATEROLE for the logins), with a fixed search_path and every
  name quoted (`format('%I')`), so a caller can neither redirect nor inject into them.

`grant_privileges` is idempotent: every `revdesk db upgrade` (and every start that
migrated) runs it again, so tables added by later migrations get their grants.

Role names are cluster-wide. Databases on one server share these groups: a login in
`revdesk_officer` may connect to each of them that grants the group (the login must
still be a registered user of each to do anything).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.db import PG_INSUFFICIENT_PRIVILEGE, first_line
from app.errors import NotAllowed, ValidationError
from app.users.roles import Role

GROUPS: Final = {role: f"revdesk_{role.label}" for role in Role}
BASE_GROUP: Final = GROUPS[Role.OFFICER]
# Appended to, never changed: INSERT (and SELECT) only.
APPEND_ONLY: Final = ("ledger_transaction", "audit_event", "note", "court_journal_applied", "safeguard_release")
# Read-only to everyone but the owner: users change through the functions below.
READ_ONLY: Final = ("app_user", "alembic_version")
LETTERS: Final = "document"  # a stored letter: its content may be filled in once, nothing else


def session_login(connection: Connection) -> str:
    """The login this connection authenticated as (`session_user`: SET ROLE cannot change it)."""
    return str(connection.execute(text("SELECT session_user")).scalar_one())


def schema_owner(connection: Connection) -> str | None:
    """The role owning `app_user` (the schema's owner), None before the first migration."""
    return connection.execute(text(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'app_user'"
    )).scalar_one_or_none()


def owns_schema(connection: Connection) -> bool:
    """Whether this login owns the schema (directly, by membership, or as a superuser)."""
    owner = schema_owner(connection)
    if owner is None:
        return True  # a new database: whoever creates the tables owns them
    return bool(connection.execute(
        text("SELECT pg_has_role(session_user, :owner, 'USAGE')"), {"owner": owner}
    ).scalar_one())


def grant_privileges(connection: Connection) -> None:
    """Create the group roles if missing and (re)grant exactly what each may do. Run by the
    owner, in the caller's transaction; raises NotAllowed with one sentence if the server
    refuses (e.g. the owner may not create roles)."""
    try:
        _create_groups(connection)
        _grant_tables(connection)
        _create_user_functions(connection)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != PG_INSUFFICIENT_PRIVILEGE:
            raise
        login = session_login_safely(connection)
        raise NotAllowed(
            f"The server refused to set up Revenues Desk's roles and privileges for {login} "
            f"({first_line(exc)}): the login that runs `revdesk db upgrade` must own the database's tables "
            f"and be allowed to create roles (ALTER ROLE {login} CREATEROLE)."
        ) from None


def _create_groups(connection: Connection) -> None:
    # Two databases upgraded at once on one server may both find a group missing: the loser
    # of CREATE ROLE gets duplicate_object or unique_violation, and the group exists.
    for group in GROUPS.values():
        connection.execute(text(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN "
            f"CREATE ROLE {group} NOLOGIN; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ))
    for role, group in GROUPS.items():
        if role is not Role.OFFICER and not _direct_member(connection, group, BASE_GROUP):
            connection.execute(text(f"GRANT {BASE_GROUP} TO {group}"))


def _direct_member(connection: Connection, member: str, group: str) -> bool:
    return bool(connection.execute(text(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = :group AND u.rolname = :member)"
    ), {"group": group, "member": member}).scalar_one())


def _grant_tables(connection: Connection) -> None:
    """Everything the application does, and nothing else: reset, then grant."""
    schema, owns_namespace = connection.execute(text(
        "SELECT nspname, pg_has_role(nspowner, 'USAGE') FROM pg_namespace WHERE nspname = current_schema()"
    )).one()
    # Nobody else creates objects beside ours (PostgreSQL 15 already refuses PUBLIC on new
    # databases; older ones allowed it). Only the schema's owner may say so.
    run = [f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC'] if owns_namespace else []
    run += [
        f'GRANT USAGE ON SCHEMA "{schema}" TO {BASE_GROUP}',
        f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM PUBLIC, {BASE_GROUP}',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {BASE_GROUP}',
        f"REVOKE UPDATE, DELETE ON {', '.join((*APPEND_ONLY, LETTERS))} FROM {BASE_GROUP}",
        f"GRANT UPDATE (content) ON {LETTERS} TO {BASE_GROUP}",
        f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(READ_ONLY)} FROM {BASE_GROUP}",
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {BASE_GROUP}',
    ]
    for statement in run:
        connection.execute(text(statement))


# Who may change users: the session's login, an active admin. Raised as
# insufficient_privilege so the application reports it as NotAllowed.
_REQUIRE_ADMIN = """
    IF NOT EXISTS (SELECT 1 FROM app_user WHERE username = session_user AND role = 'admin' AND active) THEN
        RAISE EXCEPTION 'only an active Revenues Desk admin may change users (% is not one)', session_user
            USING ERRCODE = '42501';
    END IF;
"""
# The schema's owner is the admin of last resort: nobody may disable it or take its role away.
_NOT_THE_OWNER = """
    IF p_username = (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()
                     AND tablename = 'app_user') THEN
        RAISE EXCEPTION '% owns the database''s tables: its role cannot be changed or its login disabled', p_username
            USING ERRCODE = '42501';
    END IF;
"""
_GROUP_OF = "'revdesk_' || p_role"
# Out of every group the login is directly in (a team leader's login is in revdesk_officer
# only through revdesk_team_leader).
_LEAVE_GROUPS = f"""
    FOR grp IN SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
               JOIN pg_roles u ON u.oid = m.member
               WHERE u.rolname = p_username AND g.rolname IN ({", ".join(f"'{g}'" for g in GROUPS.values())}) LOOP
        EXECUTE format('REVOKE %I FROM %I', grp, p_username);
    END LOOP;
"""


def _create_user_functions(connection: Connection) -> None:
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    header = f'LANGUAGE plpgsql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$'
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION revdesk_add_user(
            p_id uuid, p_username text, p_display_name text, p_role text, p_team text, p_verifier text
        ) RETURNS boolean {header}
        DECLARE created boolean := false;
        BEGIN
            {_REQUIRE_ADMIN}
            IF p_role NOT IN ({", ".join(f"'{r.label}'" for r in Role)}) THEN
                RAISE EXCEPTION 'no such role: %', p_role USING ERRCODE = '22023';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_username) THEN
                IF p_verifier IS NULL THEN
                    EXECUTE format('CREATE ROLE %I LOGIN', p_username);
                ELSE
                    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_username, p_verifier);
                END IF;
                created := true;
            END IF;
            EXECUTE format('GRANT %I TO %I', {_GROUP_OF}, p_username);
            INSERT INTO app_user (id, username, display_name, role, team, active, created_at, version)
            VALUES (p_id, p_username, p_display_name, p_role, p_team, true, now(), 1);
            RETURN created;
        END $$"""))
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION revdesk_set_user_role(p_username text, p_role text, p_team text)
        RETURNS void {header}
        DECLARE grp text;
        BEGIN
            {_REQUIRE_ADMIN}
            {_NOT_THE_OWNER}
            UPDATE app_user SET role = p_role, team = coalesce(p_team, team), version = version + 1
             WHERE username = p_username;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_username) THEN
                {_LEAVE_GROUPS}
                EXECUTE format('GRANT %I TO %I', {_GROUP_OF}, p_username);
            END IF;
        END $$"""))
    connection.execute(text(f"""
        CREATE OR REPLACE FUNCTION revdesk_set_user_active(p_username text, p_active boolean)
        RETURNS void {header}
        BEGIN
            {_REQUIRE_ADMIN}
            {_NOT_THE_OWNER}
            UPDATE app_user SET active = p_active, version = version + 1 WHERE username = p_username;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_username) THEN
                EXECUTE format(CASE WHEN p_active THEN 'ALTER ROLE %I LOGIN' ELSE 'ALTER ROLE %I NOLOGIN' END,
                               p_username);
            END IF;
        END $$"""))
    admin = GROUPS[Role.ADMIN]
    for signature in ("revdesk_add_user(uuid, text, text, text, text, text)",
                      "revdesk_set_user_role(text, text, text)", "revdesk_set_user_active(text, boolean)"):
        connection.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
        connection.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {admin}"))


# --- what the user directory asks of the server ------------------------------------------

def add_login(
    connection: Connection, user_id: str, username: str, display_name: str, role: Role, team: str,
    password: str | None,
) -> bool:
    """Register `username` and give it a login in its group (True if the login was created;
    an existing login, e.g. one the DBA made for single sign-on, keeps its password). The
    password reaches the server only as a SCRAM verifier computed here."""
    verifier = password_verifier(connection, username, password) if password else None
    created = server_call(connection, "SELECT revdesk_add_user(CAST(:id AS uuid), :u, :d, :r, :t, :v)",
                          {"id": user_id, "u": username, "d": display_name, "r": role.label, "t": team, "v": verifier})
    return bool(created)


def set_login_role(connection: Connection, username: str, role: Role, team: str | None) -> None:
    server_call(connection, "SELECT revdesk_set_user_role(:u, :r, :t)", {"u": username, "r": role.label, "t": team})


def set_login_active(connection: Connection, username: str, active: bool) -> None:
    server_call(connection, "SELECT revdesk_set_user_active(:u, :a)", {"u": username, "a": active})


def server_call(connection: Connection, sql: str, params: dict[str, object]) -> object:
    """Run one user function; the server's refusal becomes NotAllowed, its message kept."""
    try:
        return connection.execute(text(sql), params).scalar()
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", None)
        if state == PG_INSUFFICIENT_PRIVILEGE:
            raise NotAllowed(f"The database server refused: {first_line(exc)}.") from None
        if state == "22023":
            raise ValidationError(f"The database server refused: {first_line(exc)}.", field="role") from None
        raise


def password_verifier(connection: Connection, username: str, password: str) -> str:
    """libpq's SCRAM-SHA-256 verifier for the password (what the server stores), so the
    password itself is never sent, logged with the statement or kept by the server."""
    driver = connection.connection.dbapi_connection
    pgconn = getattr(driver, "pgconn", None)
    if pgconn is None:
        raise ValidationError("Passwords can be set only on a PostgreSQL server.", field="password")
    return bytes(pgconn.encrypt_password(password.encode(), username.encode(), b"scram-sha-256")).decode()


def session_login_safely(connection: Connection) -> str:
    """The login, for a message written after the transaction failed (it may be aborted)."""
    try:
        return str(connection.connection.dbapi_connection.info.user)  # type: ignore[union-attr]
    except AttributeError:
        return "this login"
