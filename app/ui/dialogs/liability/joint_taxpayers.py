"""Joint taxpayers on a liability period: adding one, and ending their liability."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.billing.requests import AddJointParty, EndJointParty, NewTaxpayer
from app.ui.dialogs.liability.change_dialog import ChangeDialog, EndDialog, date_of, outside_period
from app.ui.formatting import date_range, uk_date


class AddJointDialog(ChangeDialog):
    REQUEST = AddJointParty
    TITLE = "Add joint taxpayer"
    INTRO = "The person becomes jointly and severally liable with the taxpayer from the date given."
    SAVE_TEXT = "Add joint taxpayer"

    def build(self) -> None:
        self.add_period_choice()
        self.title_edit = self.add_text("Title", "title", "Mr, Mrs, Ms, Dr…")
        self.forenames = self.add_text("Forenames", "forenames")
        self.surname = self.add_text("Surname", "surname")
        period = self.selected_period()
        self.start = self.add_date("Jointly liable from", "start_date",
                                   max(period.start_date, self.as_of) if period else self.as_of)

    def request(self) -> AddJointParty:
        person = NewTaxpayer(surname=self.surname.text().strip(), forenames=self.forenames.text().strip(),
                             title=self.title_edit.text().strip())
        return AddJointParty(period_id=self.period_id(), person=person, start_date=date_of(self.start), as_of=self.as_of)

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.surname.text().strip():
            found["surname"] = "The joint taxpayer's surname is required."
        period = self.selected_period()
        if period is not None and period.end_date is not None and period.end_date < self.as_of:
            found["period_id"] = f"This liability period ended on {uk_date(period.end_date)}: choose a current one."
        found.update({k: v for k, v in outside_period(date_of(self.start), period.end_date if period else None, period,
                                                 "joint liability").items() if k != "end_date"})
        return found


class EndJointDialog(EndDialog):
    REQUEST = EndJointParty
    TITLE = "End joint liability"
    ITEM_FIELD = "party_id"
    ITEM_CAPTION = "Joint taxpayer"
    NOTHING = "There is no joint taxpayer on this account."
    WHAT = "joint liability"
    SAVE_TEXT = "End joint liability"

    def items(self) -> list[tuple[str, Any, date]]:
        periods = self.summary.periods if self.summary else []
        return [(f"{j.name} {date_range(j.from_, j.to)}", j.id, j.from_) for p in periods for j in p.joint]
