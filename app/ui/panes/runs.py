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
from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QHBoxLayout, QProgressBar, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from app.services.billing import BillingRunSummary
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, financial_year, money, run_status_label, uk_date
from app.ui.forms import date_edit, form_layout, from_qdate
from app.ui.models.base import SortFilterProxy
from app.ui.models.runs import BillingRunsModel
from app.ui.panes.recovery_runs import RecoveryRunSection
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label, make_table
from app.ui.workers import TaskHandle


class RunsPane(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._handle: TaskHandle | None = None
        self.chunk: int | None = None  # accounts per committed chunk (None: the service's default)
        self.last_summary: BillingRunSummary | None = None

        self.year = QComboBox()
        self.year.setAccessibleName("Financial year to bill")
        self.year.setMinimumWidth(140)
        for year in ui.desk.billing_years:
            self.year.addItem(financial_year(year), year)
        self.issue_date = date_edit(ui.today(), accessible="Issue date")
        self.run_button = QPushButton("Run annual billing")
        set_role(self.run_button, "primary")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)

        form = form_layout()
        form.addRow("Financial year", self.year)
        form.addRow("Issue date of the notices", self.issue_date)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.status = StatusLine()

        self._figures: dict[str, QWidget] = {}
        self.summary_card = QFrame()
        set_role(self.summary_card, "card")
        grid = QGridLayout(self.summary_card)
        grid.setContentsMargins(18, 14, 18, 14)
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(2)
        for column, (key, caption) in enumerate((
            ("examined", "Accounts examined"), ("charges", "Charges"), ("adjustments", "Adjustments"),
            ("notices", "Notices"), ("charged", "Charged"), ("status", "Status"),
        )):
            grid.addWidget(label(caption.upper(), "caption"), 0, column)
            value = label("—", "figure", selectable=True)
            grid.addWidget(value, 1, column)
            self._figures[key] = value
        grid.setColumnStretch(6, 1)

        run_card = QFrame()
        set_role(run_card, "card")
        run_box = QVBoxLayout(run_card)
        run_box.setContentsMargins(18, 14, 18, 16)
        run_box.setSpacing(12)
        run_box.addWidget(label("Annual billing", "section"))
        run_box.addWidget(label(
            "Charges every account liable in the year, sets up its instalments and issues its demand notice. "
            "Accounts already billed for the year are left alone, so a cancelled run is resumed by running it again.",
            "muted", wrap=True,
        ))
        run_box.addLayout(form)
        run_box.addLayout(buttons)
        run_box.addWidget(self.progress)
        run_box.addWidget(self.status)

        self.runs_model = BillingRunsModel(self)
        self.runs_proxy = SortFilterProxy(self.runs_model, self)
        r = BillingRunsModel
        self.runs = make_table(self.runs_proxy, stretch=r.COL_STATUS, widths={r.COL_CHARGED: 150},
                               fit=(r.COL_YEAR, r.COL_ISSUED, r.COL_EXAMINED, r.COL_CHARGES, r.COL_ADJUSTMENTS,
                                    r.COL_NOTICES))
        self.runs_status = StatusLine()

        billing_page = QWidget()
        layout = QVBoxLayout(billing_page)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(run_card)
        layout.addWidget(label("Last run", "section"))
        layout.addWidget(self.summary_card)
        previous = QHBoxLayout()
        previous.addWidget(label("Previous billing runs", "section"))
        previous.addStretch(1)
        previous.addWidget(self.runs_status)
        layout.addLayout(previous)
        layout.addWidget(self.runs, 1)
        self.summary_card.setVisible(False)

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

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def show_recovery(self) -> None:
        self.tabs.setCurrentWidget(self.recovery)

    def focus_primary(self) -> None:
        if self.tabs.currentWidget() is self.recovery:
            self.recovery.focus_primary()
            return
        self.year.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load_runs()

    def load_runs(self) -> None:
        desk = self._ui.desk
        self.recovery.load_runs()
        self.runs_status.show_info("Loading…")
        self._ui.runner.run(
            lambda _task: desk.billing_runs(), on_success=self._runs_loaded,
            on_failure=lambda exc: self.runs_status.show_error(error_sentence(exc)), owner=self,
            description="billing runs",
        )

    def _runs_loaded(self, runs: list[BillingRunSummary]) -> None:
        self.runs_model.set_rows(runs)
        self.runs_status.show_info(count(len(runs), "run") if runs else "No billing runs yet.")

    def start(self) -> None:
        if self.running or self.year.currentData() is None:
            return
        desk, year, chunk = self._ui.desk, int(self.year.currentData()), self.chunk
        issued: date = from_qdate(self.issue_date.date())
        self._set_running(True)
        self.progress.setRange(0, 0)  # busy until the first chunk is committed
        self.status.show_info(f"Billing {financial_year(year)}: counting the accounts liable…")
        self._handle = self._ui.runner.run(
            lambda task: desk.run_annual_billing(year, issued, progress=task.progress, cancelled=task.cancelled,
                                                 chunk=chunk),
            on_progress=self._progressed, on_success=self._finished, on_failure=self._failed,
            on_finished=lambda: self._set_running(False), owner=self, description=f"annual billing {year}",
        )

    def cancel(self) -> None:
        if self.running and self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.show_info("Stopping after the chunk being written…")

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.year.setEnabled(not running)
        self.issue_date.setEnabled(not running)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} of {total:,} accounts")
        if not (self._handle and self._handle.cancel_requested):
            self.status.show_info(f"Examined {done:,} of {count(total, 'account')}…")

    def _finished(self, summary: BillingRunSummary) -> None:
        self.last_summary = summary
        if summary.status == "completed":
            self.progress.setRange(0, max(1, summary.accounts_examined))
            self.progress.setValue(summary.accounts_examined)
            self.progress.setFormat(f"{summary.accounts_examined:,} of {summary.accounts_examined:,} accounts")
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
        values = {
            "examined": f"{s.accounts_examined:,}", "charges": f"{s.charges:,}", "adjustments": f"{s.adjustments:,}",
            "notices": f"{s.notices:,}", "charged": money(s.charged_pence), "status": run_status_label(s.status),
        }
        for key, text in values.items():
            self._figures[key].setText(text)  # type: ignore[attr-defined]
        self.summary_card.setVisible(True)

    def figure(self, key: str) -> str:
        return str(self._figures[key].text())  # type: ignore[attr-defined]

    def _failed(self, exc: BaseException) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.show_error(error_sentence(exc))
