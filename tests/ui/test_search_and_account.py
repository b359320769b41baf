"""The officer's main path through real services on a demo database: type a surname,
see results as you type, open an account with the keyboard, read the header and tabs,
go back with Esc."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.accounts.search import SearchResult
from app.application import Application
from app.bootstrap import AppContext, bootstrap
from app.errors import DatabaseUnavailable
from app.money import fmt
from app.paths import DEFAULT_SETTINGS
from app.ui.main_window import MainWindow
from app.ui.panes.account_tabs import InstalmentsTab, LiabilityTab, TransactionsTab
from app.ui.panes.search import SearchPane
from app.ui.widgets import ROW_HEIGHT
from tests.ui.conftest import AS_OF, account_refs

MONEY = re.compile(r"^-?£\d{1,3}(,\d{3})*\.\d\d$")


def type_search(qtbot: QtBot, search: SearchPane, text: str) -> None:
    search.focus_search()
    qtbot.keyClicks(search.box, text)
    qtbot.waitUntil(lambda: search.up_to_date, timeout=5000)


def surname_in_demo(app: Application) -> str:
    """A surname the demo data certainly has: the lead name of an account found by 'a'."""
    for probe in ("smith", "jones", "wilson", "taylor", "brown", "a"):
        hits = app.search(probe, 5, as_of=AS_OF)
        if hits:
            return hits[0].name.split()[-1]
    raise AssertionError("the demo database has no accounts")


def test_window_shows_authority_user_role_and_only_existing_panes(window: MainWindow) -> None:
    assert window.windowTitle() == "Revenues Desk — Example District Council"
    # Help > About names the product and the installed distribution's version (revenues-desk)
    from importlib.metadata import version

    assert f"<h3>Revenues Desk {version('revenues-desk')}</h3>" in window.about_text()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Accounts", "Worklist", "Escalations", "Runs", "Refund approvals", "Hearings", "Write-off approvals", "Sync conflicts",
    ]
    assert window.db_label.text() == "Embedded database: demo.db"
    assert window.user_label.text() == "officer1 · Officer"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert not window.back_action.isEnabled()  # nothing to go back from yet
    assert window.demo_dialog is None  # the database has accounts: no demo offer
    assert window.accounts.search.box.hasFocus()


def test_type_a_surname_and_open_the_account_with_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    search = window.accounts.search
    surname = surname_in_demo(window.app)
    type_search(qtbot, search, surname.lower())
    rows: list[SearchResult] = search.model.rows()
    assert rows, "no results for a surname the database has"
    assert all(surname.lower() in (r.name + " " + r.address).lower() for r in rows)
    assert search.status.text() == ("1 result" if len(rows) == 1 else f"{len(rows)} results")
    assert search.table.currentIndex().row() == 0  # the row Enter opens is highlighted
    assert MONEY.match(search.proxy.index(0, search.model.COL_BALANCE).data())

    qtbot.keyClick(search.box, Qt.Key.Key_Down)
    qtbot.waitUntil(search.table.hasFocus, timeout=2000)
    chosen = search.selected_result()
    assert chosen is not None
    qtbot.keyClick(search.table, Qt.Key.Key_Return)

    view = window.accounts.account
    qtbot.waitUntil(lambda: view.summary is not None, timeout=5000)
    expected = window.app.account(chosen.account_ref, AS_OF)
    header = view.header
    assert header.reference.text() == f"Account {chosen.account_ref}"
    assert header.name.text() == expected.name == chosen.name
    assert header.balance.text() == fmt(expected.balance_pence)
    assert MONEY.match(header.balance.text())
    assert expected.postcode in header.address.text()
    assert header.band.text() == expected.band
    assert view.tab_titles() == [
        "Liability", "Transactions", "Instalments", "Recovery", "Arrangement", "Diary & notes", "Documents", "Timeline",
    ]
    assert window.back_action.isEnabled()

    qtbot.keyClick(view.tabs, Qt.Key.Key_Escape)
    assert not window.accounts.showing_account
    assert search.box.hasFocus() and search.box.selectedText() == surname.lower()
    assert search.model.rows() == rows  # the same list, ready to open the next one


def test_enter_in_the_box_opens_the_best_match_when_results_arrive(
    qtbot: QtBot, window: MainWindow, demo_url: str
) -> None:
    ref = account_refs(demo_url)[7]
    search = window.accounts.search
    search.focus_search()
    qtbot.keyClicks(search.box, ref)
    qtbot.keyClick(search.box, Qt.Key.Key_Return)  # before the debounce has even fired
    view = window.accounts.account
    qtbot.waitUntil(lambda: view.summary is not None, timeout=5000)
    assert view.summary is not None and view.summary.account_ref == ref


def test_no_match_says_so(qtbot: QtBot, window: MainWindow) -> None:
    search = window.accounts.search
    type_search(qtbot, search, "qqzzxv")
    assert search.model.rowCount() == 0
    assert search.status.text() == "No accounts match “qqzzxv”."
    assert not search.status.is_error


def test_joint_names_hold_banner_and_tabs_show_real_data(qtbot: QtBot, window: MainWindow, demo_url: str) -> None:
    held = account_refs(demo_url, held=True)
    joint = account_refs(demo_url, joint=True)
    ref = next((r for r in held if r in joint), held[0])
    window.accounts.open_account(ref)
    view = window.accounts.account
    qtbot.waitUntil(lambda: view.summary is not None, timeout=5000)
    summary = window.app.account(ref, AS_OF)

    if summary.joint_names:
        assert view.header.joint.text() == "Jointly liable with " + ", ".join(summary.joint_names)
    banners = view.header.hold_banners()
    assert len(banners) == len(summary.recovery.holds) >= 1
    assert summary.recovery.holds[0].kind.replace("_", " ") in banners[0].text().lower()
    if summary.recovery.stage != "none":
        assert view.header.stage.chip.isVisibleTo(view.header)

    liability = view.tab(LiabilityTab)
    assert isinstance(liability, LiabilityTab)
    assert liability.periods_model.rowCount() == len(summary.periods)
    assert liability.detail("uprn") == summary.periods[-1].property_uprn
    assert liability.years_model.rowCount() == len(summary.years)

    transactions = view.tab(TransactionsTab)
    assert isinstance(transactions, TransactionsTab)
    assert transactions.model.rowCount() == len(summary.transactions)
    newest = transactions.proxy.row_at(0)
    assert newest.date == max(t.date for t in summary.transactions)
    transactions.year.setCurrentIndex(1)  # the latest year only
    assert transactions.proxy.rowCount() == sum(1 for t in summary.transactions if t.year == summary.years[0].year)

    # Ledger and payments are two views with the tab's whole height (issue 16 part 7: at
    # 1280x800 the two tables one above the other showed two or three rows each).
    window.resize(1280, 800)
    view.show_tab(TransactionsTab)
    qtbot.waitUntil(lambda: transactions.table.isVisible())
    assert transactions.table.height() >= 8 * ROW_HEIGHT and not transactions.allocations.isVisible()
    transactions.show_view(TransactionsTab.PAYMENTS)
    qtbot.waitUntil(lambda: transactions.allocations.isVisible())
    assert transactions.allocations.height() >= 7 * ROW_HEIGHT and not transactions.year.isVisible()
    assert transactions.count.text().endswith("payments") or transactions.count.text().endswith("payment")
    transactions.show_view(TransactionsTab.LEDGER)

    instalments = view.tab(InstalmentsTab)
    assert isinstance(instalments, InstalmentsTab)
    year = next(y for y in summary.years if y.instalments)
    assert instalments.year.currentData() == year.year
    assert instalments.model.rowCount() == len(year.instalments)
    assert instalments.proxy.index(0, 2).data() == fmt(year.instalments[0].amount_pence)


def test_ctrl_f_from_an_account_goes_back_to_the_search_box(qtbot: QtBot, window: MainWindow, demo_url: str) -> None:
    ref = account_refs(demo_url)[0]
    window.accounts.open_account(ref)
    qtbot.waitUntil(lambda: window.accounts.account.summary is not None, timeout=5000)
    qtbot.keyClick(window.accounts.account.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert not window.accounts.showing_account
    assert window.accounts.search.box.hasFocus()
    # The Ctrl release went to the account view, hidden by the shortcut, so Qt still
    # believes Ctrl is held: let go of it where the focus is now.
    qtbot.keyRelease(window.accounts.search.box, Qt.Key.Key_Control)


def test_unknown_account_is_one_sentence_not_a_stale_account(qtbot: QtBot, window: MainWindow) -> None:
    view = window.accounts.account
    with qtbot.waitSignal(view.failed, timeout=5000) as blocker:
        window.accounts.open_account("999999999")
    assert blocker.args == ["There is no account with reference 999999999."]
    assert view.summary is None
    assert view.message.is_error


class SlowFirstApplication(Application):
    """The first search is slow: its answer arrives after a newer one."""

    def search(self, text: str, limit: int = 50, *, as_of: date) -> list[SearchResult]:
        if text == "a":
            time.sleep(0.8)
        return super().search(text, limit, as_of=as_of)


class BrokenApplication(Application):
    def search(self, text: str, limit: int = 50, *, as_of: date) -> list[SearchResult]:
        raise DatabaseUnavailable("Cannot reach the database at demo.db: disk I/O error.")


@pytest.fixture
def officer_ctx(demo_url: str) -> Iterator[AppContext]:
    context = bootstrap(demo_url, str(DEFAULT_SETTINGS), "officer1")
    yield context
    context.db.dispose()


def test_a_stale_search_never_overwrites_a_newer_one(qtbot: QtBot, window: MainWindow, officer_ctx: AppContext) -> None:
    slow = MainWindow(SlowFirstApplication(officer_ctx), today=lambda: AS_OF)
    qtbot.addWidget(slow)
    search = slow.accounts.search
    search.box.setText("a")
    qtbot.waitUntil(lambda: slow.runner.busy, timeout=2000)  # the slow search is running
    surname = surname_in_demo(window.app)
    search.box.setText(surname)
    qtbot.waitUntil(lambda: search.up_to_date, timeout=5000)
    newer = search.model.rows()
    qtbot.waitUntil(lambda: not slow.runner.busy, timeout=5000)  # the slow answer came back...
    assert search.model.rows() == newer  # ...and was dropped
    assert all(surname.lower() in (r.name + " " + r.address).lower() for r in newer)


def test_a_failed_search_is_one_clear_sentence(qtbot: QtBot, officer_ctx: AppContext) -> None:
    broken = MainWindow(BrokenApplication(officer_ctx), today=lambda: AS_OF)
    qtbot.addWidget(broken)
    search = broken.accounts.search
    search.box.setText("smith")
    qtbot.waitUntil(lambda: search.status.is_error, timeout=5000)
    assert search.status.text() == "Cannot reach the database at demo.db: disk I/O error."
    qtbot.waitUntil(lambda: not broken.runner.busy, timeout=5000)
