"""Users and roles, audit events and batch run records."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned, created_at, pk


class User(Versioned, Base):
    """role: officer | team_leader | manager | admin (each includes the ones before it)."""

    __tablename__ = "app_user"

    id: Mapped[uuid.UUID] = pk()
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="officer")
    team: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()


class AuditEvent(Base):
    """Who did what, when, with the before and after values. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_account_at", "account_id", "at"),)

    id: Mapped[uuid.UUID] = pk()
    at: Mapped[datetime] = created_at()
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("account.id"))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class BatchRun(Base):
    """One batch run (billing, recovery, import...). `run_key` makes a rerun find its record.

    status: running | completed | failed | cancelled. A run left `running` by a crash is
    resumed by the next run with the same key.
    """

    __tablename__ = "batch_run"

    id: Mapped[uuid.UUID] = pk()
    kind: Mapped[str] = mapped_column(String(30))
    run_key: Mapped[str] = mapped_column(String(200), unique=True)
    as_of: Mapped[date | None]
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="running")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None]
