"""The liability editor through real services on the billed examples (2025/26, as of
01/07/2025): a change is tried first (trial calculation), then saved, and the account's
Transactions and Instalments tabs show the rebill."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.money import fmt
from app.ui.dialogs.liability.discounts_exemptions import AddDiscountDialog
from app.ui.dialogs.liability.move_in import MoveInDialog
from app.ui.dialogs.liability.periods import MoveOutDialog
from app.ui.forms import to_qdate
from app.ui.panes.account_tabs import InstalmentsTab, LiabilityTab, TransactionsTab
from app.ui.widgets import PageScroll
from tests.ui.conftest import open_account


def wait_preview(qtbot: QtBot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.preview_result is not None or dialog.error.isVisibleTo(dialog), timeout=5000)


def test_add_a_single_person_discount_preview_then_save(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000004")  # band E in Abbey Parish with a disabled reduction: £2,152.50
    view = window.accounts.account
    before = view.summary
    assert before is not None
    liability = view.tab(LiabilityTab)
    assert isinstance(liability, LiabilityTab)
    liability.buttons["add_discount"].click()
    dialog = view.dialog
    assert isinstance(dialog, AddDiscountDialog)
    dialog.start.setDate(to_qdate(date(2025, 10, 1)))
    wait_preview(qtbot, dialog)
    change = dialog.preview_result
    assert change is not None and change.preview
    # 1 Oct - 31 Mar = 182 days: 215250 x 182/365 = 107330.14 -> 107330; 25% = 26833
    assert change.results[0].difference_pence == -26833
    assert dialog.preview.figure("before") == "£2,152.50"
    assert dialog.preview.figure("after") == fmt(215250 - 26833)
    assert dialog.preview.figure("difference") == "-£268.33"
    assert dialog.preview.lines_model.rowCount() >= 2  # the days before and after the discount
    assert dialog.preview.plan_model.rowCount() >= 12
    assert window.app.account("70000004", date(2025, 7, 1)).balance_pence == before.balance_pence  # nothing saved

    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    after = view.summary
    assert after is not None and after.balance_pence == before.balance_pence - 26833
    assert "Single person discount from 01/10/2025" in liability.detail("discounts")

    transactions = view.tab(TransactionsTab)
    assert isinstance(transactions, TransactionsTab)
    rows = transactions.model.rows()
    adjustment = next(t for t in rows if t.kind == "adjustment")
    assert adjustment.amount_pence == -26833
    kinds = {transactions.proxy.index(r, transactions.model.COL_TYPE).data() for r in range(transactions.proxy.rowCount())}
    assert "Adjustment (rebill)" in kinds
    assert transactions.allocations_model.rowCount() == 1  # the example payment of £1,000 and its year
    assert transactions.allocations_proxy.index(0, 4).data() == "2025/26 £1,000.00"

    instalments = view.tab(InstalmentsTab)
    assert isinstance(instalments, InstalmentsTab)
    shown = [(r.due, r.amount_pence) for r in instalments.model.rows()]
    assert shown == [(i.due, i.amount_pence) for i in change.results[0].instalments]  # what the trial promised
    assert shown != [(i.due, i.amount_pence) for i in before.years[0].instalments]


def test_move_out_before_move_in_is_refused_as_typed(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000001")
    view = window.accounts.account
    dialog = view.open_change("move_out")
    assert isinstance(dialog, MoveOutDialog)
    dialog.end.setDate(to_qdate(date(2025, 3, 1)))  # liable from 01/04/2025
    assert dialog.end.property("invalid") is True
    assert dialog.end.toolTip() == "The move-out date is before the move-in date (01/04/2025)."
    assert not dialog.save_button.isEnabled()
    assert dialog.preview_result is None and "before the move-in date" in dialog.preview.placeholder.text()

    dialog.end.setDate(to_qdate(date(2025, 6, 16)))
    assert not dialog.end.property("invalid")
    wait_preview(qtbot, dialog)
    assert dialog.preview_result is not None
    assert dialog.preview_result.results[0].charge_pence == 25843  # as the billing service test works out
    assert dialog.save_button.isEnabled()
    dialog.forwarding.setText("  4 New Road, Otherton, OT1 2AB ")  # optional: where the amended notice goes
    assert dialog.request().forwarding_address == "4 New Road, Otherton, OT1 2AB"
    # However tall the form and its trial calculation, the dialog stays on the screen and its
    # page scrolls (issue 16 part 7: Move out ran off the bottom of a 768-pixel screen).
    room = dialog.screen().availableGeometry()
    assert dialog.height() <= room.height() - 40 and dialog.geometry().bottom() <= room.bottom()
    page = dialog.findChild(PageScroll)
    assert page is not None and page.widget().isAncestorOf(dialog.save_button)


def test_a_service_refusal_is_one_sentence_with_its_field_red(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000001")  # already has a single person discount from 01/04/2025
    dialog = window.accounts.account.open_change("add_discount")
    assert isinstance(dialog, AddDiscountDialog)
    dialog.start.setDate(to_qdate(date(2025, 8, 1)))
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert dialog.error.text().startswith("A SPD already applies 01/04/2025 onwards")
    assert dialog.start.property("invalid") is True
    assert not dialog.save_button.isEnabled()
    assert not dialog.reload_button.isVisibleTo(dialog)


def test_move_in_opens_the_new_account(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    dialog = window.move_in()
    assert isinstance(dialog, MoveInDialog)
    assert not dialog.save_button.isEnabled()  # no UPRN, no surname yet
    dialog.uprn.setText("200001000005")  # The Grange, band H, nobody liable
    dialog.surname.setText("Okafor")
    dialog.forenames.setText("Grace")
    dialog.start.setDate(to_qdate(date(2025, 8, 1)))
    wait_preview(qtbot, dialog)
    assert dialog.preview_result is not None and dialog.preview_result.results[0].net_pence > 0
    dialog.save_button.click()
    view = window.accounts.account
    qtbot.waitUntil(lambda: view.summary is not None and view.summary.name.endswith("Okafor"), timeout=10000)
    assert view.summary is not None and view.summary.liable_from == date(2025, 8, 1)
    assert window.accounts.showing_account
