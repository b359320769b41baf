"""Instalment plans: the statutory schedule a year's charge is payable by."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import InstalmentPlanStatus
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk


class InstalmentPlan(Versioned, Base):
    """status: `active` or `superseded` (a rebill replaces the plan, keeping the old one)."""

    __tablename__ = "instalment_plan"
    __table_args__ = (
        Index("ix_instalment_plan_account_year", "account_id", "financial_year"),
        enum_check("status", InstalmentPlanStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id"))
    financial_year: Mapped[int]
    status: Mapped[InstalmentPlanStatus] = enum_column(InstalmentPlanStatus, 12, default=InstalmentPlanStatus.ACTIVE)
    issued_on: Mapped[date]
    # The year's net charge the plan was drawn up for and what had been paid by then.
    net_charge_pence: Mapped[int] = mapped_column(default=0)
    paid_at_issue_pence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()

    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="plan", order_by="Instalment.seq", cascade="all, delete-orphan"
    )


class Instalment(Base):
    __tablename__ = "instalment"

    id: Mapped[uuid.UUID] = pk()
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("instalment_plan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    due_on: Mapped[date]
    amount_pence: Mapped[int]

    plan: Mapped[InstalmentPlan] = relationship(back_populates="instalments")
