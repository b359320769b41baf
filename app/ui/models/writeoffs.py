"""Write-offs waiting for a decision (the Write-off approvals pane)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.rules.apportionment import year_label
from app.ui.models.base import Column, DtoTableModel, date_column, money_column, text_column
from app.writeoffs.views import WriteOffView


def writeoff_details(w: WriteOffView) -> str:
    """The note and evidence, as one line (the table's last column and its tooltip)."""
    parts = [w.note] + ([f"Evidence: {w.evidence}"] if w.evidence else [])
    return " · ".join(p for p in parts if p)


class WriteOffsModel(DtoTableModel):
    COL_PROPOSED = 0
    COL_ACCOUNT = 1
    COL_NAME = 2
    COL_YEAR = 3
    COL_AMOUNT = 4
    COL_REASON = 5
    COL_BY = 6
    COL_DETAILS = 7

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Proposed", lambda w: w.proposed_on),
        text_column("Account", lambda w: w.account_ref),
        text_column("Name", lambda w: w.name, tooltip=True),
        text_column("Year", lambda w: year_label(w.financial_year)),
        money_column("Amount", lambda w: w.amount_pence),
        text_column("Reason", lambda w: w.reason_label, tooltip=True),
        text_column("Proposed by", lambda w: w.proposed_by),
        text_column("Note and evidence", writeoff_details, tooltip=True),
    )

    def row(self, source_row: int) -> WriteOffView:
        writeoff: WriteOffView = self._rows[source_row]
        return writeoff
