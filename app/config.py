"""Configuration outside the authority settings file: the database URL, the user data
folder, the connection the desktop last chose and the machine-wide configuration file
(`app.machine_config`) that sets the server and the settings file for every user.

The authority settings themselves (Band D, costs, recovery timings...) are `app.settings`;
`load_settings` here reads the file the machine configuration names when no other is given.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from app import settings as authority_settings
from app.errors import ServiceError
from app.machine_config import load_machine_config
from app.paths import DEFAULT_SETTINGS
from app.settings import AuthoritySettings, SettingsError, YearSettings, parse_settings

__all__ = [
    "APP_NAME", "CONNECTION_FILE", "AuthoritySettings", "DataFolderUnavailable", "SettingsError", "YearSettings",
    "default_database_url", "desktop_database_url", "load_settings", "machine_database_url", "parse_settings",
    "resolve_database_url", "save_connection_url", "saved_connection_url", "settings_source", "user_data_dir",
]

APP_NAME = "revenues-desk"


class DataFolderUnavailable(ServiceError):
    """The user's data folder cannot be made or written (a locked-down profile, a full or
    read-only disk): one sentence saying which folder and what to do."""


def user_data_dir() -> Path:
    """The per-user folder for the embedded database, the remembered connection and the log
    (created on demand). Raises DataFolderUnavailable if it cannot be made or written."""
    folder = Path(os.environ.get("REVDESK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise DataFolderUnavailable(f"Revenues Desk cannot make its data folder {folder} ({reason}): ask your IT team "
                                    "to let you write there, or set REVDESK_DATA_DIR to a folder you can.") from None
    if not os.access(folder, os.W_OK):
        raise DataFolderUnavailable(f"Revenues Desk cannot write to its data folder {folder}: ask your IT team to let you "
                                    "write there, or set REVDESK_DATA_DIR to a folder you can.")
    return folder


def settings_source(path: str | os.PathLike[str] | None = None) -> Path:
    """The authority settings file in force: `--settings`, else `REVDESK_SETTINGS`, else the
    machine configuration's [settings] file, else the built-in default."""
    chosen = path or os.environ.get("REVDESK_SETTINGS")
    if chosen:
        return Path(chosen)
    return load_machine_config().settings_file or DEFAULT_SETTINGS


def load_settings(path: str | os.PathLike[str] | None = None) -> AuthoritySettings:
    """The authority settings from `settings_source(path)`."""
    return authority_settings.load_settings(settings_source(path))


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'revdesk.db'}"


CONNECTION_FILE = "connection.json"


def saved_connection_url() -> str | None:
    """The database this user last chose in the desktop's connection dialog (a
    password-free URL: a server, or the embedded file), or None if never. A file that
    cannot be read is ignored rather than stopping the application from starting."""
    try:
        path = user_data_dir() / CONNECTION_FILE
        url = json.loads(path.read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError, AttributeError, DataFolderUnavailable):
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
    its connection dialog, else the machine configuration's server; None leaves it to the
    settings, then the embedded file. The command line does not follow the dialog (a
    scheduled job must not move with it)."""
    return cli_url or os.environ.get("REVDESK_DATABASE_URL") or saved_connection_url() or machine_database_url()


def machine_database_url() -> str | None:
    """The server the machine configuration names for everyone on this computer, if any."""
    return load_machine_config().database_url


def resolve_database_url(cli_url: str | None, settings: AuthoritySettings | None) -> str:
    """`--db`, else `REVDESK_DATABASE_URL`, else the machine configuration's server, else
    settings `[database] url`, else embedded SQLite."""
    return (
        cli_url
        or os.environ.get("REVDESK_DATABASE_URL")
        or machine_database_url()
        or (settings.database_url if settings else None)
        or default_database_url()
    )
