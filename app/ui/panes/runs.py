"""Runs: annual billing for a financial year, with progress, Cancel and a summary; and,
on its own page, the daily recovery run (`app.ui.panes.recovery_runs`).

The run works in committed chunks on a worker thread; the bar shows accounts examined
out of the accounts liable in the year. Cancel is cooperative: the run stops after the
chunk it is writing, keeps everything committed, and running the same year and issue date
again resumes where it stopped (accounts already billed are never charged twice). Below,
the previous billing runs, newest first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.billing.annual_run import BillingRunSummary
from app.billing.requests import RunAnnualBilling
from app.enums import BatchRunStatus
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, financial_year, money, run_status_label, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.runs import BillingRunsModel
from app.ui.panes.recovery_runs import RecoveryRunSection
from app.ui.panes.run_page import RunPage
from app.ui.style import set_role
from app.ui.table_export import TableExporter, to_status
from app.ui.widgets import StatusLine, label, make_table

FIGURES = (
    ("examined", "Accounts examined"), ("charges", "Charges"), ("adjustments", "Adjustments"),
    ("notices", "Notices"), ("charged", "Charged"), ("status", "Status"),
)


class RunsPane(RunPage):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.last_summary: BillingRunSummary | None = None

        self.year = QComboBox()
        self.year.setAccessibleName("Financial year to bill")
        self.year.setMinimumWidth(140)
        for year in ui.app.billing_years:
            self.year.addItem(financial_year(year), year)
        self.issue_date = date_edit(ui.today(), accessible="Issue date")
        self.run_button = QPushButton("Run annual billing")
        set_role(self.run_button, "primary")
        self.run_button.clicked.connect(self.start)

        form = form_layout()
        form.addRow("Financial year", self.year)
        form.addRow("Issue date of the notices", self.issue_date)
        self.summary_card = self.figures_card(FIGURES, per_row=len(FIGURES), padding=14, column_gap=40)
        run_card = self.run_card(
            "Annual billing",
            "Charges every account liable in the year, sets up its instalments and issues its demand notice. "
            "Accounts already billed for the year are left alone, so a cancelled run is resumed by running it again.",
            form, self.run_button,
        )

        self.runs_status = StatusLine()
        self.runs_model = BillingRunsModel(self)
        self.runs_proxy = SortFilterProxy(self.runs_model, self)
        r = BillingRunsModel
        self.runs = make_table(self.runs_proxy, stretch=r.COL_STATUS,
                               fit=(r.COL_YEAR, r.COL_ISSUED, r.COL_STARTED, r.COL_BY, r.COL_EXAMINED, r.COL_CHARGES,
                                    r.COL_ADJUSTMENTS, r.COL_NOTICES, r.COL_CHARGED))
        self.runs_export = TableExporter(ui, self.runs, "Billing runs", to_status(self.runs_status), self)

        billing_page = QWidget()
        self.lay_out(billing_page, run_card, label("Last run", "section"), self.summary_card, "Previous billing runs",
                     self.runs_status, self.runs)

        self.recovery = RecoveryRunSection(ui)
        self.tabs = QTabWidget()
        self.tabs.addTab(billing_page, "Annual billing")
        self.tabs.addTab(self.recovery, "Recovery")
        self.tabs.currentChanged.connect(lambda _i: self.focus_primary())
        page = QVBoxLayout(self)
        page.setContentsMargins(24, 18, 24, 16)
        page.setSpacing(8)
        page.addWidget(label("Runs", "page-title"))
        page.addWidget(self.tabs, 1)

    # --- behaviour ------------------------------------------------------------------------

    def show_recovery(self) -> None:
        self.tabs.setCurrentWidget(self.recovery)

    def focus_primary(self) -> None:
        if self.tabs.currentWidget() is self.recovery:
            self.recovery.focus_primary()
            return
        self.year.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load_runs()

    def load_runs(self) -> None:
        app = self._ui.app
        self.recovery.load_runs()
        self.runs_status.show_info("Loading…")
        self._ui.runner.run(
            lambda _task: app.billing_runs(), on_success=self._runs_loaded,
            on_failure=lambda exc: self.runs_status.show_error(error_sentence(exc)), owner=self,
            description="billing runs",
        )

    def _runs_loaded(self, runs: list[BillingRunSummary]) -> None:
        self.runs_model.set_rows(runs)
        self.runs_status.show_info(count(len(runs), "run") if runs else "No billing runs yet.")

    def start(self) -> None:
        if self.running or self.year.currentData() is None:
            return
        app, year, chunk = self._ui.app, int(self.year.currentData()), self.chunk
        issued: date = from_qdate(self.issue_date.date())
        self.start_run(
            lambda task: app.execute(RunAnnualBilling(year=year, as_of=issued), progress=task.progress,
                                          cancelled=task.cancelled, chunk=chunk),
            starting=f"Billing {financial_year(year)}: counting the accounts liable…",
            description=f"annual billing {year}",
        )

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.year.setEnabled(not running)
        self.issue_date.setEnabled(not running)

    def _finished(self, summary: BillingRunSummary) -> None:
        self.last_summary = summary
        if summary.status == BatchRunStatus.COMPLETED:
            self._show_all_examined(summary.accounts_examined)
            resumed = " (resumed)" if summary.resumed else ""
            self.status.show_info(
                f"Billing for {financial_year(summary.year)} issued {uk_date(summary.as_of)} is complete{resumed}."
            )
        else:
            self.status.show_info(
                f"Cancelled after {count(summary.accounts_examined, 'account')}: what was done is kept. "
                "Run it again with the same year and issue date to carry on."
            )
        self._show_summary(summary)
        self.load_runs()

    def _show_summary(self, s: BillingRunSummary) -> None:
        self._show_figures({
            "examined": f"{s.accounts_examined:,}", "charges": f"{s.charges:,}", "adjustments": f"{s.adjustments:,}",
            "notices": f"{s.notices:,}", "charged": money(s.charged_pence), "status": run_status_label(s.status),
        })
        self.summary_card.setVisible(True)
