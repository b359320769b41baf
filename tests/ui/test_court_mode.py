"""Desktop court mode: the Hearings pane packs the list for court; File ▸ Open court pack…
moves the window onto the pack with a banner saying so; outcomes recorded there are
journaled one account at a time; a file that is not a pack is refused in one sentence."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.application import Application
from app.court.hearings import OutcomeResult
from app.court.requests import MakePack, RecordOutcome
from app.recovery.requests import RunRecovery
from app.ui.dialogs.edit_conflict import EditOutcomeDialog
from app.ui.panes.account_tabs import RecoveryTab
from app.ui.panes.hearings import HearingsPane
from app.ui.panes.sync_conflicts import SyncConflictsPane

HEARING = date(2025, 7, 15)


def _hearings(window: Any) -> HearingsPane:
    pane = window.panes["hearings"]
    assert isinstance(pane, HearingsPane)
    return pane


def test_pack_open_in_court_mode_and_record(qtbot: QtBot, open_examples, billed_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_examples(billed_url, today=HEARING)
    window.app.execute(RunRecovery(as_of=date(2025, 5, 8)))
    window.app.execute(RunRecovery(as_of=date(2025, 5, 22)))  # 70000002 and 70000005 summonsed for HEARING
    pane = _hearings(window)
    window.show_pane("hearings")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10000)
    assert pane.pack_button.isVisible() and not window.court_banner.isVisible()
    pack = tmp_path / "hearing.pack"
    pane.pack(str(pack))
    qtbot.waitUntil(lambda: pane.status.text().startswith("Packed 2 accounts into"), timeout=20000)
    assert pack.is_file() and "at court until 22/07/2025" in pane.status.text()
    qtbot.waitUntil(lambda: "packed: at court until 22/07/2025" in pane.totals.text(), timeout=10000)  # the office's warning

    assert window.open_court_pack(str(pack))
    assert window.app.in_court_mode
    assert window.court_banner.isVisible()
    assert window.court_banner.text().startswith("Court mode — hearing on 15/07/2025: 2 accounts packed by admin.")
    court = _hearings(window)
    qtbot.waitUntil(lambda: court.model.rowCount() == 2, timeout=10000)
    assert court.hearing_date == HEARING and not court.pack_button.isVisible()
    court.table.selectAll()
    court.adjourn_button.click()  # several accounts: one journaled request each
    qtbot.waitUntil(lambda: court.status.text().startswith("Adjourned: 2 accounts recorded"), timeout=20000)
    assert [(e.seq, e.command) for e in window.app.court_journal()] == [(1, "court.record_outcome"),
                                                                         (2, "court.record_outcome")]
    window.show_court_banner()
    assert "(2 entries so far)" in window.court_banner.text()
    if os.environ.get("REVDESK_SCREENSHOTS"):
        window.grab().save(os.environ["REVDESK_SCREENSHOTS"])

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    assert not window.open_court_pack(str(tmp_path / "missing.pack"))
    assert warned == [f"There is no court pack at {tmp_path / 'missing.pack'}."]
    assert window.app.in_court_mode  # still on the pack


def test_a_team_leader_decides_sync_conflicts(qtbot: QtBot, open_examples, billed_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=HEARING)
    window.app.execute(RunRecovery(as_of=date(2025, 5, 8)))
    window.app.execute(RunRecovery(as_of=date(2025, 5, 22)))
    pack = tmp_path / "hearing.pack"
    window.app.execute(MakePack(hearing_date=HEARING, out=str(pack), as_of=HEARING))
    court = Application.court_mode(pack, window.app.settings, window.app.actor.username)
    try:
        for ref in ("70000002", "70000005"):
            court.execute(RecordOutcome(account_ref=ref, hearing_date=HEARING, outcome="granted", as_of=HEARING))
    finally:
        court.close()
    for ref in ("70000002", "70000005"):
        window.app.execute(RecordOutcome(account_ref=ref, hearing_date=HEARING, outcome="withdrawn", as_of=HEARING),
                           confirm_at_court=True)
    window.sync_court_pack(str(pack))  # File ▸ Sync court pack…
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Court pack synced"), timeout=20000)
    assert window.statusBar().currentMessage().startswith(
        "Court pack synced: 2 entries sent, 0 applied, 0 already applied, 2 to the conflicts queue")

    pane = window.show_pane("conflicts")
    assert isinstance(pane, SyncConflictsPane)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10000)
    assert pane.sides["base"].toPlainText().startswith("2025/26: Summons issued (hearing 15/07/2025)\nOwed: £")
    assert pane.sides["office"].toPlainText().startswith("2025/26: Summons withdrawn")
    court_side = pane.sides["court"].toPlainText()
    assert court_side.startswith("Record outcome\n") and "Outcome: Granted" in court_side
    assert "Hearing date: 15/07/2025" in court_side and "{" not in court_side
    pane.keep_office.click()
    assert pane.status.text() == "Say why in a note."
    pane.note.setText("Withdrawn in the office: paid")
    pane.keep_office.click()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10000)
    assert pane.status.text().startswith("Kept the office's record for 70000002")
    pane.note.setText("The court's order stands")
    pane.keep_court.click()  # the office has withdrawn it: refused in one sentence, nothing changes
    qtbot.waitUntil(lambda: pane.status.is_error and "70000005" in pane.status.text(), timeout=10000)
    assert pane.model.rowCount() == 1
    if os.environ.get("REVDESK_SCREENSHOTS"):
        window.grab().save(os.environ["REVDESK_SCREENSHOTS"].replace(".png", "-conflicts.png"))

    assert pane.edit_button.isEnabled()  # Edit and apply: the outcome form, prefilled with the court's
    pane.note.setText("Court withdrew it after all: clerk's email")
    dialog = pane.edit_and_apply()
    assert isinstance(dialog, EditOutcomeDialog)
    assert (dialog.outcome.currentData(), dialog.recorded.account_ref) == ("granted", "70000005")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("withdrawn"))
    if os.environ.get("REVDESK_SCREENSHOTS"):
        dialog.grab().save(os.environ["REVDESK_SCREENSHOTS"].replace(".png", "-edit.png"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=20000)
    assert pane.status.text().startswith("Applied the court's record, as edited, for 70000005")
    [resolved] = [c for c in window.app.sync_conflicts(None) if c.account_ref == "70000005"]
    assert (resolved.status, resolved.resolution) == ("resolved", "court")

    assert window.wipe_pack_action.isEnabled()  # File ▸ Wipe court pack…: every entry has its receipt
    window.wipe_court_pack(str(pack)).accept()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Court pack wiped"), timeout=20000)
    assert not pack.exists()


def test_the_office_is_asked_before_changing_a_case_at_court(qtbot: QtBot, open_examples, billed_url: str,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    from app.ui.dialogs.recovery import AddHoldDialog
    from tests.ui.conftest import open_account

    window = open_examples(billed_url, today=HEARING)
    window.app.execute(RunRecovery(as_of=date(2025, 5, 8)))
    window.app.execute(RunRecovery(as_of=date(2025, 5, 22)))
    window.app.execute(MakePack(hearing_date=HEARING, out=str(tmp_path / "hearing.pack"), as_of=HEARING))

    pane = _hearings(window)  # the office's hearing list: one account's outcome
    window.show_pane("hearings")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10000)
    pane.table.selectRow(0)
    ref = pane.selected_refs()[0]
    pane.withdrawn_button.click()
    qtbot.waitUntil(lambda: pane.confirm_box is not None and pane.confirm_box.isVisible(), timeout=10000)
    assert f"Account {ref} is at court until 22/07/2025 (pack made by admin)" in pane.status.text()
    box = pane.confirm_box
    assert box is not None and box.text().endswith("Change anyway?")
    box.accept()
    qtbot.waitUntil(lambda: isinstance(pane.last_outcome, OutcomeResult), timeout=20000)
    assert pane.last_outcome.account_ref == ref, pane.status.text()

    other = "70000005" if ref != "70000005" else "70000002"
    open_account(qtbot, window, other)  # a form dialog: add a hold
    view = window.accounts.account
    tab = view.tab(RecoveryTab)
    assert isinstance(tab, RecoveryTab)
    tab.add_hold_button.click()
    dialog = view.dialog
    assert isinstance(dialog, AddHoldDialog)
    qtbot.keyClicks(dialog.reason, "Disputed by phone")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.at_court_box is not None and dialog.at_court_box.isVisible(), timeout=10000)
    assert f"Account {other} is at court until 22/07/2025 (pack made by admin)" in dialog.error.text()
    if os.environ.get("REVDESK_SCREENSHOTS"):
        dialog.at_court_box.grab().save(os.environ["REVDESK_SCREENSHOTS"].replace(".png", "-at-court.png"))
    with qtbot.waitSignal(view.loaded, timeout=20000):
        dialog.at_court_box.accept()
    assert "Hold added" in view.notice.text()


def test_a_write_off_on_a_case_at_court_is_decided_after_change_anyway(  # type: ignore[no-untyped-def]
        qtbot: QtBot, open_examples, billed_url: str, tmp_path: Path) -> None:
    """The approvals queue names a record, not an account: the team leader is asked all the same."""
    from app.ui.panes.writeoffs import WriteOffApprovalsPane
    from app.writeoffs.requests import ProposeWriteOff
    from tests.ui.conftest import add_users, other_application

    add_users(billed_url)
    leader = other_application(billed_url, "priya")
    try:
        leader.execute(RunRecovery(as_of=date(2025, 5, 8)))
        leader.execute(RunRecovery(as_of=date(2025, 5, 22)))  # 70000005 summonsed for HEARING
        leader.execute(MakePack(hearing_date=HEARING, out=str(tmp_path / "hearing.pack"), as_of=HEARING))
    finally:
        leader.close()
    officer = other_application(billed_url, "olivia")
    try:
        officer.execute(ProposeWriteOff(account_ref="70000005", financial_year=2025, amount_pence=3000,
                                        reason="uneconomical", note="Small balance", as_of=date(2025, 6, 20)),
                         confirm_at_court=True)
    finally:
        officer.close()
    window = open_examples(billed_url, "tom", today=HEARING)
    pane = window.panes["writeoffs"]
    assert isinstance(pane, WriteOffApprovalsPane)
    window.show_pane("writeoffs")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10000)
    pane.table.selectRow(0)
    pane.approve_button.click()
    qtbot.waitUntil(lambda: pane.confirm_box is not None and pane.confirm_box.isVisible(), timeout=10000)
    assert "Account 70000005 is at court until 22/07/2025 (pack made by priya)" in pane.status.text()
    assert pane.model.rowCount() == 1  # nothing decided yet
    pane.confirm_box.accept()
    qtbot.waitUntil(lambda: "approved and posted" in pane.status.text(), timeout=10000)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=5000)


def test_edit_and_apply_the_court_s_arrangement_in_the_planner(qtbot: QtBot, open_examples, billed_url: str,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    from app.payments.requests import PostPayment
    from app.recovery.arrangements.requests import CreateArrangement
    from app.ui.dialogs.edit_conflict import EditArrangementDialog

    window = open_examples(billed_url, today=HEARING)
    window.app.execute(RunRecovery(as_of=date(2025, 5, 8)))
    window.app.execute(RunRecovery(as_of=date(2025, 5, 22)))
    pack = tmp_path / "hearing.pack"
    window.app.execute(MakePack(hearing_date=HEARING, out=str(pack), as_of=HEARING))
    court = Application.court_mode(pack, window.app.settings, window.app.actor.username)
    try:
        court.execute(CreateArrangement(account_ref="70000002", frequency="monthly", start=date(2025, 8, 1),
                                        end=date(2026, 3, 1), as_of=HEARING, confirm_warnings=True))
    finally:
        court.close()
    window.app.execute(PostPayment(account_ref="70000002", amount_pence=10000, received_on=HEARING, method="cash",
                                   reference="OFFICE-1", as_of=HEARING))
    window.sync_court_pack(str(pack))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Court pack synced"), timeout=20000)
    pane = window.show_pane("conflicts")
    assert isinstance(pane, SyncConflictsPane)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10000)
    pane.note.setText("Balance changed: same plan on what is owed now")
    dialog = pane.edit_and_apply()
    assert isinstance(dialog, EditArrangementDialog)
    planner = dialog.planner
    assert planner.frequency.currentData() == "monthly" and planner.by_end.isChecked()
    assert (planner.start.date().toPython(), planner.end.date().toPython()) == (date(2025, 8, 1), date(2026, 3, 1))
    qtbot.waitUntil(lambda: planner.save_button.isEnabled() or planner.confirm.isVisible(), timeout=20000)
    if not planner.save_button.isEnabled():
        planner.confirm.setChecked(True)
    qtbot.waitUntil(planner.save_button.isEnabled, timeout=10000)
    planner.save_button.click()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=20000)
    assert window.app.arrangement("70000002", HEARING) is not None
    [resolved] = window.app.sync_conflicts(None)
    assert resolved.resolution == "court"
