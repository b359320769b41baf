"""A queue of requests waiting for a second person's decision: refunds, write-offs.

Each queue is a table, oldest first, a note and Approve / Reject. Rejecting needs a note
saying why; the service decides who may do either (never the person who asked), so anyone
who opens the pane can read the queue and is told plainly why a decision is refused.
What differs per queue (its rows, its request, what a decision says) is in the subclass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout, QWidget

from app.application import Application
from app.court.at_court import AtCourt, run_confirmed
from app.requests import Request
from app.ui.at_court import ask_change_anyway
from app.ui.context import UiContext
from app.ui.formatting import error_sentence
from app.ui.models.base import SortFilterProxy
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label

Row = TypeVar("Row")


class ApprovalsPane(QWidget, Generic[Row]):
    """Subclasses build `self.table` over `self.proxy` and say what a decision asks and tells."""

    TITLE = ""
    NOUN = ""  # "refund": completes "Say why the refund is rejected in the note."

    def __init__(self, ui: UiContext, table: QTableView, proxy: SortFilterProxy, intro: str,
                 extra_buttons: Sequence[QPushButton] = (), below_intro: Sequence[QWidget] = (),
                 above_decision: Sequence[QWidget] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.table, self.proxy = table, proxy
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note for the decision (required to reject)")
        self.note.setAccessibleName("Decision note")
        self.note.setMaxLength(500)
        self.approve_button = QPushButton("Approve")
        set_role(self.approve_button, "primary")
        self.reject_button = QPushButton("Reject")
        self.refresh_button = QPushButton("Refresh")
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.refresh_button.clicked.connect(self.load)
        self.status = StatusLine()
        self.confirm_box: QMessageBox | None = None  # "Change anyway?" when the account is at court
        self.count: QLabel = label("", "muted")

        top = QHBoxLayout()
        top.addWidget(label(self.TITLE, "page-title"))
        top.addStretch(1)
        top.addWidget(self.count)
        for button in (*extra_buttons, self.refresh_button):
            top.addWidget(button)
        decide = QHBoxLayout()
        decide.setSpacing(8)
        decide.addWidget(self.note, 1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.approve_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label(intro, "muted", wrap=True))
        for widget in below_intro:
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        for widget in above_decision:
            layout.addWidget(widget)
        layout.addLayout(decide)
        layout.addWidget(self.status)
        self._update_buttons()

    # --- what each queue says -------------------------------------------------------------

    def fetch(self, app: Application) -> Any:
        """The queue, read on a worker."""
        raise NotImplementedError

    def show_queue(self, queue: Any) -> None:
        """Fill the table from what `fetch` read (call `select_first` after)."""
        raise NotImplementedError

    def decision(self, row: Row, approve: bool, note: str, as_of: date) -> Request[Any]:
        raise NotImplementedError

    def decided_message(self, result: Any) -> str:
        raise NotImplementedError

    # --- the one flow ----------------------------------------------------------------------

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    def load(self) -> None:
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: self.fetch(app), on_success=self._loaded,
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self,
            description=f"{self.NOUN} queue",
        )

    def _loaded(self, queue: Any) -> None:
        self.show_queue(queue)
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> Row | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)

    def decide(self, approve: bool) -> None:
        row = self.selected()
        if row is None:
            return
        note = self.note.text()
        if not approve and not note.strip():
            self.status.show_error(f"Say why the {self.NOUN} is rejected in the note.")
            self.note.setFocus()
            return
        app, request = self._ui.app, self.decision(row, approve, note, self._ui.today())
        self._run(lambda: app.execute(request))

    def _run(self, work: Callable[[], Any]) -> None:
        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)
        self._ui.runner.run(
            lambda _task: work(), on_success=self._decided, on_failure=lambda exc: self._failed(exc, work), owner=self,
            description=f"decide {self.NOUN}",
        )

    def _decided(self, result: Any) -> None:
        self.status.show_info(self.decided_message(result))
        self.note.clear()
        self.load()

    def _failed(self, exc: BaseException, work: Callable[[], Any]) -> None:
        self.status.show_error(error_sentence(exc))
        self._update_buttons()
        if isinstance(exc, AtCourt):  # the record's account is at court: decide anyway if it cannot wait
            self.confirm_box = ask_change_anyway(self, exc, lambda: self._run(lambda: run_confirmed(work)))
