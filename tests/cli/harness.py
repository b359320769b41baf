"""Driving `revdesk` in-process from tests: one call = one command line, output captured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main


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
