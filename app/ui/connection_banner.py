"""The banner a lost database connection raises, and the retrying behind it.

When any background task fails with `ConnectionLost` (the server went away, the network
dropped), the task's own pane shows its one-sentence error as usual, and the runner's
`connection_lost` signal raises this banner over the whole window. It then tries the
database every few seconds on a worker (never on the UI thread, where a dead server's
connect timeout would freeze the window) and hides itself, with a message in the status
bar, as soon as one answer comes back. Nothing is retried on the officer's behalf: what
failed said so, and they do it again once the banner has gone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from app.ui.signals import emit
from app.ui.widgets import label
from app.ui.workers import TaskHandle, TaskRunner

RETRY_INTERVAL_MS = 5_000
LOST_TEXT = (
    "The connection to the database was lost. Revenues Desk is trying again every few seconds; "
    "anything that failed meanwhile says so where you did it, and open forms keep what you typed."
)


class ConnectionBanner(QFrame):
    """Hidden until `lost()`; retries `ping` until it answers, then emits `restored`."""

    restored = Signal()

    def __init__(self, runner: TaskRunner, ping: Callable[[], None], parent: QWidget | None = None,
                 interval_ms: int = RETRY_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectionBanner")
        self._runner = runner
        self._ping = ping
        self._attempt: TaskHandle | None = None
        self.message = label(LOST_TEXT, "banner-error", wrap=True)
        self.message.setAccessibleName("Connection lost")
        self.retry_button = QPushButton("Try now")
        self.retry_button.setToolTip("Try the database again at once")
        self.retry_button.clicked.connect(self.retry)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.retry_button)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.retry)
        self.setVisible(False)

    @property
    def showing(self) -> bool:
        return not self.isHidden()

    def lost(self) -> None:
        """A task found the database gone: show the banner and start retrying (once)."""
        if self.showing:
            return
        self.message.setText(LOST_TEXT)
        self.setVisible(True)
        self.timer.start()

    def retry(self) -> None:
        """One attempt on a worker, unless one is already waiting for its answer."""
        if self._attempt is not None and not self._attempt.finished:
            return
        self.retry_button.setEnabled(False)
        self._attempt = self._runner.run(
            lambda _task: self._ping(), on_success=lambda _none: self._answered(),
            on_failure=self._still_lost, owner=self, description="reconnect to the database",
        )

    def _answered(self) -> None:
        self.timer.stop()
        self.retry_button.setEnabled(True)
        self.setVisible(False)
        emit(self.restored)

    def _still_lost(self, _exc: BaseException) -> None:
        self.retry_button.setEnabled(True)
        self.message.setText(f"{LOST_TEXT} Last tried at {datetime.now():%H:%M:%S}.")
