"""The offer to fill an empty embedded database with demonstration data.

Generating thousands of accounts takes seconds, so it runs on a worker thread with a
progress bar and a Cancel button; the window stays responsive throughout. Cancelling
keeps what was already written (each chunk is its own transaction) and says how much.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.demo.generate import DemoResult
from app.demo.requests import GenerateDemo
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, uk_date
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label
from app.ui.workers import TaskHandle

DEFAULT_ACCOUNTS = 1_000
MIN_ACCOUNTS = 10
MAX_ACCOUNTS = 200_000
SEED = 1  # the same demo data every time, so training notes can name real demo accounts


class DemoDataDialog(QDialog):
    loaded = Signal(object)  # DemoResult, when at least one account was written

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._handle: TaskHandle | None = None
        self._requested = 0
        self.outcome: DemoResult | None = None
        self.setWindowTitle("Load demonstration data")
        self.setMinimumWidth(560)

        self.accounts = QSpinBox()
        self.accounts.setRange(MIN_ACCOUNTS, MAX_ACCOUNTS)
        self.accounts.setSingleStep(500)
        self.accounts.setValue(DEFAULT_ACCOUNTS)
        self.accounts.setGroupSeparatorShown(True)
        self.accounts.setFixedWidth(150)
        self.accounts.setAccessibleName("Number of accounts")
        self.as_of = self._ui.today()

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = StatusLine()

        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton("Load demo data")
        set_role(self.start_button, "primary")
        self.start_button.setDefault(True)
        self.close_button = QPushButton("Not now")
        self.cancel_button = QPushButton("Cancel")
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setVisible(False)  # after addButton, which shows it
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.addRow("Number of accounts", self.accounts)
        form.addRow("Data as of", label(uk_date(self.as_of)))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(label("This database has no accounts yet", "page-title"))
        layout.addWidget(label(
            "Revenues Desk can fill it with realistic, made-up council tax accounts: liable people "
            "and joint taxpayers, discounts, bills, payments, arrears, recovery stages and holds. "
            "None of it is real personal data. Use it to try the desktop or for training.",
            "muted", wrap=True,
        ))
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def start(self) -> None:
        if self.running:
            return
        if self.outcome is not None:  # finished: the primary button now closes
            self.accept()
            return
        self._requested = self.accounts.value()
        app, accounts, as_of = self._ui.app, self._requested, self.as_of
        self.accounts.setEnabled(False)
        self.start_button.setVisible(False)
        self.close_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setFocus()
        self.progress.setRange(0, 0)  # busy until the first chunk is written
        self.progress.setVisible(True)
        self.status.show_info(f"Preparing {count(accounts, 'account')}…")
        self._handle = self._ui.runner.run(
            lambda task: app.execute(
                GenerateDemo(accounts=accounts, seed=SEED, as_of=as_of), progress=task.progress,
                cancelled=task.cancelled,
            ),
            on_progress=self._progressed,
            on_success=self._succeeded,
            on_failure=self._failed,
            owner=self,
            description="demo data",
        )

    def cancel(self) -> None:
        if self.running and self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.show_info("Stopping after the batch being written…")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if not (self._handle and self._handle.cancel_requested):
            self.status.show_info(f"Loaded {done:,} of {count(total, 'account')}…")

    def _succeeded(self, result: DemoResult) -> None:
        self.outcome = result
        self.progress.setRange(0, max(1, self._requested))
        self.progress.setValue(result.accounts)
        if result.accounts >= self._requested:
            self.status.show_info(
                f"Loaded {count(result.accounts, 'account')} and {count(result.transactions, 'transaction')} "
                f"in {result.elapsed_ms / 1000:.1f} s. Search for a surname to start."
            )
        elif result.accounts:
            self.status.show_info(
                f"Stopped: {result.accounts:,} of {count(self._requested, 'account')} were loaded before you cancelled."
            )
        else:
            self.status.show_info("Stopped before any accounts were loaded; the database is still empty.")
        self.cancel_button.setVisible(False)
        self.start_button.setText("Close")
        self.start_button.setVisible(True)
        self.start_button.setFocus()
        if result.accounts:
            emit(self.loaded, result)

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        self.progress.setVisible(False)
        self.status.show_error(error_sentence(exc))
        self.accounts.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.start_button.setText("Try again")
        self.start_button.setVisible(True)
        self.close_button.setVisible(True)

    def reject(self) -> None:
        """Esc or Not now. While loading, Esc means Cancel: the dialog closes when the
        work has stopped, never leaving it running unseen."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
