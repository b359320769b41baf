"""Configuration outside the authority settings file: the database URL, the user data
folder and the connection the desktop last chose.

The authority settings themselves (Band D, costs, recovery timings...) are `app.settings`;
their names are re-exported here so `from app.config import load_settings` keeps working.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from app.settings import AuthoritySettings, SettingsError, YearSettings, load_settings, parse_settings

__all__ = [
    "APP_NAME", "CONNECTION_FILE", "AuthoritySettings", "SettingsError", "YearSettings", "default_database_url",
    "desktop_database_url", "load_settings", "parse_settings", "resolve_database_url", "save_connection_url",
    "saved_connection_url", "user_data_dir",
]

APP_NAME = "revenues-desk"


def user_data_dir() -> Path:
    """The per-user folder for the embedded database (created on demand)."""
    folder = Path(os.environ.get("REVDESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'revdesk.db'}"


CONNECTION_FILE = "connection.json"


def saved_connection_url() -> str | None:
    """The database this user last chose in the desktop's connection dialog (a
    password-free URL: a server, or the embedded file), or None if never. A file that
    cannot be read is ignored rather than stopping the application from starting."""
    path = user_data_dir() / CONNECTION_FILE
    try:
        url = json.loads(path.read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError, AttributeError):
        return None
    return url if isinstance(url, str) and url else None


def save_connection_url(url: str) -> None:
    """Remember the desktop's choice (password-free URL), replacing the file whole."""
    path = user_data_dir() / CONNECTION_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": url}), encoding="utf-8")
    temporary.replace(path)  # never a half-written file


def desktop_database_url(cli_url: str | None) -> str | None:
    """What the desktop opens: `--db`, else `REVDESK_DATABASE_URL`, else the choice made in
    its connection dialog; None leaves it to the settings, then the embedded file. The
    command line does not follow the dialog (a scheduled job must not move with it)."""
    return cli_url or os.environ.get("REVDESK_DATABASE_URL") or saved_connection_url()


def resolve_database_url(cli_url: str | None, settings: AuthoritySettings | None) -> str:
    """`--db`, else `REVDESK_DATABASE_URL`, else settings `[database] url`, else embedded SQLite."""
    return (
        cli_url
        or os.environ.get("REVDESK_DATABASE_URL")
        or (settings.database_url if settings else None)
        or default_database_url()
    )
