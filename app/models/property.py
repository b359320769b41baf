"""Properties (dwellings) with their valuation band and parish."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.authority import Parish
from app.models.base import Base, Versioned, pk


def one_line_address(line1: str, line2: str, town: str) -> str:
    """The address on one line, as search results and the account header show it."""
    return ", ".join(p for p in (line1, line2, town) if p)


class Property(Versioned, Base):
    __tablename__ = "property"

    id: Mapped[uuid.UUID] = pk()
    uprn: Mapped[str] = mapped_column(String(20), unique=True)
    address_line1: Mapped[str]
    address_line2: Mapped[str] = mapped_column(default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(10), index=True)
    band: Mapped[str] = mapped_column(String(1))
    parish_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("parish.id"))

    parish: Mapped[Parish | None] = relationship(lazy="joined")

    def address(self) -> str:
        return one_line_address(self.address_line1, self.address_line2, self.town)
