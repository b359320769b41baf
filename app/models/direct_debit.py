"""Direct Debit mandates and the collections made under them (Bacs).

A collection is recorded when the collection file is generated; the payment is posted on
the due date and reversed if the bank returns it (ARUDD). status of a collection:
`submitted` | `collected` | `returned`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned, created_at, pk


class DirectDebitMandate(Versioned, Base):
    """status: active | cancelled."""

    __tablename__ = "dd_mandate"

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    reference: Mapped[str] = mapped_column(String(18), unique=True)
    account_holder: Mapped[str] = mapped_column(String(120))
    sort_code: Mapped[str] = mapped_column(String(6))
    bank_account_number: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="active")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class DirectDebitCollection(Base):
    __tablename__ = "dd_collection"
    __table_args__ = (UniqueConstraint("mandate_id", "due_on"),)

    id: Mapped[uuid.UUID] = pk()
    mandate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dd_mandate.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    due_on: Mapped[date]
    amount_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_at: Mapped[datetime] = created_at()
