"""File ▸ Connect to database… and the lost-connection banner, on real databases.

The officer moves the window from the embedded demo database to a PostgreSQL server and
back through the dialog; a server that goes away mid-session raises the banner, which
retries on its own and clears when the server answers again.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from app.config import default_database_url, save_connection_url, saved_connection_url
from app.ui import main_window
from app.ui.connection_banner import ConnectionBanner
from app.ui.dialogs.connection import ConnectionDialog
from app.ui.main_window import MainWindow
from tests.services.test_connections import _allow, _cut
from tests.ui.conftest import OpenWindow
from tests.ui.test_search_and_account import type_search


def _fill_server(dialog: ConnectionDialog, url: str) -> None:
    parsed = make_url(url)
    dialog.kind.setCurrentIndex(1)
    for edit, value in ((dialog.host, parsed.host), (dialog.port, str(parsed.port or 5432)),
                        (dialog.database, parsed.database), (dialog.username, parsed.username)):
        edit.setText(value or "")


def test_switch_from_the_embedded_database_to_a_server_and_back(qtbot: QtBot, window: MainWindow, pg_url: str) -> None:
    embedded_label = window.db_label.text()
    dialog = window.choose_database()
    qtbot.waitExposed(dialog)
    assert dialog.kind.currentIndex() == 0 and not dialog.host.isEnabled()
    assert dialog.save_button.isEnabled()  # embedded needs nothing typed

    _fill_server(dialog, pg_url)
    dialog.database.setText("")
    assert not dialog.save_button.isEnabled() and not dialog.test_button.isEnabled()
    assert dialog.database.property("invalid") and "name of the database" in dialog.database.toolTip()
    dialog.database.setText(make_url(pg_url).database or "")
    assert dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.tested.isVisible(), timeout=10_000)
    assert dialog.tested.text().startswith("Connected to postgresql")
    assert window.app.is_embedded  # testing does not switch

    old_desk = window.app
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.app.is_embedded, timeout=15_000)
    assert window.app is not old_desk
    assert window.db_label.text().startswith("Server database: ")
    assert make_url(pg_url).database in window.db_label.text()
    assert saved_connection_url() == str(make_url(pg_url).set(drivername="postgresql+psycopg"))
    qtbot.waitUntil(lambda: "no accounts yet" in window.statusBar().currentMessage(), timeout=10_000)
    # Every pane works on the new database: the (empty) server finds nothing.
    search = window.accounts.search
    type_search(qtbot, search, "smith")
    assert search.model.rowCount() == 0

    # Back to embedded: the user's own file in their data folder (not the demo copy the
    # window opened on), new and empty, so demo data is offered as at a first start.
    back = window.choose_database()
    back.kind.setCurrentIndex(0)
    qtbot.mouseClick(back.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.app.is_embedded, timeout=15_000)
    assert saved_connection_url() == default_database_url()
    assert window.db_label.text() == "Embedded database: revdesk.db" != embedded_label
    qtbot.waitUntil(lambda: window.demo_dialog is not None and window.demo_dialog.isVisible(), timeout=10_000)
    window.demo_dialog.reject()


def test_a_wrong_server_keeps_the_window_where_it_was(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.choose_database()
    dialog.kind.setCurrentIndex(1)
    dialog.host.setText("127.0.0.1")
    dialog.port.setText("1")
    dialog.database.setText("revenues")
    dialog.username.setText("ann")
    qtbot.waitUntil(lambda: dialog.host.height() > 0)
    heights = [field.height() for field in (dialog.host, dialog.port, dialog.database, dialog.username)]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15_000)
    assert dialog.error.text().startswith("Cannot reach the database at postgresql")
    # the banner makes room for itself: the fields keep their height (issue 16 part 7) and it shows whole
    qtbot.wait(50)
    assert [field.height() for field in (dialog.host, dialog.port, dialog.database, dialog.username)] == heights
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
    assert dialog.status.text() == "Still on the database you had."
    assert dialog.isVisible() and window.app.is_embedded
    assert dialog.database.text() == "revenues"  # nothing typed is lost


def test_a_lost_server_raises_the_banner_until_it_answers(qtbot: QtBot, open_window: OpenWindow, pg_url: str) -> None:
    window = open_window(pg_url)
    banner: ConnectionBanner = window.connection_banner
    banner.timer.setInterval(200)
    assert not banner.showing
    _cut(pg_url, refuse=True)
    try:
        search = window.accounts.search
        search.focus_search()
        qtbot.keyClicks(search.box, "smith")
        qtbot.waitUntil(lambda: banner.showing, timeout=10_000)
        qtbot.waitUntil(lambda: "Last tried at" in banner.message.text(), timeout=10_000)
        assert "connection to the database was lost" in search.status.text()
        assert window.isVisible()
    finally:
        _allow(pg_url)
    qtbot.waitUntil(lambda: not banner.showing, timeout=10_000)
    assert "connection to the database is back" in window.statusBar().currentMessage()
    type_search(qtbot, search, "x")  # searching works again
    assert not banner.showing


def test_a_remembered_server_that_does_not_answer_offers_the_embedded_database(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = "postgresql+psycopg://ann@127.0.0.1:1/revenues"
    save_connection_url(nowhere)
    asked: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(main_window, "show_startup_error", errors.append)
    monkeypatch.setattr(main_window, "offer_embedded", lambda reason: asked.append(reason) or False)
    assert main_window.open_main_window(None, None, "ann") is None  # declined: the reason, and stop
    assert asked == errors and errors[0].startswith("Cannot reach the database at postgresql")

    monkeypatch.setattr(main_window, "offer_embedded", lambda reason: True)
    window = main_window.open_main_window(None, None, "ann")
    assert window is not None
    try:
        qtbot.waitUntil(lambda: not window.runner.busy)
        assert window.app.is_embedded and window.db_label.text() == "Embedded database: revdesk.db"
        assert saved_connection_url() == nowhere  # still the officer's choice for next time
    finally:
        if window.demo_dialog is not None:
            window.demo_dialog.reject()
        window.close()
        window.runner.wait_for_done()
        window.app.close()


def test_the_dialog_says_when_the_keyring_holds_the_password(qtbot: QtBot, window: MainWindow, pg_url: str) -> None:
    import keyring

    from app.connections import ConnectionTarget
    from app.secrets import SERVICE, keyring_account

    keyring.set_password(SERVICE, keyring_account(ConnectionTarget.from_url(pg_url).url()), "kept")
    dialog = window.choose_database()
    _fill_server(dialog, pg_url)
    dialog.username.editingFinished.emit()
    qtbot.waitUntil(lambda: dialog.password.placeholderText().startswith("kept in the keyring"), timeout=5000)
    dialog.username.setText("someone-else")
    dialog.username.editingFinished.emit()
    qtbot.waitUntil(lambda: dialog.password.placeholderText() == "", timeout=5000)
    dialog.reject()
