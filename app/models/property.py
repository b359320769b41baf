"""Properties (dwellings) with their valuation band and parish."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.authority import Parish
from app.models.base import Base, Versioned, pk


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
        return ", ".join(p for p in (self.address_line1, self.address_line2, self.town) if p)
