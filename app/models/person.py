"""People: taxpayers and anyone jointly liable."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Versioned, pk


def full_name(title: str, forenames: str, surname: str) -> str:
    """"Mr John Smith": the parts present, in the order a letter addresses them."""
    return " ".join(p for p in (title, forenames, surname) if p)


class Person(Versioned, Base):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = pk()
    title: Mapped[str] = mapped_column(String(20), default="")
    forenames: Mapped[str] = mapped_column(String(120), default="")
    surname: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    date_of_birth: Mapped[date | None]

    def full_name(self) -> str:
        return full_name(self.title, self.forenames, self.surname)
