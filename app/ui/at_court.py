"""The desktop's side of the office's warning before it changes a case at court.

The service refuses the change with `AtCourt` ("Account ... is at court until ... (pack made
by ...)"); the dialog or pane shows that sentence, asks "Change anyway?" and, if the officer
says yes, runs the same work again inside `run_confirmed` (see `app.court.at_court`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.court.at_court import AtCourt

CHANGE_ANYWAY = "Change anyway"


def ask_change_anyway(parent: QWidget, exc: AtCourt, on_yes: Callable[[], None]) -> QMessageBox:
    """A window-modal question (not blocking the event loop); `on_yes` when the officer confirms."""
    box = QMessageBox(QMessageBox.Icon.Warning, "At court", f"{exc}\n\nChange anyway?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    yes = box.button(QMessageBox.StandardButton.Yes)
    assert yes is not None
    yes.setText(CHANGE_ANYWAY)
    box.accepted.connect(on_yes)
    box.open()
    return box
