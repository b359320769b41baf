"""The trial calculation as tables: the charge lines of a year, and its new instalments
beside the ones they replace (matched by due date, so an officer sees what moves)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from PySide6.QtGui import QColor

from app.billing.rebilling import ChargeLineView, RebillResult
from app.ui.formatting import money
from app.ui.models.base import ALIGN_RIGHT, Column, DtoTableModel, date_column, money_column, text_column
from app.ui.style import COLOURS


@dataclass(frozen=True)
class PlanRow:
    due: date
    new_pence: int | None
    previous_pence: int | None

    @property
    def changed(self) -> bool:
        return self.new_pence != self.previous_pence


def plan_rows(result: RebillResult) -> list[PlanRow]:
    """New and previous instalments side by side, by due date."""
    new = {i.due: i.amount_pence for i in result.instalments}
    old = {i.due: i.amount_pence for i in result.previous_instalments} if result.notice else dict(new)
    return [PlanRow(due, new.get(due), old.get(due)) for due in sorted(set(new) | set(old))]


def _optional_money(pence: int | None) -> str:
    return "—" if pence is None else money(pence)


def _changed_colour(row: PlanRow) -> QColor | None:
    return QColor(COLOURS["accent_dark"]) if row.changed else None


class ChargeLinesModel(DtoTableModel):
    COL_FROM = 0
    COL_TO = 1
    COL_DAYS = 2
    COL_DESCRIPTION = 3
    COL_AMOUNT = 4
    COL_REDUCTION = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("From", lambda li: li.start),
        date_column("To", lambda li: li.end),
        Column("Days", lambda li: str(li.days), lambda li: li.days, ALIGN_RIGHT),
        text_column("Description", lambda li: li.description, tooltip=True),
        money_column("Amount", lambda li: li.amount_pence),
        money_column("Reduction", lambda li: li.reduction_pence),
    )

    def row(self, source_row: int) -> ChargeLineView:
        line: ChargeLineView = self._rows[source_row]
        return line


class PlanComparisonModel(DtoTableModel):
    COL_DUE = 0
    COL_NEW = 1
    COL_PREVIOUS = 2

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Due", lambda r: r.due),
        Column("New amount", lambda r: _optional_money(r.new_pence), lambda r: r.new_pence or 0, ALIGN_RIGHT,
               foreground=_changed_colour),
        Column("Previously", lambda r: _optional_money(r.previous_pence), lambda r: r.previous_pence or 0, ALIGN_RIGHT),
    )

    def row(self, source_row: int) -> PlanRow:
        plan_row: PlanRow = self._rows[source_row]
        return plan_row
