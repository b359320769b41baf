"""Generated letters and write-offs."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models.base import Base, Versioned, created_at, pk


class Document(Base):
    """A letter as sent: the file's bytes are kept unchanged with the template version."""

    __tablename__ = "document"

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(120))
    template_version: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    issued_on: Mapped[date]
    batch_run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("batch_run.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at()


class WriteOff(Versioned, Base):
    """A proposed or approved write-off. status: proposed | approved | rejected | written_back."""

    __tablename__ = "write_off"

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"), index=True)
    financial_year: Mapped[int]
    amount_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(15), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_on: Mapped[date]
    approved_by: Mapped[str | None] = mapped_column(String(80))
    approved_on: Mapped[date | None]
