"""A new taxpayer moving in: a new account with its liability period at a property (the
main window's "Move in", not a change to an open account).
"""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from app.billing.requests import MoveIn, NewTaxpayer
from app.errors import NotFound, ValidationError
from app.ui.dialogs.liability.change_dialog import ChangeDialog, date_of
from app.ui.formatting import payment_method_label


class MoveInDialog(ChangeDialog):
    REQUEST = MoveIn
    TITLE = "Move in"
    INTRO = "A new taxpayer becomes liable for a property: a new account is opened and billed."
    SAVE_TEXT = "Open account"

    def build(self) -> None:
        self.uprn = self.add_text("Property reference (UPRN)", "uprn", "e.g. 200001000004")
        self.title_edit = self.add_text("Title", "title", "Mr, Mrs, Ms, Dr…")
        self.forenames = self.add_text("Forenames", "forenames")
        self.surname = self.add_text("Surname", "surname")
        self.start = self.add_date("Liable from", "start_date", self.as_of)
        methods = [(payment_method_label(m), m) for m in ("cash", "dd")]
        self.method = self.add_choice("Pays by", "payment_method", lambda: methods, "cash")
        self.count = self.add_choice("Instalments", "instalment_count", lambda: [("10 a year", 10), ("12 a year", 12)], 10)
        self.day = QSpinBox()
        self.day.setRange(1, 28)
        self.day.setValue(1)
        self.day.setFixedWidth(90)
        self.add_row("Instalment day of the month", self.day, "instalment_day")

    def context_text(self) -> str:
        return ""

    def request(self) -> MoveIn:
        taxpayer = NewTaxpayer(surname=self.surname.text().strip(), forenames=self.forenames.text().strip(),
                               title=self.title_edit.text().strip())
        return MoveIn(
            uprn=self.uprn.text().strip(), taxpayer=taxpayer, start_date=date_of(self.start),
            payment_method=self.method.currentData(), instalment_count=self.count.currentData(),
            instalment_day=self.day.value(), as_of=self.as_of,
        )

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.uprn.text().strip():
            found["uprn"] = "Enter the property's UPRN."
        if not self.surname.text().strip():
            found["surname"] = "The taxpayer's surname is required."
        return found

    def _field_for(self, service_field: str | None) -> str | None:
        if service_field is None and self.error.text().startswith("There is no property"):
            return "uprn"
        return super()._field_for(service_field)

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, NotFound) and "property" in str(exc):
            exc = ValidationError(str(exc), field="uprn")  # a mistyped UPRN: mark the field, no reload offered
        super().show_error(exc)
