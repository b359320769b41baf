"""The shared form fields behave the same for a keyboard user everywhere (issue 16 part 7)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.forms import date_edit


def _form(qtbot: QtBot, first: QDateEdit) -> tuple[QWidget, QLineEdit, QLineEdit]:
    form = QWidget()
    before, after = QLineEdit(), QLineEdit()
    layout = QVBoxLayout(form)
    for field in (before, first, after):
        layout.addWidget(field)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    return form, before, after


def test_tab_leaves_a_date_field_in_both_directions(qtbot: QtBot) -> None:
    field = date_edit(date(2026, 11, 23))
    form, before, after = _form(qtbot, field)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.waitUntil(after.hasFocus)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_Backtab)
    qtbot.waitUntil(before.hasFocus)
    assert field.date().toString("dd/MM/yyyy") == "23/11/2026" and form.isVisible()  # Tab changed nothing


def test_a_plain_date_edit_would_keep_tab_for_its_sections(qtbot: QtBot) -> None:
    """What `DateEdit` exists to avoid: Qt's own field keeps the first Tab for its month section."""
    field = QDateEdit()
    field.setDisplayFormat("dd/MM/yyyy")
    form, _, after = _form(qtbot, field)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert field.hasFocus() and not after.hasFocus() and form.isVisible()
