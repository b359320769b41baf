"""Issue 16 part 3 on the desktop: the account's Timeline tab lists everything recorded,
newest first, filters by kind and by words, and each row opens what it refers to (its tab,
or the letter itself, through the same service the command line's `document show` uses)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.accounts.timeline import TimelineKind
from app.casework.requests import AddDiaryEntry
from app.ui.panes.account_tabs import RecoveryTab, TransactionsTab
from app.ui.panes.casework_tab import DiaryNotesTab
from app.ui.panes.timeline_tab import TimelineTab
from tests.ui.conftest import EXAMPLE_TODAY, open_account


def test_timeline_filters_and_opens_what_a_row_refers_to(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    open_account(qtbot, window, "70000001")
    view = window.accounts.account
    assert view.tab_titles()[-1] == "Timeline"
    view.show_tab(TimelineTab)
    tab = view.timeline_tab
    everything = tab.visible_entries()
    assert everything and [e.on for e in everything] == sorted((e.on for e in everything), reverse=True)
    assert {TimelineKind.BILL, TimelineKind.LETTER, TimelineKind.PAYMENT} <= {e.kind for e in everything}
    assert tab.count.text() == f"{len(everything)} entries"

    tab.set_filter("Letters")
    letters = tab.visible_entries()
    assert letters and all(e.kind == TimelineKind.LETTER for e in letters)
    assert tab.count.text().endswith(f"of {len(everything)}")
    opened: list[Path] = []
    view.open_file = lambda path: opened.append(path) or True
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter opens the letter as it was sent
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened[0].suffix == ".docx" and opened[0].read_bytes()[:2] == b"PK"
    assert opened[0].name == letters[0].detail and view.notice.text() == f"Opened {opened[0].name}."

    tab.set_filter("Everything")
    qtbot.keyClicks(tab.words, "payment")
    payments = tab.visible_entries()
    assert payments and all("payment" in f"{e.title} {e.detail}".casefold() for e in payments)
    tab.open_requested.emit(payments[0])
    assert isinstance(view.tabs.currentWidget().widget(), TransactionsTab)
    (bill, *_) = [e for e in everything if e.kind == TimelineKind.BILL]
    view.open_timeline_entry(replace(bill, opens="recovery"))  # each kind of row opens its own tab
    assert isinstance(view.tabs.currentWidget().widget(), RecoveryTab)


def test_a_diary_row_opens_the_diary_tab_at_that_entry(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url)
    entry = window.app.execute(AddDiaryEntry(account_ref="70000001", code="CORR", as_of=EXAMPLE_TODAY,
                                             note="Ring back about the band"))
    window.app.execute(AddDiaryEntry(account_ref="70000001", code="VULN", as_of=EXAMPLE_TODAY))
    open_account(qtbot, window, "70000001")
    view = window.accounts.account
    (row,) = [e for e in view.timeline_tab.model.rows() if e.ref_id == str(entry.diary_id)]
    assert (row.kind, row.detail) == (TimelineKind.DIARY, "Ring back about the band")
    view.open_timeline_entry(row)
    assert isinstance(view.tabs.currentWidget().widget(), DiaryNotesTab)
    selected = view.diary_tab.selected_entry()
    assert selected is not None and selected.diary_id == entry.diary_id
