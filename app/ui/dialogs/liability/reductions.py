"""Council tax reduction awards on the account: setting one, and ending it."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox

from app.billing.requests import EndReduction, SetReduction
from app.ui.dialogs.liability.change_dialog import ChangeDialog, EndDialog, date_of
from app.ui.formatting import date_range, percent_text, reduction_label
from app.ui.forms import OptionalDate


class ReductionDialog(ChangeDialog):
    REQUEST = SetReduction
    TITLE = "Council tax reduction"
    INTRO = "A percentage of the charge for the days the award covers, credited to the account."
    SAVE_TEXT = "Save award"

    def build(self) -> None:
        kinds = [(reduction_label(k), k) for k in ("ctr", "s13a")]
        self.kind = self.add_choice("Reduction", "kind", lambda: kinds, "ctr")
        self.percent = QDoubleSpinBox()
        self.percent.setRange(0.0, 100.0)
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        self.percent.setValue(100.0)
        self.percent.setFixedWidth(150)
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.add_row("Percentage of the charge", self.percent, "percent_bp")
        year_began = date(self.as_of.year if self.as_of.month >= 4 else self.as_of.year - 1, 4, 1)
        liable_from = self.summary.liable_from if self.summary and self.summary.liable_from else year_began
        self.start = self.add_date("Award from", "start_date", max(liable_from, year_began))
        self.end = OptionalDate(self.as_of, "Ends on")
        self.add_row("Until", self.end, "end_date")

    def request(self) -> SetReduction:
        return SetReduction(
            account_ref=self.summary.account_ref if self.summary else "", kind=self.kind.currentData(),
            percent_bp=round(self.percent.value() * 100), start_date=date_of(self.start), end_date=self.end.value(),
            as_of=self.as_of,
        )

    def problems(self) -> dict[str, str]:
        if round(self.percent.value() * 100) <= 0:
            return {"percent_bp": "The reduction is a percentage above 0 and at most 100."}
        end = self.end.value()
        if end is not None and end < date_of(self.start):
            return {"end_date": "The reduction cannot end before it starts."}
        return {}


class EndReductionDialog(EndDialog):
    REQUEST = EndReduction
    TITLE = "End council tax reduction"
    ITEM_FIELD = "award_id"
    ITEM_CAPTION = "Award"
    NOTHING = "There is no reduction award on this account."
    WHAT = "reduction"
    SAVE_TEXT = "End award"

    def items(self) -> list[tuple[str, Any, date]]:
        awards = self.summary.reductions if self.summary else []
        return [(f"{reduction_label(r.kind)} {percent_text(r.percent_bp)} {date_range(r.from_, r.to)}",
                 r.id, r.from_) for r in awards]
