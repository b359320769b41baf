"""The account's Diary & notes tab: its diary (open entries by due date, then completed
ones), escalations, and notes newest first, with the case-work actions: add a note, diary
the account, gone away / traced, escalate, and complete or reschedule the selected entry.

The account view loads all of it with the account (one worker call) and opens the forms;
the tab only shows lists and asks for actions through `action_requested`.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.accounts.summary import AccountSummary
from app.casework.account_view import AccountCasework
from app.casework.diary import DiaryView
from app.enums import DiaryStatus
from app.errors import ServiceError
from app.ui.formatting import count, error_sentence, uk_date
from app.ui.models.base import SortFilterProxy
from app.ui.models.casework import DiaryModel, EscalationsModel, NotesModel
from app.ui.panes.account_tabs import AccountTab, _fit_rows
from app.ui.signals import emit
from app.ui.style import set_role
from app.ui.widgets import label, make_table

# key, button text, tooltip
CASEWORK_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("add_note", "Add note…", "Write a note on the account (notes cannot be edited)"),
    ("add_diary", "Add diary entry…", "Bring the account forward under a diary code"),
    ("trace", "Gone away / Traced…", "Post returned, or the taxpayer traced to a new address"),
    ("escalate", "Escalate…", "Refer the case to a team leader"),
)


class DiaryNotesTab(AccountTab):
    TITLE = "Diary && notes"
    action_requested = Signal(str)  # a CASEWORK_ACTIONS key, "complete" or "reschedule"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.casework: AccountCasework | None = None
        self.highlighted: uuid.UUID | None = None
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for key, text, tip in CASEWORK_ACTIONS:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, k=key: emit(self.action_requested, k))
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)

        self.working = label("", "banner-info", wrap=True)
        self.working.setVisible(False)
        self.problem = label("", "error", wrap=True)
        self.problem.setVisible(False)

        self.diary_model = DiaryModel(self)
        self.diary_proxy = SortFilterProxy(self.diary_model, self)
        d = DiaryModel
        self.diary = make_table(self.diary_proxy, stretch=d.COL_NOTE, widths={d.COL_WHAT: 190},
                                fit=(d.COL_DUE, d.COL_CODE, d.COL_OFFICER, d.COL_STATUS))
        self.diary.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.diary_empty = label("Nothing is diarised on this account.", "muted")
        self.diary_count = label("", "muted")
        self.complete_button = QPushButton("Complete…")
        set_role(self.complete_button, "primary")
        self.complete_button.setToolTip("Clear the selected entry with a note, optionally bringing it forward")
        self.complete_button.clicked.connect(lambda: emit(self.action_requested, "complete"))
        self.reschedule_button = QPushButton("Reschedule…")
        self.reschedule_button.setToolTip("Move the selected entry to another date, with a note")
        self.reschedule_button.clicked.connect(lambda: emit(self.action_requested, "reschedule"))
        diary_bar = QHBoxLayout()
        diary_bar.setSpacing(8)
        diary_bar.addWidget(label("Diary", "section"))
        diary_bar.addWidget(self.diary_count)
        diary_bar.addStretch(1)
        diary_bar.addWidget(self.reschedule_button)
        diary_bar.addWidget(self.complete_button)

        self.escalations_model = EscalationsModel(self)
        self.escalations_proxy = SortFilterProxy(self.escalations_model, self)
        e = EscalationsModel
        self.escalations = make_table(self.escalations_proxy, stretch=e.COL_NOTE,
                                      fit=(e.COL_RAISED, e.COL_ACCOUNT, e.COL_REASON, e.COL_AMOUNT, e.COL_BY,
                                           e.COL_STATUS))
        self.escalations_caption = label("Escalations", "section")

        self.notes_model = NotesModel(self)
        self.notes_proxy = SortFilterProxy(self.notes_model, self)
        n = NotesModel
        self.notes = make_table(self.notes_proxy, stretch=n.COL_TEXT, fit=(n.COL_WHEN, n.COL_BY))
        self.notes_empty = label("No notes yet.", "muted")
        self.notes_count = label("", "muted")
        notes_bar = QHBoxLayout()
        notes_bar.setSpacing(8)
        notes_bar.addWidget(label("Notes, newest first", "section"))
        notes_bar.addWidget(self.notes_count)
        notes_bar.addStretch(1)

        self.body.addLayout(bar)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.working)
        self.body.addLayout(diary_bar)
        self.body.addWidget(self.diary_empty)
        self.body.addWidget(self.diary)
        self.body.addWidget(self.escalations_caption)
        self.body.addWidget(self.escalations)
        self.body.addLayout(notes_bar)
        self.body.addWidget(self.notes_empty)
        self.body.addWidget(self.notes)
        self.body.addStretch(1)
        self._update_buttons()

    def show_summary(self, summary: AccountSummary, as_of: date) -> None:
        pass  # the case work comes separately (show_casework)

    def show_failure(self, exc: BaseException) -> None:
        self.casework = None
        self.problem.setText(f"The diary and notes could not be shown: {error_sentence(exc)}")
        self.problem.setVisible(True)
        for button in (*self.buttons.values(), self.complete_button, self.reschedule_button):
            button.setEnabled(False)

    def show_casework(self, casework: AccountCasework | ServiceError, highlight: uuid.UUID | None = None) -> None:
        if isinstance(casework, ServiceError):
            self.show_failure(casework)
            return
        self.casework = casework
        self.problem.setVisible(False)
        for button in self.buttons.values():
            button.setEnabled(True)
        selected = self.selected_entry()
        keep = highlight or (selected.diary_id if selected else None)
        self.highlighted = highlight

        self.diary_model.set_rows(casework.diary)
        _fit_rows(self.diary, len(casework.diary), 6)
        self.diary.setVisible(bool(casework.diary))
        self.diary_empty.setVisible(not casework.diary)
        open_count = sum(1 for d in casework.diary if d.status == DiaryStatus.OPEN)
        self.diary_count.setText(f"{open_count:,} open · {count(len(casework.diary) - open_count, 'completed', 'completed')}"
                                 if casework.diary else "")
        row = next((i for i, d in enumerate(casework.diary) if d.diary_id == keep), None)
        if row is None:
            row = next((i for i, d in enumerate(casework.diary) if d.status == DiaryStatus.OPEN), None)
        if row is not None:
            self.diary.selectRow(self.diary_proxy.mapFromSource(self.diary_model.index(row, 0)).row())
        else:
            self.diary.clearSelection()
        entry = next((d for d in casework.diary if d.diary_id == highlight), None)
        if entry is not None and entry.status == DiaryStatus.OPEN:
            note = f": {entry.note}" if entry.note else ""
            self.working.setText(f"Working {entry.code} · {entry.description}, due {uk_date(entry.due)}{note}. "
                                 "Complete it with a note when done.")
            self.working.setVisible(True)
        else:
            self.working.setVisible(False)

        self.escalations_model.set_rows(casework.escalations)
        _fit_rows(self.escalations, len(casework.escalations), 3)
        self.escalations.setVisible(bool(casework.escalations))
        self.escalations_caption.setVisible(bool(casework.escalations))

        self.notes_model.set_rows(casework.notes)
        _fit_rows(self.notes, len(casework.notes), 10)
        self.notes.setVisible(bool(casework.notes))
        self.notes_empty.setVisible(not casework.notes)
        self.notes_count.setText(count(len(casework.notes), "note") if casework.notes else "")
        self._update_buttons()

    def selected_entry(self) -> DiaryView | None:
        rows = self.diary.selectionModel().selectedRows()
        return self.diary_proxy.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        workable = entry is not None and entry.status == DiaryStatus.OPEN and self.casework is not None
        self.complete_button.setEnabled(workable)
        self.reschedule_button.setEnabled(workable)
        why = "" if workable else "Select an open diary entry."
        self.complete_button.setToolTip(why or "Clear the selected entry with a note, optionally bringing it forward")
        self.reschedule_button.setToolTip(why or "Move the selected entry to another date, with a note")

    def focus_diary(self) -> None:
        self.diary.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_diary(self, diary_id: uuid.UUID) -> bool:
        """Select one diary entry (a timeline row opening it); False if it is not listed."""
        row = next((i for i, d in enumerate(self.diary_model.rows()) if d.diary_id == diary_id), None)
        if row is None:
            return False
        self.diary.selectRow(self.diary_proxy.mapFromSource(self.diary_model.index(row, 0)).row())
        self.focus_diary()
        return True
