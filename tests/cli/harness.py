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


class Revdesk:
    """`revdesk` against one database and settings file, as a given user (default a clerk)."""

    def __init__(self, capsys: pytest.CaptureFixture[str], db: str, settings: Path) -> None:
        self.capsys, self.db, self.settings = capsys, db, settings

    def __call__(self, *args: str, user: str = "clerk") -> tuple[int, str, str]:
        code = main(["--db", self.db, "--settings", str(self.settings), "--user", user, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, user: str = "clerk") -> dict[str, Any]:
        code, out, err = self(*args, "--json", user=user)
        assert code == 0, err
        return json.loads(out)


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
