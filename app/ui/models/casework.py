"""Case work lists: the worklist page, an account's diary and notes, the escalation queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from PySide6.QtGui import QColor

from app.casework.diary import DiaryView
from app.casework.escalations import EscalationView
from app.casework.notes import NoteView
from app.casework.worklists import WorklistRow
from app.enums import DiaryStatus, EscalationStatus
from app.recovery.arrangements.views import PlannedPayment
from app.ui.formatting import humanise, stage_label, uk_date
from app.ui.models.base import ALIGN_RIGHT, Column, DtoTableModel, date_column, money_column, optional_money_column, text_column
from app.ui.style import COLOURS

REASON_LABELS = {"vulnerable": "Vulnerable", "complex": "Complex case", "write_off": "Write-off",
                 "refund": "Refund", "other": "Other"}
ESCALATION_STATUS_LABELS = {"open": "Waiting", "referred": "Referred to a manager", "approved": "Approved",
                            "rejected": "Rejected"}
DECISION_LABELS = {"approve": "Approve", "reject": "Reject", "refer": "Refer to a manager"}


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason) or humanise(reason)


def escalation_status_label(status: str) -> str:
    return ESCALATION_STATUS_LABELS.get(status) or humanise(status)


def when(value: datetime | None) -> str:
    """23/11/2026 14:05: when a note was written or an entry completed."""
    return f"{value:%d/%m/%Y %H:%M}" if value else ""


def worklist_stage(stage: str) -> str:
    return stage_label(stage) if stage else "None"


def _overdue_colour(overdue: bool) -> QColor | None:
    return QColor(COLOURS["danger"]) if overdue else None


class WorklistModel(DtoTableModel):
    COL_DUE = 0
    COL_CODE = 1
    COL_ACCOUNT = 2
    COL_NAME = 3
    COL_BALANCE = 4
    COL_STAGE = 5
    COL_OWNER = 6
    COL_NOTE = 7

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Due", lambda r: uk_date(r.due), lambda r: r.due,
               tooltip=lambda r: "Overdue" if r.overdue else "", foreground=lambda r: _overdue_colour(r.overdue)),
        text_column("Code", lambda r: r.code),
        text_column("Account", lambda r: r.account_ref),
        text_column("Name", lambda r: r.name, tooltip=True),
        money_column("Balance", lambda r: r.balance_pence),
        text_column("Stage", lambda r: worklist_stage(r.stage), tooltip=True),
        Column("Officer", lambda r: r.owner or f"{r.team} queue",
               lambda r: (r.owner or "").casefold(),
               tooltip=lambda r: f"Being worked by {r.claimed_by}" if r.claimed_by else ""),
        text_column("Note", lambda r: r.note, tooltip=True),
    )
    # header column -> the service's order (the list is paged, so the server sorts)
    SERVER_SORTS: ClassVar[dict[int, str]] = {COL_DUE: "due", COL_BALANCE: "balance", COL_STAGE: "stage"}

    def row(self, source_row: int) -> WorklistRow:
        row: WorklistRow = self._rows[source_row]
        return row


def _status(d: DiaryView) -> str:
    if d.status == DiaryStatus.OPEN:
        return f"Open · being worked by {d.claimed_by}" if d.claimed_by else "Open"
    return f"Completed by {d.completed_by} {uk_date(d.completed_at.date()) if d.completed_at else ''}".strip()


class DiaryModel(DtoTableModel):
    COL_DUE = 0
    COL_CODE = 1
    COL_WHAT = 2
    COL_OFFICER = 3
    COL_STATUS = 4
    COL_NOTE = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        date_column("Due", lambda d: d.due),
        text_column("Code", lambda d: d.code),
        text_column("Diary", lambda d: d.description),
        Column("Officer", lambda d: d.owner or f"{d.team} queue", lambda d: (d.owner or "").casefold()),
        text_column("Status", _status),
        text_column("Note", lambda d: d.completion_note or d.note, tooltip=True),
    )

    def row(self, source_row: int) -> DiaryView:
        row: DiaryView = self._rows[source_row]
        return row


class NotesModel(DtoTableModel):
    COL_WHEN = 0
    COL_BY = 1
    COL_TEXT = 2

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Written", lambda n: when(n.created_at), lambda n: n.created_at),
        text_column("By", lambda n: n.created_by),
        text_column("Note", lambda n: n.text, tooltip=True),
    )

    def row(self, source_row: int) -> NoteView:
        row: NoteView = self._rows[source_row]
        return row


class EscalationsModel(DtoTableModel):
    COL_RAISED = 0
    COL_ACCOUNT = 1
    COL_REASON = 2
    COL_AMOUNT = 3
    COL_BY = 4
    COL_STATUS = 5
    COL_NOTE = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("Raised", lambda e: when(e.raised_at), lambda e: e.raised_at),
        text_column("Account", lambda e: e.account_ref),
        text_column("Reason", lambda e: reason_label(e.reason)),
        optional_money_column("Amount", lambda e: e.amount_pence),
        text_column("Raised by", lambda e: e.raised_by),
        text_column("Status", lambda e: escalation_status_label(e.status)),
        text_column("Note", lambda e: e.note if e.status in (EscalationStatus.OPEN, EscalationStatus.REFERRED) else
                    f"{e.decision_note} ({e.decided_by})", tooltip=True),
    )

    def row(self, source_row: int) -> EscalationView:
        row: EscalationView = self._rows[source_row]
        return row


class PlanModel(DtoTableModel):
    """A proposed schedule: each payment and what is left to pay after it."""

    COL_NUMBER = 0
    COL_DUE = 1
    COL_AMOUNT = 2
    COL_LEFT = 3

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("No.", lambda r: str(r.n), lambda r: r.n, ALIGN_RIGHT),
        date_column("Due", lambda r: r.due),
        money_column("Amount", lambda r: r.amount_pence),
        money_column("Left to pay", lambda r: r.left_pence),
    )


class ArrangementLinesModel(DtoTableModel):
    """A live arrangement's instalments and what has been paid towards each."""

    COL_NUMBER = 0
    COL_DUE = 1
    COL_AMOUNT = 2
    COL_PAID = 3
    COL_STATUS = 4

    COLUMNS: ClassVar[Sequence[Column]] = (
        Column("No.", lambda r: str(r.seq), lambda r: r.seq, ALIGN_RIGHT),
        date_column("Due", lambda r: r.due),
        money_column("Amount", lambda r: r.amount_pence),
        money_column("Paid", lambda r: r.paid_pence),
        text_column("", lambda r: "Paid" if r.paid_pence >= r.amount_pence else
                    ("Part paid" if r.paid_pence else "")),
    )


@dataclass(frozen=True)
class ProposedPayment:
    """A row of a proposed arrangement's schedule: the payment and what is left to pay after it."""

    n: int
    due: date
    amount_pence: int
    left_pence: int


def plan_rows(balance_pence: int, instalments: Sequence[PlannedPayment]) -> list[ProposedPayment]:
    left = balance_pence
    rows = []
    for n, payment in enumerate(instalments, start=1):
        left -= payment.amount_pence
        rows.append(ProposedPayment(n, payment.due, payment.amount_pence, max(left, 0)))
    return rows
