"""`revdesk user list|add|set-role|disable|enable`: who may use this database, with which
role. Changing users is for admins; on a server each change also changes the person's
database login (`app.users.directory`). Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from app.cli.common import EXIT_OK, Handler, UsageError, print_json
from app.users.roles import Actor, Role

if TYPE_CHECKING:
    from app.application import Application

ROLES = [r.label for r in Role]


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    users = sub.add_parser("user", help="users and roles")
    actions = users.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    listed = actions.add_parser("list", help="list users")
    listed.add_argument("--json", action="store_true")
    add = actions.add_parser("add", help="register a user (admin only); on a server also their login")
    add.add_argument("username", help="their login name (on a server: the database login to create or use)")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", default="")
    add.add_argument("--name", default="", help="display name (default: the login name)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the new login's password from standard input (server only; otherwise asked "
                          "for on a terminal, or none: the server's own sign-in decides)")
    add.add_argument("--json", action="store_true")
    role = actions.add_parser("set-role", help="give a user another role or team (admin only)")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.add_argument("--team")
    role.add_argument("--json", action="store_true")
    for action, text in (("disable", "stop a user (and their server login) without losing their history"),
                         ("enable", "let a disabled user back in")):
        one = actions.add_parser(action, help=f"{text} (admin only)")
        one.add_argument("username")
        one.add_argument("--json", action="store_true")
    handlers["user"] = _user


def _user(app: Application, args: argparse.Namespace) -> int:
    from app.users.requests import AddUser, SetActive, SetRole

    note = ""
    if args.user_command == "add":
        added = app.execute(AddUser(username=args.username, role=Role.parse(args.role), team=args.team,
                                    display_name=args.name, password=_password(app, args)))
        users = [added.user]
        if added.login_created:
            note = f"Created the server login {added.user.username} in the group revdesk_{added.user.role.label}."
        elif not app.is_embedded:
            note = f"{added.user.username} already had a server login: it is now in revdesk_{added.user.role.label}."
    elif args.user_command == "set-role":
        users = [app.execute(SetRole(username=args.username, role=Role.parse(args.role), team=args.team))]
    elif args.user_command in ("disable", "enable"):
        users = [app.execute(SetActive(username=args.username, active=args.user_command == "enable"))]
    else:
        users = app.users()
    if args.json:
        print_json({"users": [_json(u) for u in users]})
    else:
        for u in users:
            print(f"{u.username:<20} {u.role.label:<12} {u.team:<16} {'' if u.active else 'disabled'}".rstrip())
        if note:
            print(note, file=sys.stderr)
    return EXIT_OK


def _json(user: Actor) -> dict[str, Any]:
    return {"username": user.username, "role": user.role.label, "team": user.team, "active": user.active}


def _password(app: Application, args: argparse.Namespace) -> str | None:
    """The new login's password: from standard input when asked, typed twice on a terminal,
    or none (the embedded database has no passwords; a server may sign in otherwise)."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("--password-stdin: standard input held no password.")
        return password
    if app.is_embedded or not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"Password for the new login {args.username} (empty: none): ")
    if first and getpass.getpass("The same password again: ") != first:
        raise UsageError("The two passwords differ: nothing was changed.")
    return first or None
