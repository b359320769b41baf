"""Sync conflicts: what court recorded that the office could not apply as it stood.

A team leader's queue, oldest first. Each row is one journal entry from a court pack; the
panel below shows base (what court saw), office (what the office holds now) and court (the
request recorded) side by side, in words, pounds and dates, and the choice: keep the court's (applied now, through its
own use case: if the office still refuses it, the reason is shown and nothing changes) or
keep the office's, with a note either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.court.requests import RecordOutcome, ResolveConflict
from app.court.sync import ConflictView
from app.ui.context import UiContext
from app.ui.dialogs.edit_conflict import EDITABLE, EditArrangementDialog, EditOutcomeDialog
from app.ui.formatting import count, error_sentence, financial_year, humanise, money, outcome_label, stage_label, uk_date
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
        text_column("Recorded at court", lambda r: humanise(r.command.split(".")[-1])),
        Column("Entry", lambda r: str(r.seq), lambda r: r.seq),
        text_column("Officer", lambda r: r.officer),
        Column("When (laptop clock)", lambda r: f"{r.recorded_at:%d/%m/%Y %H:%M}", lambda r: r.recorded_at),
        text_column("Why it was not applied", lambda r: r.reason, tooltip=True),
    )

    def row(self, source_row: int) -> ConflictView:
        conflict: ConflictView = self._rows[source_row]
        return conflict


def _value(key: str, value: Any) -> str:
    """One field as an officer reads it: pence in pounds, ISO dates as DD/MM/YYYY, codes as words."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key.endswith("_pence") and isinstance(value, int):
        return money(value)
    if isinstance(value, str):
        try:
            return uk_date(date.fromisoformat(value)) if len(value) == 10 else _word(key, value)
        except ValueError:
            return _word(key, value)
    if isinstance(value, list):
        return ", ".join(_value(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)} {_value(k, v)}" for k, v in value.items())
    return str(value)


def _word(key: str, value: str) -> str:
    if key == "outcome":
        return outcome_label(value)
    if key in ("stage", "kind", "frequency", "method"):
        return stage_label(value) if key == "stage" else humanise(value)
    return value


def _label(key: str) -> str:
    return humanise(key.removesuffix("_pence"))


def _standing(court: dict[str, Any]) -> list[str]:
    """Where each year stood at court: "2025/26: Summons (hearing 15/07/2025)"."""
    return [f"{financial_year(int(year))}: {stage_label(str(s.get('stage', '')))}"
            + (f" (hearing {_value('hearing_date', s.get('hearing_date'))})" if s.get("hearing_date") else "")
            for year, s in sorted(court.items())] or ["Nothing at court"]


def describe_reads(reads: dict[str, Any]) -> str:
    """Base or office: the case as it stood (what a journal entry depends on), line by line."""
    lines = _standing(reads.get("court") or {})
    if "owed_pence" in reads:
        lines.append(f"Owed: {money(int(reads['owed_pence']))}")
    if "account_version" in reads:
        lines.append(f"Record version: {reads['account_version']}")
    return "\n".join(lines)


def describe_request(court: dict[str, Any]) -> str:
    """Court: the request recorded, its fields in words, pounds and dates."""
    request = court.get("request") or {}
    fields = request.get("fields") or {}
    lines = [humanise(str(request.get("request", "")).split(".")[-1])]
    lines += [f"{_label(k)}: {_value(k, v)}" for k, v in fields.items() if k != "account_ref" and v not in (None, "", False)]
    lines.append(f"Recorded by {court.get('officer', '')} (entry {court.get('seq', '')})")
    return "\n".join(lines)


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
        self.edit_button = QPushButton("Edit and apply…")
        self.edit_button.setToolTip("Open the court's outcome or arrangement in its form, prefilled, to correct and apply")
        self.edit_button.clicked.connect(self.edit_and_apply)
        self.edit_dialog: QDialog | None = None
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
        actions.addWidget(self.edit_button)
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
        shown = {"base": describe_reads(chosen.base), "office": describe_reads(chosen.office),
                 "court": describe_request(chosen.court)} if chosen else {}
        for key, text in self.sides.items():
            text.setPlainText(shown.get(key, ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        for button in (self.keep_court, self.keep_office):
            button.setEnabled(chosen is not None)
        self.edit_button.setEnabled(chosen is not None and chosen.command in EDITABLE)

    def edit_and_apply(self) -> QDialog | None:
        """The court's request in its ordinary form, prefilled; applying it resolves the conflict."""
        chosen, note = self.selected(), self.note.text().strip()
        if chosen is None or chosen.command not in EDITABLE:
            return None
        if not note:
            self.status.show_error("Say why in a note.")
            return None
        dialog: QDialog
        if chosen.command == RecordOutcome.name:
            dialog = EditOutcomeDialog(self._ui, chosen, note, self)
        else:
            dialog = EditArrangementDialog(self._ui, chosen, note, self._ui.today(), self)
        dialog.accepted.connect(lambda: self._resolved(chosen, "court", edited=True))
        self.edit_dialog = dialog
        dialog.open()
        return dialog

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

    def _resolved(self, view: ConflictView, keep: str, *, edited: bool = False) -> None:
        self.note.clear()
        kept = "Applied the court's record, as edited," if edited else f"Kept the {keep}'s record"
        self.status.show_info(f"{kept} for {view.account_ref} (entry {view.seq}).")
        self.load()
