"""What the Runs pane's pages share: a long run in committed chunks on a worker thread.

Annual billing and the daily recovery run look and behave alike on purpose: a card with
the form, the buttons, a progress bar and a status line; Cancel that stops after the
chunk being written (so running again resumes); a card of figures for the last run; and
the earlier runs in a table below. Each page says only what it runs and what it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label
from app.ui.workers import TaskHandle


class RunPage(QWidget):
    """A page that starts a chunked run: it provides Cancel, the progress bar, the status
    line and the figures; a subclass builds its form, starts the run (`start_run`) and says
    what the buttons do while it runs (`_set_running`) and what the result means (`_finished`)."""

    STOPPING: ClassVar[str] = "Stopping after the chunk being written…"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._handle: TaskHandle | None = None
        self.chunk: int | None = None  # accounts per committed chunk (None: the service's default)
        self._figures: dict[str, QLabel] = {}

        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.status = StatusLine()

    # --- layout pieces ----------------------------------------------------------------

    def run_card(self, title: str, intro: str, form: QFormLayout, *buttons: QPushButton) -> QFrame:
        """The card that starts the run: title, what it does, the form, the buttons (Cancel
        last), the progress bar and the status line."""
        row = QHBoxLayout()
        row.setSpacing(8)
        for button in (*buttons, self.cancel_button):
            row.addWidget(button)
        row.addStretch(1)

        card = QFrame()
        set_role(card, "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(18, 14, 18, 16)
        box.setSpacing(12)
        box.addWidget(label(title, "section"))
        box.addWidget(label(intro, "muted", wrap=True))
        box.addLayout(form)
        box.addLayout(row)
        box.addWidget(self.progress)
        box.addWidget(self.status)
        return card

    def figures_card(self, figures: Sequence[tuple[str, str]], *, per_row: int, padding: int,
                     column_gap: int) -> QFrame:
        """The last run's figures: a caption over each value, `per_row` to a row (a gap
        between rows); `figure(key)` reads one back."""
        card = QFrame()
        set_role(card, "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(18, padding, 18, padding)
        grid.setHorizontalSpacing(column_gap)
        grid.setVerticalSpacing(2)
        for n, (key, caption) in enumerate(figures):
            row, column = divmod(n, per_row)
            grid.addWidget(label(caption.upper(), "caption"), row * 3, column)
            value = label("—", "figure", selectable=True)
            grid.addWidget(value, row * 3 + 1, column)
            self._figures[key] = value
        for row in range(1, -(-len(figures) // per_row)):
            grid.setRowMinimumHeight(row * 3 - 1, 10)  # a gap between the rows of figures
        grid.setColumnStretch(per_row, 1)
        return card

    @staticmethod
    def lay_out(page: QWidget, run_card: QFrame, summary_title: QWidget, summary_card: QFrame, runs_title: str,
                runs_status: QWidget, runs: QWidget) -> None:
        """The page from top to bottom: the run card, the last run (hidden until there is
        one), then the earlier runs with their status line beside the heading."""
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(run_card)
        layout.addWidget(summary_title)
        layout.addWidget(summary_card)
        previous = QHBoxLayout()
        previous.addWidget(label(runs_title, "section"))
        previous.addStretch(1)
        previous.addWidget(runs_status)
        layout.addLayout(previous)
        layout.addWidget(runs, 1)
        summary_card.setVisible(False)

    # --- what a subclass provides -----------------------------------------------------

    def _set_running(self, running: bool) -> None:
        raise NotImplementedError

    def _finished(self, summary: Any) -> None:
        raise NotImplementedError

    # --- behaviour --------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def start_run(self, work: Callable[[Any], Any], *, starting: str, description: str) -> None:
        """Run `work(task)` on a worker; the bar is busy until the first chunk is committed."""
        self._set_running(True)
        self.progress.setRange(0, 0)
        self.status.show_info(starting)
        self._handle = self._ui.runner.run(
            work, on_progress=self._progressed, on_success=self._finished, on_failure=self._failed,
            on_finished=lambda: self._set_running(False), owner=self, description=description,
        )

    def cancel(self) -> None:
        if self.running and self._handle is not None:
            self._handle.cancel()
            self.cancel_button.setEnabled(False)
            self.status.show_info(self.STOPPING)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done:,} of {total:,} accounts")
        if not (self._handle and self._handle.cancel_requested):
            self.status.show_info(f"Examined {done:,} of {count(total, 'account')}…")

    def _show_all_examined(self, examined: int) -> None:
        """A completed run: the bar full, whatever the last progress report said."""
        self.progress.setRange(0, max(1, examined))
        self.progress.setValue(examined)
        self.progress.setFormat(f"{examined:,} of {examined:,} accounts")

    def _show_figures(self, values: dict[str, str]) -> None:
        for key, text in values.items():
            self._figures[key].setText(text)

    def figure(self, key: str) -> str:
        return str(self._figures[key].text())

    def _failed(self, exc: BaseException) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.show_error(error_sentence(exc))
