"""Billing runs, newest first: what each examined, charged and issued; and a recovery
preview's accounts, one row per action (or per account held back), with why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.billing.annual_run import BillingRunSummary
from app.recovery.run import HELD_BACK, ON_HOLD, RunItem
from app.ui.formatting import financial_year, run_status_label
from app.ui.models.base import Column, DtoTableModel, count_column, date_column, money_column, text_column


def started_column() -> Column:
    """When a run started ("03/12/2026 18:35"), sorting by the moment (stored naive on SQLite, aware on a server)."""
    return Column("Started", lambda r: f"{r.started_at:%d/%m/%Y %H:%M}" if r.started_at else "",
                  lambda r: f"{r.started_at:%Y%m%d%H%M%S%f}" if r.started_at else "~")


class BillingRunsModel(DtoTableModel):
    COL_YEAR = 0
    COL_ISSUED = 1
    COL_STARTED = 2
    COL_BY = 3
    COL_STATUS = 4
    COL_EXAMINED = 5
    COL_CHARGES = 6
    COL_ADJUSTMENTS = 7
    COL_NOTICES = 8
    COL_CHARGED = 9

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Year", lambda r: financial_year(r.year), lambda r: r.year),
        date_column("Issue date", lambda r: r.as_of),
        started_column(),
        text_column("By", lambda r: r.created_by),
        text_column("Status", lambda r: run_status_label(r.status)),
        count_column("Accounts", lambda r: r.accounts_examined),
        count_column("Charges", lambda r: r.charges),
        count_column("Adjustments", lambda r: r.adjustments),
        count_column("Notices", lambda r: r.notices),
        money_column("Charged", lambda r: r.charged_pence),
    )

    def row(self, source_row: int) -> BillingRunSummary:
        run: BillingRunSummary = self._rows[source_row]
        return run


PREVIEW_ACTIONS = {
    "reminder_1": "First reminder", "reminder_2": "Second reminder", "final_notice": "Final notice", "summons": "Summons",
    ON_HOLD: "On hold", HELD_BACK: "Held back (safeguard)",
}


def action_label(action: str) -> str:
    return PREVIEW_ACTIONS.get(action, action.replace("_", " ").capitalize())


class RunItemsModel(DtoTableModel):
    """A recovery preview's accounts (`RunItem`s)."""

    COL_ACCOUNT = 0
    COL_NAME = 1
    COL_YEAR = 2
    COL_ACTION = 3
    COL_AMOUNT = 4
    COL_COSTS = 5
    COL_HEARING = 6
    COL_WHY = 7
    COL_ADDRESS = 8

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Account", lambda r: r.account_ref),
        text_column("Name", lambda r: r.name, tooltip=True),
        Column("Year", lambda r: financial_year(r.year) if r.year else "", lambda r: r.year or 0),
        text_column("Action", lambda r: action_label(r.action)),
        money_column("Amount", lambda r: r.amount_pence),
        money_column("Costs", lambda r: r.costs_pence),
        date_column("Hearing", lambda r: r.hearing_date),
        text_column("Why", lambda r: r.why, tooltip=True),
        text_column("Address", lambda r: r.address, tooltip=True),
    )

    def row(self, source_row: int) -> RunItem:
        item: RunItem = self._rows[source_row]
        return item
