"""Billing runs, newest first: what each examined, charged and issued."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from app.billing.annual_run import BillingRunSummary
from app.ui.formatting import financial_year, run_status_label
from app.ui.models.base import ALIGN_RIGHT, Column, DtoTableModel, date_column, money_column, text_column


def _number(header: str, get: Callable[[BillingRunSummary], int]) -> Column:
    return Column(header, lambda r: f"{get(r):,}", get, ALIGN_RIGHT)


class BillingRunsModel(DtoTableModel):
    COL_YEAR = 0
    COL_ISSUED = 1
    COL_STATUS = 2
    COL_EXAMINED = 3
    COL_CHARGES = 4
    COL_ADJUSTMENTS = 5
    COL_NOTICES = 6
    COL_CHARGED = 7

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Year", lambda r: financial_year(r.year), lambda r: r.year),
        date_column("Issue date", lambda r: r.as_of),
        text_column("Status", lambda r: run_status_label(r.status)),
        _number("Accounts", lambda r: r.accounts_examined),
        _number("Charges", lambda r: r.charges),
        _number("Adjustments", lambda r: r.adjustments),
        _number("Notices", lambda r: r.notices),
        money_column("Charged", lambda r: r.charged_pence),
    )

    def row(self, source_row: int) -> BillingRunSummary:
        run: BillingRunSummary = self._rows[source_row]
        return run
