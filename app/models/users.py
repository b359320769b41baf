"""Users and roles, audit events and batch run records."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import BatchRunKind, BatchRunStatus, one_of
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk
from app.users.roles import Role


class User(Versioned, Base):
    """role: a `Role`'s label: officer | team_leader | manager | admin (each includes the
    ones before it). The column stays text, read with `Role.parse`: the roles are ordered
    (an IntEnum), not a StrEnum, and the database allows exactly their labels."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(one_of("role", [r.label for r in Role]), name="role"),)

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

    kind: `BatchRunKind`; status: `BatchRunStatus`. A run left `running` by a crash (or
    `cancelled`) is resumed by the next run with the same key.
    """

    __tablename__ = "batch_run"
    __table_args__ = (enum_check("kind", BatchRunKind), enum_check("status", BatchRunStatus))

    id: Mapped[uuid.UUID] = pk()
    kind: Mapped[BatchRunKind] = enum_column(BatchRunKind, 30)
    run_key: Mapped[str] = mapped_column(String(200), unique=True)
    as_of: Mapped[date | None]
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[BatchRunStatus] = enum_column(BatchRunStatus, 12, default=BatchRunStatus.RUNNING)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = created_at()
    finished_at: Mapped[datetime | None]
