"""Liability period changes: moving out, splitting a period, and the disabled band reduction."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from app.billing.requests import MoveOut, SetDisabledReduction, SplitPeriod
from app.ui.dialogs.liability.change_dialog import ChangeDialog, date_of
from app.ui.formatting import date_range, uk_date


class MoveOutDialog(ChangeDialog):
    REQUEST = MoveOut
    TITLE = "Move out"
    INTRO = "The taxpayer is liable up to and including the move-out date; discounts and joint liability end with it."
    SAVE_TEXT = "Save move out"

    def build(self) -> None:
        self.add_period_choice()
        self.end = self.add_date("Move-out date (last day liable)", "end_date", self.as_of)
        # Optional: the amended notice (and any later letter) goes here rather than to the empty property.
        self.forwarding = self.add_text("Forwarding address (optional)", "forwarding_address",
                                        "e.g. 4 New Road, Otherton, OT1 2AB")
        self.forwarding.setMaxLength(300)

    def request(self) -> MoveOut:
        return MoveOut(period_id=self.period_id(), end_date=date_of(self.end), as_of=self.as_of,
                       forwarding_address=self.forwarding.text().strip())

    def problems(self) -> dict[str, str]:
        period = self.selected_period()
        if period is None:
            return {"period_id": "Choose the liability period."}
        if date_of(self.end) < period.start_date:
            return {"end_date": f"The move-out date is before the move-in date ({uk_date(period.start_date)})."}
        return {}


class SplitPeriodDialog(ChangeDialog):
    REQUEST = SplitPeriod
    TITLE = "Split liability period"
    INTRO = "Splitting changes nothing on its own: it lets something (such as a disabled reduction) change from a date."
    SAVE_TEXT = "Split period"

    def build(self) -> None:
        self.add_period_choice()
        self.on = self.add_date("Second part starts on", "on_date", self.as_of)

    def request(self) -> SplitPeriod:
        return SplitPeriod(period_id=self.period_id(), on_date=date_of(self.on), as_of=self.as_of)

    def problems(self) -> dict[str, str]:
        period = self.selected_period()
        if period is None:
            return {"period_id": "Choose the liability period."}
        on = date_of(self.on)
        if on <= period.start_date or (period.end_date is not None and on > period.end_date):
            return {"on_date": f"The split date must fall after the period starts and within it "
                               f"({date_range(period.start_date, period.end_date)})."}
        return {}


class DisabledReductionDialog(ChangeDialog):
    REQUEST = SetDisabledReduction
    TITLE = "Disabled band reduction"
    INTRO = "The reduction applies to the whole period: split the period first to change it from a date."

    def build(self) -> None:
        self.add_period_choice()
        period = self.selected_period()
        self.applies = QCheckBox("A disabled band reduction applies to this period")
        self.applies.setChecked(not period.disabled_reduction if period else True)
        self.add_row("Reduction", self.applies, "applies")
        self.fields["period_id"].currentIndexChanged.connect(self._period_changed)  # type: ignore[attr-defined]

    def _period_changed(self) -> None:
        period = self.selected_period()
        if period is not None:
            self.applies.setChecked(not period.disabled_reduction)

    def request(self) -> SetDisabledReduction:
        return SetDisabledReduction(period_id=self.period_id(), applies=self.applies.isChecked(), as_of=self.as_of)

    def problems(self) -> dict[str, str]:
        period = self.selected_period()
        if period is None:
            return {"period_id": "Choose the liability period."}
        if period.disabled_reduction == self.applies.isChecked():
            state = "already has" if period.disabled_reduction else "does not have"
            return {"applies": f"This period {state} a disabled band reduction: nothing would change."}
        return {}
