"""The account timeline: one row per thing that happened, oldest first from the service;
the tab shows it newest first and filters it by kind or by text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.accounts.timeline import TimelineEntry
from app.ui.formatting import money
from app.ui.models.base import ALIGN_RIGHT, Column, DtoTableModel, date_column, text_column

KIND_LABELS = {
    "bill": "Bill", "payment": "Payment", "reversal": "Reversal", "refund": "Refund", "recovery": "Recovery",
    "court": "Court", "enforcement": "Enforcement", "hold": "Hold", "arrangement": "Arrangement",
    "diary": "Diary", "note": "Note", "letter": "Letter",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _amount(entry: TimelineEntry) -> str:
    return "" if entry.amount_pence is None else money(entry.amount_pence)


class TimelineModel(DtoTableModel):
    COL_DATE = 0
    COL_KIND = 1
    COL_TITLE = 2
    COL_DETAIL = 3
    COL_AMOUNT = 4
    COL_BY = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Date", lambda e: e.on),
        text_column("What", lambda e: kind_label(e.kind)),
        text_column("Event", lambda e: e.title, tooltip=True),
        text_column("Details", lambda e: e.detail, tooltip=True),
        Column("Amount", _amount, lambda e: e.amount_pence if e.amount_pence is not None else 0,
               ALIGN_RIGHT),
        text_column("By", lambda e: e.by),
    )

    def row(self, source_row: int) -> TimelineEntry:
        entry: TimelineEntry = self._rows[source_row]
        return entry
