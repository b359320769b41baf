"""The append-only money ledger and the payments that feed it.

An account's balance is the sum of its ledger transactions (positive = owed by the
taxpayer: charges, costs; negative = credits: payments, reductions, write-offs).
Nothing is ever updated or deleted: a correction is a new transaction. The kinds, the
sign each allows and every writer live in `app.ledger`; the CHECK constraints here are its
rules as SQL, so the database refuses a row that breaks them whoever writes it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import PaymentMethod, PaymentStatus
from app.ledger.kinds import KIND_CHECK, SIGN_CHECK
from app.models.base import Base, created_at, enum_check, enum_column, pk


class LedgerTransaction(Base):
    __tablename__ = "ledger_transaction"
    __table_args__ = (
        Index("ix_ledger_account_posted", "account_id", "posted_on"),
        CheckConstraint(KIND_CHECK, name="kind"),
        CheckConstraint(SIGN_CHECK, name="sign"),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    financial_year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int]
    posted_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(default="")
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class Payment(Base):
    """A payment received. `external_ref` is unique: importing it twice never doubles it.

    status (`PaymentStatus`): `allocated` (posted to an account's ledger), `suspense`
    (account unknown, waiting for an officer), `reversed` (recalled or returned).
    """

    __tablename__ = "payment"
    # Suspense items are few among millions of payments: a partial index finds them.
    __table_args__ = (
        Index(
            "ix_payment_suspense", "received_on",
            sqlite_where=text("status = 'suspense'"), postgresql_where=text("status = 'suspense'"),
        ),
        CheckConstraint("amount_pence > 0", name="amount_positive"),  # a returned payment is reversed, never negative
        enum_check("method", PaymentMethod),
        enum_check("status", PaymentStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    external_ref: Mapped[str] = mapped_column(String(60), unique=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("account.id"), index=True)
    account_ref_given: Mapped[str] = mapped_column(String(40), default="")
    received_on: Mapped[date]
    amount_pence: Mapped[int]
    method: Mapped[PaymentMethod] = enum_column(PaymentMethod, 20)
    status: Mapped[PaymentStatus] = enum_column(PaymentStatus, 12)
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()
