"""Sync conflicts ▸ Edit and apply: the court's request in its ordinary form, prefilled with
what court recorded, for a team leader to correct and apply.

Saving does not run the request by itself: it runs `ResolveConflict(keep="court",
edited=...)`, so the corrected request goes through its own use case in the same
transaction as the conflict's resolution (both, or neither). An outcome is edited in the
outcome form below; an arrangement in the arrangement planner the account view uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit, QVBoxLayout, QWidget

from app.court.requests import RecordOutcome, ResolveConflict
from app.court.sync import ConflictView
from app.recovery.arrangements.requests import CreateArrangement
from app.requests import Request, from_json, to_json
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import FormDialog
from app.ui.formatting import outcome_label, uk_date
from app.ui.forms import OptionalDate
from app.ui.panes.arrangement_tab import ArrangementTab
from app.ui.widgets import label

EDITABLE = (RecordOutcome.name, CreateArrangement.name)
OUTCOMES = ("granted", "withdrawn", "adjourned", "paid")


def resolving(ui: UiContext, conflict: ConflictView, note: str) -> Callable[[Request[Any]], Any]:
    """What an edit form's save runs: the conflict resolved with the edited request, together."""
    app = ui.app
    return lambda request: app.execute(ResolveConflict(conflict_id=conflict.id, keep="court", note=note,
                                                       edited=to_json(request)))


class EditOutcomeDialog(FormDialog):
    """The court's outcome for one account: outcome, new hearing date (adjourned), note."""

    TITLE = "Edit and apply the court's outcome"
    SAVE_TEXT = "Apply"

    def __init__(self, ui: UiContext, conflict: ConflictView, note: str, parent: QWidget | None = None) -> None:
        recorded = from_json(conflict.court["request"])
        assert isinstance(recorded, RecordOutcome)
        self.recorded, self._submit = recorded, resolving(ui, conflict, note)
        super().__init__(ui, f"Account {recorded.account_ref}, hearing on {uk_date(recorded.hearing_date)}: as court "
                             f"recorded it (entry {conflict.seq}, {conflict.officer}).", parent)
        self.outcome = QComboBox()
        for code in OUTCOMES:
            self.outcome.addItem(outcome_label(code), code)
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(recorded.outcome)))
        self.adjourned_to = OptionalDate(recorded.adjourned_to or recorded.hearing_date + timedelta(days=28), "Adjourned to",
                                         checked=recorded.adjourned_to is not None)
        self.withdraw_costs = QCheckBox("Withdraw the summons costs too")
        self.withdraw_costs.setChecked(recorded.withdraw_costs)
        self.note_edit = QLineEdit(recorded.note)
        self.note_edit.setMaxLength(500)
        self.note_edit.setFixedWidth(300)
        self.add_row("Outcome", self.outcome, "outcome")
        self.add_row("New hearing", self.adjourned_to, "adjourned_to")
        self.form.addRow("", self.withdraw_costs)
        self.add_row("Note", self.note_edit, "note")
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        adjourned, to = self.outcome.currentData() == "adjourned", self.adjourned_to.value()
        if adjourned and (to is None or to <= self.recorded.hearing_date):
            found["adjourned_to"] = f"An adjournment needs a new hearing date after {uk_date(self.recorded.hearing_date)}."
        return found

    def edited(self) -> RecordOutcome:
        outcome = self.outcome.currentData()
        return RecordOutcome(
            account_ref=self.recorded.account_ref, hearing_date=self.recorded.hearing_date, outcome=outcome,
            as_of=self.recorded.as_of, adjourned_to=self.adjourned_to.value() if outcome == "adjourned" else None,
            note=self.note_edit.text(), withdraw_costs=outcome == "withdrawn" and self.withdraw_costs.isChecked(),
        )

    def work(self) -> Callable[[], Any]:
        request, submit = self.edited(), self._submit
        return lambda: submit(request)


class EditArrangementDialog(QDialog):
    """The court's arrangement in the ordinary arrangement planner, prefilled; Agree applies it."""

    def __init__(self, ui: UiContext, conflict: ConflictView, note: str, as_of: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        recorded = from_json(conflict.court["request"])
        assert isinstance(recorded, CreateArrangement)
        self.setWindowTitle("Edit and apply the court's arrangement")
        self.setMinimumWidth(760)
        self.result_view: Any = None
        self.planner = ArrangementTab(self)
        self.planner.attach(ui)
        self.planner.show_summary(ui.app.account(recorded.account_ref, as_of), as_of)
        self.planner.show_arrangement(None)
        self.planner.prefill(recorded)
        self.planner.submit = resolving(ui, conflict, note)
        self.planner.saved.connect(self._saved)
        self.planner.cancel_requested.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"Account {recorded.account_ref}: the arrangement as court recorded it (entry "
                               f"{conflict.seq}, {conflict.officer}). Agreeing it resolves the conflict.", "muted",
                               wrap=True))
        layout.addWidget(self.planner)

    def _saved(self, view: Any) -> None:
        self.result_view = view
        self.accept()
