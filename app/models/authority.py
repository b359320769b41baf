"""Authority settings snapshots and parishes.

The settings file changes every year; the snapshot records which figures a year was
billed with, so a bill can always be explained later even after the file has moved on.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, created_at, pk


class Parish(Base):
    __tablename__ = "parish"

    id: Mapped[uuid.UUID] = pk()
    name: Mapped[str] = mapped_column(String(120), unique=True)


class AuthorityYear(Base):
    """The settings in force for one financial year (2025 = 2025/26), as used to bill it."""

    __tablename__ = "authority_year"

    id: Mapped[uuid.UUID] = pk()
    year: Mapped[int] = mapped_column(unique=True)
    settings: Mapped[dict[str, Any]]
    captured_at: Mapped[datetime] = created_at()
