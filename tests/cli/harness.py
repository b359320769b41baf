"""Driving `revdesk` in-process from tests: one call = one command line, output captured."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.paths import DEFAULT_SETTINGS
from tests.conftest import PG_APP, login_url, person


class Revdesk:
    """`revdesk` against one database and settings file, as a given user (default a clerk).

    On the embedded database a person is `--user NAME`; the clerk, acting first, becomes its
    admin. On PostgreSQL a person is their own login (`--user` is refused there): the clerk
    is the tests' admin login and anyone else this test session's login for them
    (`tests.conftest.pg_login`), added with `add_user`."""

    ADMIN = "clerk"

    def __init__(self, capsys: pytest.CaptureFixture[str], db: str, settings: Path) -> None:
        self.capsys, self.db, self.settings = capsys, db, settings

    @property
    def embedded(self) -> bool:
        return self.db.startswith("sqlite")

    def login(self, user: str) -> str:
        """The name `user` acts under (what audit trails and `*_by` fields record)."""
        return PG_APP if user == self.ADMIN and not self.embedded else person(self.db, user)

    def __call__(self, *args: str, user: str = ADMIN) -> tuple[int, str, str]:
        if self.embedded:
            code = main(["--db", self.db, "--settings", str(self.settings), "--user", user, *args])
        else:
            code = main(["--db", login_url(self.db, self.login(user)), "--settings", str(self.settings), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, user: str = ADMIN) -> dict[str, Any]:
        code, out, err = self(*args, "--json", user=user)
        assert code == 0, err
        return json.loads(out)

    def add_user(self, user: str, role: str, team: str | None = None) -> None:
        """Register `user` with `role` (the clerk, an admin, adds them)."""
        code, _, err = self("user", "add", self.login(user), "--role", role, *(["--team", team] if team else []))
        assert code == 0, err


def with_examples(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    """`revdesk` on `db_url` with the example properties, accounts and payments imported."""
    cli = Revdesk(capsys, db_url, examples / "settings.toml")
    for kind in ("properties", "accounts", "payments"):
        code, _, err = cli("import", kind, str(examples / f"{kind}.csv"))
        assert code == 0, err
    return cli


def built_in_settings_with(path: Path, **values: int) -> Path:
    """The built-in settings file with some keys set to other values (e.g. small batch
    chunks), written to `path` for a `revdesk` run in another process."""
    text = DEFAULT_SETTINGS.read_text(encoding="utf-8")
    for key, value in values.items():
        text, found = re.subn(rf"^{key} = \S+", f"{key} = {value}", text, flags=re.MULTILINE)
        assert found == 1, f"{key} is not set once in the built-in settings file"
    path.write_text(text, encoding="utf-8")
    return path


def sqlite_count(path: Path, sql: str) -> int:
    """One number from an SQLite file another process is writing (used to watch a batch run)."""
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(sql).fetchone()[0])
