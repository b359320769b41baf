"""Proposing a write-off from the account view.

The officer picks a year the account owes for, sees what is left to write off there (its
balance less proposals already waiting, read on a worker), picks the council's reason and
gives the note and evidence that reason needs. The form checks what it can as they type;
the service has the last word (the six-year test, a balance changed meanwhile) and its
refusal is shown as one sentence with the field it is about in red.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.accounts.summary import AccountSummary
from app.rules.apportionment import year_label
from app.rules.writeoffs import WriteOffReason
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import AccountFormDialog
from app.ui.formatting import error_sentence, money
from app.ui.forms import money_edit, pence_or_reason
from app.ui.widgets import label
from app.writeoffs.requests import ProposeWriteOff

NOTE_MAX = 1000
EVIDENCE_MAX = 500


class ProposeWriteOffDialog(AccountFormDialog):
    TITLE = "Propose write-off"
    SAVE_TEXT = "Propose write-off"
    MIN_WIDTH = 600  # the evidence a reason asks for is a phrase, not a word

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        self.available_pence: int | None = None
        super().__init__(ui, summary, parent)
        self.year = QComboBox()
        self.year.setAccessibleName("Financial year")
        for year in sorted((y for y in summary.years if y.balance_pence > 0), key=lambda y: y.year):
            self.year.addItem(f"{year_label(year.year)}  (owes {money(year.balance_pence)})", year.year)
        self.year.setMinimumWidth(220)
        self.available = label("", "muted")
        self.amount = money_edit()
        self.amount.setAccessibleName("Amount to write off in pounds")
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason")
        for code, text in ui.app.writeoff_reasons.items():
            self.reason.addItem(text, code)
        self.reason.setMinimumWidth(300)
        self.evidence = QLineEdit()
        self.evidence.setAccessibleName("Evidence")
        self.evidence.setMaxLength(EVIDENCE_MAX)
        self.evidence.setFixedWidth(400)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setFixedHeight(72)
        self.note.setFixedWidth(400)
        self.note.setTabChangesFocus(True)
        self.add_row("Financial year", self.year, "year")
        self.form.addRow("Left to write off", self.available)
        self.add_row("Amount (£)", self.amount, "amount")
        self.add_row("Reason", self.reason, "reason")
        self.add_row("Evidence", self.evidence, "evidence")
        self.add_row("Note", self.note, "note")
        self.form.addRow("", label("Someone whose limit covers the amount approves it; you cannot approve your own.",
                                   "muted", wrap=True))
        self.year.currentIndexChanged.connect(self._load_available)
        self.reason.currentIndexChanged.connect(self._reason_changed)
        self._reason_changed()
        self.amount.setFocus()
        self._load_available()

    # --- what the form shows ------------------------------------------------------------

    def _chosen(self) -> WriteOffReason | None:
        return self._ui.app.writeoff_reason(self.reason.currentData() or "")

    def _reason_changed(self, *_args: Any) -> None:
        chosen = self._chosen()
        needs = chosen.evidence if chosen else ""
        self.evidence.setEnabled(bool(needs))
        self.evidence.setPlaceholderText(needs[:1].upper() + needs[1:] if needs else "Not needed for this reason")
        self.evidence.setToolTip(self.evidence.placeholderText())
        self._changed()

    def _load_available(self, *_args: Any) -> None:
        year = self.year.currentData()
        self.available_pence = None
        if year is None:
            self.available.setText("Nothing: the account owes nothing for any year")
            self._changed()
            return
        self.available.setText("Checking…")
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        self._ui.runner.run(lambda _task: (year, app.writeoff_available(ref, year, as_of)),
                            on_success=self._available_loaded, on_failure=self._available_failed, owner=self,
                            description="amount left to write off")

    def _available_loaded(self, result: tuple[int, int]) -> None:
        year, pence = result
        if year != self.year.currentData():
            return  # an answer for a year no longer chosen
        self.available_pence = pence
        self.available.setText(money(pence))
        if pence and not self.amount.text():
            self.amount.setText(f"{pence // 100}.{pence % 100:02d}")
        self._changed()

    def _available_failed(self, exc: BaseException) -> None:
        self.available.setText(error_sentence(exc))

    # --- checks and saving ----------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.year.currentData() is None:
            found["year"] = "The account owes nothing for any year: there is nothing to write off."
        pence, why = pence_or_reason(self.amount.text())
        if why:
            found["amount"] = why
        elif self.available_pence is not None and pence is not None and pence > self.available_pence:
            found["amount"] = f"The write-off is more than is left to write off for the year ({money(self.available_pence)})."
        chosen = self._chosen()
        if chosen and chosen.evidence and not self.evidence.text().strip():
            found["evidence"] = f"Give the evidence this reason needs: {chosen.evidence}."
        if chosen and chosen.note_required and not self.note.toPlainText().strip():
            found["note"] = "This reason needs a note saying why."
        if len(self.note.toPlainText()) > NOTE_MAX:
            found["note"] = f"The note is longer than {NOTE_MAX} characters."
        return found

    def is_valid(self) -> bool:
        return self.available_pence is not None and super().is_valid()

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        pence, _ = pence_or_reason(self.amount.text())
        year, reason = int(self.year.currentData()), str(self.reason.currentData())
        note, evidence = self.note.toPlainText(), self.evidence.text() if self.evidence.isEnabled() else ""
        return lambda: app.execute(ProposeWriteOff(
            account_ref=ref, financial_year=year, amount_pence=pence or 0, reason=reason, note=note, evidence=evidence,
            as_of=as_of,
        ))
