"""Escalations: cases officers referred to a team leader, oldest first.

Team leaders see their queue (managers also what was referred up to them) with counts by
reason and status, read the officer's note, and decide: Approve, Reject or Refer to a
manager, each with a note (recorded on the account's notes). Officers opening the pane
see the escalations they raised that are still waiting; a decision they try is refused by
the service and shown as its one sentence. Enter (or a double-click) opens the account.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget

from app.casework.escalations import EscalationQueue, EscalationView
from app.casework.requests import DecideEscalation
from app.court.at_court import AtCourt, run_confirmed
from app.enums import EscalationStatus
from app.ui.at_court import ask_change_anyway
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence, money
from app.ui.models.base import SortFilterProxy
from app.ui.models.casework import DECISION_LABELS, EscalationsModel, escalation_status_label, reason_label, when
from app.ui.signals import emit
from app.ui.style import set_invalid, set_role
from app.ui.widgets import StatusLine, label, make_table
from app.users.roles import Role

STATUSES = {None: "Waiting for a decision", "approved": "Approved", "rejected": "Rejected",
            "referred": "Referred to a manager", "all": "All"}


def queue_counts(queue: EscalationQueue) -> str:
    reasons = " · ".join(f"{reason_label(r)} {n:,}" for r, n in queue.by_reason.items())
    return f"{count(queue.total, 'escalation')}" + (f"   ({reasons})" if reasons else "")


class EscalationsPane(QWidget):
    account_requested = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self._generation = 0
        self.queue: EscalationQueue | None = None
        self.last_decision: EscalationView | None = None
        leader = ui.app.actor.at_least(Role.TEAM_LEADER)

        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show")
        for key, text in STATUSES.items():
            self.status_filter.addItem(text, key)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.load())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.load)
        self.counts = label("", "muted")

        self.model = EscalationsModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        e = EscalationsModel
        self.table = make_table(self.proxy, stretch=e.COL_NOTE, widths={e.COL_STATUS: 150},
                                fit=(e.COL_RAISED, e.COL_ACCOUNT, e.COL_REASON, e.COL_AMOUNT, e.COL_BY))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.table.doubleClicked.connect(self._open_row)
        self.table.activated.connect(self._open_row)
        self.empty = label("", "muted", wrap=True)

        self.detail_title = label("", "section")
        self.detail = label("", None, wrap=True, selectable=True)
        card = QFrame()
        set_role(card, "card")
        card_box = QVBoxLayout(card)
        card_box.setContentsMargins(16, 12, 16, 12)
        card_box.setSpacing(6)
        card_box.addWidget(self.detail_title)
        card_box.addWidget(self.detail)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note giving the reason for the decision (required)")
        self.note.setAccessibleName("Decision note")
        self.note.setMaxLength(2000)
        self.note.textChanged.connect(lambda _t: set_invalid(self.note, None))
        card_box.addWidget(self.note)
        decide = QHBoxLayout()
        decide.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        decide.addStretch(1)
        for key in ("refer", "reject", "approve"):
            button = QPushButton(DECISION_LABELS[key])
            button.clicked.connect(lambda _checked=False, k=key: self.decide(k))
            self.buttons[key] = button
            decide.addWidget(button)
        set_role(self.buttons["approve"], "primary")
        card_box.addLayout(decide)
        self.card = card
        self.status = StatusLine()
        self.confirm_box: QMessageBox | None = None  # "Change anyway?" when the account is at court

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(label("Escalations", "page-title"))
        top.addSpacing(24)
        top.addWidget(label("Show", "muted"))
        top.addWidget(self.status_filter)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.counts)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label(
            "Cases officers have referred to a team leader, oldest first. Every decision needs a note, which goes on "
            "the account's notes; the officer who raised an escalation cannot approve it." if leader else
            "The escalations you raised that are waiting for a team leader's decision.", "muted", wrap=True,
        ))
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(card)
        layout.addWidget(self.status)
        self._selected()

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    @property
    def loading(self) -> bool:
        return self.counts.text() == "Loading…"

    def load(self) -> None:
        self._generation += 1
        generation = self._generation
        app, status = self._ui.app, self.status_filter.currentData()
        self.counts.setText("Loading…")
        self._ui.runner.run(
            lambda _task: app.escalation_queue(status=status),
            on_success=lambda queue: self._loaded(generation, queue),
            on_failure=self._load_failed, owner=self, description="escalation queue",
        )

    def _load_failed(self, exc: BaseException) -> None:
        self.counts.setText("")
        self.status.show_error(error_sentence(exc))

    def _loaded(self, generation: int, queue: EscalationQueue) -> None:
        if generation != self._generation:
            return
        self.queue = queue
        selected = self.selected()
        self.model.set_rows(queue.escalations)
        self.counts.setText(queue_counts(queue))
        self.empty.setText("" if queue.escalations else "Nothing to show: no escalation is waiting.")
        self.empty.setVisible(not queue.escalations)
        row = next((n for n, e in enumerate(queue.escalations)
                    if selected is not None and e.escalation_id == selected.escalation_id), 0)
        if queue.escalations:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._selected()

    def selected(self) -> EscalationView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _selected(self) -> None:
        escalation = self.selected()
        waiting = escalation is not None and escalation.status in (EscalationStatus.OPEN, EscalationStatus.REFERRED)
        for key, button in self.buttons.items():
            button.setEnabled(waiting and not (key == "refer" and escalation is not None
                                               and escalation.status == EscalationStatus.REFERRED))
        self.note.setEnabled(waiting)
        if escalation is None:
            self.detail_title.setText("No escalation selected")
            self.detail.setText("")
            return
        amount = f" · {money(escalation.amount_pence)}" if escalation.amount_pence is not None else ""
        self.detail_title.setText(f"Account {escalation.account_ref} · {reason_label(escalation.reason)}{amount} · "
                                  f"raised by {escalation.raised_by} {when(escalation.raised_at)}")
        decided = (f"\n{escalation_status_label(escalation.status)} by {escalation.decided_by} "
                   f"{when(escalation.decided_at)}: {escalation.decision_note}") if escalation.decided_by else ""
        self.detail.setText(f"{escalation.note}{decided}")

    def decide(self, decision: str) -> None:
        escalation = self.selected()
        if escalation is None:
            return
        note = self.note.text()
        if not note.strip():
            set_invalid(self.note, "Write a note giving the reason for the decision.")
            self.status.show_error("Write a note giving the reason for the decision.")
            self.note.setFocus()
            return
        app, as_of = self._ui.app, self._ui.today()
        self._run(lambda: app.execute(DecideEscalation(
            escalation_id=escalation.escalation_id, decision=decision, note=note, as_of=as_of,
            expected_version=escalation.version)))

    def _run(self, work: Callable[[], EscalationView]) -> None:
        for button in self.buttons.values():
            button.setEnabled(False)
        self.status.show_info("Recording the decision…")
        self._ui.runner.run(lambda _task: work(), on_success=self._decided,
                            on_failure=lambda exc: self._failed(exc, work), owner=self, description="decide escalation")

    def _decided(self, escalation: EscalationView) -> None:
        self.last_decision = escalation
        self.status.show_info(f"The {reason_label(escalation.reason).lower()} escalation on account "
                              f"{escalation.account_ref} is {escalation_status_label(escalation.status).lower()}; "
                              "the decision is on the account's notes.")
        self.note.clear()
        self.load()

    def _failed(self, exc: BaseException, work: Callable[[], EscalationView]) -> None:
        self.status.show_error(error_sentence(exc))
        self._selected()
        if isinstance(exc, AtCourt):  # the account is at court: decide anyway if it cannot wait
            self.confirm_box = ask_change_anyway(self, exc, lambda: self._run(lambda: run_confirmed(work)))

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            emit(self.account_requested, self.proxy.row_at(index.row()).account_ref)
