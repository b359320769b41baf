"""Each payment on an account and how it was allocated (oldest debt first, by year)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.enums import PaymentStatus
from app.payments.posting import PaymentAllocation
from app.ui.formatting import financial_year, money, payment_channel_label
from app.ui.models.base import Column, DtoTableModel, date_column, money_column, text_column


def allocation_text(payment: PaymentAllocation) -> str:
    """"2024/25 £100.00 · 2025/26 £23.00" (the years it paid, oldest first)."""
    parts = [f"{financial_year(p.year)} {money(p.amount_pence)}" for p in payment.parts]
    return " · ".join(parts) or "Not allocated"


def payment_status(payment: PaymentAllocation) -> str:
    if payment.status == PaymentStatus.REVERSED or payment.reversed_pence:
        return f"Reversed ({money(payment.reversed_pence)})" if payment.reversed_pence else "Reversed"
    return "Allocated"


class AllocationsModel(DtoTableModel):
    COL_RECEIVED = 0
    COL_REFERENCE = 1
    COL_METHOD = 2
    COL_AMOUNT = 3
    COL_ALLOCATION = 4
    COL_STATUS = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Received", lambda p: p.received_on),
        text_column("Reference", lambda p: p.payment_ref),
        text_column("Method", lambda p: payment_channel_label(p.method)),
        money_column("Amount", lambda p: p.amount_pence),
        Column("Allocated to", allocation_text, allocation_text, tooltip=allocation_text),
        text_column("Status", payment_status),
    )

    def row(self, source_row: int) -> PaymentAllocation:
        payment: PaymentAllocation = self._rows[source_row]
        return payment
