"""The account ledger: every transaction with the running balance after it.

The running balance is the service's (computed in ledger order); sorting the view
never recomputes it, and ties on the date keep ledger order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.accounts.summary import TransactionView
from app.ui.formatting import financial_year, transaction_label
from app.ui.models.base import Column, DtoTableModel, date_column, money_column, text_column


class TransactionsModel(DtoTableModel):
    COL_DATE = 0
    COL_TYPE = 1
    COL_YEAR = 2
    COL_REFERENCE = 3
    COL_DESCRIPTION = 4
    COL_AMOUNT = 5
    COL_BALANCE = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Date", lambda t: t.date),
        text_column("Type", lambda t: transaction_label(t.kind)),
        Column("Year", lambda t: financial_year(t.year), lambda t: t.year),
        text_column("Reference", lambda t: t.reference),
        text_column("Description", lambda t: t.description, tooltip=True),
        money_column("Amount", lambda t: t.amount_pence),
        money_column("Balance", lambda t: t.running_balance_pence),
    )

    def row(self, source_row: int) -> TransactionView:
        view: TransactionView = self._rows[source_row]
        return view
