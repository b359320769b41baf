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


class RecoveryEvent(Base):
    __tablename__ = "recovery_event"
    __table_args__ = (Index("ix_recovery_event_account_date", "account_id", "event_date"),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    financial_year: Mapped[int]
    stage: Mapped[str] = mapped_column(String(30))
    event_date: Mapped[date]
    amount_pence: Mapped[int] = mapped_column(default=0)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class Hold(Versioned, Base):
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
