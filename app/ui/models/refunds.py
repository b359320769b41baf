"""Refund requests waiting for a team leader's decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.payments.refunds import RefundView
from app.ui.formatting import humanise
from app.ui.models.base import Column, DtoTableModel, date_column, money_column, text_column

REFUND_METHOD_LABELS = {"bank": "Bank transfer", "cheque": "Cheque", "card": "Back to card"}


def refund_method_label(method: str) -> str:
    return REFUND_METHOD_LABELS.get(method) or humanise(method)


class RefundsModel(DtoTableModel):
    COL_REQUESTED = 0
    COL_ACCOUNT = 1
    COL_AMOUNT = 2
    COL_PAYEE = 3
    COL_METHOD = 4
    COL_REASON = 5
    COL_BY = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Requested", lambda r: r.requested_on),
        text_column("Account", lambda r: r.account_ref),
        money_column("Amount", lambda r: r.amount_pence),
        text_column("Payee", lambda r: r.payee, tooltip=True),
        text_column("Method", lambda r: refund_method_label(r.method)),
        text_column("Reason", lambda r: r.reason, tooltip=True),
        text_column("Requested by", lambda r: r.requested_by),
    )

    def row(self, source_row: int) -> RefundView:
        refund: RefundView = self._rows[source_row]
        return refund
