"""Sync conflicts: what court recorded that the office could not apply as it stood.

A team leader's queue, oldest first. Each row is one journal entry from a court pack; the
panel below shows base (what court saw), office (what the office holds now) and court (the
request recorded) side by side, and the choice: keep the court's (applied now, through its
own use case: if the office still refuses it, the reason is shown and nothing changes) or
keep the office's, with a note either way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.court.requests import ResolveConflict
from app.court.sync import ConflictView
from app.ui.context import UiContext
from app.ui.formatting import count, error_sentence
from app.ui.models.base import Column, DtoTableModel, SortFilterProxy, text_column
from app.ui.style import set_role
from app.ui.widgets import StatusLine, label, make_table


class ConflictModel(DtoTableModel):
    COL_ACCOUNT = 0
    COL_COMMAND = 1
    COL_SEQ = 2
    COL_OFFICER = 3
    COL_RECORDED = 4
    COL_REASON = 5

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Account", lambda r: r.account_ref),
        text_column("Recorded at court", lambda r: r.command),
        Column("Entry", lambda r: str(r.seq), lambda r: r.seq),
        text_column("Officer", lambda r: r.officer),
        Column("When (laptop clock)", lambda r: f"{r.recorded_at:%d/%m/%Y %H:%M}", lambda r: r.recorded_at),
        text_column("Why it was not applied", lambda r: r.reason, tooltip=True),
    )

    def row(self, source_row: int) -> ConflictView:
        conflict: ConflictView = self._rows[source_row]
        return conflict


def _pretty(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


class SyncConflictsPane(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ui = ui
        self.model = ConflictModel(self)
        self.proxy = SortFilterProxy(self.model, self)
        c = ConflictModel
        self.table = make_table(self.proxy, stretch=c.COL_REASON, fit=(c.COL_ACCOUNT, c.COL_SEQ, c.COL_RECORDED))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.totals = label("", "muted")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.load)
        self.sides: dict[str, QPlainTextEdit] = {}
        sides = QHBoxLayout()
        for key, title in (("base", "Base: what court saw"), ("office", "Office now"), ("court", "Court recorded")):
            box = QVBoxLayout()
            box.addWidget(label(title, "muted"))
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setAccessibleName(title)
            self.sides[key] = text
            box.addWidget(text)
            sides.addLayout(box, 1)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why (required)")
        self.note.setAccessibleName("Note")
        self.keep_court = QPushButton("Apply the court's")
        set_role(self.keep_court, "primary")
        self.keep_court.setToolTip("Apply what court recorded now; if the office still refuses it, nothing changes")
        self.keep_office = QPushButton("Keep the office's")
        self.keep_court.clicked.connect(lambda: self.resolve("court"))
        self.keep_office.clicked.connect(lambda: self.resolve("office"))
        self.status = StatusLine()

        top = QHBoxLayout()
        top.addWidget(label("Sync conflicts", "page-title"))
        top.addStretch(1)
        top.addWidget(self.totals)
        top.addWidget(self.refresh_button)
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        actions.addWidget(self.keep_court)
        actions.addWidget(self.keep_office)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(label("Entries from court packs that the office could not apply as they stood. Nothing "
                               "recorded at court is dropped: decide each one, with a note.", "muted", wrap=True))
        layout.addWidget(self.table, 2)
        layout.addLayout(sides, 2)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._update_buttons()

    def focus_primary(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.load()

    def load(self) -> None:
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.sync_conflicts(), on_success=self._loaded,
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self, description="sync conflicts",
        )

    def _loaded(self, conflicts: list[ConflictView]) -> None:
        self.model.set_rows(conflicts)
        self.totals.setText(f"{count(len(conflicts), 'conflict')} to decide")
        if conflicts:
            self.table.selectRow(0)
        self._show_selected()

    def selected(self) -> ConflictView | None:
        rows = self.table.selectionModel().selectedRows()
        chosen: ConflictView | None = self.proxy.row_at(rows[0].row()) if rows else None
        return chosen

    def _show_selected(self) -> None:
        chosen = self.selected()
        for key, text in self.sides.items():
            text.setPlainText(_pretty(getattr(chosen, key)) if chosen else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        for button in (self.keep_court, self.keep_office):
            button.setEnabled(self.selected() is not None)

    def resolve(self, keep: str) -> None:
        chosen, note = self.selected(), self.note.text().strip()
        if chosen is None:
            return
        if not note:
            self.status.show_error("Say why in a note.")
            return
        app = self._ui.app
        self._ui.runner.run(
            lambda _task: app.execute(ResolveConflict(conflict_id=chosen.id, keep=keep, note=note)),
            on_success=lambda view: self._resolved(view, keep),
            on_failure=lambda exc: self.status.show_error(error_sentence(exc)), owner=self, description="resolve conflict",
        )

    def _resolved(self, view: ConflictView, keep: str) -> None:
        self.note.clear()
        self.status.show_info(f"Kept the {keep}'s record for {view.account_ref} (entry {view.seq}).")
        self.load()
