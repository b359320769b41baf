"""Recovery history and holds.

A recovery event records a step taken (reminder, final notice, summons, liability order,
...) for an account's year. A hold stops the recovery engine for a reason an officer can
see (breathing space, insolvency, deceased, dispute, vulnerability review, arrangement).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned, created_at, pk


STAGES = (
    "reminder_1", "reminder_2", "final_notice", "summons", "liability_order",  # the statutory path
    "withdrawn", "adjourned", "paid_before_hearing",  # court outcomes other than an order
    "dd_returned",  # a Direct Debit came back: the instalments are unpaid again
)


class RecoveryEvent(Base):
    """A recovery step for one financial year of an account. Append-only history.

    `hearing_date` is set on a summons (the hearing it is listed for) and on court outcomes.
    """

    __tablename__ = "recovery_event"
    __table_args__ = (
        Index("ix_recovery_event_account_date", "account_id", "event_date"),
        Index("ix_recovery_event_hearing", "hearing_date", "stage"),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    financial_year: Mapped[int]
    stage: Mapped[str] = mapped_column(String(30))
    event_date: Mapped[date]
    amount_pence: Mapped[int] = mapped_column(default=0)
    hearing_date: Mapped[date | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


HOLD_KINDS = (
    "breathing_space", "breathing_space_mental_health", "bankruptcy", "dro", "iva", "deceased", "dispute",
    "vulnerability_review", "arrangement",
)


class Hold(Versioned, Base):
    """Recovery stops while a hold is in force (start_date..end_date; end None = until lifted)."""

    __tablename__ = "hold"

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    lifted_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


ROUTES = ("attachment_of_earnings", "benefit_deduction", "enforcement_agent", "charging_order", "committal", "bankruptcy")


class EnforcementCase(Versioned, Base):
    """One recovery route taken after a liability order (one method at a time per order).

    kind: one of ROUTES. status: open | closed. `details` holds what the route needs
    (employer and pay period for an attachment; agent and fee stage for an enforcement
    agent; benefit and weekly amount for a deduction ...). `liability_order_id` names the
    liability order event the case enforces.
    """

    __tablename__ = "enforcement_case"
    __table_args__ = (Index("ix_enforcement_case_kind_status", "kind", "status"),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    liability_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("recovery_event.id"))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    debt_pence: Mapped[int]
    reference: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()
