"""The machine-wide configuration file: IT sets the server and the settings file once per
computer; a person's own choice, --db/--settings and the environment still come first."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from app.cli import main
from app.config import (
    desktop_database_url,
    load_settings,
    resolve_database_url,
    save_connection_url,
    settings_source,
)
from app.machine_config import FILE_NAME, load_machine_config, machine_config_path
from app.paths import DEFAULT_SETTINGS
from app.settings import SettingsError
from app.users.identity import os_login

SERVER = "postgresql+psycopg://revenues-db.council.example:5432/revdesk?sslmode=require"


@pytest.fixture
def machine_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "etc" / FILE_NAME
    path.parent.mkdir()
    monkeypatch.setenv("REVDESK_MACHINE_CONFIG", str(path))
    return path


@pytest.fixture
def council_settings(tmp_path: Path) -> Path:
    path = tmp_path / "council.toml"
    path.write_text(DEFAULT_SETTINGS.read_text(encoding="utf-8").replace("Example District Council", "Exampleton Council"),
                    encoding="utf-8")
    return path


def test_the_documented_location_is_platformdirs_site_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVDESK_MACHINE_CONFIG")
    expected = Path(platformdirs.site_config_dir("revenues-desk", appauthor=False)) / "revenues-desk.toml"
    assert machine_config_path() == expected
    if sys.platform.startswith("linux") and "XDG_CONFIG_DIRS" not in __import__("os").environ:
        assert machine_config_path() == Path("/etc/xdg/revenues-desk/revenues-desk.toml")


def test_no_file_changes_nothing(machine_file: Path) -> None:
    config = load_machine_config()
    assert (config.database_url, config.settings_file) == (None, None)
    assert settings_source(None) == DEFAULT_SETTINGS
    assert desktop_database_url(None) is None


def test_the_server_and_settings_file_are_everyones_default(machine_file: Path, council_settings: Path) -> None:
    machine_file.write_text(f'[database]\nurl = "{SERVER}"\n\n[settings]\nfile = \'{council_settings}\'\n', encoding="utf-8")
    own_login = SERVER.replace("://", f"://{os_login()}@")  # no user name: each person's own login
    assert load_machine_config().database_url == own_login
    assert resolve_database_url(None, None) == own_login
    assert desktop_database_url(None) == own_login
    assert settings_source(None) == council_settings
    assert load_settings(None).name == "Exampleton Council"


def test_a_persons_choice_and_the_command_line_come_before_it(
    machine_file: Path, council_settings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_file.write_text(f'[database]\nurl = "{SERVER}"\n[settings]\nfile = \'{council_settings}\'\n', encoding="utf-8")
    assert desktop_database_url("sqlite:///cli.db") == "sqlite:///cli.db"
    monkeypatch.setenv("REVDESK_DATABASE_URL", "sqlite:///env.db")
    assert resolve_database_url(None, None) == "sqlite:///env.db"
    monkeypatch.delenv("REVDESK_DATABASE_URL")
    save_connection_url("sqlite:///my-own.db")  # chosen in File > Connect to database...
    assert desktop_database_url(None) == "sqlite:///my-own.db"
    assert resolve_database_url(None, None).startswith("postgresql")  # the command line does not follow the dialog
    assert settings_source(str(tmp_path / "other.toml")) == tmp_path / "other.toml"
    monkeypatch.setenv("REVDESK_SETTINGS", str(DEFAULT_SETTINGS))
    assert settings_source(None) == DEFAULT_SETTINGS


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ('[database\nurl = "x"\n', "is not valid TOML (Expected ']' at the end of a table declaration (at line 1, column 10))"),
        ('[server]\nurl = "x"\n', "has an unknown section [server] (it may have [database] and [settings])"),
        ('[database]\nuri = "x"\n', "has an unknown key 'uri' in [database] (it may have url)"),
        ("[database]\nurl = 5432\n", "has [database] url that is not a piece of text"),
        ('[database]\nurl = "postgresql://ann:s3cret@db/revdesk"\n', "has a password in its database url"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_sentence_naming_it(machine_file: Path, text: str, sentence: str) -> None:
    machine_file.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_machine_config()
    message = str(refused.value)
    assert message.startswith(f"The machine configuration file {machine_file} {sentence}")
    assert message.endswith("ask your IT team to correct it." if "password" not in sentence else "ask your IT team to remove it.")
    assert "\n" not in message and "s3cret" not in message


def test_the_command_line_says_so_and_exits_2(machine_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    machine_file.write_text("[database\n", encoding="utf-8")
    assert main(["db", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"revdesk: The machine configuration file {machine_file} is not valid TOML")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_relative_settings_file_is_beside_the_machine_configuration(machine_file: Path, council_settings: Path) -> None:
    (machine_file.parent / "authority.toml").write_bytes(council_settings.read_bytes())
    machine_file.write_text("[settings]\nfile = 'authority.toml'\n", encoding="utf-8")
    assert settings_source(None) == machine_file.parent / "authority.toml"
    assert load_settings(None).name == "Exampleton Council"
