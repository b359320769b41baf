"""Write-offs from the desktop, through real services on the billed examples: an officer
proposes from the account, the Write-off approvals pane lists what the viewer's limit
covers (oldest first, never their own), approval posts it, rejection needs a note, and
the schedule is written on a worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from app.ui.dialogs.writeoffs import ProposeWriteOffDialog
from app.ui.panes.writeoffs import WriteOffApprovalsPane
from app.writeoffs.requests import ProposeWriteOff
from tests.ui.conftest import add_users, open_account, other_application

REF = "70000005"  # owes £944.35 for 2025/26 once billed


def test_an_officer_proposes_from_the_account(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    add_users(billed_url)
    window = open_examples(billed_url, "olivia")
    open_account(qtbot, window, REF)
    view = window.accounts.account
    assert view.writeoff_button.isEnabled()
    window.account_actions["propose_writeoff"].trigger()
    dialog = view.dialog
    assert isinstance(dialog, ProposeWriteOffDialog)
    qtbot.waitUntil(lambda: dialog.available_pence is not None, timeout=5000)
    assert dialog.available_pence == 94435 and dialog.amount.text() == "944.35"
    assert dialog.year.currentData() == 2025 and dialog.year.count() == 1
    dialog.amount.setText("944.36")
    assert dialog.amount.property("invalid") is True and "more than is left" in dialog.amount.toolTip()
    dialog.amount.setText("120.00")
    dialog.reason.setCurrentIndex(dialog.reason.findData("insolvency"))
    assert dialog.evidence.isEnabled() and dialog.evidence.property("invalid") is True
    assert not dialog.save_button.isEnabled()
    dialog.evidence.setText("DRO 123456")
    dialog.reason.setCurrentIndex(dialog.reason.findData("other"))
    assert not dialog.evidence.isEnabled() and dialog.note.property("invalid") is True  # other needs a note
    dialog.note.setPlainText("Remitted by the magistrates")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert "Write-off of £120.00 for 2025/26 proposed" in view.notice.text()
    [proposed] = window.app.writeoffs(status="proposed")
    assert (proposed.amount_pence, proposed.reason, proposed.note, proposed.evidence) == (
        12000, "other", "Remitted by the magistrates", "")

    # the officer's own pane: nothing they may decide (an officer proposes only)
    pane = window.panes["writeoffs"]
    assert isinstance(pane, WriteOffApprovalsPane)
    window.show_pane("writeoffs")
    qtbot.waitUntil(lambda: "Your limit" in pane.limit.text(), timeout=5000)
    assert pane.model.rowCount() == 0
    assert pane.limit.text() == "Your limit: none (may propose only). Also waiting: 1 of your own, for someone else to decide."


def test_a_team_leader_decides_within_their_limit_oldest_first(
    qtbot: QtBot, open_examples, billed_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    add_users(billed_url)
    officer = other_application(billed_url, "olivia")
    try:
        for amount, day in ((5000, date(2025, 6, 20)), (3000, date(2025, 6, 10))):
            officer.execute(ProposeWriteOff(account_ref=REF, financial_year=2025, amount_pence=amount,
                                            reason="uneconomical", note="Small balance", as_of=day))
    finally:
        officer.close()
    mine = other_application(billed_url, "tom")
    try:
        mine.execute(ProposeWriteOff(account_ref=REF, financial_year=2025, amount_pence=1000, reason="uneconomical",
                                     note="", as_of=date(2025, 6, 1)))
    finally:
        mine.close()

    window = open_examples(billed_url, "tom")
    pane = window.panes["writeoffs"]
    assert isinstance(pane, WriteOffApprovalsPane)
    window.show_pane("writeoffs")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=5000)
    assert [pane.proxy.row_at(r).amount_pence for r in range(2)] == [3000, 5000]  # oldest first; not tom's own
    assert pane.limit.text() == "Your limit: £1,000.00. Also waiting: 1 of your own, for someone else to decide."
    assert "£30.00" in pane.details.text() and "Small balance" in pane.details.text()
    pane.grab().save(str(tmp_path / "writeoffs.png"))

    pane.reject_button.click()  # rejecting needs a note
    assert pane.status.is_error and "why" in pane.status.text()
    pane.approve_button.click()
    qtbot.waitUntil(lambda: "approved and posted" in pane.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    pane.note.setText("Trace first")
    pane.reject_button.click()
    qtbot.waitUntil(lambda: "rejected" in pane.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=5000)
    assert window.app.account(REF, date(2025, 7, 1)).balance_pence == 94435 - 3000
    assert [w.decision_note for w in window.app.writeoffs(status="rejected")] == ["Trace first"]

    out = tmp_path / "schedule.xlsx"
    pane.export_schedule(out)
    qtbot.waitUntil(lambda: "Schedule written" in pane.status.text(), timeout=10000)
    assert "1 write-off, £30.00" in pane.status.text()
    assert load_workbook(out)["Schedule"]["E2"].value == 30
    assert (tmp_path / "schedule.csv").exists()
