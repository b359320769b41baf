"""Liability as the account view shows it (read-only for now): the periods someone was
liable for a property, and the charge each financial year came to. Who is liable is in
the header and the period details, so the periods table leaves it out.

Discounts and exemptions are summarised in words with their dates, so an officer can
read a period without opening it; the liability editor will edit them later.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.accounts.summary import PeriodView, YearView
from app.ui.formatting import date_range, discount_label, financial_year
from app.ui.models.base import ALIGN_CENTER, Column, DtoTableModel, date_column, money_column, text_column


def discounts_text(period: PeriodView) -> str:
    """"Single person discount from 01/04/2024; ..." or "None"."""
    parts = [f"{discount_label(d.kind)} {date_range(d.from_, d.to)}" for d in period.discounts]
    return "; ".join(parts) or "None"


def exemptions_text(period: PeriodView) -> str:
    parts = [f"Class {e.class_} {date_range(e.from_, e.to)}" for e in period.exemptions]
    return "; ".join(parts) or "None"


def liable_text(period: PeriodView) -> str:
    return " and ".join(period.liable) if len(period.liable) <= 2 else ", ".join(period.liable)


class PeriodsModel(DtoTableModel):
    COL_FROM = 0
    COL_TO = 1
    COL_PROPERTY = 2
    COL_POSTCODE = 3
    COL_BAND = 4
    COL_PARISH = 5
    COL_DISCOUNTS = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("From", lambda p: p.start_date),
        date_column("To", lambda p: p.end_date, empty="Ongoing"),
        text_column("Property", lambda p: p.address, tooltip=True),
        text_column("Postcode", lambda p: p.postcode),
        Column("Band", lambda p: p.band, lambda p: p.band, ALIGN_CENTER),
        text_column("Parish", lambda p: p.parish or "Unparished"),
        text_column("Discounts", discounts_text, tooltip=True),
    )

    def row(self, source_row: int) -> PeriodView:
        period: PeriodView = self._rows[source_row]
        return period


class YearsModel(DtoTableModel):
    COL_YEAR = 0
    COL_CHARGE = 1
    COL_PAID = 2
    COL_COSTS = 3
    COL_BALANCE = 4
    COL_DISCOUNTS = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Year", lambda y: financial_year(y.year), lambda y: y.year),
        money_column("Charge", lambda y: y.charge_pence),
        money_column("Paid", lambda y: y.paid_pence),
        money_column("Costs", lambda y: y.costs_pence),
        money_column("Balance", lambda y: y.balance_pence),
        text_column("Discounts", lambda y: ", ".join(discount_label(d) for d in y.discounts) or "None"),
    )

    def row(self, source_row: int) -> YearView:
        year: YearView = self._rows[source_row]
        return year
