"""An empty embedded database: the window offers demo data, loads it on a worker with a
progress bar, and can be cancelled (Cancel or Esc) without freezing or losing track."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.dialogs.demo_data import DemoDataDialog
from app.ui.main_window import MainWindow
from tests.ui.conftest import AS_OF, OpenWindow


def offered_dialog(qtbot: QtBot, window: MainWindow) -> DemoDataDialog:
    qtbot.waitUntil(lambda: window.demo_dialog is not None and window.demo_dialog.isVisible(), timeout=5000)
    assert window.demo_dialog is not None
    return window.demo_dialog


def test_empty_database_offers_demo_data_and_loads_it_with_progress(
    qtbot: QtBot, open_window: OpenWindow, sqlite_url: str
) -> None:
    window = open_window(sqlite_url)
    dialog = offered_dialog(qtbot, window)
    assert window.demo_action.isEnabled()
    assert dialog.cancel_button.isHidden() and not dialog.progress.isVisible()
    dialog.accounts.setValue(200)
    progress: list[int] = []
    dialog.progress.valueChanged.connect(progress.append)

    with qtbot.waitSignal(dialog.loaded, timeout=20_000) as loaded:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.running and dialog.cancel_button.isVisible() and not dialog.accounts.isEnabled()
    result = loaded.args[0]
    assert result.accounts == 200
    assert progress and progress[-1] == 200
    assert dialog.status.text().startswith("Loaded 200 accounts and ")
    assert window.app.has_accounts()
    assert not window.demo_action.isEnabled()

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # now "Close"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    search = window.accounts.search
    qtbot.waitUntil(lambda: window.focusWidget() is search.box, timeout=2000)  # ready to type
    hit = window.app.search("a", 1, as_of=AS_OF)[0]
    search.box.setText(hit.account_ref)
    qtbot.waitUntil(lambda: search.model.rowCount() > 0, timeout=5000)
    assert search.proxy.row_at(0).account_ref == hit.account_ref


def test_demo_load_can_be_cancelled_and_esc_means_cancel(
    qtbot: QtBot, open_window: OpenWindow, sqlite_url: str
) -> None:
    window = open_window(sqlite_url)
    dialog = offered_dialog(qtbot, window)
    dialog.accounts.setValue(20_000)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.running

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc while loading cancels; the dialog stays
    assert dialog.isVisible()
    assert not dialog.cancel_button.isEnabled()
    assert dialog.status.text() == "Stopping after the batch being written…"
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)

    assert dialog.outcome is not None and dialog.outcome.accounts < 20_000
    assert dialog.status.text().startswith("Stopped")
    assert window.app.account_count() == dialog.outcome.accounts
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # finished: Esc closes
    assert not dialog.isVisible()


def test_not_now_leaves_the_database_empty_and_the_offer_in_the_file_menu(
    qtbot: QtBot, open_window: OpenWindow, sqlite_url: str
) -> None:
    window = open_window(sqlite_url)
    dialog = offered_dialog(qtbot, window)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert not window.app.has_accounts()
    assert window.demo_action.isEnabled()
    window.demo_action.trigger()
    assert offered_dialog(qtbot, window) is not dialog
