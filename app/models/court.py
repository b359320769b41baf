"""Offline court mode on the shared database: packs out at court, their leases on cases,
the journal entries applied from them, and the conflicts waiting for a team leader.

A pack's own journal lives in the pack (`app.court.pack_tables`); what is here is the
office's side: which cases are "at court until ...", which journal entries were applied
(each exactly once, by its id and the hash of its content), and what could not be.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned, created_at, pk


class CourtPack(Base):
    """A hearing list packed for court. `released_at` is set when its journal has been synced."""

    __tablename__ = "court_pack"

    id: Mapped[uuid.UUID] = pk()
    hearing_date: Mapped[date]
    device: Mapped[str] = mapped_column(String(120))
    device_id: Mapped[uuid.UUID]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()
    leased_until: Mapped[date]  # the office sees the cases as "at court until" this day
    schema_version: Mapped[str] = mapped_column(String(32))
    accounts: Mapped[int]
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(80))


class CourtPackCase(Base):
    """One account in a pack (a lease: the office is warned before changing it)."""

    __tablename__ = "court_pack_case"
    __table_args__ = (UniqueConstraint("pack_id", "account_id"),)

    id: Mapped[uuid.UUID] = pk()
    pack_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("court_pack.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    account_version: Mapped[int]  # the account's version when it was packed


class CourtJournalApplied(Base):
    """A journal entry the office has dealt with: applied, or sent to the conflicts queue.
    Written in the same transaction as the entry's effect, so an entry is dealt with once
    whatever fails afterwards. Append-only."""

    __tablename__ = "court_journal_applied"

    entry_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    pack_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("court_pack.id"), index=True)
    device_id: Mapped[uuid.UUID]
    seq: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))  # applied | conflict
    officer: Mapped[str] = mapped_column(String(80))
    applied_by: Mapped[str] = mapped_column(String(80))
    applied_at: Mapped[datetime] = created_at()


class SyncConflict(Versioned, Base):
    """A journal entry the office could not apply as it stood: base (what court saw),
    office (what the shared database holds now) and court (the request) side by side.
    status: open | resolved; a team leader keeps the court's or the office's."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_status", "status", "created_at"),)

    id: Mapped[uuid.UUID] = pk()
    entry_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    pack_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("court_pack.id"))
    seq: Mapped[int]
    account_ref: Mapped[str] = mapped_column(String(20))
    command: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(500))
    officer: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]  # when court recorded it (the laptop's clock)
    base: Mapped[dict[str, Any]] = mapped_column(default=dict)
    office: Mapped[dict[str, Any]] = mapped_column(default=dict)
    court: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str | None] = mapped_column(String(10))
    resolution_note: Mapped[str] = mapped_column(String(500), default="")
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
