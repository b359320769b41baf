"""The liability editor's common form: one small dialog per change, each with a trial calculation.

Every change dialog works the same way:

- the fields are checked as the officer types; a field that is wrong turns red with the
  reason in its tooltip, and Save stays disabled while anything is wrong;
- once the details are complete, a moment after the last keystroke, the request is
  previewed on a worker (`Application.preview`): the service makes it, recalculates the account and
  rolls everything back, and the panel shows what saving would do;
- Save runs it for real; the account view then reloads;
- a service error is one sentence in the dialog (its field red); a change made by
  someone else in the meantime offers to reload the account without losing what was typed.

A subclass declares its fields (`build`), the typed request it sends (`request`) and the
checks it can make before asking the service (`problems`). `EndDialog` is the shared form
for ending something that has a start date (a discount, exemption, joint party or reduction).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.accounts.summary import AccountSummary, PeriodView
from app.billing.liability_changes import LiabilityChange
from app.billing.requests import LiabilityRequest
from app.errors import Conflict, NotFound, ValidationError
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import SavingDialog
from app.ui.dialogs.preview_panel import PreviewPanel
from app.ui.formatting import date_range, error_sentence, uk_date
from app.ui.forms import OptionalDate, date_edit, from_qdate
from app.ui.signals import emit
from app.ui.style import set_invalid
from app.ui.widgets import label

PREVIEW_DELAY_MS = 350
Choice = tuple[str, Any]


def period_text(period: PeriodView) -> str:
    return f"{date_range(period.start_date, period.end_date)} · {period.address}"


def _period_for(summary: AccountSummary | None, period_id: Any) -> PeriodView | None:
    if summary is None:
        return None
    return next((p for p in summary.periods if p.period_id == period_id), None)


class ChangeDialog(SavingDialog):
    """The shared shape of every liability change: form, trial calculation, Save."""

    saved = Signal(object)  # LiabilityChange, after it was saved
    reload_requested = Signal()  # the officer asked to reload the account (the dialog stays open)

    REQUEST: ClassVar[type[LiabilityRequest]]
    INTRO: ClassVar[str] = ""
    SAVE_TEXT: ClassVar[str] = "Save change"
    MIN_WIDTH = 1000

    def __init__(
        self, ui: UiContext, summary: AccountSummary | None, parent: QWidget | None = None, *,
        period_id: Any = None,
    ) -> None:
        super().__init__(ui, parent)
        self.summary = summary
        self._initial_period = period_id
        self._generation = 0
        self._server_problem: tuple[str, str] | None = None  # (field, reason) for the values it was given
        self._choices: list[tuple[QComboBox, Callable[[], list[Choice]]]] = []
        self.result: LiabilityChange | None = None

        self.build()
        self.preview = PreviewPanel()
        self.reload_button = QPushButton("Reload account")
        self.reload_button.setToolTip("Reload the account; what you typed here is kept.")
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self._reload)

        heading = QVBoxLayout()
        heading.setSpacing(4)
        heading.addWidget(label(self.TITLE, "page-title"))
        context = self.context_text()
        if context:
            heading.addWidget(label(context, "muted", wrap=True))
        if self.INTRO:
            heading.addWidget(label(self.INTRO, "muted", wrap=True))

        errors = QHBoxLayout()
        errors.setSpacing(10)
        errors.addWidget(self.error, 1)
        errors.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignVCenter)

        layout = self.page_layout()
        layout.addLayout(heading)
        layout.addWidget(self.form_card())
        layout.addWidget(label("Trial calculation", "section"))
        layout.addWidget(self.preview)
        layout.addLayout(errors)
        layout.addStretch(1)
        layout.addLayout(self.button_row())

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.run_preview)
        self._changed()

    # --- what a subclass provides ---------------------------------------------------

    def build(self) -> None:
        raise NotImplementedError

    def request(self) -> LiabilityRequest:
        """The change as the officer has entered it (asked for once `problems` is empty)."""
        raise NotImplementedError

    def problems(self) -> dict[str, str]:
        """What is wrong before asking the service: field -> reason (one sentence)."""
        return {}

    def context_text(self) -> str:
        if self.summary is None:
            return ""
        return f"Account {self.summary.account_ref} · {self.summary.name}"

    # --- building helpers -------------------------------------------------------------

    def add_row(self, caption: str, widget: QWidget, field: str | None = None) -> QWidget:
        self.form.addRow(caption, widget)
        if field is not None:
            self.fields[field] = widget
        for signal in _change_signals(widget):
            signal.connect(self._changed)
        return widget

    def add_choice(self, caption: str, field: str, items: Callable[[], list[Choice]], current: Any = None) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumWidth(260)
        combo.setAccessibleName(caption)
        self._choices.append((combo, items))
        self._fill(combo, items(), current)
        return self.add_row(caption, combo, field)  # type: ignore[return-value]

    def add_period_choice(self) -> QComboBox:
        periods = lambda: [(period_text(p), p.period_id) for p in (self.summary.periods if self.summary else [])]  # noqa: E731
        current = self._initial_period
        if current is None and self.summary and self.summary.periods:
            current = next((p.period_id for p in reversed(self.summary.periods) if p.start_date <= self.as_of),
                           self.summary.periods[-1].period_id)
        return self.add_choice("Liability period", "period_id", periods, current)

    def add_date(self, caption: str, field: str, value: date) -> QDateEdit:
        edit = date_edit(value, accessible=caption)
        self.add_row(caption, edit, field)
        return edit

    def add_text(self, caption: str, field: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setFixedWidth(260)
        edit.setAccessibleName(caption)
        self.add_row(caption, edit, field)
        return edit

    @staticmethod
    def _fill(combo: QComboBox, items: list[Choice], current: Any) -> None:
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else -1
        combo.setCurrentIndex(index if index >= 0 else (0 if items else -1))
        combo.blockSignals(False)

    def period_id(self) -> Any:
        """The chosen liability period's id (its combo box's data)."""
        return self.fields["period_id"].currentData()  # type: ignore[attr-defined]

    def selected_period(self) -> PeriodView | None:
        combo = self.fields.get("period_id")
        return _period_for(self.summary, combo.currentData()) if isinstance(combo, QComboBox) else None

    # --- behaviour ----------------------------------------------------------------------

    @property
    def preview_result(self) -> LiabilityChange | None:
        """The trial calculation for the values as they are now, once it has arrived."""
        return self.preview.change

    def set_summary(self, summary: AccountSummary) -> None:
        """The account was reloaded: refresh the lists, keep what was typed, try again."""
        self.summary = summary
        for combo, items in self._choices:
            self._fill(combo, items(), combo.currentData())
        self.error.setVisible(False)
        self.reload_button.setVisible(False)
        self._changed()

    def _changed(self, *_args: Any) -> None:
        """A field changed: re-check at once; ask for a trial calculation after a pause."""
        self._generation += 1  # any trial still running is for old values
        self._server_problem = None
        self.error.setVisible(False)
        self.reload_button.setVisible(False)
        problems = self._mark(self.problems())
        if problems:
            self._timer.stop()
            first = next(iter(problems.values()))
            self.preview.show_message(f"Not calculated yet: {first}")
        else:
            self.preview.show_message("Calculating the new charge…")
            self._timer.start()
        self._update_buttons()

    def _mark(self, problems: dict[str, str]) -> dict[str, str]:
        for field, widget in self.fields.items():
            set_invalid(_mark_target(widget), problems.get(field))
        return problems

    def run_preview(self) -> None:
        """The trial calculation, on a worker; a newer edit makes its answer stale."""
        self._timer.stop()
        if self.problems():
            return
        self._generation += 1
        generation = self._generation
        app, request = self._ui.app, self.request()
        self.status.setText("Calculating…")
        self._ui.runner.run(
            lambda _task: app.preview(request),
            on_success=lambda result: self._previewed(generation, result),
            on_failure=lambda exc: self._preview_failed(generation, exc),
            owner=self,
            description=f"trial calculation ({request.name})",
        )

    def _previewed(self, generation: int, change: LiabilityChange) -> None:
        if generation != self._generation:
            return
        self.status.setText("")
        self.preview.show_change(change)
        self._update_buttons()

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.status.setText("")
        self.preview.show_message("The change cannot be calculated as it stands; see below.")
        self.show_error(exc)

    def show_error(self, exc: BaseException) -> None:
        """One sentence; the field it is about turns red; a stale account can be reloaded."""
        sentence = error_sentence(exc)
        self.error.setText(sentence)
        self.error.setVisible(True)
        if isinstance(exc, ValidationError):
            field = self._field_for(exc.field)
            self._server_problem = (field or "", sentence)
            if field is not None:
                set_invalid(_mark_target(self.fields[field]), sentence)
        self.reload_button.setVisible(isinstance(exc, (Conflict, NotFound)))
        self._update_buttons()

    def _field_for(self, service_field: str | None) -> str | None:
        if service_field in self.fields:
            return service_field
        aliases = {"effective_date": ("start_date", "end_date", "on_date"), "period": ("period_id",),
                   "percent": ("percent_bp",), "instalments": ("instalment_count",)}
        for name in aliases.get(service_field or "", ()):
            if name in self.fields:
                return name
        return None

    def work(self) -> Callable[[], Any]:
        """The change for real; once saving starts, a trial still pending or running no longer matters."""
        app, request = self._ui.app, self.request()
        self._timer.stop()
        self._generation += 1
        return lambda: app.execute(request)

    def save_description(self) -> str:
        return f"save {self.REQUEST.name}"

    def _reload(self) -> None:
        self.status.setText("Reloading the account…")
        emit(self.reload_requested)


def _change_signals(widget: QWidget) -> list[Any]:
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged]
    if isinstance(widget, QDateEdit):
        return [widget.dateChanged]
    if isinstance(widget, QLineEdit):
        return [widget.textChanged]
    if isinstance(widget, QCheckBox):
        return [widget.toggled]
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return [widget.valueChanged]
    if isinstance(widget, OptionalDate):
        return [widget.changed]
    return []


def _mark_target(widget: QWidget) -> QWidget:
    return widget.edit if isinstance(widget, OptionalDate) else widget


def date_of(edit: QDateEdit) -> date:
    return from_qdate(edit.date())


def outside_period(start: date, end: date | None, period: PeriodView | None, what: str) -> dict[str, str]:
    """The service's effective-date rule, checked as the officer types."""
    if period is None:
        return {"period_id": "Choose the liability period."}
    if end is not None and end < start:
        return {"end_date": f"The {what} cannot end before it starts ({uk_date(start)})."}
    if start < period.start_date or (period.end_date is not None and start > period.end_date):
        within = date_range(period.start_date, period.end_date)
        return {"start_date": f"The {what} must start within the liability period ({within})."}
    if period.end_date is not None and (end is None or end > period.end_date):
        return {"end_date": f"The {what} must end by {uk_date(period.end_date)}, when the liability period ends."}
    return {}


class EndDialog(ChangeDialog):
    """End something that has a start date (discount, exemption, joint party, reduction)."""

    ITEM_FIELD: ClassVar[str] = ""
    ITEM_CAPTION: ClassVar[str] = ""
    NOTHING: ClassVar[str] = ""
    WHAT: ClassVar[str] = ""
    ALLOW_DAY_BEFORE: ClassVar[bool] = False  # a discount ended the day before it began never applied

    def items(self) -> list[tuple[str, Any, date]]:
        """(text, id, start date) of the things that can be ended."""
        raise NotImplementedError

    def build(self) -> None:
        self.add_choice(self.ITEM_CAPTION, self.ITEM_FIELD, lambda: [(t, i) for t, i, _ in self.items()])
        self.end = self.add_date("Last day it applies", "end_date", self.as_of)

    def _start(self) -> date | None:
        chosen = self.fields[self.ITEM_FIELD].currentData()  # type: ignore[attr-defined]
        return next((s for _, i, s in self.items() if i == chosen), None)

    def request(self) -> LiabilityRequest:
        item = self.fields[self.ITEM_FIELD].currentData()  # type: ignore[attr-defined]
        return self.REQUEST(**{self.ITEM_FIELD: item}, end_date=date_of(self.end), as_of=self.as_of)  # type: ignore[call-arg]

    def problems(self) -> dict[str, str]:
        start = self._start()
        if start is None:
            return {self.ITEM_FIELD: self.NOTHING}
        earliest = start.toordinal() - (1 if self.ALLOW_DAY_BEFORE else 0)
        if date_of(self.end).toordinal() < earliest:
            return {"end_date": f"The {self.WHAT} cannot end before it started ({uk_date(start)})."}
        return {}
