"""Recovery history and holds.

A recovery event records a step taken (reminder, final notice, summons, liability order,
...: `RecoveryStage`) for an account's year. A hold stops the recovery engine for a reason
an officer can see (breathing space, insolvency, deceased, dispute, vulnerability review,
arrangement: `HoldKind`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import EnforcementKind, EnforcementStatus, HoldKind, RecoveryStage, SafeguardKind
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class RecoveryEvent(Base):
    """A recovery step for one financial year of an account. Append-only history.

    `hearing_date` is set on a summons (the hearing it is listed for) and on court outcomes.
    """

    __tablename__ = "recovery_event"
    __table_args__ = (
        Index("ix_recovery_event_account_date", "account_id", "event_date"),
        Index("ix_recovery_event_hearing", "hearing_date", "stage"),
        enum_check("stage", RecoveryStage),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    financial_year: Mapped[int]
    stage: Mapped[RecoveryStage] = enum_column(RecoveryStage, 30)
    event_date: Mapped[date]
    amount_pence: Mapped[int] = mapped_column(default=0)
    hearing_date: Mapped[date | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class Hold(Versioned, Base):
    """Recovery stops while a hold is in force (start_date..end_date; end None = until lifted)."""

    __tablename__ = "hold"
    __table_args__ = (enum_check("kind", HoldKind),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[HoldKind] = enum_column(HoldKind, 30)
    reason: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
    lifted_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class SafeguardRelease(Base):
    """A team leader's release of an account from one kind of recovery safeguard
    (`app.rules.safeguards`: an open trace, vulnerability review or escalation). Append-only:
    a release is never changed or withdrawn; casework opened after it holds the account again."""

    __tablename__ = "safeguard_release"
    __table_args__ = (enum_check("kind", SafeguardKind),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[SafeguardKind] = enum_column(SafeguardKind, 30)
    reason: Mapped[str] = mapped_column(String(500))
    released_on: Mapped[date]
    released_by: Mapped[str] = mapped_column(String(80))
    released_at: Mapped[datetime] = created_at()


class EnforcementCase(Versioned, Base):
    """One recovery route taken after a liability order (one method at a time per order).

    kind: `EnforcementKind`; status: `EnforcementStatus`. `details` holds what the route needs
    (employer and pay period for an attachment; agent and fee stage for an enforcement
    agent; benefit and weekly amount for a deduction ...). `liability_order_id` names the
    liability order event the case enforces.
    """

    __tablename__ = "enforcement_case"
    __table_args__ = (
        Index("ix_enforcement_case_kind_status", "kind", "status"),
        enum_check("kind", EnforcementKind),
        enum_check("status", EnforcementStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    liability_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("recovery_event.id"))
    kind: Mapped[EnforcementKind] = enum_column(EnforcementKind, 30)
    status: Mapped[EnforcementStatus] = enum_column(EnforcementStatus, 12, default=EnforcementStatus.OPEN)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    debt_pence: Mapped[int]
    reference: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()
