"""Hearings: the magistrates' court list for a hearing date, and the outcomes recorded from it.

Choose the hearing (dates from the settings, including the last few months: outcomes are
recorded on the day or after it); the list shows each account and year summonsed for it,
what was summonsed, what has been paid since and what is owed now, and any hold. Select
one or more rows and record the court's decision (granted, withdrawn, adjourned to a date,
paid); "Grant all remaining…" asks first, then records a liability order for everyone still
listed. Work runs on a worker in committed chunks with a progress bar and Cancel; an
account the service refuses (on hold, nothing owed) is reported in one sentence and the
rest are recorded. Enter (or a double-click) opens the account.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.application import Application
from app.court.at_court import AtCourt, run_confirmed
from app.court.hearings import BulkError, BulkOutcome, HearingList, OutcomeResult
from app.court.requests import MakePack, RecordOutcome, RecordOutcomes
from app.enums import RecoveryStage
from app.errors import Conflict, NotFound, ValidationError
from app.ui.at_court import ask_change_anyway
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money, outcome_label, uk_date
from app.ui.forms import date_edit, from_qdate, to_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.recovery import HearingModel
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.table_export import TableExporter, to_status
from app.ui.widgets import StatusLine, label, make_table
from app.ui.workers import TaskControl, TaskHandle

ADJOURN_WEEKS = 4


def outcome_summary(result: BulkOutcome) -> tuple[str, bool]:
    """One or two sentences after recording outcomes, and whether any account was refused."""
    what = outcome_label(result.outcome).lower()
    parts = [f"{outcome_label(result.outcome)}: {count(result.recorded, 'account')} recorded"]
    if result.skipped:
        parts.append(f"{count(result.skipped, 'account')} already {what}")
    text = ", ".join(parts) + "."
    if result.errors:
        first = result.errors[0]
        others = len(result.errors) - 1
        more = f" ({count(others, 'other')} refused too)" if others else ""
        text += f" Not recorded{more}: {first.message}"
    return text, bool(result.errors)


def record_each(
    app: Application, refs: list[str], day: date, outcome: str, adjourned_to: date | None, as_of: date, task: TaskControl,
) -> BulkOutcome:
    """Court mode: the outcome for several accounts as one journaled request each (a chunked
    run cannot be a journal entry), reported as the bulk run reports it."""
    results: list[OutcomeResult] = []
    errors: list[BulkError] = []
    for done, ref in enumerate(refs):
        if task.cancelled():
            break
        try:
            results.append(app.execute(RecordOutcome(account_ref=ref, hearing_date=day, outcome=outcome,
                                                     adjourned_to=adjourned_to, as_of=as_of)))
        except (ValidationError, Conflict, NotFound) as exc:
            errors.append(BulkError(ref, str(exc)))
        task.progress(done + 1, len(refs))
    recorded = sum(1 for r in results if r.recorded)
    return BulkOutcome(hearing_date=day, outcome=outcome, recorded=recorded, skipped=len(results) - recorded,
                       errors=errors, results=results)


class HearingsPane(QWidget):
    account_requested = Signal(str)  # open this account in the account view

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._handle: TaskHandle | None = None
        self._generation = 0
        self.hearing: HearingList | None = None
        self.last_outcome: BulkOutcome | OutcomeResult | None = None
        self.confirm_box: QMessageBox | None = None
        self._last: tuple[Any, str] | None = None  # the last work started, to run again confirmed

        self.date = QComboBox()
        self.date.setAccessibleName("Hearing date")
        self.date.setMinimumWidth(170)
        self.date.currentIndexChanged.connect(lambda _i: self.load())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.load)
        self.pack_button = QPushButton("Pack for court…")
        self.pack_button.setToolTip("Copy this hearing's list into an encrypted court pack, to work on at court without "
                                    "the network; sync it back afterwards")
        self.pack_button.clicked.connect(self.choose_pack_file)
        self.pack_button.setVisible(not ui.app.in_court_mode)
        self.totals = label("", "muted")
        self.venue = label("", wrap=True)  # where and when ([court] settings), on its own line: the top row stays narrow

        self.model = HearingModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        h = HearingModel
        self.table = make_table(self.proxy, stretch=h.COL_ADDRESS, widths={h.COL_NAME: 200, h.COL_HOLD: 130},
                                fit=(h.COL_ACCOUNT, h.COL_YEAR, h.COL_SUMMONSED, h.COL_BALANCE))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(self._open_row)
        self.table.activated.connect(self._open_row)
        self.empty = label("", "muted", wrap=True)

        self.granted_button = QPushButton("Granted")
        set_role(self.granted_button, "primary")
        self.granted_button.setToolTip("The court made a liability order for the selected accounts")
        self.withdrawn_button = QPushButton("Withdrawn")
        self.paid_button = QPushButton("Paid")
        self.paid_button.setToolTip("Paid in full before the hearing: the application is not pursued")
        self.adjourn_button = QPushButton("Adjourned to")
        self.adjourn_to = date_edit(ui.today() + timedelta(weeks=ADJOURN_WEEKS), accessible="Adjourned to")
        self.grant_all_button = QPushButton("Grant all remaining…")
        self.grant_all_button.setToolTip("Record a liability order for every account still on this list")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.granted_button.clicked.connect(lambda: self.record("granted"))
        self.withdrawn_button.clicked.connect(lambda: self.record("withdrawn"))
        self.paid_button.clicked.connect(lambda: self.record("paid"))
        self.adjourn_button.clicked.connect(lambda: self.record("adjourned"))
        self.grant_all_button.clicked.connect(self.grant_all)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.progress.setFixedWidth(220)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.status = StatusLine()
        self.export = TableExporter(ui, self.table, lambda: f"Hearing {self.date.currentText()}", to_status(self.status),
                                    self)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(label("Hearings", "page-title"))
        top.addSpacing(24)
        top.addWidget(label("Hearing on", "muted"))
        top.addWidget(self.date)
        top.addWidget(self.refresh_button)
        top.addWidget(self.pack_button)
        top.addStretch(1)
        top.addWidget(self.totals)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addWidget(label("Outcome for the selected rows", "muted"))
        actions.addWidget(self.granted_button)
        actions.addWidget(self.withdrawn_button)
        actions.addWidget(self.paid_button)
        actions.addWidget(self.adjourn_button)
        actions.addWidget(self.adjourn_to)
        actions.addStretch(1)
        actions.addWidget(self.grant_all_button)

        progress_row = QHBoxLayout()
        progress_row.setSpacing(8)
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.venue)
        layout.addWidget(label(
            "Accounts summonsed for the hearing, with what is owed now. Select rows (Ctrl or Shift for several) and "
            "record the court's decision; a liability order is refused while a hold is in force or the account is held "
            "back (an open trace, vulnerability review or escalation: see the Hold column).", "muted", wrap=True,
        ))
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addLayout(progress_row)
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------------

    @property
    def working(self) -> bool:
        return self._handle is not None and not self._handle.finished

    @property
    def hearing_date(self) -> date | None:
        value = self.date.currentData()
        return value if isinstance(value, date) else None

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.date.count() == 0:
            self.load_dates()
        else:
            self.load()

    def load_dates(self) -> None:
        today = self._ui.today()
        dates = self._ui.app.hearing_dates(today)  # from the settings: no query
        self.date.blockSignals(True)
        self.date.clear()
        for day in dates:
            self.date.addItem(f"{day:%a} {uk_date(day)}", day)
        upcoming = next((n for n, d in enumerate(dates) if d >= today), len(dates) - 1)
        if self._ui.app.in_court_mode:  # the pack's own hearing
            packed = self._ui.app.court_pack().hearing_date
            if self.date.findData(packed) < 0:
                self.date.addItem(f"{packed:%a} {uk_date(packed)}", packed)
            upcoming = self.date.findData(packed)
        self.date.setCurrentIndex(upcoming)
        self.date.blockSignals(False)
        if not dates:
            self.empty.setText("No hearing dates are set up (settings: [recovery] hearing_dates).")
        self.load()

    def choose(self, hearing_date: date) -> None:
        index = self.date.findData(hearing_date)
        if index >= 0:
            self.date.setCurrentIndex(index)

    def load(self) -> None:
        day = self.hearing_date
        if day is None:
            self._show_list(None)
            return
        self._generation += 1
        generation = self._generation
        app, as_of = self._ui.app, self._ui.today()
        self.totals.setText("Loading…")
        court_mode = app.in_court_mode
        self._ui.runner.run(
            lambda _task: (app.hearing_list(day, as_of), None if court_mode else app.at_court_until(day, as_of)),
            on_success=lambda found: self._loaded(generation, *found),
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self,
            description=f"hearing list {day}",
        )

    def _loaded(self, generation: int, listing: HearingList, at_court_until: date | None = None) -> None:
        if generation == self._generation:
            self._show_list(listing)
            if at_court_until is not None:  # a pack of this list is out: the office is warned
                self.totals.setText(f"{self.totals.text()} · packed: at court until {uk_date(at_court_until)}")

    def _show_list(self, listing: HearingList | None) -> None:
        self.hearing = listing
        entries = listing.entries if listing else []
        self.model.set_rows(entries)
        if listing is None:
            self.totals.setText("")
            self.venue.setText("")
        else:
            self.totals.setText(f"{count(listing.accounts, 'account')} listed · {money(listing.total_balance_pence)} "
                                "owed now")
            self.venue.setText(
                f"At {listing.court}, {', '.join(listing.court_address)}, at {listing.hearing_time}" if listing.court
                else "No court venue is set up for this date (settings: [court.venues])."
            )
            self.empty.setText("" if entries else f"Nobody is listed for the hearing on {uk_date(listing.hearing_date)}"
                               " (or every outcome has been recorded).")
            self.adjourn_to.setDate(to_qdate(listing.hearing_date + timedelta(weeks=ADJOURN_WEEKS)))
        self.empty.setVisible(not entries)
        if entries:
            self.table.selectRow(0)
        self._update_buttons()

    # --- outcomes -----------------------------------------------------------------------------

    def selected_refs(self) -> list[str]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return list(dict.fromkeys(self.proxy.row_at(r).account_ref for r in rows))

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_refs()) and not self.working
        for button in (self.granted_button, self.withdrawn_button, self.paid_button, self.adjourn_button):
            button.setEnabled(chosen)
        self.grant_all_button.setEnabled(self.model.rowCount() > 0 and not self.working)
        self.pack_button.setEnabled(self.hearing_date is not None and not self.working)
        self.date.setEnabled(not self.working)
        self.cancel_button.setEnabled(self.working)
        self.cancel_button.setVisible(self.working)
        self.progress.setVisible(self.working)

    def record(self, outcome: str) -> None:
        """The outcome for the selected rows (one account: its own sentence; several: a summary)."""
        refs, day = self.selected_refs(), self.hearing_date
        if not refs or day is None or self.working:
            return
        adjourned_to = from_qdate(self.adjourn_to.date()) if outcome == RecoveryStage.ADJOURNED else None
        if adjourned_to is not None and adjourned_to <= day:
            self.status.show_error(f"The new hearing date must be after {uk_date(day)}.")
            return
        app, as_of = self._ui.app, self._ui.today()
        if len(refs) == 1:
            self._start(lambda _task: app.execute(RecordOutcome(account_ref=refs[0], hearing_date=day,
                                                                       outcome=outcome, adjourned_to=adjourned_to,
                                                                       as_of=as_of)),
                        f"Recording '{outcome_label(outcome).lower()}' for {refs[0]}…")
        elif app.in_court_mode:
            self._start(lambda task: record_each(app, refs, day, outcome, adjourned_to, as_of, task),
                        f"Recording '{outcome_label(outcome).lower()}' for {count(len(refs), 'account')}…")
        else:
            self._start(lambda task: app.execute(RecordOutcomes(hearing_date=day, outcome=outcome, account_refs=tuple(refs),
                                                                     adjourned_to=adjourned_to, as_of=as_of),
                                                      progress=task.progress, cancelled=task.cancelled),
                        f"Recording '{outcome_label(outcome).lower()}' for {count(len(refs), 'account')}…")

    def grant_all(self) -> QMessageBox | None:
        """Ask, then record a liability order for everyone still listed."""
        day = self.hearing_date
        if day is None or self.working or self.model.rowCount() == 0:
            return None
        accounts = len({e.account_ref for e in self.model.rows()})
        box = QMessageBox(QMessageBox.Icon.Question, "Grant all remaining",
                          f"Record a liability order for all {count(accounts, 'account')} still listed for the hearing "
                          f"on {uk_date(day)}? Accounts on hold or with nothing owed are left on the list.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        yes = box.button(QMessageBox.StandardButton.Yes)
        assert yes is not None
        yes.setText("Grant all")
        box.accepted.connect(lambda: self._grant_all_confirmed(day))
        self.confirm_box = box
        box.open()
        return box

    def _grant_all_confirmed(self, day: date) -> None:
        app, as_of = self._ui.app, self._ui.today()
        if app.in_court_mode:
            refs = list(dict.fromkeys(e.account_ref for e in self.model.rows()))
            self._start(lambda task: record_each(app, refs, day, "granted", None, as_of, task),
                        f"Granting liability orders for the hearing on {uk_date(day)}…")
            return
        self._start(lambda task: app.execute(RecordOutcomes(hearing_date=day, outcome="granted", as_of=as_of),
                                                  progress=task.progress, cancelled=task.cancelled),
                    f"Granting liability orders for the hearing on {uk_date(day)}…")

    def _start(self, work: object, message: str) -> None:
        self._last = (work, message)
        self.status.show_info(message)
        self.progress.setRange(0, 0)
        self._handle = self._ui.runner.run(
            work,  # type: ignore[arg-type]
            on_progress=self._progressed, on_success=self._recorded, on_failure=self._failed,
            on_finished=self._done, owner=self, description="record court outcomes",
        )
        self._update_buttons()

    def cancel(self) -> None:
        if self.working and self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.show_info("Stopping after the accounts being recorded…")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} of {total:,}")

    def _recorded(self, result: BulkOutcome | OutcomeResult) -> None:
        self.last_outcome = result
        if isinstance(result, OutcomeResult):
            self.status.show_info(result.message)
        else:
            text, refused = outcome_summary(result)
            if refused:
                self.status.show_error(text)
            else:
                self.status.show_info(text)

    def _failed(self, exc: BaseException) -> None:
        self.status.show_error(error_sentence(exc))
        if isinstance(exc, AtCourt) and self._last is not None:
            work, message = self._last
            self.confirm_box = ask_change_anyway(
                self, exc, lambda: self._start(lambda task: run_confirmed(lambda: work(task)), message))

    def _done(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self._update_buttons()
        self.load()

    # --- packing for court ----------------------------------------------------------------------

    def choose_pack_file(self) -> None:
        day = self.hearing_date
        if day is None or self.working:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Pack for court", f"hearing-{day.isoformat()}.pack",
                                              "Court packs (*.pack)")
        if path:
            self.pack(path)

    def pack(self, path: str) -> None:
        """Write the pack on a worker (the save dialog has already asked before replacing a file)."""
        day = self.hearing_date
        if day is None or self.working:
            return
        app, as_of = self._ui.app, self._ui.today()
        self.status.show_info(f"Packing the hearing on {uk_date(day)}…")
        self.progress.setRange(0, 0)
        self._handle = self._ui.runner.run(
            lambda _task: app.execute(MakePack(hearing_date=day, out=path, as_of=as_of, force=True)),
            on_success=lambda r: self.status.show_info(
                f"Packed {count(r.accounts, 'account')} into {r.file}; the office sees them at court until "
                f"{uk_date(r.leased_until)}."
                + (f" No keyring is usable here: the pack's key, kept nowhere, is {r.key_hex} "
                   f"(give it as REVDESK_PACK_KEY to open the pack)." if r.key_hex else "")),
            on_failure=self._failed, on_finished=self._done, owner=self, description="pack for court",
        )
        self._update_buttons()

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.account_requested, self.proxy.row_at(index.row()).account_ref)
