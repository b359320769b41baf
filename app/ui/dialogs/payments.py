"""Taking a payment and asking for a refund, from the account view.

Both check what they can as the officer types (an amount in pounds, a date not in the
future, a reference, an amount within the credit) and leave the final word to the
service: its refusal (a duplicate reference, a role that may not do this, a credit used by
someone else meanwhile) is shown as one sentence with the field it is about in red.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QComboBox, QDialog, QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.errors import ValidationError
from app.services.accounts import AccountSummary
from app.ui.context import UiContext
from app.ui.formatting import error_sentence, money, payment_channel_label, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate, money_edit, pence_or_reason, to_qdate
from app.ui.models.refunds import refund_method_label
from app.ui.signals import emit
from app.ui.style import set_invalid, set_role
from app.ui.widgets import label
from app.ui.workers import TaskHandle


class AccountFormDialog(QDialog):
    """A small form about one account, saved on a worker; the account view reloads after."""

    saved = Signal(object)  # the service's result

    TITLE: ClassVar[str] = ""
    SAVE_TEXT: ClassVar[str] = "Save"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.summary = summary
        self.as_of = ui.today()
        self._handle: TaskHandle | None = None
        self._server_problem: str | None = None
        self.fields: dict[str, QWidget] = {}
        self.result: Any = None
        self.setWindowTitle(self.TITLE)
        self.setMinimumWidth(520)

        self.form = form_layout()
        self.error = label("", "banner-error", wrap=True)
        self.error.setVisible(False)
        self.status = label("", "muted")
        self.save_button = QPushButton(self.SAVE_TEXT)
        set_role(self.save_button, "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)

        card = QFrame()
        set_role(card, "card")
        card_box = QVBoxLayout(card)
        card_box.setContentsMargins(18, 14, 18, 14)
        card_box.addLayout(self.form)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(label(self.TITLE, "page-title"))
        layout.addWidget(label(
            f"Account {summary.account_ref} · {summary.name} · balance {money(summary.balance_pence)}", "muted", wrap=True
        ))
        layout.addWidget(card)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def add_row(self, caption: str, widget: QWidget, field: str) -> None:
        self.form.addRow(caption, widget)
        self.fields[field] = widget
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
        elif hasattr(widget, "dateChanged"):
            widget.dateChanged.connect(self._changed)

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def work(self) -> Callable[[Any], Any]:
        raise NotImplementedError

    @property
    def saving(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def _changed(self, *_args: Any) -> None:
        self._server_problem = None
        self.error.setVisible(False)
        problems = self.problems()
        for field, widget in self.fields.items():
            set_invalid(widget, problems.get(field))
        self._update_buttons()

    def is_valid(self) -> bool:
        return not self.problems() and self._server_problem is None

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self.is_valid() and not self.saving)

    def save(self) -> None:
        if not self.is_valid() or self.saving:
            return
        work = self.work()
        self.status.setText("Saving…")
        self.error.setVisible(False)
        self._handle = self._ui.runner.run(
            lambda _task: work(None), on_success=self._saved, on_failure=self._failed,
            on_finished=self._update_buttons, owner=self, description=self.TITLE,
        )
        self._update_buttons()

    def _saved(self, result: Any) -> None:
        self.result = result
        self.status.setText("Saved.")
        emit(self.saved, result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("Nothing was saved.")
        sentence = error_sentence(exc)
        self.error.setText(sentence)
        self.error.setVisible(True)
        self._server_problem = sentence
        if isinstance(exc, ValidationError) and exc.field in self.fields:
            set_invalid(self.fields[exc.field], sentence)
        self._update_buttons()

    def reject(self) -> None:
        if not self.saving:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:
            event.ignore()
            return
        super().closeEvent(event)


class TakePaymentDialog(AccountFormDialog):
    TITLE = "Take payment"
    SAVE_TEXT = "Take payment"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.amount = money_edit()
        self.amount.setAccessibleName("Amount in pounds")
        if summary.balance_pence > 0:
            self.amount.setPlaceholderText(f"{summary.balance_pence / 100:.2f}")
        self.received = date_edit(self.as_of, accessible="Date received")
        self.received.setMaximumDate(to_qdate(self.as_of))
        self.method = QComboBox()
        for method in ui.desk.payment_methods:
            self.method.addItem(payment_channel_label(method), method)
        self.method.setCurrentIndex(max(0, self.method.findData("card")))
        self.method.setMinimumWidth(220)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Receipt or transaction number")
        self.reference.setFixedWidth(260)
        self.reference.setMaxLength(60)
        self.add_row("Amount (£)", self.amount, "amount")
        self.add_row("Received on", self.received, "received_on")
        self.add_row("Method", self.method, "method")
        self.add_row("Reference", self.reference, "reference")
        self.amount.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        _, reason = pence_or_reason(self.amount.text())
        if reason:
            found["amount"] = reason
        if from_qdate(self.received.date()) > self.as_of:
            found["received_on"] = "The payment date cannot be in the future."
        if not self.reference.text().strip():
            found["reference"] = "A payment reference is required."
        return found

    def work(self) -> Callable[[Any], Any]:
        desk, ref, as_of = self._ui.desk, self.summary.account_ref, self.as_of
        pence, _ = pence_or_reason(self.amount.text())
        received, method, reference = from_qdate(self.received.date()), self.method.currentData(), self.reference.text()
        return lambda _: desk.take_payment(ref, amount_pence=pence or 0, received_on=received, method=method,
                                           reference=reference, as_of=as_of)


class RequestRefundDialog(AccountFormDialog):
    TITLE = "Request refund"
    SAVE_TEXT = "Request refund"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        self.available_pence: int | None = None
        super().__init__(ui, summary, parent)
        self.credit = label("Checking the credit available…", "muted")
        self.amount = money_edit()
        self.amount.setAccessibleName("Refund amount in pounds")
        self.payee = QLineEdit(summary.name)
        self.payee.setFixedWidth(300)
        self.payee.setMaxLength(120)
        self.method = QComboBox()
        for method in ui.desk.refund_methods:
            self.method.addItem(refund_method_label(method), method)
        self.method.setMinimumWidth(220)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. overpaid after moving out")
        self.reason.setFixedWidth(300)
        self.reason.setMaxLength(500)
        self.form.addRow("Credit available", self.credit)
        self.add_row("Amount (£)", self.amount, "amount")
        self.add_row("Pay to", self.payee, "payee")
        self.add_row("Method", self.method, "method")
        self.add_row("Reason", self.reason, "reason")
        self.note = label("A team leader approves the refund before it is paid.", "muted", wrap=True)
        self.form.addRow("", self.note)
        self.amount.setFocus()
        self._changed()
        desk, ref = ui.desk, summary.account_ref
        ui.runner.run(lambda _task: desk.refundable_credit(ref), on_success=self._credit_loaded,
                      on_failure=self._failed, owner=self, description="refundable credit")

    def _credit_loaded(self, pence: int) -> None:
        self.available_pence = pence
        self.credit.setText(money(pence) if pence else "None: the account is not in credit")
        if pence and not self.amount.text():
            self.amount.setText(f"{pence / 100:.2f}")
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        pence, reason = pence_or_reason(self.amount.text())
        if reason:
            found["amount"] = reason
        elif self.available_pence is not None and pence is not None and pence > self.available_pence:
            found["amount"] = f"The refund is more than the credit available to refund ({money(self.available_pence)})."
        if not self.payee.text().strip():
            found["payee"] = "Say who the refund is paid to."
        if not self.reason.text().strip():
            found["reason"] = "A reason for the refund is required."
        return found

    def is_valid(self) -> bool:
        return self.available_pence is not None and super().is_valid()

    def work(self) -> Callable[[Any], Any]:
        desk, ref, as_of = self._ui.desk, self.summary.account_ref, self.as_of
        pence, _ = pence_or_reason(self.amount.text())
        payee, method, reason = self.payee.text(), self.method.currentData(), self.reason.text()
        return lambda _: desk.request_refund(ref, amount_pence=pence or 0, payee=payee, method=method, reason=reason,
                                             as_of=as_of)


def received_text(result: Any) -> str:
    """The status-bar sentence after a payment was taken."""
    return (f"Payment {result.payment_ref} of {money(result.amount_pence)} received {uk_date(result.received_on)} "
            f"taken; the balance is now {money(result.balance_pence)}.")


