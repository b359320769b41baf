"""Form building blocks shared by every editor dialog: UK date fields, an optional end
date, money entry, an aligned form layout and a dialog error banner.

Validation is the dialog's job; these widgets only make the same kind of field look and
behave the same everywhere (dd/MM/yyyy with a calendar, £ amounts, red when invalid).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from app import clock
from app.dates import EARLIEST, latest
from app.money import MoneyError, parse_pounds
from app.ui.signals import emit

DATE_FORMAT = "dd/MM/yyyy"
FIELD_WIDTH = 260


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A date field that Tab leaves.

    QDateEdit spends Tab and Shift+Tab stepping through its own day, month and year
    sections, so a keyboard user is caught in every date field of a form. Here Tab moves to
    the next field, as in every other field; within the date, the arrow keys, typing and
    "/" still move between day, month and year."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


def date_edit(value: date, *, accessible: str = "") -> QDateEdit:
    """A UK date field (23/11/2026) with a calendar pop-up, held inside `app.dates`' window
    (1 April 1993, when council tax began, to ten years after today); Tab leaves it (`DateEdit`)."""
    edit = DateEdit(to_qdate(value))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(to_qdate(EARLIEST))
    edit.setMaximumDate(to_qdate(latest(clock.today())))
    edit.setFixedWidth(150)
    if accessible:
        edit.setAccessibleName(accessible)
    return edit


class OptionalDate(QWidget):
    """"Ends on [date]" or open-ended: a check box switches the date on."""

    changed = Signal()

    def __init__(self, value: date, caption: str = "Ends on", *, checked: bool = False) -> None:
        super().__init__()
        self.check = QCheckBox(caption)
        self.check.setChecked(checked)
        self.edit = date_edit(value, accessible=caption)
        self.edit.setEnabled(checked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self.check.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda _d: emit(self.changed))

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        emit(self.changed)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.check.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(to_qdate(value))


def line_edit(placeholder: str = "", *, text: str = "", max_length: int = 300, width: int = FIELD_WIDTH) -> QLineEdit:
    """A one-line text field of the form's width, capped at `max_length` characters."""
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setFixedWidth(width)
    edit.setMaxLength(max_length)
    return edit


def money_edit(placeholder: str = "0.00", *, width: int = 150) -> QLineEdit:
    """A field for pounds, right-aligned; read it with `pence_or_reason` (the one parser)."""
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    edit.setFixedWidth(width)
    return edit


def pence_or_reason(text: str, *, allow_zero: bool = False) -> tuple[int | None, str | None]:
    """Parse an amount typed by an officer: (pence, None) or (None, why not). Every money
    field in the desktop reads through here, so `12,50` is refused everywhere alike.
    `allow_zero`: £0.00 is an answer (an expense of nothing, no other deductions)."""
    if not text.strip():
        return None, "Enter an amount, such as 123.45."
    try:
        pence = parse_pounds(text)  # the one parser: plain decimals, at most £10,000,000
    except MoneyError as exc:
        return None, str(exc)
    if pence < 0 or (pence == 0 and not allow_zero):
        return None, "The amount must be £0.00 or more." if allow_zero else "The amount must be more than £0.00."
    return pence, None


def form_layout() -> QFormLayout:
    """Labels left-aligned in one column, fields at their natural width beside them."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(18)
    form.setVerticalSpacing(10)
    return form
