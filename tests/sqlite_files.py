"""Fresh SQLite databases for tests, copied from a migrated (or demo-filled) template file:
a copy costs milliseconds where migrating or generating again costs seconds."""

from __future__ import annotations

import shutil
from pathlib import Path


def copy_database(template: Path, folder: Path, name: str = "test.db") -> str:
    """Copy `template` into `folder` and return its SQLAlchemy URL."""
    path = folder / name
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
