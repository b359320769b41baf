"""The window fits a laptop screen whatever pane is shown (issue 16 part 7: at 1280x800 the
Worklist and the Runs page widened the window to 1,308-1,317 px, past the screen's edge)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.navigation import NAVIGATION


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1366, 768)])
def test_no_pane_widens_the_window(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    for entry in NAVIGATION:
        pane = window.show_pane(entry.key)
        qtbot.waitUntil(lambda pane=pane: window.current_pane() is pane)
        qtbot.wait(20)
        assert (window.width(), window.height()) == (width, height), entry.title
        assert window.minimumSizeHint().width() <= width and window.minimumSizeHint().height() <= height
        if width >= 1280 and entry.key in ("worklist", "hearings", "runs", "accounts"):
            frame = window.stack.currentWidget()
            assert frame is not None and frame.width() >= pane.minimumSizeHint().width(), f"{entry.title} scrolls sideways"
