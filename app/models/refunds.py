"""Refunds of credit balances: requested by one officer, approved by a team leader.

Two people are needed because a refund sends public money out of the authority: the
requester can never approve their own request (status: `RefundStatus`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import RefundMethod, RefundStatus
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class RefundRequest(Versioned, Base):
    __tablename__ = "refund_request"
    __table_args__ = (enum_check("method", RefundMethod), enum_check("status", RefundStatus))

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    amount_pence: Mapped[int]
    payee: Mapped[str] = mapped_column(String(120))
    method: Mapped[RefundMethod] = enum_column(RefundMethod, 20, default=RefundMethod.BANK)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[RefundStatus] = enum_column(RefundStatus, 12, default=RefundStatus.REQUESTED)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_on: Mapped[date]
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_on: Mapped[date | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    ledger_transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = created_at()
