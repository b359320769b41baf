"""Recovery from the desktop, through real services on the billed examples (2025/26):
the account's Recovery tab and header, holds, the recovery run in the Runs pane, the
hearing list with outcomes, and an attachment of earnings order after a liability order."""

from __future__ import annotations

from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from app.court.requests import RecordOutcome
from app.recovery.requests import AddHold, LiftHold, RunRecovery
from app.ui.dialogs.recovery import AddHoldDialog, AttachmentOfEarningsDialog, LiftHoldDialog
from app.ui.main_window import MainWindow
from app.ui.models.recovery import HearingModel, RecoveryYearsModel
from app.ui.panes.account_tabs import RecoveryTab
from app.ui.panes.hearings import HearingsPane
from app.ui.panes.runs import RunsPane
from tests.ui.conftest import hold_after_first_chunk, open_account

REMINDERS = date(2025, 5, 8)  # 70000005 and 70000002 are 7 days late: first reminders
SUMMONSES = date(2025, 5, 22)  # reminders not paid: summonses for the hearing on 15/07/2025
HEARING = date(2025, 7, 15)


def recovery_tab(window: MainWindow) -> RecoveryTab:
    view = window.accounts.account
    tab = view.tab(RecoveryTab)
    assert isinstance(tab, RecoveryTab)
    view.show_tab(RecoveryTab)
    return tab


def cell(model: Any, row: int, column: int) -> str:
    return str(model.data(model.index(row, column)))


def reload(qtbot: QtBot, window: MainWindow) -> None:
    view = window.accounts.account
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.reload()


def test_recovery_tab_and_header_show_the_stage_and_next_action(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=REMINDERS)
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    tab = recovery_tab(window)
    assert "Recovery" in view.tab_titles()
    assert view.header.stage.text() == "No recovery action"
    assert view.header.next_action.text().startswith("Send the first reminder for 2025/26")
    assert "unpaid 7 days after falling due" in view.header.next_action.text()
    assert "Send reminder 1: £" in cell(tab.years_model, 0, RecoveryYearsModel.COL_NEXT)
    assert tab.years_model.rowCount() == 1 and tab.history_empty.isVisibleTo(tab)

    window.app.execute(RunRecovery(as_of=REMINDERS))
    reload(qtbot, window)
    assert view.header.stage.text() == "First reminder · 08/05/2025"
    assert view.header.next_action.text().startswith("2025/26: Reminder 1 sent 08/05/2025: waiting for payment by")
    y = RecoveryYearsModel
    assert cell(tab.years_model, 0, y.COL_STAGE) == "First reminder"
    assert cell(tab.years_model, 0, y.COL_SINCE) == "08/05/2025"
    assert cell(tab.years_model, 0, y.COL_NEXT).startswith("Reminder 1 sent 08/05/2025")
    assert tab.history_model.rowCount() == 1 and cell(tab.history_model, 0, 2) == "First reminder"
    # no liability order: the steps after one are offered but not enabled, and say why
    assert not any(b.isEnabled() for b in tab.enforce_buttons.values())
    assert tab.routes.text() == "There is no liability order on the account."


def test_a_hold_added_from_the_tab_is_shown_and_the_next_run_skips_it(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=REMINDERS)
    open_account(qtbot, window, "70000005")
    view = window.accounts.account
    tab = recovery_tab(window)
    assert tab.holds_empty.isVisibleTo(tab) and not tab.lift_hold_button.isEnabled()
    tab.add_hold_button.click()
    dialog = view.dialog
    assert isinstance(dialog, AddHoldDialog)
    assert dialog.kind.currentData() == "breathing_space"
    assert dialog.end.value() == date(2025, 7, 6)  # 60 days beginning with 08/05/2025
    assert not dialog.save_button.isEnabled() and dialog.reason.property("invalid") is True
    qtbot.keyClicks(dialog.reason, "StepChange referral")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert "Hold added" in view.notice.text()
    assert len(view.header.hold_banners()) == 1 and "Breathing space" in view.header.hold_banners()[0].text()
    assert tab.holds_model.rowCount() == 1 and cell(tab.holds_model, 0, 4) == "In force"
    assert "on hold" in view.header.next_action.text()

    summary = window.app.execute(RunRecovery(as_of=REMINDERS))
    assert summary.skipped_on_hold == 1 and summary.actions["reminder_1"] == 1  # only 70000002
    reload(qtbot, window)
    assert tab.history_model.rowCount() == 0

    assert tab.lift_hold_button.isEnabled()
    tab.lift_hold_button.click()
    lift = view.dialog
    assert isinstance(lift, LiftHoldDialog)
    assert not lift.save_button.isEnabled()
    lift.reason.setText("Adviser ended the breathing space")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        lift.save_button.click()
    assert view.notice.text() == "Hold lifted: Breathing space (standard) ends on 08/05/2025."
    assert cell(tab.holds_model, 0, 3) == "08/05/2025"


def test_recovery_preview_writes_nothing_then_the_run_takes_the_steps(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=REMINDERS)
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    window.show_pane("runs")
    pane.show_recovery()
    section = pane.recovery
    asked: list[str] = []
    section.confirm = lambda text: asked.append(text) or True  # type: ignore[func-returns-value]
    section.preview_button.click()
    assert section.cancel_button.isEnabled() and not section.run_button.isEnabled()
    qtbot.waitUntil(lambda: not section.running, timeout=20000)
    assert section.figure("reminder_1") == "2" and section.figure("examined") == "5"
    assert section.figure("status") == "Preview (nothing written)"
    assert "Nothing was written" in section.status.text()
    assert window.app.account_recovery("70000005", REMINDERS).view.history == []
    # the preview lists the accounts it would act on
    assert sorted(i.account_ref for i in section.shown_items()) == ["70000002", "70000005"]
    assert {i.action for i in section.shown_items()} == {"reminder_1"}

    section.run_button.click()  # asks first, with the preview's figures, then runs
    qtbot.waitUntil(lambda: not section.running, timeout=20000)
    assert asked == ["Recovery as of 08/05/2025: 2 first reminders for 2 accounts, as previewed. Run it now?"]
    assert (section.progress.value(), section.progress.maximum()) == (5, 5)
    assert section.figure("reminder_1") == "2" and section.figure("letters") == "2"
    assert section.figure("status") == "Completed" and "complete" in section.status.text()
    run = section.last_summary
    assert run is not None and run.run_id is not None
    assert str(run.run_id) in section.status.text() and str(run.run_id) in section.run_id_label.text()
    qtbot.waitUntil(lambda: section.runs_model.rowCount() == 2, timeout=5000)  # the list reloads on a worker
    assert [h.stage for h in window.app.account_recovery("70000005", REMINDERS).view.history] == ["reminder_1"]

    section.as_of.setDate(section.as_of.date().addDays(14))  # 22/05/2025: summonses, with costs
    section.run_button.click()  # no preview for this date: it previews, asks, then runs
    qtbot.waitUntil(lambda: not section.running and len(asked) == 2, timeout=20000)
    qtbot.waitUntil(lambda: not section.running and section.last_summary is not None
                    and not section.last_summary.dry_run and section.last_summary.as_of == date(2025, 5, 22), timeout=20000)
    assert asked[1] == "Recovery as of 22/05/2025: 2 summonses, £160.00 costs for 2 accounts, as previewed. Run it now?"
    assert section.figure("summons") == "2" and section.figure("costs") == "£160.00"


def test_saying_no_to_the_run_writes_nothing(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=REMINDERS)
    section = window.panes["runs"].recovery  # type: ignore[attr-defined]
    section.confirm = lambda text: False
    section.run_button.click()
    qtbot.waitUntil(lambda: not section.running and "not run" in section.status.text(), timeout=20000)
    assert section.last_summary is not None and section.last_summary.dry_run
    assert window.app.account_recovery("70000005", REMINDERS).view.history == []
    assert window.app.recovery_runs() == []


def test_cancel_a_recovery_run_then_resume_it(qtbot: QtBot, open_examples, billed_url: str, monkeypatch: Any) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=REMINDERS)
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    section = pane.recovery
    section.confirm = lambda text: True
    section.chunk = 2
    section.start(dry_run=True)
    qtbot.waitUntil(lambda: not section.running, timeout=20000)
    hold_after_first_chunk(monkeypatch)
    section.start(dry_run=False)
    qtbot.waitUntil(lambda: section.progress.value() == 2, timeout=10000)
    assert section.progress.maximum() == 5
    section.cancel_button.click()
    qtbot.waitUntil(lambda: not section.running, timeout=10000)
    assert section.last_summary is not None and section.last_summary.status == "cancelled"
    assert section.figure("examined") == "2" and "Run it again" in section.status.text()

    monkeypatch.undo()
    section.start(dry_run=False)  # previews again, asks, then resumes
    qtbot.waitUntil(lambda: not section.running and section.last_summary is not None
                    and not section.last_summary.dry_run, timeout=20000)
    assert section.last_summary is not None and section.last_summary.resumed
    assert section.figure("examined") == "5" and section.figure("reminder_1") == "2"
    assert section.figure("status") == "Completed"


def test_an_officer_may_preview_recovery_but_not_run_it(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, "clerk", today=REMINDERS)
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    section = pane.recovery
    section.confirm = lambda text: True
    section.start(dry_run=True)
    qtbot.waitUntil(lambda: not section.running, timeout=20000)
    assert section.figure("reminder_1") == "2"
    section.start(dry_run=False)
    qtbot.waitUntil(lambda: not section.running, timeout=10000)
    text = section.status.text()
    assert section.status.is_error and "team leader" in text.lower()
    assert text.count(". ") == 0 and "\n" not in text  # one sentence


def _summonsed(window: MainWindow) -> None:
    window.app.execute(RunRecovery(as_of=REMINDERS))
    window.app.execute(RunRecovery(as_of=SUMMONSES))


def test_hearing_list_single_outcome_refusal_and_grant_all(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=HEARING)
    _summonsed(window)
    window.app.execute(AddHold(account_ref="70000005", kind="dispute", reason="Disputes the band", start_date=date(2025, 7, 1),
                         end_date=None, as_of=HEARING))
    pane = window.panes["hearings"]
    assert isinstance(pane, HearingsPane)
    window.show_pane("hearings")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=10000)
    assert pane.hearing_date == HEARING
    h = HearingModel
    assert [cell(pane.model, r, h.COL_ACCOUNT) for r in range(2)] == ["70000002", "70000005"]
    assert cell(pane.model, 1, h.COL_HOLD).startswith("Dispute")
    assert "2 accounts listed" in pane.totals.text()
    # the venue and time from the [court] settings (issue 16 part 4)
    assert pane.venue.text() == "No court venue is set up for this date (settings: [court.venues])."

    pane.table.selectRow(1)  # 70000005, on hold: a liability order is refused, in one sentence
    pane.granted_button.click()
    qtbot.waitUntil(lambda: pane.status.is_error, timeout=10000)
    assert pane.status.text().startswith("Account 70000005 is on hold (Dispute from 01/07/2025 until lifted: Disputes")
    assert "\n" not in pane.status.text()

    pane.table.selectRow(0)  # 70000002
    pane.granted_button.click()
    qtbot.waitUntil(lambda: pane.status.text().startswith("Liability order granted for 70000002"), timeout=10000)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=10000)

    hold = window.app.account_recovery("70000005", HEARING).view.holds[0]
    window.app.execute(LiftHold(hold_id=hold.hold_id, end_date=date(2025, 7, 14), reason="Band confirmed", as_of=HEARING))
    pane.refresh_button.click()
    qtbot.waitUntil(lambda: cell(pane.model, 0, h.COL_HOLD) == "", timeout=10000)
    box = pane.grant_all()
    assert box is not None and pane.confirm_box is box and "all 1 account" in box.text()
    yes = box.button(box.StandardButton.Yes)
    assert yes is not None
    yes.click()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0 and not pane.working, timeout=10000)
    assert pane.status.text() == "Granted: 1 account recorded."
    assert pane.empty.isVisibleTo(pane) and not pane.grant_all_button.isEnabled()


def test_attachment_of_earnings_after_a_liability_order(qtbot: QtBot, open_examples, billed_url: str) -> None:  # type: ignore[no-untyped-def]
    window = open_examples(billed_url, today=HEARING)
    _summonsed(window)
    window.app.execute(RecordOutcome(account_ref="70000002", hearing_date=HEARING, outcome="granted", as_of=HEARING))
    open_account(qtbot, window, "70000002")
    view = window.accounts.account
    tab = recovery_tab(window)
    assert view.header.stage.text() == "Liability order granted · 15/07/2025"
    assert "choose a recovery route" in view.header.next_action.text().lower()
    assert all(b.isEnabled() for b in tab.enforce_buttons.values())

    tab.enforce_buttons["attachment_of_earnings"].click()
    dialog = view.dialog
    assert isinstance(dialog, AttachmentOfEarningsDialog)
    assert dialog.year.currentData() == 2025
    dialog.employer.setText("Fenby Foods Ltd")
    dialog.address.setPlainText("Unit 4, Mill Lane\nFenby")
    qtbot.keyClicks(dialog.net_pay, "1500")
    expected = window.app.aoe_schedule(150000, "monthly", HEARING)
    assert dialog.deduction.text().startswith(f"£{expected.deduction_pence / 100:,.2f} each pay day")
    dialog.net_pay.setText("abc")
    assert dialog.net_pay.property("invalid") is True and not dialog.save_button.isEnabled()
    dialog.net_pay.setText("1500")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.save_button.click()
    assert view.notice.text().startswith("Attachment of earnings started: case AOE-70000002-2025-1")
    assert tab.cases_model.rowCount() == 1 and tab.cases.isVisibleTo(tab)
    assert not tab.enforce_buttons["benefit_deduction"].isEnabled()  # one method at a time
