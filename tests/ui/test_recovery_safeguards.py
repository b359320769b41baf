"""Issue 16 parts 5-7 on the desktop: an account with an open gone-away trace is held back from
its summons, with the reason on the Recovery tab, until a team leader releases it there;
the recovery preview lists its accounts per action and exports them to Excel with the
figures as numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from app.casework.requests import RecordGoneAway
from app.recovery.requests import RunRecovery
from app.ui.dialogs.recovery import ReleaseSafeguardDialog
from app.ui.main_window import MainWindow
from app.ui.models.recovery import RecoveryYearsModel
from app.ui.panes.account_tabs import RecoveryTab
from app.ui.panes.runs import RunsPane
from tests.ui.conftest import AS_OF, OpenWindow, open_account


def summons_due(window: MainWindow) -> str:
    preview = window.app.execute(RunRecovery(as_of=AS_OF, dry_run=True))
    refs = [i.account_ref for i in preview.items if i.action == "summons"]
    assert refs, "the demo data has summonses due on 23/11/2026"
    return refs[0]


def recovery_tab(qtbot: QtBot, window: MainWindow, ref: str) -> RecoveryTab:
    open_account(qtbot, window, ref)
    view = window.accounts.account
    tab = view.tab(RecoveryTab)
    assert isinstance(tab, RecoveryTab)
    view.show_tab(RecoveryTab)
    qtbot.waitUntil(lambda: tab.recovery is not None and tab.recovery.view.account_ref == ref, timeout=10000)
    return tab


def test_a_gone_away_holds_the_summons_back_until_a_team_leader_releases_it(
    qtbot: QtBot, open_window: OpenWindow, demo_url: str,
) -> None:
    window = open_window(demo_url, "admin")
    ref = summons_due(window)
    window.app.execute(RecordGoneAway(account_ref=ref, as_of=AS_OF, note="Post returned"))

    tab = recovery_tab(qtbot, window, ref)
    rows = tab.years_model.rows()
    held = [r for r in rows if "held back" in r.next_step]
    assert held and "open gone-away trace" in held[0].next_step and "team leader may release" in held[0].next_step
    amount = tab.years_model.index(rows.index(held[0]), RecoveryYearsModel.COL_AMOUNT).data()
    assert amount.startswith("£") and amount != "£0.00"  # "Amount due now" is filled in
    assert "Open gone-away trace since" in tab.safeguards.text() and "Post returned" in tab.safeguards.text()
    assert tab.release_button.isEnabled()

    tab.release_button.click()
    dialog = window.accounts.account.dialog
    assert isinstance(dialog, ReleaseSafeguardDialog)
    assert not dialog.save_button.isEnabled()  # a reason is required
    dialog.reason.setText("New address confirmed by phone")
    with qtbot.waitSignal(window.accounts.account.loaded, timeout=10000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: "released by admin" in tab.safeguards.text(), timeout=10000)
    assert "New address confirmed by phone" in tab.safeguards.text()
    assert not tab.release_button.isEnabled()
    assert any(r.next_step.startswith("Issue summons") for r in tab.years_model.rows())


def test_an_officer_is_told_a_release_needs_a_team_leader(qtbot: QtBot, open_window: OpenWindow, demo_url: str) -> None:
    window = open_window(demo_url, "admin")
    ref = summons_due(window)
    window.app.execute(RecordGoneAway(account_ref=ref, as_of=AS_OF))
    window.close()
    window = open_window(demo_url)  # officer1
    tab = recovery_tab(qtbot, window, ref)
    tab.release_button.click()
    dialog = window.accounts.account.dialog
    assert isinstance(dialog, ReleaseSafeguardDialog)
    dialog.reason.setText("Trying anyway")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "team leader" in dialog.error.text().lower(), timeout=10000)


def test_the_preview_lists_accounts_per_action_and_exports_them_with_numbers(
    qtbot: QtBot, open_window: OpenWindow, demo_url: str, tmp_path: Path,
) -> None:
    window = open_window(demo_url, "admin")
    ref = summons_due(window)
    window.app.execute(RecordGoneAway(account_ref=ref, as_of=AS_OF))
    pane = window.panes["runs"]
    assert isinstance(pane, RunsPane)
    section = pane.recovery
    section.preview_button.click()
    qtbot.waitUntil(lambda: not section.running, timeout=30000)
    everything = section.shown_items()
    assert {"reminder_1", "held_back"} <= {i.action for i in everything}
    section.show_action("held_back")
    held = section.shown_items()
    assert [i.account_ref for i in held] == [ref] and "gone-away" in held[0].why
    section.show_action("reminder_1")
    reminders = section.shown_items()
    assert reminders and all(i.action == "reminder_1" for i in reminders)

    path = tmp_path / "preview.xlsx"
    handle = section.items_export.export_to(str(path))
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10000)
    assert "exported" in section.items_status.text()
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Account", "Name", "Year", "Action", "Amount", "Costs")
    assert len(rows) == len(reminders) + 1
    first = rows[1]
    assert first[0] == reminders[0].account_ref and first[3] == "First reminder"
    assert isinstance(first[4], (int, float)) and round(first[4] * 100) == reminders[0].amount_pence
    assert sheet.cell(row=2, column=5).number_format.startswith('"£"')
    assert sum(round(r[4] * 100) for r in rows[1:]) == sum(i.amount_pence for i in reminders)


def test_search_results_export_balances_as_numbers(qtbot: QtBot, open_window: OpenWindow, demo_url: str,
                                                    tmp_path: Path) -> None:
    window = open_window(demo_url)
    search = window.accounts.search
    search.box.setText("Road")
    qtbot.waitUntil(lambda: search.model.rowCount() > 0, timeout=10000)
    path = tmp_path / "search.xlsx"
    handle = search.export.export_to(str(path))
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10000)
    sheet = load_workbook(path).active
    assert sheet is not None
    header, *body = list(sheet.iter_rows(values_only=True))
    balance = header.index("Owed now")
    assert len(body) == search.proxy.rowCount()
    assert all(isinstance(r[balance], (int, float)) for r in body)
    shown = search.proxy.row_at(0)
    assert round(body[0][balance] * 100) == shown.balance_pence and body[0][0] == shown.account_ref


def test_the_run_asks_with_the_previews_figures_and_shows_the_run_id(
    qtbot: QtBot, open_window: OpenWindow, demo_url: str, tmp_path: Path,
) -> None:
    window = open_window(demo_url, "admin")
    section = window.panes["runs"].recovery  # type: ignore[attr-defined]
    asked: list[str] = []
    section.confirm = lambda text: asked.append(text) or True
    section.run_button.click()
    qtbot.waitUntil(lambda: section.last_summary is not None and not section.last_summary.dry_run, timeout=30000)
    preview = section.session_runs[0]
    assert asked == [section.confirmation_text(preview)]
    assert asked[0].startswith(f"Recovery as of 23/11/2026: {preview.plan()} for ")
    run = section.last_summary
    assert run.actions == preview.actions and run.costs_pence == preview.costs_pence  # it did what it said
    assert str(run.run_id) in section.run_id_label.text()
    assert section.export_letters_button.isEnabled()
    assert section.print_button.isEnabled()  # the print file itself is tested with the letters (tests/ui/test_print_file.py)
    assert date.fromisoformat(str(run.as_of)) == AS_OF

    folder = tmp_path / "letters"
    section.export_letters(str(folder))
    handle = section.letters_handle
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=30000)
    assert len(list(folder.glob("*.docx"))) == run.letters > 0
    assert f"{run.letters} letter" in section.letters_status.text()
