"""Bad input at start-up is one clear sentence each, never a traceback: no writable data
folder, a machine configuration file IT got wrong, a configured server that does not answer
(the embedded database is offered), and an unexpected error (its details go to a log file
the sentence names)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import app.cli
from app.cli import entry_point, main
from app.crashlog import LOG_NAME, crash_sentence, start_logging, stop_logging
from app.ui import main_window

NOWHERE = "postgresql+psycopg://ann@127.0.0.1:1/revenues"


@pytest.fixture(autouse=True)
def _log_detached() -> Iterator[None]:
    """Each test starts and ends without the log file attached (it lives in that test's data folder)."""
    stop_logging()
    yield
    stop_logging()


@pytest.fixture
def startup_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(main_window, "show_startup_error", shown.append)
    return shown


@pytest.fixture
def unwritable_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A data folder that cannot be made (its parent is a file: even root cannot), and a
    temporary folder of the test's own for the log that then has nowhere else to go."""
    blocker = tmp_path / "profile"
    blocker.write_text("not a folder", encoding="utf-8")
    folder = blocker / "revenues-desk"
    monkeypatch.setenv("REVDESK_DATA_DIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return folder


def test_no_writable_data_folder_on_the_command_line(unwritable_data_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status"]) == 1
    err = capsys.readouterr().err
    assert err == (f"revdesk: Revenues Desk cannot make its data folder {unwritable_data_folder} (not a directory): ask your "
                   "IT team to let you write there, or set REVDESK_DATA_DIR to a folder you can.\n")


def test_no_writable_data_folder_on_the_desktop(unwritable_data_folder: Path, startup_errors: list[str]) -> None:
    assert main_window.run_gui(username="ann") == 1
    assert len(startup_errors) == 1
    assert startup_errors[0].startswith(f"Revenues Desk cannot make its data folder {unwritable_data_folder}")


def test_a_machine_configuration_syntax_error_on_the_desktop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, startup_errors: list[str]
) -> None:
    broken = tmp_path / "revenues-desk.toml"
    broken.write_text('[database]\nurl = "postgresql://db/revdesk\n', encoding="utf-8")
    monkeypatch.setenv("REVDESK_MACHINE_CONFIG", str(broken))
    assert main_window.run_gui(username="ann") == 1
    assert len(startup_errors) == 1
    assert startup_errors[0].startswith(f"The machine configuration file {broken} is not valid TOML (")
    assert startup_errors[0].endswith(": ask your IT team to correct it.")


def test_the_configured_server_not_answering_offers_the_embedded_database(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, startup_errors: list[str]
) -> None:
    config = tmp_path / "revenues-desk.toml"
    config.write_text(f'[database]\nurl = "{NOWHERE}"\n', encoding="utf-8")
    monkeypatch.setenv("REVDESK_MACHINE_CONFIG", str(config))
    offered: list[str] = []
    monkeypatch.setattr(main_window, "offer_embedded", lambda reason: offered.append(reason) or False)
    assert main_window.open_main_window(None, None, "ann") is None  # declined: the reason, and stop
    assert offered == startup_errors
    assert offered[0].startswith("Cannot reach the database at postgresql+psycopg://ann@127.0.0.1:1/revenues")

    monkeypatch.setattr(main_window, "offer_embedded", lambda reason: True)
    window = main_window.open_main_window(None, None, "ann")
    assert window is not None
    try:
        qtbot.waitUntil(lambda: not window.runner.busy)
        assert window.app.is_embedded
    finally:
        if window.demo_dialog is not None:
            window.demo_dialog.reject()
        window.close()
        window.runner.wait_for_done()
        window.app.close()


def test_an_unexpected_error_on_the_desktop_names_the_log_with_its_details(
    monkeypatch: pytest.MonkeyPatch, startup_errors: list[str], capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a widget could not be built")

    monkeypatch.setattr(main_window, "MainWindow", broken)
    assert main_window.run_gui(db_url=sqlite_url, username="ann") == 1
    log = Path(os.environ["REVDESK_DATA_DIR"]) / LOG_NAME
    assert startup_errors == [
        f"Revenues Desk met an unexpected error; the details are in {log} (send that file to your IT team).",
    ]
    stop_logging()
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "RuntimeError: a widget could not be built" in details
    assert "Traceback" not in capsys.readouterr().err


def test_an_unexpected_error_on_the_command_line_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> int:
        raise KeyError("missing")

    monkeypatch.setattr(app.cli, "main", broken)
    with pytest.raises(SystemExit) as ended:
        entry_point()
    assert ended.value.code == 1
    log = Path(os.environ["REVDESK_DATA_DIR"]) / LOG_NAME
    assert capsys.readouterr().err == (f"revdesk: Revenues Desk met an unexpected error; the details are in {log} "
                                       "(send that file to your IT team).\n")
    stop_logging()
    assert "KeyError: 'missing'" in log.read_text(encoding="utf-8")


def test_the_windowed_build_without_a_console_ends_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A windowed program has no stdout or stderr (sys.stdout is None): quitting the desktop
    is exit 0, not an error about flushing a console that is not there."""
    monkeypatch.setattr(app.cli, "main", lambda: 0)
    monkeypatch.setattr("sys.stdout", None)
    monkeypatch.setattr("sys.stderr", None)
    with pytest.raises(SystemExit) as ended:
        entry_point()
    assert ended.value.code == 0
    assert not (Path(os.environ["REVDESK_DATA_DIR"]) / LOG_NAME).exists()


def test_with_no_folder_for_the_log_the_sentence_says_so(
    unwritable_data_folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(unwritable_data_folder))  # no temporary folder either
    assert start_logging() is None
    assert start_logging() is None  # once per process: the same answer
    assert crash_sentence(None) == ("Revenues Desk met an unexpected error, and no folder on this computer takes "
                                    "its log file.")


def test_an_error_in_an_open_window_is_reported_and_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    """What Qt would print to a console and carry on from (an error in a slot): the
    desktop's exception hook logs it and says where, in one sentence."""
    shown: list[str] = []
    monkeypatch.setattr(main_window, "show_unexpected_error", shown.append)
    try:
        raise ZeroDivisionError("a slot divided by zero")
    except ZeroDivisionError as exc:
        main_window.report_unexpected(type(exc), exc, exc.__traceback__)
    log = Path(os.environ["REVDESK_DATA_DIR"]) / LOG_NAME
    assert shown == [f"Revenues Desk met an unexpected error; the details are in {log} (send that file to your IT team)."]
    stop_logging()
    assert "ZeroDivisionError: a slot divided by zero" in log.read_text(encoding="utf-8")
