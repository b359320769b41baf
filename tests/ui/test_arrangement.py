"""The Arrangement tab (the planner) through real services on the billed examples
(01/07/2025): a live plan as the officer types, affordability from an income and
expenditure statement, warnings that must be confirmed, agreeing it (the account goes on
hold and the header shows it), then cancelling it."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.ui.dialogs.casework import CancelArrangementDialog
from app.ui.forms import to_qdate
from app.ui.main_window import MainWindow
from app.ui.panes.arrangement_tab import ArrangementTab
from tests.ui.conftest import EXAMPLE_TODAY, add_users, open_account

TODAY = EXAMPLE_TODAY


def planner(window: MainWindow) -> ArrangementTab:
    view = window.accounts.account
    view.show_tab(ArrangementTab)
    return view.arrangement_tab


def planned(qtbot: QtBot, tab: ArrangementTab) -> None:
    qtbot.waitUntil(lambda: not tab.planning and (tab.plan is not None or tab.error.isVisibleTo(tab)), timeout=5000)


def test_plan_confirm_warnings_agree_then_cancel(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, "70000001")
    view = window.accounts.account
    tab = planner(window)
    balance = view.summary.balance_pence  # type: ignore[union-attr]
    assert balance > 0 and tab.owed.text() == view.header.balance.text()
    assert not tab.live_card.isVisibleTo(tab) and tab.planner.isVisibleTo(tab)

    tab.start.setDate(to_qdate(TODAY))
    tab.end.setDate(to_qdate(date(2026, 2, 1)))
    planned(qtbot, tab)
    plan = tab.plan
    assert plan is not None and plan.balance_pence == balance and len(plan.instalments) == 8
    assert plan.clears_by == date(2026, 2, 1) and not plan.warnings
    assert tab.headline.text().startswith("8 payments monthly of £") and "by 01/02/2026" in tab.headline.text()
    assert tab.plan_model.rowCount() == 8 and tab.plan_model.row(7).left_pence == 0
    assert tab.save_button.isEnabled() and not tab.confirm.isVisibleTo(tab)

    # The taxpayer offers £20 a month and says what comes in and goes out: not cleared by the
    # year end, and more than is left over: both warnings must be confirmed.
    qtbot.keyClicks(tab.amount, "x")
    assert tab.by_amount.isChecked() and tab.amount.property("invalid") is True and not tab.save_button.isEnabled()
    tab.amount.setText("20.00")
    tab.statement.setChecked(True)
    tab.statement_fields[("income", "benefits")].setText("900")
    tab.statement_fields[("fixed_costs", "housing")].setText("600")
    tab.statement_fields[("flexible_costs", "food_and_housekeeping")].setText("290")
    planned(qtbot, tab)
    plan = tab.plan
    assert plan is not None and plan.affordability is not None
    assert plan.affordability.surplus_per_payment_pence == 1000
    assert "Left over: £10.00 a month, £10.00 per payment (£20.00 asked)." in tab.left_over.text()
    assert {w.code for w in plan.warnings} == {"not_cleared_by_year_end", "exceeds_surplus"}
    assert "more than is left over" in tab.warnings.text()
    assert tab.confirm.isVisibleTo(tab) and not tab.save_button.isEnabled()

    tab.amount.setText("250.00")
    tab.statement_fields[("income", "earnings")].setText("400")
    planned(qtbot, tab)
    assert tab.plan is not None and [w.code for w in tab.plan.warnings] == []
    assert tab.save_button.isEnabled()
    tab.amount.setText("100.00")
    planned(qtbot, tab)
    assert tab.plan is not None and [w.code for w in tab.plan.warnings] == ["not_cleared_by_year_end"]
    assert not tab.save_button.isEnabled()
    tab.confirm.setChecked(True)
    assert tab.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        tab.save_button.click()
    assert view.notice.text().startswith("Arrangement agreed: ") and "recovery is on hold" in view.notice.text()
    banners = [b.text() for b in view.header.hold_banners()]
    assert any("On hold — Arrangement since 01/07/2025" in text for text in banners), banners
    assert tab.live_card.isVisibleTo(tab) and not tab.planner.isVisibleTo(tab)
    assert tab.live_title.text() == "Live arrangement" and tab.lines_model.rowCount() == len(tab.arrangement.instalments)  # type: ignore[union-attr]

    tab.cancel_button.click()
    dialog = view.dialog
    assert isinstance(dialog, CancelArrangementDialog) and not dialog.save_button.isEnabled()
    dialog.reason.setText("Paying in full by card")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert view.notice.text() == "Arrangement cancelled: the recovery hold is lifted."
    assert tab.live_title.text() == "Cancelled arrangement" and tab.planner.isVisibleTo(tab)
    assert not any("Arrangement" in b.text() for b in view.header.hold_banners())
