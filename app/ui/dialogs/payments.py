"""Taking a payment and asking for a refund, from the account view.

Both check what they can as the officer types (an amount in pounds, a date not in the
future, a reference, an amount within the credit) and leave the final word to the
service: its refusal (a duplicate reference, a role that may not do this, a credit used by
someone else meanwhile) is shown as one sentence with the field it is about in red.

A payment of more than is owed now is the service's to judge too (it knows the balance at
the moment of posting): its warning is shown in an amber banner and the button asks for a
second click, which posts the same amount with the credit confirmed. Changing the amount
takes the confirmation back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from app.accounts.summary import AccountSummary
from app.money import to_pounds_text
from app.payments.posting import CreditNotConfirmed
from app.payments.requests import PostPayment, RequestRefund
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import AccountFormDialog
from app.ui.formatting import money, payment_channel_label, uk_date
from app.ui.forms import date_edit, from_qdate, money_edit, pence_or_reason, to_qdate
from app.ui.models.refunds import refund_method_label
from app.ui.widgets import label


class TakePaymentDialog(AccountFormDialog):
    TITLE = "Take payment"
    SAVE_TEXT = "Take payment"
    CONFIRM_TEXT = "Take payment anyway"  # the second click, after the service warned the amount is more than owed

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.amount = money_edit()
        self.amount.setAccessibleName("Amount in pounds")
        if summary.balance_pence > 0:
            self.amount.setPlaceholderText(to_pounds_text(summary.balance_pence))
        self.received = date_edit(self.as_of, accessible="Date received")
        self.received.setMaximumDate(to_qdate(self.as_of))
        self.method = QComboBox()
        for method in ui.app.payment_methods:
            self.method.addItem(payment_channel_label(method), method)
        self.method.setCurrentIndex(max(0, self.method.findData("card")))
        self.method.setMinimumWidth(220)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Receipt or transaction number")
        self.reference.setFixedWidth(260)
        self.reference.setMaxLength(60)
        self.add_row("Amount (£)", self.amount, "amount")
        # Why the amount cannot be read ("12,50"), in words under the field, not only in its tooltip.
        self.amount_reason = label("", "caption", wrap=True)
        self.amount_reason.setVisible(False)
        self.form.addRow("", self.amount_reason)
        self.add_row("Received on", self.received, "received_on")
        self.add_row("Method", self.method, "method")
        self.add_row("Reference", self.reference, "reference")
        self.credit_warning = label("", "banner-warning", wrap=True)
        self.credit_warning.setVisible(False)
        self.page.insertWidget(self.page.indexOf(self.error) + 1, self.credit_warning)
        self._confirmed_pence: int | None = None  # the amount the officer has been warned about and may confirm
        self.amount.textChanged.connect(self._amount_changed)
        self.amount.setFocus()
        self._changed()

    def _amount_changed(self, *_args: Any) -> None:
        reason = pence_or_reason(self.amount.text())[1] if self.amount.text().strip() else None
        self.amount_reason.setText(reason or "")
        if self.amount_reason.isVisibleTo(self) != bool(reason):
            self.amount_reason.setVisible(bool(reason))
            self.adjustSize()
        if self._confirmed_pence is not None and pence_or_reason(self.amount.text())[0] != self._confirmed_pence:
            self._confirmed_pence = None
            self.credit_warning.setVisible(False)
            self.save_button.setText(self.SAVE_TEXT)
            self.adjustSize()

    def show_error(self, exc: BaseException) -> None:
        """More than is owed: warn and arm the second click (nothing was written)."""
        if not isinstance(exc, CreditNotConfirmed):
            super().show_error(exc)
            return
        self._confirmed_pence = pence_or_reason(self.amount.text())[0]
        self.credit_warning.setText(exc.asking(f"click {self.CONFIRM_TEXT}"))
        self.credit_warning.setVisible(True)
        self.status.setText("Not taken yet.")
        self.save_button.setText(self.CONFIRM_TEXT)
        self.adjustSize()  # room for the warning: never squash the form

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

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        pence, _ = pence_or_reason(self.amount.text())
        received, method, reference = from_qdate(self.received.date()), self.method.currentData(), self.reference.text()
        confirmed = pence is not None and pence == self._confirmed_pence
        return lambda: app.execute(PostPayment(account_ref=ref, amount_pence=pence or 0, received_on=received,
                                               method=method, reference=reference, as_of=as_of,
                                               confirm_credit=confirmed))


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
        for method in ui.app.refund_methods:
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
        app, ref = ui.app, summary.account_ref
        ui.runner.run(lambda _task: app.refundable_credit(ref), on_success=self._credit_loaded,
                      on_failure=self._failed, owner=self, description="refundable credit")

    def _credit_loaded(self, pence: int) -> None:
        self.available_pence = pence
        self.credit.setText(money(pence) if pence else "None: the account is not in credit")
        if pence and not self.amount.text():
            self.amount.setText(to_pounds_text(pence))
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

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        pence, _ = pence_or_reason(self.amount.text())
        payee, method, reason = self.payee.text(), self.method.currentData(), self.reason.text()
        return lambda: app.execute(RequestRefund(account_ref=ref, amount_pence=pence or 0, payee=payee, method=method,
                                                       reason=reason, as_of=as_of))


def received_text(result: Any) -> str:
    """The status-bar sentence after a payment was taken: what is owed now, as the header
    shows it, with bills not yet due named apart."""
    owed = result.balance_pence
    now = (f"{money(owed)} is owed now" if owed > 0 else f"the account is {money(-owed)} in credit" if owed < 0
           else "nothing is owed now")
    later = f" ({money(result.later_bills_pence)} of bills not yet due)" if result.later_bills_pence else ""
    return (f"Payment {result.payment_ref} of {money(result.amount_pence)} received {uk_date(result.received_on)} "
            f"taken; {now}{later}.")


