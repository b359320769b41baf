"""Payments, refunds and annual billing from the desktop, through real services on the
shared examples (settings for 2025/26)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from app.money import fmt, to_pounds_text
from app.ui.dialogs.payments import RequestRefundDialog, TakePaymentDialog
from app.ui.panes.refunds import RefundApprovalsPane
from app.ui.panes.runs import RunsPane
from tests.ui.conftest import hold_after_first_chunk, open_account


def test_take_payment_changes_the_balance(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    before = view.summary
    assert before is not None
    window.account_actions["take_payment"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, TakePaymentDialog)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.amount, "12.3x")
    assert dialog.amount.property("invalid") is True and "not an amount" in dialog.amount.toolTip()
    dialog.amount.setText("150.00")
    dialog.reference.setText("BK-20250401-0001")  # already used by an example payment
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert dialog.error.text().startswith("Payment reference BK-20250401-0001 is already used")
    assert dialog.reference.property("invalid") is True and not dialog.save_button.isEnabled()

    dialog.reference.setText("CARD-0001")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    after = view.summary
    assert after is not None and after.balance_pence == before.balance_pence - 15000
    assert "CARD-0001" in view.notice.text()


def test_refund_requested_then_approved_by_a_team_leader(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, "clerk")  # a newcomer: an officer
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    assert not view.refund_button.isEnabled()  # not in credit yet
    payment = view.take_payment()
    assert payment is not None
    payment.amount.setText("2,000.00")
    payment.reference.setText("CARD-0002")
    payment.save_button.click()  # more than is owed: the service warns, nothing is taken yet
    qtbot.waitUntil(lambda: payment.credit_warning.isVisibleTo(payment), timeout=10000)
    assert "more than the" in payment.credit_warning.text() and "in credit" in payment.credit_warning.text()
    assert payment.save_button.text() == "Take payment anyway" and payment.isVisible()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        payment.save_button.click()  # the second click takes it
    summary = view.summary
    assert summary is not None and summary.balance_pence < 0 and view.refund_button.isEnabled()
    credit = -summary.balance_pence

    refund = view.request_refund()
    assert isinstance(refund, RequestRefundDialog)
    qtbot.waitUntil(lambda: refund.available_pence is not None, timeout=5000)
    assert refund.available_pence == credit
    refund.amount.setText(f"{(credit + 1) / 100:.2f}")  # a penny more than the credit
    assert refund.amount.property("invalid") is True and "more than the credit" in refund.amount.toolTip()
    assert not refund.save_button.isEnabled()
    refund.amount.setText(f"{credit / 100:.2f}")
    refund.reason.setText("Paid twice")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        refund.save_button.click()
    assert "requested" in view.notice.text()

    pane = window.panes["refunds"]
    assert isinstance(pane, RefundApprovalsPane)
    window.show_pane("refunds")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    pane.approve_button.click()  # an officer may not decide refunds
    qtbot.waitUntil(lambda: pane.status.is_error, timeout=5000)
    assert "team leader" in pane.status.text().lower() or "not allowed" in pane.status.text().lower()

    leader = open_examples(billed_url, "admin")
    lead_pane = leader.panes["refunds"]
    assert isinstance(lead_pane, RefundApprovalsPane)
    leader.show_pane("refunds")
    qtbot.waitUntil(lambda: lead_pane.model.rowCount() == 1, timeout=5000)
    lead_pane.reject_button.click()  # rejecting needs a note
    assert lead_pane.status.is_error and "why" in lead_pane.status.text()
    lead_pane.note.setText("Checked the bank statement")
    lead_pane.approve_button.click()
    qtbot.waitUntil(lambda: "approved" in lead_pane.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: lead_pane.model.rowCount() == 0, timeout=5000)
    assert leader.app.account("70000005", date(2025, 7, 1)).balance_pence == 0


def test_runs_pane_bills_the_year_with_progress_and_a_summary(qtbot: QtBot, open_examples, examples_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(examples_url, today=date(2025, 3, 10))
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    window.show_pane("runs")
    qtbot.waitUntil(lambda: pane.runs_status.text() == "No billing runs yet.", timeout=5000)
    assert pane.year.currentData() == 2025
    pane.run_button.click()
    assert pane.cancel_button.isEnabled() and not pane.run_button.isEnabled()
    qtbot.waitUntil(lambda: not pane.running, timeout=20000)
    assert (pane.progress.value(), pane.progress.maximum()) == (5, 5)
    assert pane.figure("examined") == "5" and pane.figure("charges") == "5" and pane.figure("notices") == "5"
    assert pane.figure("status") == "Completed"
    assert "complete" in pane.status.text()
    qtbot.waitUntil(lambda: pane.runs_model.rowCount() == 1, timeout=5000)
    assert pane.run_button.isEnabled() and not pane.cancel_button.isEnabled()


def test_cancel_a_run_then_resume_it(qtbot: QtBot, open_examples, examples_url: str, monkeypatch: Any) -> None:  # type: ignore[no-untyped-def]
    hold_after_first_chunk(monkeypatch)
    window = open_examples(examples_url, today=date(2025, 3, 10))
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    pane.chunk = 2
    pane.start()
    qtbot.waitUntil(lambda: pane.progress.value() == 2, timeout=10000)
    assert pane.progress.maximum() == 5
    pane.cancel_button.click()
    qtbot.waitUntil(lambda: not pane.running, timeout=10000)
    assert pane.last_summary is not None and pane.last_summary.status == "cancelled"
    assert pane.figure("examined") == "2" and pane.figure("charges") == "2"
    assert "Run it again" in pane.status.text()

    monkeypatch.undo()
    pane.start()
    qtbot.waitUntil(lambda: not pane.running, timeout=20000)
    assert pane.last_summary is not None and pane.last_summary.resumed
    assert pane.figure("examined") == "5" and pane.figure("charges") == "5" and pane.figure("status") == "Completed"
    qtbot.waitUntil(lambda: pane.runs_model.rowCount() == 1, timeout=5000)  # one run, resumed


def test_an_officer_cannot_run_billing_and_is_told_why(qtbot: QtBot, open_examples, examples_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(examples_url, "clerk", today=date(2025, 3, 10))
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    pane.start()
    qtbot.waitUntil(lambda: not pane.running, timeout=10000)
    assert pane.status.is_error and "team leader" in pane.status.text().lower()
    assert pane.run_button.isEnabled()


def test_take_payment_bounds_show_one_sentence(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 part 5 on the desktop: the money field uses the one parser (at most
    £10,000,000, no exponents), the date field stops at the window, and a control character
    in the reference comes back from the application as a sentence on the field."""
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    window.account_actions["take_payment"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, TakePaymentDialog)
    qtbot.keyClicks(dialog.amount, "99999999999")
    assert dialog.amount.property("invalid") is True
    assert dialog.amount.toolTip() == "The amount '99999999999' is over £10,000,000.00, the most one amount may be."
    dialog.amount.setText("1e3")
    assert dialog.amount.property("invalid") is True and "not an amount in pounds" in dialog.amount.toolTip()
    assert dialog.received.minimumDate().year() == 1993 and dialog.received.maximumDate().year() <= date.today().year + 10
    dialog.amount.setText("10.00")
    dialog.reference.setText("CARD-\x1b[31m")
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert dialog.error.text() == "The reference contains a control character (ESC): type it again without it."
    assert dialog.reference.property("invalid") is True


def test_take_payment_refuses_a_decimal_comma_and_asks_twice_for_a_credit(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 part 1: `12,50` is refused with a sentence (it had posted £1,250.00); an amount
    over what is owed is warned about and needs a second click; changing the amount takes
    the confirmation back; nothing is taken until then."""
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    owed = view.summary.balance_pence
    assert owed > 0
    window.account_actions["take_payment"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, TakePaymentDialog)
    qtbot.keyClicks(dialog.amount, "12,50")
    assert dialog.amount.property("invalid") is True and not dialog.save_button.isEnabled()
    assert dialog.amount.toolTip() == ("The amount '12,50' is not an amount in pounds: a comma may only separate "
                                       "thousands (1,250.00); write pence after a point, such as 12.50.")
    assert dialog.amount_reason.isVisibleTo(dialog) and dialog.amount_reason.text() == dialog.amount.toolTip()
    dialog.amount.setText(to_pounds_text(owed + 1000))
    dialog.reference.setText("CARD-OVER")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.credit_warning.isVisibleTo(dialog), timeout=5000)
    assert dialog.credit_warning.text().endswith("check the amount, and if it is right click Take payment anyway.")
    assert f"is £10.00 more than the {fmt(owed)} owed now" in dialog.credit_warning.text()
    assert dialog.save_button.text() == "Take payment anyway" and dialog.save_button.isEnabled()
    assert view.summary.balance_pence == owed  # nothing taken
    dialog.amount.setText(to_pounds_text(owed + 2000))  # another amount: warned about afresh
    assert not dialog.credit_warning.isVisibleTo(dialog) and dialog.save_button.text() == "Take payment"
    dialog.amount.setText(to_pounds_text(owed))  # exactly what is owed: taken at the first click
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert view.summary is not None and view.summary.balance_pence == 0
    assert "nothing is owed now" in view.notice.text()
