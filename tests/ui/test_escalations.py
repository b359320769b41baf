"""Notes, diary entries, tracing and escalations from the account's Diary & notes tab, and
the Escalations pane: an officer escalates, a team leader decides (recorded as a note), an
officer's decision is refused in one sentence. Real services on the billed examples."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from app.ui.dialogs.casework import AddDiaryDialog, AddNoteDialog, EscalateDialog, TraceDialog
from app.ui.main_window import MainWindow
from app.ui.panes.casework_tab import DiaryNotesTab
from app.ui.panes.escalations import EscalationsPane
from tests.ui.conftest import EXAMPLE_TODAY, add_users, open_account

TODAY = EXAMPLE_TODAY


def diary_tab(window: MainWindow) -> DiaryNotesTab:
    view = window.accounts.account
    view.show_tab(DiaryNotesTab)
    return view.diary_tab


def escalations(qtbot: QtBot, window: MainWindow) -> EscalationsPane:
    pane = window.show_pane("escalations")
    assert isinstance(pane, EscalationsPane)
    qtbot.waitUntil(lambda: pane.queue is not None and not pane.loading, timeout=5000)
    return pane


def test_notes_diary_entries_and_tracing_from_the_tab(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, "70000002")
    view = window.accounts.account
    tab = diary_tab(window)
    assert "Diary & notes" in view.tab_titles()
    assert tab.diary_empty.isVisibleTo(tab) and tab.notes_empty.isVisibleTo(tab)
    assert not tab.complete_button.isEnabled()

    tab.buttons["add_note"].click()
    note = view.dialog
    assert isinstance(note, AddNoteDialog) and not note.save_button.isEnabled()
    qtbot.keyClicks(note.text, "Called: will pay Friday")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        note.save_button.click()
    assert view.notice.text() == "Note added."
    assert tab.notes_model.rowCount() == 1 and tab.notes_model.row(0).text == "Called: will pay Friday"

    tab.buttons["add_diary"].click()
    add = view.dialog
    assert isinstance(add, AddDiaryDialog)
    add.code.setCurrentIndex(next(i for i in range(add.code.count()) if add.code.itemData(i).code == "VULN"))
    assert add.due.date().toPython() == date(2025, 7, 8)  # the code's default: 7 days
    add.owner.setCurrentIndex(add.owner.findData("olivia"))
    add.note.setPlainText("Review after the call")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        add.save_button.click()
    assert view.notice.text() == "Diary entry VULN added for 08/07/2025."
    assert tab.diary_model.rowCount() == 1 and tab.selected_entry().code == "VULN"  # type: ignore[union-attr]
    assert tab.complete_button.isEnabled()

    tab.buttons["trace"].click()
    trace = view.dialog
    assert isinstance(trace, TraceDialog) and trace.save_button.text() == "Record gone away"
    trace.note.setPlainText("Post returned")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        trace.save_button.click()
    assert view.notice.text() == "Gone away recorded: a TRACE entry is with the tracing team."
    assert {e.code for e in tab.casework.diary} == {"VULN", "TRACE"}  # type: ignore[union-attr]

    tab.buttons["trace"].click()
    traced = view.dialog
    assert isinstance(traced, TraceDialog)
    traced.traced.setChecked(True)
    assert not traced.save_button.isEnabled() and traced.address.property("invalid") is True
    traced.address.setText("4 Mill Lane, Fenby")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        traced.save_button.click()
    states = {(e.code, e.status) for e in tab.casework.diary}  # type: ignore[union-attr]
    assert states == {("VULN", "open"), ("TRACE", "completed"), ("TRACED", "open")}
    assert tab.notes_model.row(0).text == "Traced: new address 4 Mill Lane, Fenby"


def test_officer_escalates_team_leader_decides_and_it_is_noted(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, "70000001")
    view = window.accounts.account
    tab = diary_tab(window)
    tab.buttons["escalate"].click()
    dialog = view.dialog
    assert isinstance(dialog, EscalateDialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("write_off"))
    dialog.amount.setText("12.x")
    assert not dialog.save_button.isEnabled() and dialog.amount.property("invalid") is True
    dialog.amount.setText("150.00")
    assert not dialog.save_button.isEnabled()  # the note is required
    dialog.note.setPlainText("Small balance after death: write off?")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert view.notice.text() == "Escalated to the Recovery team leaders."
    assert tab.escalations_model.rowCount() == 1 and tab.escalations.isVisibleTo(tab)
    assert tab.notes_model.row(0).text == "Escalated to a team leader (write off, £150.00): Small balance after death: write off?"

    # The officer sees what they raised, and cannot decide it.
    pane = escalations(qtbot, window)
    assert pane.model.rowCount() == 1 and pane.counts.text() == "1 escalation   (Write-off 1)"
    pane.buttons["approve"].click()
    assert pane.status.text() == "Write a note giving the reason for the decision."  # checked before asking
    pane.note.setText("Fine by me")
    pane.buttons["approve"].click()
    qtbot.waitUntil(lambda: pane.status.is_error and "team leader" in pane.status.text(), timeout=5000)
    assert pane.status.text() == "olivia is an officer and cannot decide escalations: that needs the team leader role."
    window.close()

    leader = open_examples(billed_url, "tom")
    pane = escalations(qtbot, leader)
    assert pane.model.rowCount() == 1
    assert pane.detail_title.text().startswith("Account 70000001 · Write-off · £150.00 · raised by olivia")
    pane.note.setText("Agreed: write off the £150")
    generation = pane._generation
    pane.buttons["approve"].click()
    qtbot.waitUntil(lambda: pane._generation > generation and not pane.loading, timeout=5000)
    assert pane.status.text() == ("The write-off escalation on account 70000001 is approved; the decision is on the "
                                  "account's notes.")
    assert pane.model.rowCount() == 0 and pane.empty.isVisibleTo(pane)
    notes = leader.app.notes("70000001")
    assert notes[0].text == "Escalation (write off, £150.00) approved by tom: Agreed: write off the £150"
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("approved"))
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and not pane.loading, timeout=5000)
    assert not pane.buttons["approve"].isEnabled()
