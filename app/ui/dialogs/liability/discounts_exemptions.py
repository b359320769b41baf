"""Discounts, premiums and exemptions on a liability period: adding and ending them.

Each must lie within its liability period (`change_dialog.outside_period` checks that as
the officer types, as the service will).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.billing.requests import EndDiscount, EndExemption, SetDiscount, SetExemption
from app.enums import DiscountKind
from app.ui.dialogs.liability.change_dialog import ChangeDialog, EndDialog, date_of, outside_period
from app.ui.formatting import date_range, discount_label
from app.ui.forms import OptionalDate, date_edit


class AddDiscountDialog(ChangeDialog):
    REQUEST = SetDiscount
    TITLE = "Add discount or premium"
    SAVE_TEXT = "Save discount"

    def build(self) -> None:
        self.add_period_choice()
        kinds = [(discount_label(k), k) for k in self._ui.app.adjustment_kinds]
        self.kind = self.add_choice("Discount or premium", "kind", lambda: kinds, "SPD")
        period = self.selected_period()
        start = max(period.start_date, self.as_of) if period else self.as_of
        if period is not None and period.end_date is not None:
            start = min(start, period.end_date)
        self.start = self.add_date("Applies from", "start_date", start)
        self.end = OptionalDate(period.end_date or self.as_of if period else self.as_of, "Ends on",
                                checked=bool(period and period.end_date))
        self.add_row("Until", self.end, "end_date")
        self.empty_since = date_edit(start, accessible="Empty since")
        self.add_row("Empty since", self.empty_since, "empty_since")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.empty_since.setEnabled(self.kind.currentData() == DiscountKind.LONG_TERM_EMPTY)

    def request(self) -> SetDiscount:
        kind = self.kind.currentData()
        return SetDiscount(
            period_id=self.period_id(), kind=kind, start_date=date_of(self.start), end_date=self.end.value(),
            empty_since=date_of(self.empty_since) if kind == DiscountKind.LONG_TERM_EMPTY else None, as_of=self.as_of,
        )

    def problems(self) -> dict[str, str]:
        what = "premium" if self.kind.currentData() in (DiscountKind.LONG_TERM_EMPTY, DiscountKind.SECOND_HOME) else "discount"
        found = outside_period(date_of(self.start), self.end.value(), self.selected_period(), what)
        empty_too_late = date_of(self.empty_since) > date_of(self.start)
        if not found and self.kind.currentData() == DiscountKind.LONG_TERM_EMPTY and empty_too_late:
            found = {"empty_since": "The home must have been empty before the premium starts."}
        return found


class AddExemptionDialog(ChangeDialog):
    REQUEST = SetExemption
    TITLE = "Add exemption"
    SAVE_TEXT = "Save exemption"

    def build(self) -> None:
        self.add_period_choice()
        classes = [(f"Class {c}", c) for c in self._ui.app.exemption_classes]
        self.klass = self.add_choice("Exemption class", "exemption_class", lambda: classes)
        period = self.selected_period()
        start = max(period.start_date, self.as_of) if period else self.as_of
        self.start = self.add_date("Exempt from", "start_date", start)
        self.end = OptionalDate(period.end_date or self.as_of if period else self.as_of, "Ends on",
                                checked=bool(period and period.end_date))
        self.add_row("Until", self.end, "end_date")

    def request(self) -> SetExemption:
        return SetExemption(
            period_id=self.period_id(), exemption_class=self.klass.currentData(), start_date=date_of(self.start),
            end_date=self.end.value(), as_of=self.as_of,
        )

    def problems(self) -> dict[str, str]:
        return outside_period(date_of(self.start), self.end.value(), self.selected_period(), "exemption")


class EndDiscountDialog(EndDialog):
    REQUEST = EndDiscount
    TITLE = "End discount or premium"
    ITEM_FIELD = "discount_id"
    ITEM_CAPTION = "Discount or premium"
    NOTHING = "There is no discount or premium on this account to end."
    WHAT = "discount"
    ALLOW_DAY_BEFORE = True
    SAVE_TEXT = "End discount"

    def items(self) -> list[tuple[str, Any, date]]:
        periods = self.summary.periods if self.summary else []
        return [(f"{discount_label(d.kind)} {date_range(d.from_, d.to)}", d.id, d.from_)
                for p in periods for d in p.discounts]


class EndExemptionDialog(EndDialog):
    REQUEST = EndExemption
    TITLE = "End exemption"
    ITEM_FIELD = "exemption_id"
    ITEM_CAPTION = "Exemption"
    NOTHING = "There is no exemption on this account to end."
    WHAT = "exemption"
    SAVE_TEXT = "End exemption"

    def items(self) -> list[tuple[str, Any, date]]:
        periods = self.summary.periods if self.summary else []
        return [(f"Class {e.class_} {date_range(e.from_, e.to)}", e.id, e.from_)
                for p in periods for e in p.exemptions]
