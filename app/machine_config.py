"""The machine-wide configuration file: what a council's IT team sets once per desktop.

Two things, both optional, in a small TOML file:

    [database]
    url = "postgresql+psycopg://revenues-db.council.local:5432/revdesk?sslmode=require"

    [settings]
    file = '\\\\fileserver\\revenues\\authority.toml'   # or a path relative to this file

Where it lives (platformdirs' site configuration folder for "revenues-desk"):

* Windows: C:\\ProgramData\\revenues-desk\\revenues-desk.toml
* Linux:   /etc/xdg/revenues-desk/revenues-desk.toml (the first folder of $XDG_CONFIG_DIRS)
* macOS:   /Library/Application Support/revenues-desk/revenues-desk.toml

`REVDESK_MACHINE_CONFIG` names another file (tests, or IT keeping it elsewhere). It is read
before the per-user choice: the server is every officer's default, and a person may still
choose another in File ▸ Connect to database… (remembered for them alone); `--db`,
`REVDESK_DATABASE_URL`, `--settings` and `REVDESK_SETTINGS` come before it, as for any
default. A server URL without a user name means each person's own computer login, which is
what PostgreSQL itself assumes (each officer acts as their own login: app.users.identity).

A file that is there but cannot be used stops the application with one sentence naming it:
guessing past IT's mistake would quietly put officers on the wrong database.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.settings import SettingsError

APP_NAME = "revenues-desk"
FILE_NAME = "revenues-desk.toml"
KNOWN = {"database": {"url"}, "settings": {"file"}}


@dataclass(frozen=True)
class MachineConfig:
    """What the file says (None where it says nothing) and where it is."""

    path: Path
    database_url: str | None = None
    settings_file: Path | None = None


def machine_config_path() -> Path:
    """The file's location on this platform, or `REVDESK_MACHINE_CONFIG`."""
    override = os.environ.get("REVDESK_MACHINE_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def load_machine_config() -> MachineConfig:
    """The machine configuration; an empty one when there is no file. Raises SettingsError
    (one sentence naming the file) when it cannot be read or says something unknown."""
    path = machine_config_path()
    fix = "ask your IT team to correct it"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return MachineConfig(path)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"The machine configuration file {path} is not valid TOML ({exc}): {fix}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
        raise SettingsError(f"The machine configuration file {path} cannot be read ({reason}): {fix}.") from None
    for section, value in raw.items():
        if section not in KNOWN or not isinstance(value, dict):
            raise SettingsError(f"The machine configuration file {path} has an unknown section [{section}] "
                                f"(it may have [database] and [settings]): {fix}.")
        for key in value:
            if key not in KNOWN[section]:
                raise SettingsError(f"The machine configuration file {path} has an unknown key '{key}' in [{section}] "
                                    f"(it may have {', '.join(sorted(KNOWN[section]))}): {fix}.")
    url = _text(raw, "database", "url", path)
    settings_file = _text(raw, "settings", "file", path)
    settings_path = path.parent / Path(settings_file) if settings_file else None  # relative: beside this file
    return MachineConfig(path, _with_login(url) if url else None, settings_path)


def _text(raw: dict, section: str, key: str, path: Path) -> str | None:
    value = raw.get(section, {}).get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"The machine configuration file {path} has [{section}] {key} that is not a piece of text: "
                            "ask your IT team to correct it.")
    return value.strip()


def _with_login(url: str) -> str:
    """A server URL without a user name, for this computer's login (so the keyring can keep
    the password under it, and the connection dialog shows it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(f"The machine configuration file {machine_config_path()} has a database url that is not a "
                            "URL: ask your IT team to correct it.") from None
    if parsed.password:
        raise SettingsError(f"The machine configuration file {machine_config_path()} has a password in its database url; "
                            "every officer can read that file, so passwords go in each person's keyring instead: "
                            "ask your IT team to remove it.")
    if parsed.username or parsed.drivername.startswith("sqlite"):
        return url
    from app.errors import ValidationError
    from app.users.identity import os_login

    try:
        login = os_login()
    except ValidationError:
        return url  # no name to give: PostgreSQL's own default applies
    return parsed.set(username=login).render_as_string(hide_password=False)
