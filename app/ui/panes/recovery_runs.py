"""The Runs pane's Recovery page: the daily recovery run as of a date.

"Preview (dry run)" works out what the run would do (reminders, final notices, summonses,
accounts held back by a hold, letters, costs) and writes nothing: any officer may preview.
"Run recovery" (a team leader) takes those steps in committed chunks with a progress bar;
Cancel is cooperative (the run stops after the chunk it is writing) and running the same
date again resumes. A run for a date already done adds nothing.

The runs listed are those made from this window (newest first): no service lists earlier
recovery runs yet.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from app.enums import BatchRunStatus
from app.recovery.requests import RunRecovery
from app.recovery.run import RecoveryRunSummary
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money, run_status_label, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.recovery import RecoveryRunsModel
from app.ui.panes.run_page import RunPage
from app.ui.style import set_role
from app.ui.widgets import label, make_table

FIGURES = (
    ("examined", "Accounts examined"), ("reminder_1", "First reminders"), ("reminder_2", "Second reminders"),
    ("final_notice", "Final notices"), ("summons", "Summonses"),
    ("on_hold", "Held back (on hold)"), ("letters", "Letters"), ("costs", "Costs"), ("status", "Status"),
)
PER_ROW = 5


class RecoveryRunSection(RunPage):
    STOPPING = "Stopping after the chunk being worked on…"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self._dry_run = False
        self.last_summary: RecoveryRunSummary | None = None
        self.session_runs: list[RecoveryRunSummary] = []

        self.as_of = date_edit(ui.today(), accessible="Recovery as of")
        self.preview_button = QPushButton("Preview (dry run)")
        self.preview_button.setToolTip("Work out what the run would do, without writing anything")
        self.preview_button.clicked.connect(lambda: self.start(dry_run=True))
        self.run_button = QPushButton("Run recovery")
        set_role(self.run_button, "primary")
        self.run_button.setToolTip("Send the notices and issue the summonses that are due (a team leader)")
        self.run_button.clicked.connect(lambda: self.start(dry_run=False))

        form = form_layout()
        form.addRow("Recovery as of", self.as_of)
        card = self.run_card(
            "Daily recovery",
            "Sends reminders and final notices and issues summonses for the next hearing, as the recovery policy "
            "says, for every account in arrears. Accounts on hold are held back. Preview first: it writes nothing.",
            form, self.preview_button, self.run_button,
        )
        self.summary_title = label("Last run", "section")
        self.summary_card = self.figures_card(FIGURES, per_row=PER_ROW, padding=12, column_gap=36)

        self.runs_model = RecoveryRunsModel(self)
        self.runs_proxy = SortFilterProxy(self.runs_model, self)
        r = RecoveryRunsModel
        self.runs = make_table(self.runs_proxy, stretch=r.COL_COSTS,
                               fit=(r.COL_AS_OF, r.COL_KIND, r.COL_STATUS, r.COL_EXAMINED, r.COL_REMINDERS, r.COL_FINAL,
                                    r.COL_SUMMONS, r.COL_HOLD))
        self.runs_status = label("None yet.", "muted")

        self.lay_out(self, card, self.summary_title, self.summary_card, "Recovery runs (and this window's previews)",
                     self.runs_status, self.runs)
        self.summary_title.setVisible(False)

    def focus_primary(self) -> None:
        self.as_of.setFocus(Qt.FocusReason.OtherFocusReason)

    def start(self, *, dry_run: bool) -> None:
        if self.running:
            return
        app, chunk = self._ui.app, self.chunk
        as_of: date = from_qdate(self.as_of.date())
        self._dry_run = dry_run
        what = "Previewing" if dry_run else "Running"
        self.start_run(
            lambda task: app.execute(RunRecovery(as_of=as_of, dry_run=dry_run), progress=task.progress,
                                      cancelled=task.cancelled, chunk=chunk),
            starting=f"{what} recovery as of {uk_date(as_of)}: counting the accounts…",
            description=f"recovery {'preview' if dry_run else 'run'} {as_of}",
        )

    def _set_running(self, running: bool) -> None:
        self.preview_button.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.as_of.setEnabled(not running)

    def _finished(self, summary: RecoveryRunSummary) -> None:
        self.last_summary = summary
        steps = sum(summary.actions.values())
        if summary.status == BatchRunStatus.COMPLETED:
            self._show_all_examined(summary.accounts_examined)
            if summary.dry_run:
                self.status.show_info(
                    f"Preview as of {uk_date(summary.as_of)}: the run would take {count(steps, 'step')}. "
                    "Nothing was written."
                )
            else:
                resumed = " (resumed)" if summary.resumed else ""
                self.status.show_info(
                    f"Recovery as of {uk_date(summary.as_of)} is complete{resumed}: {count(steps, 'step')} taken."
                )
        elif summary.dry_run:
            self.status.show_info(f"Preview stopped after {count(summary.accounts_examined, 'account')}.")
        else:
            self.status.show_info(
                f"Cancelled after {count(summary.accounts_examined, 'account')}: what was done is kept. "
                "Run it again for the same date to carry on."
            )
        self._show_summary(summary)
        if summary.dry_run:
            self.session_runs.insert(0, summary)
        self.load_runs()

    def load_runs(self) -> None:
        """Recovery runs from the database, with this window's previews (which write nothing) first."""
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.recovery_runs(), on_success=self._runs_loaded,
            on_failure=lambda exc: self.runs_status.setText(error_sentence(exc)), owner=self,
            description="recovery runs",
        )

    def _runs_loaded(self, runs: list[RecoveryRunSummary]) -> None:
        rows = self.session_runs + runs
        self.runs_model.set_rows(rows)
        self.runs_status.setText(count(len(rows), "run") if rows else "None yet.")

    def _show_summary(self, s: RecoveryRunSummary) -> None:
        self._show_figures({
            "examined": f"{s.accounts_examined:,}", "on_hold": f"{s.skipped_on_hold:,}", "letters": f"{s.letters:,}",
            "costs": money(s.costs_pence), "status": run_status_label("preview" if s.dry_run else s.status),
            **{stage: f"{s.actions.get(stage, 0):,}" for stage in ("reminder_1", "reminder_2", "final_notice", "summons")},
        })
        self.summary_title.setText(f"{'Preview' if s.dry_run else 'Run'} as of {uk_date(s.as_of)}")
        self.summary_title.setVisible(True)
        self.summary_card.setVisible(True)
