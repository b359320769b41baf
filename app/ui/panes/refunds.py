"""Refund approvals: the refund requests waiting for a team leader's decision.

Approving posts the refund to the account; rejecting needs a note saying why. The service
decides who may do either (a team leader, never the officer who asked), so an officer
who opens this pane can read the queue and is told plainly why a decision is refused.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.enums import RefundStatus
from app.payments.refunds import RefundView
from app.payments.requests import DecideRefund
from app.ui.context import UiContext
from app.ui.formatting import count, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.refunds import RefundsModel
from app.ui.panes.approvals import ApprovalsPane
from app.ui.widgets import make_table

if TYPE_CHECKING:
    from app.application import Application


class RefundApprovalsPane(ApprovalsPane[RefundView]):
    TITLE = "Refund approvals"
    NOUN = "refund"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        self.model = RefundsModel()
        proxy = SortFilterProxy(self.model)
        r = RefundsModel
        table = make_table(proxy, stretch=r.COL_REASON, widths={r.COL_PAYEE: 180, r.COL_AMOUNT: 120},
                           fit=(r.COL_REQUESTED, r.COL_ACCOUNT, r.COL_METHOD, r.COL_BY))
        super().__init__(ui, table, proxy, "Refunds officers have asked for, oldest first. A refund needs a second "
                         "person: the officer who requested it cannot approve it.", parent=parent)
        self.model.setParent(self)
        proxy.setParent(self)

    def fetch(self, app: Application) -> list[RefundView]:
        return app.refunds(status=RefundStatus.REQUESTED)

    def show_queue(self, queue: list[RefundView]) -> None:
        self.model.set_rows(queue)
        self.count.setText(count(len(queue), "request") + " waiting")

    def decision(self, row: RefundView, approve: bool, note: str, as_of: date) -> DecideRefund:
        return DecideRefund(refund_id=row.refund_id, approve=approve, note=note, as_of=as_of,
                            expected_version=row.version)

    def decided_message(self, result: RefundView) -> str:
        verb = "approved" if result.status == RefundStatus.APPROVED else "rejected"
        return f"Refund of {money(result.amount_pence)} to {result.payee} on account {result.account_ref} {verb}."
