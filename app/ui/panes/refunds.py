"""Refund approvals: the refund requests waiting for a team leader's decision.

Approving posts the refund to the account; rejecting needs a note saying why. The service
decides who may do either (a team leader, never the officer who asked), so an officer
who opens this pane can read the queue and is told plainly why a decision is refused.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.enums import RefundStatus
from app.payments.refunds import RefundView
from app.payments.requests import DecideRefund
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.refunds import RefundsModel
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label, make_table


class RefundApprovalsPane(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.model = RefundsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        r = RefundsModel
        self.table = make_table(self.proxy, stretch=r.COL_REASON, widths={r.COL_PAYEE: 180, r.COL_AMOUNT: 120},
                                fit=(r.COL_REQUESTED, r.COL_ACCOUNT, r.COL_METHOD, r.COL_BY))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note for the decision (required to reject)")
        self.note.setAccessibleName("Decision note")
        self.approve_button = QPushButton("Approve")
        set_role(self.approve_button, "primary")
        self.reject_button = QPushButton("Reject")
        self.refresh_button = QPushButton("Refresh")
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.refresh_button.clicked.connect(self.load)
        self.status = StatusLine()
        self.count = label("", "muted")

        top = QHBoxLayout()
        top.addWidget(label("Refund approvals", "page-title"))
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.refresh_button)
        decide = QHBoxLayout()
        decide.setSpacing(8)
        decide.addWidget(self.note, 1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.approve_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label(
            "Refunds officers have asked for, oldest first. A refund needs a second person: the officer who "
            "requested it cannot approve it.", "muted", wrap=True,
        ))
        layout.addWidget(self.table, 1)
        layout.addLayout(decide)
        layout.addWidget(self.status)
        self._update_buttons()

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    def load(self) -> None:
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.refunds(status=RefundStatus.REQUESTED), on_success=self._loaded,
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self, description="refund requests",
        )

    def _loaded(self, refunds: list[RefundView]) -> None:
        self.model.set_rows(refunds)
        self.count.setText(count(len(refunds), "request") + " waiting")
        if refunds:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> RefundView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)

    def decide(self, approve: bool) -> None:
        refund = self.selected()
        if refund is None:
            return
        note = self.note.text()
        if not approve and not note.strip():
            self.status.show_error("Say why the refund is rejected in the note.")
            self.note.setFocus()
            return
        app, as_of = self._ui.app, self._ui.today()
        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)
        self._ui.runner.run(
            lambda _task: app.execute(DecideRefund(refund_id=refund.refund_id, approve=approve, note=note,
                                                       as_of=as_of, expected_version=refund.version)),
            on_success=self._decided, on_failure=self._failed, owner=self, description="decide refund",
        )

    def _decided(self, refund: RefundView) -> None:
        verb = "approved" if refund.status == RefundStatus.APPROVED else "rejected"
        self.status.show_info(f"Refund of {money(refund.amount_pence)} to {refund.payee} on account "
                              f"{refund.account_ref} {verb}.")
        self.note.clear()
        self.load()

    def _failed(self, exc: BaseException) -> None:
        self.status.show_error(error_sentence(exc))
        self._update_buttons()
