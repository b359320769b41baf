"""The Runs pane's Recovery page: the daily recovery run as of a date.

"Preview (dry run)" works out what the run would do and writes nothing (any officer may
preview): its figures, and below them every account it would act on, one row per action,
with the accounts held back by a hold or a safeguard and why; filter by action, export to
Excel. "Run recovery" (a team leader) first states what the run will do, from the preview
for the same date ("251 summonses, £20,080.00 costs: run?"; previewing first when there is
none), and only runs when the team leader says yes. The run works in committed chunks with
a progress bar; Cancel stops after the chunk being written and running the same date again
resumes. A run for a date already done adds nothing.

A finished run shows its id, and offers "Export letters" (the run's letters as Word files
for the print bureau) and "Print file" (one file to print, from the letters work; the
button says why when this version does not have it). The same buttons act on a run chosen
in the list of past runs, which shows each run's date, who ran it and its figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.enums import BatchRunStatus
from app.recovery.requests import RunRecovery
from app.recovery.run import ACTION_STAGES, HELD_BACK, ON_HOLD, RecoveryRunSummary, RunItem
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money, run_status_label, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.recovery import RecoveryRunsModel
from app.ui.models.runs import RunItemsModel, action_label
from app.ui.panes.run_page import RunPage
from app.ui.style import set_role
from app.ui.table_export import TableExporter, to_status
from app.ui.widgets import StatusLine, label, make_table
from app.ui.workers import TaskHandle

if TYPE_CHECKING:
    from app.letters.print_file import PrintFile

FIGURES = (
    ("examined", "Accounts examined"), ("reminder_1", "First reminders"), ("reminder_2", "Second reminders"),
    ("final_notice", "Final notices"), ("summons", "Summonses"),
    ("on_hold", "Held back (on hold)"), ("held_back", "Held back (safeguard)"), ("letters", "Letters"),
    ("costs", "Costs"), ("status", "Status"),
)
PER_ROW = 5
ALL_ACTIONS = ""
Confirm = Callable[[str], bool]


class RecoveryRunSection(RunPage):
    STOPPING = "Stopping after the chunk being worked on…"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self._dry_run = False
        self._run_after_preview = False
        self.last_summary: RecoveryRunSummary | None = None
        self.last_preview: RecoveryRunSummary | None = None
        self.session_runs: list[RecoveryRunSummary] = []
        self.confirm: Confirm = self._ask  # tests answer for the team leader
        self.letters_handle: TaskHandle | None = None

        self.as_of = date_edit(ui.today(), accessible="Recovery as of")
        self.preview_button = QPushButton("Preview (dry run)")
        self.preview_button.setToolTip("Work out what the run would do, and list the accounts, without writing anything")
        self.preview_button.clicked.connect(lambda: self.start(dry_run=True))
        self.run_button = QPushButton("Run recovery…")
        set_role(self.run_button, "primary")
        self.run_button.setToolTip("Say what the run will do, from the preview, then send the notices and issue the "
                                   "summonses that are due (a team leader)")
        self.run_button.clicked.connect(lambda: self.start(dry_run=False))

        form = form_layout()
        form.addRow("Recovery as of", self.as_of)
        card = self.run_card(
            "Daily recovery",
            "Sends reminders and final notices and issues summonses for the next hearing, as the recovery policy "
            "says, for every account in arrears. Accounts on hold, or with an open trace, vulnerability review or "
            "escalation, are held back from a summons. Preview first: it writes nothing.",
            form, self.preview_button, self.run_button,
        )
        self.summary_title = label("Last run", "section")
        self.run_id_label = label("", "muted", selectable=True)
        self.summary_card = self.figures_card(FIGURES, per_row=PER_ROW, padding=10, column_gap=32)

        # the finished run's letters
        self.export_letters_button = QPushButton("Export letters…")
        self.export_letters_button.setToolTip("Write the run's letters as Word files into a folder (print bureau)")
        self.export_letters_button.clicked.connect(self.ask_and_export_letters)
        self.print_button = QPushButton("Print file…")
        self.print_button.clicked.connect(self.ask_and_print_file)
        self.letters_status = StatusLine()

        # the preview's accounts
        self.items_model = RunItemsModel(self)
        self.items_proxy = SortFilterProxy(self.items_model, self)
        i = RunItemsModel
        self.items = make_table(self.items_proxy, stretch=i.COL_WHY, widths={i.COL_NAME: 150, i.COL_ADDRESS: 150},
                                fit=(i.COL_ACCOUNT, i.COL_YEAR, i.COL_ACTION, i.COL_AMOUNT, i.COL_COSTS, i.COL_HEARING))
        self.items.setAccessibleName("Accounts in the preview")
        self.action_filter = QComboBox()
        self.action_filter.setAccessibleName("Show accounts for action")
        self.action_filter.currentIndexChanged.connect(lambda _i: self._filter_items())
        self.items_status = StatusLine()
        self.items_export = TableExporter(ui, self.items, self._items_title, to_status(self.items_status), self)
        self.export_items_button = QPushButton("Export to Excel…")
        self.export_items_button.clicked.connect(self.items_export.ask_and_export)
        self._fill_action_filter({})

        # past runs
        self.runs_model = RecoveryRunsModel(self)
        self.runs_proxy = SortFilterProxy(self.runs_model, self)
        r = RecoveryRunsModel
        self.runs = make_table(self.runs_proxy, stretch=r.COL_STATUS,
                               fit=(r.COL_STARTED, r.COL_AS_OF, r.COL_BY, r.COL_EXAMINED, r.COL_REMINDERS, r.COL_FINAL,
                                    r.COL_SUMMONS, r.COL_HOLD, r.COL_HELD_BACK, r.COL_COSTS))
        self.runs.setAccessibleName("Recovery runs")
        self.runs.selectionModel().selectionChanged.connect(lambda *_: self._update_letter_buttons())
        self.runs_status = StatusLine()
        self.runs_status.show_info("None yet.")
        self.runs_export = TableExporter(ui, self.runs, "Recovery runs", to_status(self.runs_status), self)

        self._lay_out(card)
        self._update_letter_buttons()

    def _lay_out(self, card: QWidget) -> None:
        letters = QHBoxLayout()
        letters.setSpacing(8)
        letters.addWidget(self.run_id_label)
        letters.addStretch(1)
        letters.addWidget(self.letters_status)
        letters.addWidget(self.export_letters_button)
        letters.addWidget(self.print_button)

        preview_page = QWidget()
        box = QVBoxLayout(preview_page)
        box.setContentsMargins(0, 8, 0, 0)
        box.setSpacing(6)
        bar = QHBoxLayout()
        bar.addWidget(label("Show", "muted"))
        bar.addWidget(self.action_filter)
        bar.addWidget(self.items_status, 1)
        bar.addWidget(self.export_items_button)
        box.addLayout(bar)
        box.addWidget(self.items, 1)

        runs_page = QWidget()
        box = QVBoxLayout(runs_page)
        box.setContentsMargins(0, 8, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.runs_status)
        box.addWidget(self.runs, 1)

        self.lists = QTabWidget()
        self.lists.addTab(runs_page, "Past runs")
        self.lists.addTab(preview_page, "Accounts in the preview")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(card)
        layout.addWidget(self.summary_title)
        layout.addWidget(self.summary_card)
        layout.addLayout(letters)
        layout.addWidget(self.lists, 1)
        self.summary_title.setVisible(False)
        self.summary_card.setVisible(False)

    def focus_primary(self) -> None:
        self.as_of.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- running ------------------------------------------------------------------------

    def start(self, *, dry_run: bool) -> None:
        if self.running:
            return
        as_of: date = from_qdate(self.as_of.date())
        if not dry_run:
            preview = self.last_preview
            if preview is None or preview.as_of != as_of or preview.status != BatchRunStatus.COMPLETED:
                self._run_after_preview = True  # say what it will do first: preview, then ask
                self.start(dry_run=True)
                return
            if not self.confirm(self.confirmation_text(preview)):
                self.status.show_info("Recovery was not run: nothing was written.")
                return
        app, chunk = self._ui.app, self.chunk
        self._dry_run = dry_run
        what = "Previewing" if dry_run else "Running"
        self.start_run(
            lambda task: app.execute(RunRecovery(as_of=as_of, dry_run=dry_run), progress=task.progress,
                                      cancelled=task.cancelled, chunk=chunk),
            starting=f"{what} recovery as of {uk_date(as_of)}: counting the accounts…",
            description=f"recovery {'preview' if dry_run else 'run'} {as_of}",
        )

    @staticmethod
    def confirmation_text(preview: RecoveryRunSummary) -> str:
        """"Recovery as of 20/11/2026: 251 summonses, 30 final notices, £20,080.00 costs: run?" and who is held back."""
        accounts = len({i.account_ref for i in preview.items if i.action in ACTION_STAGES})
        held = []
        if preview.skipped_on_hold:
            held.append(f"{count(preview.skipped_on_hold, 'account')} on hold")
        if preview.held_back:
            held.append(f"{count(preview.held_back, 'account')} held back by a safeguard")
        kept = f" {' and '.join(held).capitalize()} will be left alone." if held else ""
        return (f"Recovery as of {uk_date(preview.as_of)}: {preview.plan()} for {count(accounts, 'account')}, "
                f"as previewed.{kept} Run it now?")

    def _ask(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Run recovery", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Run recovery")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _set_running(self, running: bool) -> None:
        self.preview_button.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.as_of.setEnabled(not running)

    def _failed(self, exc: BaseException) -> None:
        self._run_after_preview = False
        super()._failed(exc)

    def _finished(self, summary: RecoveryRunSummary) -> None:
        self.last_summary = summary
        steps = sum(summary.actions.values())
        if summary.status == BatchRunStatus.COMPLETED:
            self._show_all_examined(summary.accounts_examined)
            if summary.dry_run:
                self.status.show_info(
                    f"Preview as of {uk_date(summary.as_of)}: the run would take {count(steps, 'step')} "
                    f"({summary.plan()}). Nothing was written."
                )
            else:
                resumed = " (resumed)" if summary.resumed else ""
                self.status.show_info(
                    f"Recovery as of {uk_date(summary.as_of)} is complete{resumed}: {count(steps, 'step')} taken "
                    f"({summary.plan()}). Run id {summary.run_id}."
                )
        elif summary.dry_run:
            self.status.show_info(f"Preview stopped after {count(summary.accounts_examined, 'account')}.")
        else:
            self.status.show_info(
                f"Cancelled after {count(summary.accounts_examined, 'account')}: what was done is kept. "
                f"Run it again for the same date to carry on. Run id {summary.run_id}."
            )
        self._show_summary(summary)
        if summary.dry_run:
            self.last_preview = summary
            self.session_runs.insert(0, summary)
            self._show_items(summary)
        else:
            self.last_preview = None  # the next run states its plan from a new preview
        self._update_letter_buttons()
        self.load_runs()
        if summary.dry_run and self._run_after_preview:
            self._run_after_preview = False
            if summary.status == BatchRunStatus.COMPLETED:
                self.start(dry_run=False)

    # --- the preview's accounts ---------------------------------------------------------------

    def _show_items(self, summary: RecoveryRunSummary) -> None:
        self.items_model.set_rows(summary.items)
        tally: dict[str, int] = {}
        for item in summary.items:
            tally[item.action] = tally.get(item.action, 0) + 1
        self._fill_action_filter(tally)
        self.lists.setCurrentIndex(1)
        self._filter_items()

    def _fill_action_filter(self, tally: dict[str, int]) -> None:
        self.action_filter.blockSignals(True)
        self.action_filter.clear()
        self.action_filter.addItem(f"All ({sum(tally.values()):,})", ALL_ACTIONS)
        for action in (*ACTION_STAGES, HELD_BACK, ON_HOLD):
            if tally.get(action):
                self.action_filter.addItem(f"{action_label(action)} ({tally[action]:,})", action)
        self.action_filter.blockSignals(False)

    def _filter_items(self) -> None:
        wanted = self.action_filter.currentData()
        self.items_proxy.set_row_filter(None if not wanted else (lambda item: item.action == wanted))
        shown = self.items_proxy.rowCount()
        if self.last_preview is None:
            self.items_status.show_info("Preview a run to list the accounts it would act on.")
        else:
            self.items_status.show_info(f"{count(shown, 'row')} as of {uk_date(self.last_preview.as_of)}")
        self.export_items_button.setEnabled(shown > 0)

    def _items_title(self) -> str:
        wanted = self.action_filter.currentData()
        when = f"{self.last_preview.as_of:%Y-%m-%d}" if self.last_preview else ""
        return f"Recovery preview {when}" + (f" {action_label(wanted)}" if wanted else "")

    def show_action(self, action: str) -> None:
        """Show only the rows of one action (a stage, `on_hold` or `held_back`)."""
        index = self.action_filter.findData(action)
        self.action_filter.setCurrentIndex(max(index, 0))

    def shown_items(self) -> list[RunItem]:
        return [self.items_proxy.row_at(n) for n in range(self.items_proxy.rowCount())]

    # --- a run's letters ------------------------------------------------------------------

    def chosen_run(self) -> RecoveryRunSummary | None:
        """The run the letter buttons act on: the one selected in the list, else the last run made here."""
        rows = self.runs.selectionModel().selectedRows() if self.runs.selectionModel() else []
        if rows:
            run: RecoveryRunSummary = self.runs_proxy.row_at(rows[0].row())
            return run if not run.dry_run and run.run_id is not None else None
        last = self.last_summary
        return last if last is not None and not last.dry_run and last.run_id is not None else None

    def _update_letter_buttons(self) -> None:
        run = self.chosen_run()
        has_letters = run is not None and run.letters > 0
        self.export_letters_button.setEnabled(has_letters)
        self.print_button.setEnabled(has_letters)
        self.print_button.setToolTip("The run's letters as one PDF in address order, with a manifest, for the print bureau")
        self.run_id_label.setText(f"Run id {run.run_id} · as of {uk_date(run.as_of)}" if run is not None else "")

    def ask_and_export_letters(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the letters", str(Path.home()))
        if folder:
            self.export_letters(folder)

    def export_letters(self, folder: str) -> None:
        run = self.chosen_run()
        if run is None or run.run_id is None:
            return
        run_id: uuid.UUID = run.run_id
        app = self._ui.app
        self.export_letters_button.setEnabled(False)
        self.letters_status.show_info(f"Writing {count(run.letters, 'letter')}…")
        self.letters_handle = self._ui.runner.run(
            lambda task: app.export_letters(run_id, folder, progress=task.progress, cancelled=task.cancelled),
            on_progress=lambda done, total: self.letters_status.show_info(f"Written {done:,} of {total:,} letters…"),
            on_success=lambda n: self.letters_status.show_info(f"{count(n, 'letter')} written to {folder}."),
            on_failure=lambda exc: self.letters_status.show_error(error_sentence(exc)),
            on_finished=self._update_letter_buttons, owner=self, description=f"export letters {run_id}",
        )

    def ask_and_print_file(self) -> None:
        run = self.chosen_run()
        if run is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Print file", str(Path.home() / f"recovery-{run.as_of}.pdf"),
                                              "PDF (*.pdf)")
        if path:
            self.print_file(path)

    def print_file(self, path: str) -> None:
        """The chosen run's letters as one print file at `path` (the save dialog has asked
        before replacing a file), on a worker; what was made, or why not, below the buttons."""
        run = self.chosen_run()
        if run is None or run.run_id is None:
            return
        run_id, app = run.run_id, self._ui.app
        self.print_button.setEnabled(False)
        self.letters_status.show_info("Making the print file…")
        self.letters_handle = self._ui.runner.run(
            lambda task: app.print_letters(run_id, path, force=True, progress=task.progress, cancelled=task.cancelled),
            on_progress=lambda done, total: self.letters_status.show_info(f"Merged {done:,} of {total:,} letters…"),
            on_success=self._printed,
            on_failure=lambda exc: self.letters_status.show_error(error_sentence(exc)),
            on_finished=self._update_letter_buttons, owner=self, description=f"print file {run_id}",
        )

    def _printed(self, made: PrintFile) -> None:
        if made.file is None:  # no LibreOffice here: the merged Word file and the manifest still came out
            self.letters_status.show_error(f"{made.warning} The letters are in {made.docx}; manifest {made.manifest}.")
        else:
            self.letters_status.show_info(
                f"Print file {made.file}: {count(made.letters, 'letter')}, {count(made.pages or 0, 'page')}; "
                f"manifest {made.manifest}.")

    # --- past runs ------------------------------------------------------------------------

    def load_runs(self) -> None:
        """Recovery runs from the database, with this window's previews (which write nothing) first."""
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.recovery_runs(), on_success=self._runs_loaded,
            on_failure=lambda exc: self.runs_status.show_error(error_sentence(exc)), owner=self,
            description="recovery runs",
        )

    def _runs_loaded(self, runs: list[RecoveryRunSummary]) -> None:
        rows = self.session_runs + runs
        self.runs_model.set_rows(rows)
        self.runs_status.show_info(
            f"{count(len(rows), 'run')}, newest first (this window's previews too). Choose a run for its letters."
            if rows else "None yet."
        )
        self._update_letter_buttons()

    def _show_summary(self, s: RecoveryRunSummary) -> None:
        self._show_figures({
            "examined": f"{s.accounts_examined:,}", "on_hold": f"{s.skipped_on_hold:,}", "held_back": f"{s.held_back:,}",
            "letters": f"{s.letters:,}", "costs": money(s.costs_pence),
            "status": run_status_label("preview" if s.dry_run else s.status),
            **{stage: f"{s.actions.get(stage, 0):,}" for stage in ACTION_STAGES},
        })
        self.summary_title.setText(f"{'Preview' if s.dry_run else 'Run'} as of {uk_date(s.as_of)}")
        self.summary_title.setVisible(True)
        self.summary_card.setVisible(True)
