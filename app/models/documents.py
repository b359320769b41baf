"""Generated letters and write-offs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.enums import DocumentKind, WriteOffStatus
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class LetterTemplate(Base):
    """Every version of a letter template ever used, kept so any letter can be reproduced exactly.

    `version` is the first 16 hex digits of the file's SHA-256.
    """

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[uuid.UUID] = pk()
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = created_at()


class Document(Base):
    """A letter as sent, with its template version.

    A letter issued singly keeps the rendered file's bytes. A mass run (annual billing)
    keeps the merge data instead (`data`) with the exact template version: rendering the
    two again gives the same letter, without storing 250,000 Word files in the database.
    """

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_account_kind_year", "account_id", "kind", "financial_year"),
        enum_check("kind", DocumentKind),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    kind: Mapped[DocumentKind] = enum_column(DocumentKind, 40)
    template: Mapped[str] = mapped_column(String(120))
    template_version: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str]
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    data: Mapped[dict[str, Any] | None]
    financial_year: Mapped[int | None]
    issued_on: Mapped[date]
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class WriteOff(Versioned, Base):
    """A write-off of part or all of one financial year's debt (status: `WriteOffStatus`).

    Proposed by one person, approved or rejected by another within their limit; approval
    posts the `write_off` ledger row (`ledger_transaction_id`); a write-back reverses that
    row with a new one (`writeback_transaction_id`). Notes are kept as written; every step
    also writes an audit event (app.writeoffs).
    """

    __tablename__ = "write_off"
    __table_args__ = (
        enum_check("status", WriteOffStatus),
        Index("ix_write_off_status_proposed_on", "status", "proposed_on"),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    financial_year: Mapped[int]
    amount_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(1000), default="")
    evidence: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[WriteOffStatus] = enum_column(WriteOffStatus, 15, default=WriteOffStatus.PROPOSED)
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_on: Mapped[date]
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_on: Mapped[date | None]
    rejected_by: Mapped[str | None] = mapped_column(String(80))
    rejected_on: Mapped[date | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    ledger_transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    written_back_by: Mapped[str | None] = mapped_column(String(80))
    written_back_on: Mapped[date | None]
    writeback_reason: Mapped[str] = mapped_column(String(500), default="")
    writeback_transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = created_at()
