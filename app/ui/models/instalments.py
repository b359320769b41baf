"""One financial year's instalments: due date, amount, how much is paid, what is left.

`instalment_rows` derives the rows from the service's YearView and the as-of date (the
status depends on the date), so the model itself holds plain rows only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from PySide6.QtGui import QColor

from app.accounts.summary import YearView
from app.ui.models.base import ALIGN_RIGHT, Column, DtoTableModel, date_column, money_column
from app.ui.style import COLOURS

PAID = "Paid"
PART_PAID = "Part paid"
OVERDUE = "Overdue"
DUE_TODAY = "Due today"
NOT_YET_DUE = "Not yet due"


@dataclass(frozen=True)
class InstalmentRow:
    number: int
    due: date
    amount_pence: int
    paid_pence: int
    status: str

    @property
    def outstanding_pence(self) -> int:
        return self.amount_pence - self.paid_pence


def instalment_rows(year: YearView, as_of: date) -> list[InstalmentRow]:
    """Number the instalments and say where each stands on `as_of`: an unpaid amount
    whose due date has passed is overdue, even if part of it has been paid."""
    rows = []
    for number, inst in enumerate(year.instalments, start=1):
        left = inst.amount_pence - inst.paid_pence
        if left <= 0:
            status = PAID
        elif inst.due < as_of:
            status = OVERDUE
        elif inst.paid_pence > 0:
            status = PART_PAID
        elif inst.due == as_of:
            status = DUE_TODAY
        else:
            status = NOT_YET_DUE
        rows.append(InstalmentRow(number, inst.due, inst.amount_pence, inst.paid_pence, status))
    return rows


def _status_colour(row: InstalmentRow) -> QColor | None:
    """Only what needs action is coloured: an officer's eye should go to overdue rows."""
    return QColor(COLOURS["danger"]) if row.status == OVERDUE else None


class InstalmentsModel(DtoTableModel):
    COL_NUMBER = 0
    COL_DUE = 1
    COL_AMOUNT = 2
    COL_PAID = 3
    COL_OUTSTANDING = 4
    COL_STATUS = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("No.", lambda r: str(r.number), lambda r: r.number, ALIGN_RIGHT),
        date_column("Due date", lambda r: r.due),
        money_column("Amount", lambda r: r.amount_pence),
        money_column("Paid", lambda r: r.paid_pence),
        money_column("Outstanding", lambda r: r.outstanding_pence),
        Column("Status", lambda r: r.status, lambda r: r.status, foreground=_status_colour),
    )

    def row(self, source_row: int) -> InstalmentRow:
        result: InstalmentRow = self._rows[source_row]
        return result

