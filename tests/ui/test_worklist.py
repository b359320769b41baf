"""Diary work from the desktop, through real services on the billed examples (01/07/2025):
the Worklist pane (my queue / team queue, counts per code, Next, Complete with a next
date, Reschedule, a conflict when someone else completed it first, team leader reassign)
and the account's Diary & notes tab."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from pytestqt.qtbot import QtBot

from app.casework.requests import AddDiaryEntry, CompleteDiaryEntry
from app.ui.dialogs.casework import CompleteDiaryDialog, ReassignDialog, RescheduleDiaryDialog
from app.ui.forms import to_qdate
from app.ui.main_window import MainWindow
from app.ui.panes.casework_tab import DiaryNotesTab
from app.ui.panes.worklist import WorklistPane
from tests.ui.conftest import EXAMPLE_TODAY, add_users, other_application

TODAY = EXAMPLE_TODAY


def worklist(qtbot: QtBot, window: MainWindow, rows: int | None = None) -> WorklistPane:
    pane = window.show_pane("worklist")
    assert isinstance(pane, WorklistPane)
    qtbot.waitUntil(lambda: pane.result is not None and not pane.loading, timeout=5000)
    if rows is not None:
        qtbot.waitUntil(lambda: pane.model.rowCount() == rows, timeout=5000)
    return pane


def reloaded(qtbot: QtBot, pane: WorklistPane, action: Any) -> None:
    generation = pane._generation
    action()
    qtbot.waitUntil(lambda: pane._generation > generation and not pane.loading, timeout=5000)


def code_item(pane: WorklistPane, code: str | None) -> str:
    for row in range(pane.codes.count()):
        item = pane.codes.item(row)
        if item.data(0x0100) == code:  # Qt.UserRole
            return item.text()
    raise AssertionError(f"no {code} in the code list")


def test_next_claims_the_entry_opens_its_diary_and_complete_brings_it_forward(  # type: ignore[no-untyped-def]
    qtbot: QtBot, open_examples, billed_url: str
) -> None:
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    app = window.app
    first = app.execute(AddDiaryEntry(account_ref="70000001", code="CORR", as_of=TODAY, due=TODAY, owner="olivia",
                                      note="Letter of 20 June"))
    app.execute(AddDiaryEntry(account_ref="70000002", code="VULN", as_of=TODAY, owner="olivia"))  # due in 7 days
    pane = worklist(qtbot, window, rows=2)
    assert pane.totals.text() == "2 open · 1 due · 0 overdue"
    assert code_item(pane, None).endswith("2 open · 1 due · 0 overdue")
    assert code_item(pane, "CORR") == "CORR · Correspondence to answer\n1 open · 1 due · 0 overdue"
    assert code_item(pane, "TRACE").endswith("0 open · 0 due · 0 overdue")
    pane.due_only.setChecked(True)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    assert pane.model.row(0).diary_id == first.diary_id

    view = window.accounts.account
    pane.next_button.click()
    qtbot.waitUntil(lambda: view.summary is not None and view.summary.account_ref == "70000001", timeout=5000)
    assert pane.status.text() == "You are working CORR on account 70000001 (due 01/07/2025)."
    tab = view.diary_tab
    assert isinstance(tab, DiaryNotesTab)
    assert view.tabs.currentWidget().widget() is tab  # type: ignore[attr-defined]
    assert tab.highlighted == first.diary_id and tab.selected_entry().diary_id == first.diary_id  # type: ignore[union-attr]
    assert tab.working.isVisibleTo(tab) and "Working CORR · Correspondence to answer, due 01/07/2025" in tab.working.text()
    assert "being worked by olivia" in tab.diary_model.data(tab.diary_model.index(0, 4))

    tab.complete_button.click()
    dialog = view.dialog
    assert isinstance(dialog, CompleteDiaryDialog)
    assert not dialog.save_button.isEnabled() and dialog.note.property("invalid") is True  # B/F: a note is needed
    qtbot.keyClicks(dialog.note, "Answered the letter")
    assert dialog.save_button.isEnabled()
    dialog.next_date.check.setChecked(True)
    dialog.next_date.edit.setDate(to_qdate(TODAY))
    assert not dialog.save_button.isEnabled()  # the next date must be after today
    dialog.next_date.edit.setDate(to_qdate(date(2025, 7, 15)))
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert view.notice.text() == "CORR completed; brought forward to 15/07/2025."
    entries = tab.casework.diary  # type: ignore[union-attr]
    assert [(e.code, e.status, e.due) for e in entries] == [
        ("CORR", "open", date(2025, 7, 15)), ("CORR", "completed", TODAY)]
    assert entries[0].note == "B/F from 01/07/2025: Answered the letter" and entries[0].owner == "olivia"
    assert entries[1].completion_note == "Answered the letter"

    pane = worklist(qtbot, window)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=5000)  # due only: nothing due now
    assert "Nothing open" in pane.empty.text()
    pane.next_button.click()
    qtbot.waitUntil(lambda: "no next entry" in pane.status.text(), timeout=5000)


def test_completing_an_entry_someone_else_completed_says_who(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    entry = window.app.execute(AddDiaryEntry(account_ref="70000003", code="ARRCHK", as_of=TODAY, due=TODAY))  # the Recovery queue
    pane = worklist(qtbot, window, rows=0)
    pane.set_scope("team")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    assert pane.model.data(pane.model.index(0, 6)) == "Recovery queue"
    pane.table.selectRow(0)
    dialog = pane.complete_selected()
    assert isinstance(dialog, CompleteDiaryDialog)
    dialog.note.setPlainText("Called the taxpayer")

    oscar = other_application(billed_url, "oscar")
    try:
        oscar.execute(CompleteDiaryEntry(diary_id=entry.diary_id, note="Wrote to them", as_of=TODAY))
    finally:
        oscar.close()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert re.fullmatch(r"The ARRCHK diary entry on account 70000003 was already completed by oscar on "
                        r"\d\d/\d\d/\d{4}\.", dialog.error.text())
    assert dialog.isVisible() and dialog.note.toPlainText() == "Called the taxpayer"  # nothing typed is lost
    assert not dialog.save_button.isEnabled()
    dialog.reject()
    reloaded(qtbot, pane, pane.load)
    assert pane.model.rowCount() == 0


def test_reschedule_needs_a_note_and_moves_the_date(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    window.app.execute(AddDiaryEntry(account_ref="70000004", code="CORR", as_of=TODAY, due=TODAY, owner="olivia"))
    pane = worklist(qtbot, window, rows=1)
    pane.table.selectRow(0)
    dialog = pane.reschedule_selected()
    assert isinstance(dialog, RescheduleDiaryDialog)
    dialog.due.setDate(to_qdate(date(2025, 8, 1)))
    assert not dialog.save_button.isEnabled()
    dialog.note.setPlainText("On holiday")
    reloaded(qtbot, pane, dialog.save_button.click)
    assert pane.status.text() == "CORR on account 70000004 moved to 01/08/2025."
    assert pane.model.data(pane.model.index(0, 0)) == "01/08/2025"
    notes = window.app.notes("70000004")
    assert notes[0].text == "Diary CORR moved from 2025-07-01 to 2025-08-01: On holiday"


def test_team_leader_sorts_the_team_queue_and_reassigns_in_bulk(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "tom")
    app = window.app
    for n, ref in enumerate(("70000001", "70000002", "70000003")):
        app.execute(AddDiaryEntry(account_ref=ref, code="ARRCHK", as_of=TODAY, due=TODAY + timedelta(days=n)))
    pane = worklist(qtbot, window, rows=0)
    assert pane.reassign_button.isVisible() or pane.reassign_button.isVisibleTo(pane)
    pane.set_scope("team")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 3, timeout=5000)
    assert [pane.model.row(r).account_ref for r in range(3)] == ["70000001", "70000002", "70000003"]
    balances = [pane.model.row(r).balance_pence for r in range(3)]
    reloaded(qtbot, pane, lambda: pane.table.horizontalHeader().sectionClicked.emit(4))  # Balance: the server sorts
    assert pane.sort.currentData() == "balance"
    assert [pane.model.row(r).balance_pence for r in range(3)] == sorted(balances, reverse=True)

    pane.table.selectAll()
    assert pane.reassign_button.isEnabled() and pane.reassign_button.text() == "Reassign 3…"
    dialog = pane.reassign_selected()
    assert isinstance(dialog, ReassignDialog)
    dialog.owner.setCurrentIndex(dialog.owner.findData("olivia"))
    reloaded(qtbot, pane, dialog.save_button.click)
    assert pane.status.text() == "3 diary entries reassigned."
    assert {pane.model.row(r).owner for r in range(3)} == {"olivia"}
    olivia = other_application(billed_url, "olivia")
    try:
        assert olivia.worklist(as_of=TODAY, mine=True).total == 3
    finally:
        olivia.close()


def test_officers_are_not_offered_reassign(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    pane = worklist(qtbot, window, rows=0)
    assert not pane.reassign_button.isVisibleTo(pane)
    assert "all" not in pane.scope_buttons


def test_a_reload_keeps_the_rows_selected(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    for ref in ("70000001", "70000002", "70000003"):
        window.app.execute(AddDiaryEntry(account_ref=ref, code="CORR", as_of=TODAY, owner="olivia"))
    pane = worklist(qtbot, window, rows=3)
    pane.table.selectAll()
    reloaded(qtbot, pane, pane.load)
    assert len(pane.selected_rows()) == 3 and not pane.complete_button.isEnabled()
    pane.table.selectRow(1)
    reloaded(qtbot, pane, pane.load)
    assert [r.account_ref for r in pane.selected_rows()] == [pane.model.row(1).account_ref]
    assert pane.complete_button.isEnabled()
