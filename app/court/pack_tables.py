"""The tables only a court pack has: what the pack is, and its journal.

A pack is the shared schema (made by the same migrations) plus these two tables, which
live on their own metadata so the shared database never has them and the models-versus-
migrations check is not about them. They are created when the pack is made.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import MetaData, String, Table, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models.base import NAMING, Base

PACK_OPEN, PACK_SYNCING, PACK_RECEIPTED = "open", "syncing", "receipted"


class PackBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = Base.type_annotation_map
    if TYPE_CHECKING:  # each maps one Table (as `Base` says)
        __table__: ClassVar[Table]


class PackMeta(PackBase):
    """One row: which hearing this pack holds, taken from which database, when and by whom.

    state: `open` (court work may be recorded), `syncing` (a sync has begun: read-only until
    every entry is receipted), `receipted` (every entry is accounted for: it may be wiped)."""

    __tablename__ = "pack_meta"

    pack_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    hearing_date: Mapped[date]
    device_id: Mapped[uuid.UUID]
    device: Mapped[str] = mapped_column(String(120))
    officer: Mapped[str] = mapped_column(String(80))
    made_at: Mapped[datetime]
    schema_version: Mapped[str] = mapped_column(String(32))
    app_version: Mapped[str] = mapped_column(String(32))
    high_water: Mapped[datetime | None]  # the newest audit event on the server when packed
    source: Mapped[str] = mapped_column(String(300))  # the database it was taken from (no password)
    accounts: Mapped[int]
    leased_until: Mapped[date]
    state: Mapped[str] = mapped_column(String(10), default=PACK_OPEN)


class JournalEntry(PackBase):
    """One change made at court: the typed request exactly as run, and what it read.

    `seq` is gap-free per device (given in the same transaction as the change); `recorded_at`
    is the laptop's clock, for people only: order is `seq`. `receipt` is filled in by sync:
    applied | already_applied | conflict."""

    __tablename__ = "journal_entry"
    __table_args__ = (UniqueConstraint("device_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID]
    seq: Mapped[int]
    officer: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
    app_version: Mapped[str] = mapped_column(String(32))
    schema_version: Mapped[str] = mapped_column(String(32))
    command: Mapped[str] = mapped_column(String(60))
    account_ref: Mapped[str] = mapped_column(String(20))
    request: Mapped[dict[str, Any]]
    reads: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str | None] = mapped_column(String(16))
    receipted_at: Mapped[datetime | None]


class ExportBase(DeclarativeBase):
    """The marker only a journal export has (its own metadata: never in a pack or the office)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = Base.type_annotation_map
    if TYPE_CHECKING:
        __table__: ClassVar[Table]


class JournalExport(ExportBase):
    """One row: this file is a copy of a pack's journal (`court journal --export`), not a pack.

    It holds `pack_meta` and `journal_entry` as the pack had them when exported, and nothing
    else: no accounts, no schema of the shared database, so it is never upgraded."""

    __tablename__ = "journal_export"

    pack_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    exported_at: Mapped[datetime]
    exported_by: Mapped[str] = mapped_column(String(80))
    entries: Mapped[int]
