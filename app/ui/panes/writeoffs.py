"""Write-off approvals: proposals waiting for the viewer's decision, oldest first.

Only what the viewer may decide is listed: proposals within their limit in the council's
scheme of delegation, and not their own (a write-off needs a second person). The line
above the table says what their limit is and how many others wait (above it, or their
own), so nobody wonders where a proposal went. Approving posts the write-off to the
account; rejecting needs a note. The committee's schedule is written from here too (on a
worker: it may hold many thousands of rows).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from app.enums import WriteOffStatus
from app.rules.apportionment import year_label
from app.rules.writeoffs import describe_limit
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.writeoffs import WriteOffsModel, writeoff_details
from app.ui.panes.approvals import ApprovalsPane
from app.ui.widgets import label, make_table
from app.writeoffs.requests import DecideWriteOff
from app.writeoffs.schedule import ScheduleResult
from app.writeoffs.views import ApprovalQueue, WriteOffView

if TYPE_CHECKING:
    from app.application import Application


class WriteOffApprovalsPane(ApprovalsPane[WriteOffView]):
    TITLE = "Write-off approvals"
    NOUN = "write-off"

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        self.model = WriteOffsModel()
        proxy = SortFilterProxy(self.model)
        m = WriteOffsModel
        table = make_table(proxy, stretch=m.COL_DETAILS, widths={m.COL_NAME: 140, m.COL_REASON: 190},
                           fit=(m.COL_PROPOSED, m.COL_ACCOUNT, m.COL_YEAR, m.COL_AMOUNT, m.COL_BY))
        self.details = label("", "muted", wrap=True, selectable=True)
        self.limit = label("", "muted", wrap=True)
        self.export_button = QPushButton("Export schedule…")
        self.export_button.setToolTip("Write the schedule of approved write-offs for committee (Excel, with a CSV copy)")
        super().__init__(
            ui, table, proxy,
            "Write-offs officers have proposed, oldest first, that your limit in the scheme of delegation covers. "
            "Approving posts the write-off to the account and stops recovery for that year; the proposer cannot "
            "approve their own.",
            extra_buttons=(self.export_button,), below_intro=(self.limit,), above_decision=(self.details,),
            parent=parent,
        )
        self.model.setParent(self)
        proxy.setParent(self)
        self.export_button.clicked.connect(self._choose_export_file)

    def fetch(self, app: Application) -> ApprovalQueue:
        return app.writeoff_approvals()

    def show_queue(self, queue: ApprovalQueue) -> None:
        self.model.set_rows(queue.items)
        self.count.setText(count(len(queue.items), "proposal") + " waiting")
        others = []
        if queue.above_limit:
            others.append(f"{queue.above_limit:,} above your limit")
        if queue.own:
            others.append(f"{queue.own:,} of your own, for someone else to decide")
        self.limit.setText(f"Your limit: {describe_limit(queue.limit_pence)}."
                           + (f" Also waiting: {'; '.join(others)}." if others else ""))

    def _update_buttons(self) -> None:
        super()._update_buttons()
        chosen = self.selected()
        self.details.setText(
            f"{chosen.account_ref} · {chosen.name} · {year_label(chosen.financial_year)} · "
            f"{money(chosen.amount_pence)} · {chosen.reason_label}: {writeoff_details(chosen) or 'no note'}"
            if chosen else ""
        )

    def decision(self, row: WriteOffView, approve: bool, note: str, as_of: date) -> DecideWriteOff:
        return DecideWriteOff(writeoff_id=row.writeoff_id, approve=approve, note=note, as_of=as_of,
                              expected_version=row.version)

    def decided_message(self, result: WriteOffView) -> str:
        verb = "approved and posted" if result.status == WriteOffStatus.APPROVED else "rejected"
        return (f"Write-off of {money(result.amount_pence)} for {year_label(result.financial_year)} "
                f"on account {result.account_ref} {verb}.")

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
