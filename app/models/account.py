"""Council tax accounts, the people on them and their liability periods.

An account is one taxpayer's liability at one or more consecutive periods of a property.
A liability period names the jointly and severally liable people for those days; the
discounts and exemptions that apply carry their own effective dates within the period.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AccountPaymentMethod, AccountStatus, DiscountKind, LiabilityBasis, ReductionKind
from app.models.base import Base, Versioned, created_at, enum_check, enum_column, pk
from app.models.person import Person
from app.models.property import Property


class Account(Versioned, Base):
    __tablename__ = "account"
    # Instalments fall on the same day each month, so a day every month has (app.rules.instalments).
    __table_args__ = (
        CheckConstraint("instalment_day BETWEEN 1 AND 28", name="instalment_day"),
        enum_check("payment_method", AccountPaymentMethod),
        enum_check("status", AccountStatus),
    )

    id: Mapped[uuid.UUID] = pk()
    account_ref: Mapped[str] = mapped_column(String(20), unique=True)
    payment_method: Mapped[AccountPaymentMethod] = enum_column(AccountPaymentMethod, 10, default=AccountPaymentMethod.CASH)
    instalment_count: Mapped[int] = mapped_column(default=10)
    instalment_day: Mapped[int] = mapped_column(default=1)
    status: Mapped[AccountStatus] = enum_column(AccountStatus, 10, default=AccountStatus.OPEN)
    # Denormalised text the search index is built from: ref, names, address, postcode.
    search_text: Mapped[str] = mapped_column(String(1000), default="")
    # What a search result shows (lead taxpayer, current address), kept with search_text so
    # type-ahead reads one row per account instead of five tables (migration 0009).
    result_name: Mapped[str] = mapped_column(String(300), default="")
    result_address: Mapped[str] = mapped_column(String(510), default="")
    result_postcode: Mapped[str] = mapped_column(String(10), default="")
    # Where letters go after the taxpayer has moved out (lines separated by line breaks;
    # empty = not known, letters go to the property). Recorded with a move out (migration 0018).
    forwarding_address: Mapped[str] = mapped_column(String(300), default="")
    # A stable 63-bit integer that the SQLite FTS5 index uses as its rowid (derived from the id).
    search_key: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = created_at()

    parties: Mapped[list[AccountParty]] = relationship(
        back_populates="account", order_by="AccountParty.ordinal", cascade="all, delete-orphan"
    )
    periods: Mapped[list[LiabilityPeriod]] = relationship(
        back_populates="account", order_by="LiabilityPeriod.start_date", cascade="all, delete-orphan"
    )


class AccountParty(Base):
    """A person named on the account: ordinal 0 is the lead taxpayer, others are joint."""

    __tablename__ = "account_party"
    __table_args__ = (UniqueConstraint("account_id", "person_id"),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    ordinal: Mapped[int] = mapped_column(default=0)

    account: Mapped[Account] = relationship(back_populates="parties")
    person: Mapped[Person] = relationship(lazy="joined")


class LiabilityPeriod(Versioned, Base):
    __tablename__ = "liability_period"
    __table_args__ = (
        Index("ix_liability_period_property_dates", "property_id", "start_date"),
        enum_check("liability_basis", LiabilityBasis),
    )

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("property.id"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # None: still liable
    disabled_reduction: Mapped[bool] = mapped_column(default=False)
    # LGFA 1992 s6(2) rank
    liability_basis: Mapped[LiabilityBasis] = enum_column(LiabilityBasis, 20, default=LiabilityBasis.RESIDENT)

    account: Mapped[Account] = relationship(back_populates="periods")
    property: Mapped[Property] = relationship(lazy="joined")
    discounts: Mapped[list[Discount]] = relationship(
        back_populates="period", order_by="Discount.start_date", cascade="all, delete-orphan"
    )
    exemptions: Mapped[list[Exemption]] = relationship(
        back_populates="period", order_by="Exemption.start_date", cascade="all, delete-orphan"
    )
    joint_parties: Mapped[list[LiabilityParty]] = relationship(
        back_populates="period", order_by="LiabilityParty.start_date", cascade="all, delete-orphan"
    )


class LiabilityParty(Base):
    """A person jointly and severally liable with the lead taxpayer for days of a period (LGFA 1992 s6(3), s9).

    Joint liability does not change the charge; it changes who is named on the demand
    notice and who can be pursued. A partner who moves in mid-period joins from that day.
    """

    __tablename__ = "liability_party"
    __table_args__ = (UniqueConstraint("period_id", "person_id", "start_date"),)

    id: Mapped[uuid.UUID] = pk()
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("liability_period.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    period: Mapped[LiabilityPeriod] = relationship(back_populates="joint_parties")
    person: Mapped[Person] = relationship(lazy="joined")


class Discount(Base):
    """A discount or premium for days inside a liability period.

    kind (`DiscountKind`): `SPD` (single person, 25%), `ALL_DISREGARDED` (50%), or a premium
    the council levies: `LONG_TERM_EMPTY` (rate by years empty since `empty_since`, from
    settings) or `SECOND_HOME`.
    """

    __tablename__ = "liability_discount"
    __table_args__ = (enum_check("kind", DiscountKind),)

    id: Mapped[uuid.UUID] = pk()
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("liability_period.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DiscountKind] = enum_column(DiscountKind, 30)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    empty_since: Mapped[date | None]  # LONG_TERM_EMPTY: the day the home was last occupied

    period: Mapped[LiabilityPeriod] = relationship(back_populates="discounts")


class Exemption(Base):
    """An exemption class (SI 1992/558 letter) for days inside a liability period."""

    __tablename__ = "liability_exemption"

    id: Mapped[uuid.UUID] = pk()
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("liability_period.id", ondelete="CASCADE"), index=True)
    exemption_class: Mapped[str] = mapped_column(String(2))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    period: Mapped[LiabilityPeriod] = relationship(back_populates="exemptions")


class ReductionAward(Base):
    """Council tax reduction (local CTR scheme) or a s13A discretionary reduction.

    A credit against the charge for the days it applies (not a payment): `percent_bp`
    of the day's net charge, in basis points (10000 = 100%).
    """

    __tablename__ = "reduction_award"
    __table_args__ = (enum_check("kind", ReductionKind),)

    id: Mapped[uuid.UUID] = pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReductionKind] = enum_column(ReductionKind, 10)
    percent_bp: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(80))
