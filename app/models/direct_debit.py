"""Direct Debit mandates and the collections made under them (Bacs).

A collection is recorded when the collection file is generated; the payment is posted on
the due date and reversed if the bank returns it (ARUDD) (`CollectionStatus`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import CollectionStatus, MandateStatus
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class DirectDebitMandate(Versioned, Base):
    """A taxpayer's Direct Debit instruction (status: `MandateStatus`)."""

    __tablename__ = "dd_mandate"
    __table_args__ = (enum_check("status", MandateStatus),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    reference: Mapped[str] = mapped_column(String(18), unique=True)
    account_holder: Mapped[str] = mapped_column(String(120))
    sort_code: Mapped[str] = mapped_column(String(6))
    bank_account_number: Mapped[str] = mapped_column(String(8))
    status: Mapped[MandateStatus] = enum_column(MandateStatus, 12, default=MandateStatus.ACTIVE)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class DirectDebitCollection(Base):
    __tablename__ = "dd_collection"
    __table_args__ = (UniqueConstraint("mandate_id", "due_on"), enum_check("status", CollectionStatus))

    id: Mapped[uuid.UUID] = pk()
    mandate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dd_mandate.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    due_on: Mapped[date]
    amount_pence: Mapped[int]
    status: Mapped[CollectionStatus] = enum_column(CollectionStatus, 12, default=CollectionStatus.SUBMITTED)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_at: Mapped[datetime] = created_at()
