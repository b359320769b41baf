"""Start-up: the window opens on a good database, and a bad database URL, bad settings or
an unreachable server give one clear sentence and exit code 1 instead of a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from app import db
from app.ui import main_window
from app.ui.dialogs.password import ask_password


@pytest.fixture
def startup_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(main_window, "show_startup_error", shown.append)
    return shown


def test_missing_database_folder_is_one_sentence_and_exit_1(startup_errors: list[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'revdesk.db'}"
    assert main_window.run_gui(db_url=url, username="officer1") == 1
    assert startup_errors == [f"The folder {tmp_path / 'no-such-folder'} for the database file does not exist."]


def test_bad_settings_file_is_one_sentence_and_exit_1(
    startup_errors: list[str], sqlite_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "council.toml"
    assert main_window.run_gui(db_url=sqlite_url, settings_path=str(missing), username="officer1") == 1
    assert startup_errors == [f"Settings file {missing} does not exist."]


def test_server_password_is_asked_for_only_when_the_server_wants_one(
    startup_errors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def ask(account: str) -> str:
        asked.append(account)
        return "secret"

    monkeypatch.setattr(main_window, "ask_password", ask)
    url = "postgresql://clerk@127.0.0.1:1/revenues"
    # Nothing listens there: no password would help, so none is asked for.
    assert main_window.open_main_window(url, None, "officer1") is None
    assert asked == []
    assert startup_errors[0].startswith("Cannot reach the database at postgresql+psycopg://clerk@127.0.0.1:1/revenues")
    # A server that answers "no password supplied" gets one asked for, once, and a
    # failure after that is explained without the password.
    monkeypatch.setattr(db, "password_required", lambda exc: True)
    assert main_window.open_main_window(url, None, "officer1") is None
    assert asked == ["clerk@127.0.0.1:1/revenues"]
    assert len(startup_errors) == 2
    assert startup_errors[1].startswith("Cannot reach the database at postgresql+psycopg://clerk:***@127.0.0.1:1/revenues")
    assert "secret" not in startup_errors[1]


def test_password_prompt_returns_the_text_or_none(monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: ("s3cret", True)))
    assert ask_password("clerk@db:5432/revenues") == "s3cret"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *args, **kwargs: ("", False)))
    assert ask_password("clerk@db:5432/revenues") is None


def test_no_display_is_explained_not_a_crash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main_window.run_gui() == 1
    assert "no display" in capsys.readouterr().err
