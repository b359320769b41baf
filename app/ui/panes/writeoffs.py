"""Write-off approvals: proposals waiting for the viewer's decision, oldest first.

Only what the viewer may decide is listed: proposals within their limit in the council's
scheme of delegation, and not their own (a write-off needs a second person). The line
above the table says what their limit is and how many others wait (above it, or their
own), so nobody wonders where a proposal went. Approving posts the write-off to the
account; rejecting needs a note. The committee's schedule is written from here too (on a
worker: it may hold many thousands of rows).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.enums import WriteOffStatus
from app.rules.apportionment import year_label
from app.rules.writeoffs import describe_limit
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.writeoffs import WriteOffsModel, writeoff_details
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label, make_table
from app.writeoffs.requests import DecideWriteOff
from app.writeoffs.schedule import ScheduleResult
from app.writeoffs.views import ApprovalQueue, WriteOffView


class WriteOffApprovalsPane(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.model = WriteOffsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        m = WriteOffsModel
        self.table = make_table(self.proxy, stretch=m.COL_DETAILS, widths={m.COL_NAME: 140, m.COL_REASON: 190},
                                fit=(m.COL_PROPOSED, m.COL_ACCOUNT, m.COL_YEAR, m.COL_AMOUNT, m.COL_BY))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.details = label("", "muted", wrap=True, selectable=True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note for the decision (required to reject)")
        self.note.setAccessibleName("Decision note")
        self.note.setMaxLength(500)
        self.approve_button = QPushButton("Approve")
        set_role(self.approve_button, "primary")
        self.reject_button = QPushButton("Reject")
        self.refresh_button = QPushButton("Refresh")
        self.export_button = QPushButton("Export schedule…")
        self.export_button.setToolTip("Write the schedule of approved write-offs for committee (Excel, with a CSV copy)")
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.refresh_button.clicked.connect(self.load)
        self.export_button.clicked.connect(self._choose_export_file)
        self.status = StatusLine()
        self.count = label("", "muted")
        self.limit = label("", "muted", wrap=True)

        top = QHBoxLayout()
        top.addWidget(label("Write-off approvals", "page-title"))
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.export_button)
        top.addWidget(self.refresh_button)
        decide = QHBoxLayout()
        decide.setSpacing(8)
        decide.addWidget(self.note, 1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.approve_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label(
            "Write-offs officers have proposed, oldest first, that your limit in the scheme of delegation covers. "
            "Approving posts the write-off to the account and stops recovery for that year; the proposer cannot "
            "approve their own.", "muted", wrap=True,
        ))
        layout.addWidget(self.limit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(decide)
        layout.addWidget(self.status)
        self._update_buttons()

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    def load(self) -> None:
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.writeoff_approvals(), on_success=self._loaded,
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self,
            description="write-off proposals",
        )

    def _loaded(self, queue: ApprovalQueue) -> None:
        self.model.set_rows(queue.items)
        self.count.setText(count(len(queue.items), "proposal") + " waiting")
        others = []
        if queue.above_limit:
            others.append(f"{queue.above_limit:,} above your limit")
        if queue.own:
            others.append(f"{queue.own:,} of your own, for someone else to decide")
        self.limit.setText(f"Your limit: {describe_limit(queue.limit_pence)}."
                           + (f" Also waiting: {'; '.join(others)}." if others else ""))
        if queue.items:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> WriteOffView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.approve_button.setEnabled(chosen is not None)
        self.reject_button.setEnabled(chosen is not None)
        self.details.setText(
            f"{chosen.account_ref} · {chosen.name} · {year_label(chosen.financial_year)} · "
            f"{money(chosen.amount_pence)} · {chosen.reason_label}: {writeoff_details(chosen) or 'no note'}"
            if chosen else ""
        )

    def decide(self, approve: bool) -> None:
        writeoff = self.selected()
        if writeoff is None:
            return
        note = self.note.text()
        if not approve and not note.strip():
            self.status.show_error("Say why the write-off is rejected in the note.")
            self.note.setFocus()
            return
        app, as_of = self._ui.app, self._ui.today()
        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)
        self._ui.runner.run(
            lambda _task: app.execute(DecideWriteOff(writeoff_id=writeoff.writeoff_id, approve=approve, note=note,
                                                     as_of=as_of, expected_version=writeoff.version)),
            on_success=self._decided, on_failure=self._failed, owner=self, description="decide write-off",
        )

    def _decided(self, writeoff: WriteOffView) -> None:
        verb = "approved and posted" if writeoff.status == WriteOffStatus.APPROVED else "rejected"
        self.status.show_info(f"Write-off of {money(writeoff.amount_pence)} for {year_label(writeoff.financial_year)} "
                              f"on account {writeoff.account_ref} {verb}.")
        self.note.clear()
        self.load()

    def _failed(self, exc: BaseException) -> None:
        self.status.show_error(error_sentence(exc))
        self._update_buttons()

    # --- the schedule for committee -------------------------------------------------------

    def _choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export write-off schedule", "write-off-schedule.xlsx",
                                              "Excel workbook (*.xlsx)")
        if path:
            self.export_schedule(path)

    def export_schedule(self, path: str | Path, *, public: bool = False) -> None:
        """Write the schedule of approved write-offs to `path` (the file dialog has already
        asked before replacing a file) and its CSV twin, on a worker."""
        app = self._ui.app
        self.export_button.setEnabled(False)
        self.status.show_info("Writing the schedule…")
        self._ui.runner.run(
            lambda _task: app.writeoff_schedule(path, public=public, force=True), on_success=self._exported,
            on_failure=self._export_failed, owner=self, description="write-off schedule",
        )

    def _exported(self, result: ScheduleResult) -> None:
        self.export_button.setEnabled(True)
        self.status.show_info(f"Schedule written: {count(result.rows, 'write-off')}, {money(result.total_pence)}, "
                              f"to {result.file} (and {Path(result.csv_file).name}).")

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.status.show_error(error_sentence(exc))
