"""Issue 16 part 2 on the desktop: after next year's annual billing, a search result and the
account header show the same figure (what is owed now), the header names next year's bill
apart, and search results show the recovery stage and any hold."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.application import Application
from app.billing.requests import RunAnnualBilling
from app.bootstrap import bootstrap
from app.money import fmt
from app.paths import DEFAULT_SETTINGS
from app.ui.models.search_results import SearchResultsModel
from tests.ui.conftest import OpenWindow, open_account

BILLED = date(2027, 3, 10)


def bill_next_year(url: str) -> None:
    ctx = bootstrap(url, str(DEFAULT_SETTINGS), "admin", migrate=False)
    try:
        Application(ctx).execute(RunAnnualBilling(year=2027, as_of=BILLED))
    finally:
        ctx.db.dispose()


def test_search_and_header_agree_and_next_years_bill_is_shown_apart(
    qtbot: QtBot, open_window: OpenWindow, demo_url: str,
) -> None:
    bill_next_year(demo_url)
    window = open_window(demo_url, "admin", today=BILLED)
    search = window.accounts.search
    search.focus_search()
    qtbot.keyClicks(search.box, "smith")
    qtbot.waitUntil(lambda: search.up_to_date and search.model.rowCount() > 0, timeout=5000)
    m = SearchResultsModel
    assert [search.model.headerData(c, Qt.Orientation.Horizontal) for c in (m.COL_BALANCE, m.COL_STAGE, m.COL_HOLD)] == [
        "Owed now", "Recovery stage", "Hold",
    ]
    rows = search.model.rows()
    assert any(r.recovery_stage != "none" for r in window.app.search("a", 200, as_of=BILLED))
    checked = 0
    for row in rows[:5]:
        open_account(qtbot, window, row.account_ref)
        header = window.accounts.account.header
        summary = window.accounts.account.summary
        assert header.balance.text() == fmt(row.balance_pence)  # one figure: search's is the header's
        assert summary is not None and summary.balance_pence == row.balance_pence
        if summary.later_bills:
            checked += 1
            bill = summary.later_bills[0]
            assert header.later_bills.isVisibleTo(header)
            assert header.later_bills.text().startswith(f"2027/28 bill: {fmt(bill.bill_pence)}, first instalment ")
            assert bill.first_due is not None and bill.first_due >= date(2027, 4, 1)
    assert checked
