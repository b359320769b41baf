"""Case work: arrangements, diary codes and entries, notes, escalations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import ArrangementFrequency, ArrangementStatus, DiaryStatus, EscalationReason, EscalationStatus
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class Arrangement(Versioned, Base):
    """A payment arrangement agreed with the taxpayer (status: `ArrangementStatus`)."""

    __tablename__ = "arrangement"
    __table_args__ = (
        Index("ix_arrangement_status_checked", "status", "checked_to"),
        # Both columns, so the account view's "live arrangement of this account" can only
        # be answered from it, with or without planner statistics (migration 0010).
        Index("ix_arrangement_account_status", "account_id", "status"),
        # At most one live arrangement per account, whoever writes the row (migration 0013).
        Index("uq_arrangement_one_live", "account_id", unique=True,
              postgresql_where=text("status = 'live'"), sqlite_where=text("status = 'live'")),
        enum_check("frequency", ArrangementFrequency),
        enum_check("status", ArrangementStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    frequency: Mapped[ArrangementFrequency] = enum_column(ArrangementFrequency, 20)
    start_date: Mapped[date]
    end_date: Mapped[date]
    total_pence: Mapped[int]
    status: Mapped[ArrangementStatus] = enum_column(ArrangementStatus, 12, default=ArrangementStatus.LIVE)
    # Monitoring: a payment short by more than `tolerance_pence`, still short `grace_days`
    # after its due date, breaks the arrangement; `checked_to` is the last day monitored.
    grace_days: Mapped[int] = mapped_column(default=3)
    tolerance_pence: Mapped[int] = mapped_column(default=0)
    checked_to: Mapped[date | None]
    broken_on: Mapped[date | None]
    status_reason: Mapped[str] = mapped_column(String(300), default="")
    # The income and expenditure statement the offer was assessed on (Standard Financial Statement).
    income_expenditure: Mapped[dict[str, Any] | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()

    instalments: Mapped[list[ArrangementInstalment]] = relationship(
        back_populates="arrangement", order_by="ArrangementInstalment.seq", cascade="all, delete-orphan"
    )


class ArrangementInstalment(Base):
    __tablename__ = "arrangement_instalment"

    id: Mapped[uuid.UUID] = pk()
    arrangement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("arrangement.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    due_on: Mapped[date]
    amount_pence: Mapped[int]

    arrangement: Mapped[Arrangement] = relationship(back_populates="instalments")


class DiaryCode(Base):
    """A kind of follow-up ("check arrangement", "trace"...), its default period and owning team."""

    __tablename__ = "diary_code"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    description: Mapped[str]
    default_days: Mapped[int] = mapped_column(default=14)
    team: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(default=True)


class DiaryEntry(Versioned, Base):
    """A brought-forward item (status: `DiaryStatus`). `claimed_by` marks who is working it."""

    __tablename__ = "diary_entry"
    __table_args__ = (
        Index("ix_diary_entry_open_due", "status", "code", "due_on"),
        Index("ix_diary_entry_team_due", "status", "team", "due_on"),
        Index("ix_diary_entry_owner_due", "status", "owner", "due_on"),
        enum_check("status", DiaryStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("diary_code.code"))
    due_on: Mapped[date]
    team: Mapped[str] = mapped_column(String(60), default="")
    owner: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DiaryStatus] = enum_column(DiaryStatus, 12, default=DiaryStatus.OPEN)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(80))
    completed_at: Mapped[datetime | None]
    completion_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class Note(Base):
    """An append-only note on an account."""

    __tablename__ = "note"

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class Escalation(Versioned, Base):
    """A case referred to a team leader (reason: `EscalationReason`, status: `EscalationStatus`)."""

    __tablename__ = "escalation"
    __table_args__ = (enum_check("reason", EscalationReason), enum_check("status", EscalationStatus))

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    reason: Mapped[EscalationReason] = enum_column(EscalationReason, 40)
    note: Mapped[str] = mapped_column(Text, default="")
    amount_pence: Mapped[int | None]  # a write-off or refund over the officer's limit
    subject_id: Mapped[uuid.UUID | None]  # the refund request / write-off it is about, if any
    team: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[EscalationStatus] = enum_column(EscalationStatus, 12, default=EscalationStatus.OPEN, index=True)
    raised_by: Mapped[str] = mapped_column(String(80))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
