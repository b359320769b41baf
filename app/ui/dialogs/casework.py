"""Case work forms: completing and moving diary entries (brought forward, B/F), reassigning
them in bulk, and from the account's Diary & notes tab: a note, a diary entry, gone away or
traced, and an escalation to a team leader.

B/F convention: completing or moving an entry needs a short note. Every form checks as the
officer types (red field, reason in its tooltip) and leaves the final word to the service:
a refusal, or a conflict ("already completed by olivia on 30/06/2025"), is one sentence in
the form's banner and nothing typed is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from PySide6.QtWidgets import QButtonGroup, QComboBox, QLineEdit, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget

from app.accounts.summary import AccountSummary
from app.casework.diary_codes import DiaryCodeView
from app.casework.requests import (
    AddDiaryEntry,
    AddNote,
    CompleteDiaryEntry,
    RaiseEscalation,
    ReassignDiaryEntries,
    RecordGoneAway,
    RecordTraced,
    RescheduleDiaryEntry,
)
from app.recovery.arrangements.requests import CancelArrangement
from app.ui.context import UiContext
from app.ui.dialogs.form_dialog import AccountFormDialog, FormDialog
from app.ui.formatting import count, uk_date
from app.ui.forms import OptionalDate, date_edit, from_qdate, line_edit, money_edit, pence_or_reason, to_qdate
from app.ui.models.casework import reason_label
from app.ui.widgets import label
from app.users.roles import Actor

FIELD_WIDTH = 340
DEFAULT_BF_DAYS = 14


class DiaryLike(Protocol):
    """A worklist row or an account's diary entry: what the B/F forms need."""

    @property
    def diary_id(self) -> uuid.UUID: ...
    @property
    def account_ref(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def version(self) -> int: ...


def note_edit(placeholder: str, *, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedWidth(FIELD_WIDTH)
    edit.setFixedHeight(18 * lines + 16)
    return edit


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(widget)


def _entry_subtitle(entry: DiaryLike, description: str = "") -> str:
    what = f"{entry.code} {description}".strip()
    return f"Account {entry.account_ref} · {what} · due {uk_date(entry.due)}"


class CompleteDiaryDialog(FormDialog):
    """Clear a diary entry with a short note; optionally bring the case forward to a date
    (a follow-up entry with the same code, team and officer)."""

    TITLE = "Complete diary entry"
    SAVE_TEXT = "Complete"

    def __init__(self, ui: UiContext, entry: DiaryLike, parent: QWidget | None = None, *,
                 description: str = "", default_days: int = DEFAULT_BF_DAYS) -> None:
        super().__init__(ui, _entry_subtitle(entry, description), parent)
        self.entry = entry
        self.note = note_edit("What was done, e.g. Called: will pay £50 on Friday")
        self.next_date = OptionalDate(self.as_of + timedelta(days=max(1, default_days)), "Bring forward to")
        self.add_row("Note", self.note, "note")
        self.add_row("Next diary date", self.next_date, "next_date")
        self.form.addRow("", label("Leave “Bring forward” unticked to clear the case from the diary.", "caption",
                                   wrap=True))
        self.note.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.note.toPlainText().strip():
            found["note"] = "Write a short note saying what was done."
        nxt = self.next_date.value()
        if nxt is not None and nxt <= self.as_of:
            found["next_date"] = f"The next diary date must be after {uk_date(self.as_of)}."
        return found

    def work(self) -> Callable[[], Any]:
        app, entry, as_of = self._ui.app, self.entry, self.as_of
        note, nxt = self.note.toPlainText(), self.next_date.value()
        return lambda: app.execute(CompleteDiaryEntry(diary_id=entry.diary_id, note=note, as_of=as_of, next_date=nxt,
                                                            expected_version=entry.version))


class RescheduleDiaryDialog(FormDialog):
    """Move an open entry to another date, with a note saying why (kept on the account)."""

    TITLE = "Reschedule diary entry"
    SAVE_TEXT = "Reschedule"

    def __init__(self, ui: UiContext, entry: DiaryLike, parent: QWidget | None = None, *, description: str = "") -> None:
        super().__init__(ui, _entry_subtitle(entry, description), parent)
        self.entry = entry
        self.due = date_edit(max(entry.due, self.as_of) + timedelta(days=7), accessible="New diary date")
        self.due.setMinimumDate(to_qdate(self.as_of))
        self.note = note_edit("Why the date moves, e.g. Taxpayer on holiday until the 14th", lines=2)
        self.add_row("New diary date", self.due, "due")
        self.add_row("Note", self.note, "note")
        self.note.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if from_qdate(self.due.date()) < self.as_of:
            found["due"] = "The new diary date cannot be in the past."
        if not self.note.toPlainText().strip():
            found["note"] = "Write a short note saying why the date moves."
        return found

    def work(self) -> Callable[[], Any]:
        app, entry, as_of = self._ui.app, self.entry, self.as_of
        due, note = from_qdate(self.due.date()), self.note.toPlainText()
        return lambda: app.execute(RescheduleDiaryEntry(diary_id=entry.diary_id, due=due, note=note, as_of=as_of,
                                                              expected_version=entry.version))


KEEP = "__keep__"
TEAM_QUEUE = ""


class ReassignDialog(FormDialog):
    """Team leader: give the selected entries to an officer (or back to the team queue),
    optionally moving them to another team."""

    TITLE = "Reassign diary work"
    SAVE_TEXT = "Reassign"

    def __init__(self, ui: UiContext, diary_ids: Sequence[uuid.UUID], people: Sequence[Actor], teams: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, f"{count(len(diary_ids), 'diary entry', 'diary entries')} selected. Claims on them are "
                             "released.", parent)
        self.diary_ids = list(diary_ids)
        self.owner = QComboBox()
        self.owner.setMinimumWidth(FIELD_WIDTH)
        self.owner.addItem("Leave the officer as it is", KEEP)
        self.owner.addItem("Back to the team queue (no officer)", TEAM_QUEUE)
        for person in people:
            team = f" · {person.team}" if person.team else ""
            self.owner.addItem(f"{person.display_name or person.username}{team}", person.username)
        self.team = QComboBox()
        self.team.setMinimumWidth(FIELD_WIDTH)
        self.team.addItem("Leave the team as it is", KEEP)
        for team_name in teams:
            self.team.addItem(team_name, team_name)
        self.add_row("Give to", self.owner, "owner")
        self.add_row("Team", self.team, "team")
        if self.owner.count() > 2:
            self.owner.setCurrentIndex(2)
        self.owner.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        if self.owner.currentData() == KEEP and self.team.currentData() == KEEP:
            return {"owner": "Choose an officer or a team to give the work to."}
        return {}

    def work(self) -> Callable[[], Any]:
        app, ids = self._ui.app, self.diary_ids
        owner = None if self.owner.currentData() == KEEP else str(self.owner.currentData())
        team = None if self.team.currentData() == KEEP else str(self.team.currentData())
        return lambda: app.execute(ReassignDiaryEntries(diary_ids=tuple(ids), owner=owner, team=team))


class AccountCaseDialog(AccountFormDialog):
    """Case work from the account's Diary & notes tab: as wide as the diary forms, whose
    note boxes need the room."""

    MIN_WIDTH = FormDialog.MIN_WIDTH


class AddNoteDialog(AccountCaseDialog):
    TITLE = "Add note"
    SAVE_TEXT = "Add note"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.text = note_edit("e.g. Called the taxpayer: will pay the arrears on Friday", lines=5)
        self.add_row("Note", self.text, "text")
        self.form.addRow("", label("Notes cannot be changed once added; a correction is a new note.", "caption",
                                   wrap=True))
        self.text.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        return {} if self.text.toPlainText().strip() else {"text": "Write the note."}

    def work(self) -> Callable[[], Any]:
        app, ref, text = self._ui.app, self.summary.account_ref, self.text.toPlainText()
        return lambda: app.execute(AddNote(account_ref=ref, text=text))


class AddDiaryDialog(AccountCaseDialog):
    """Diary the account: a code, a date (the code's default until changed), who works it."""

    TITLE = "Add diary entry"
    SAVE_TEXT = "Add to diary"

    def __init__(self, ui: UiContext, summary: AccountSummary, codes: Sequence[DiaryCodeView],
                 parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self._due_auto = True
        self.code = QComboBox()
        self.code.setMinimumWidth(FIELD_WIDTH)
        for code in codes:
            self.code.addItem(f"{code.code} · {code.description}", code)
        self.due = date_edit(self.as_of, accessible="Diary date")
        self.due.setMinimumDate(to_qdate(self.as_of))
        self.owner = QComboBox()
        self.owner.setMinimumWidth(FIELD_WIDTH)
        self.hint = label("", "caption", wrap=True)
        self.note = note_edit("What needs doing, e.g. Answer the letter of 20 June")
        self.add_row("Diary code", self.code, "code")
        self.add_row("Due on", self.due, "due")
        self.add_row("Worked by", self.owner, "owner")
        self.add_row("Note", self.note, "note")
        self.form.addRow("", self.hint)
        self.code.currentIndexChanged.connect(self._code_changed)
        self.due.dateChanged.connect(self._due_edited)
        self._code_changed()
        self.note.setFocus()

    def _code_changed(self, *_args: Any) -> None:
        code: DiaryCodeView | None = self.code.currentData()
        me = self._ui.app.actor.username
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem(f"The {code.team} team queue" if code and code.team else "The team queue", None)
        self.owner.addItem(f"Me ({me})", me)
        self.owner.blockSignals(False)
        if code is not None:
            if self._due_auto:
                self.due.blockSignals(True)
                self.due.setDate(to_qdate(self.as_of + timedelta(days=code.default_days)))
                self.due.blockSignals(False)
            self.hint.setText(f"{code.description}: usually {count(code.default_days, 'day')} ahead, "
                              f"for the {code.team or 'officer’s'} team.")
        self._changed()

    def _due_edited(self, *_args: Any) -> None:
        self._due_auto = False

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.code.currentData() is None:
            found["code"] = "There are no diary codes set up."
        if from_qdate(self.due.date()) < self.as_of:
            found["due"] = "The diary date cannot be in the past."
        return found

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        code: DiaryCodeView = self.code.currentData()
        due, owner, note = from_qdate(self.due.date()), self.owner.currentData(), self.note.toPlainText()
        return lambda: app.execute(AddDiaryEntry(account_ref=ref, code=code.code, as_of=as_of, due=due, owner=owner,
                                                 note=note))


class TraceDialog(AccountCaseDialog):
    """Post came back "gone away" (a TRACE entry for the tracing team), or the taxpayer is
    traced to a new address (TRACE completed, a TRACED entry to act on it)."""

    TITLE = "Gone away / traced"
    SAVE_TEXT = "Record"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.gone_away = QRadioButton("Gone away: post returned, taxpayer not at the address")
        self.traced = QRadioButton("Traced: the taxpayer's new address is known")
        self.group = QButtonGroup(self)
        self.group.addButton(self.gone_away)
        self.group.addButton(self.traced)
        self.gone_away.setChecked(True)
        choice = QWidget()
        choice_box = QVBoxLayout(choice)
        choice_box.setContentsMargins(0, 0, 0, 0)
        choice_box.addWidget(self.gone_away)
        choice_box.addWidget(self.traced)
        self.address = line_edit("e.g. 4 Mill Lane, Fenby FE1 2AB", width=FIELD_WIDTH)
        self.note = note_edit("e.g. Post returned marked “not known at this address”", lines=2)
        self.form.addRow("What happened", choice)
        self.add_row("New address", self.address, "address")
        self.add_row("Note", self.note, "note")
        self.group.buttonToggled.connect(lambda *_: self._mode_changed())
        self._mode_changed()

    def _mode_changed(self) -> None:
        self.address.setEnabled(self.traced.isChecked())
        self.save_button.setText("Record traced" if self.traced.isChecked() else "Record gone away")
        self._changed()

    def problems(self) -> dict[str, str]:
        if self.traced.isChecked() and not self.address.text().strip():
            return {"address": "Enter the new address."}
        return {}

    def work(self) -> Callable[[], Any]:
        app, ref, as_of = self._ui.app, self.summary.account_ref, self.as_of
        note, address = self.note.toPlainText(), self.address.text()
        if self.traced.isChecked():
            return lambda: app.execute(RecordTraced(account_ref=ref, new_address=address, as_of=as_of, note=note))
        return lambda: app.execute(RecordGoneAway(account_ref=ref, as_of=as_of, note=note))


class EscalateDialog(AccountCaseDialog):
    """Refer the case to a team leader: a reason, what they should decide, an amount if any."""

    TITLE = "Escalate to a team leader"
    SAVE_TEXT = "Escalate"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.reason = QComboBox()
        self.reason.setMinimumWidth(FIELD_WIDTH)
        for reason in ui.app.escalation_reasons:
            self.reason.addItem(reason_label(reason), reason)
        self.note = note_edit("What the team leader should decide, and why", lines=4)
        self.amount = money_edit("optional")
        self.amount.setAccessibleName("Amount in pounds")
        self.add_row("Reason", self.reason, "reason")
        self.add_row("Note", self.note, "note")
        self.add_row("Amount (£)", self.amount, "amount")
        self.form.addRow("", label(f"It goes to the {ui.app.actor.team or 'your'} team's leaders, oldest first.",
                                   "caption", wrap=True))
        self.note.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.note.toPlainText().strip():
            found["note"] = "Say what the team leader should decide."
        if self.amount.text().strip():
            _, reason = pence_or_reason(self.amount.text())
            if reason:
                found["amount"] = reason
        return found

    def work(self) -> Callable[[], Any]:
        app, ref = self._ui.app, self.summary.account_ref
        reason, note = self.reason.currentData(), self.note.toPlainText()
        pence = pence_or_reason(self.amount.text())[0] if self.amount.text().strip() else None
        return lambda: app.execute(RaiseEscalation(account_ref=ref, reason=reason, note=note, amount_pence=pence))



class CancelArrangementDialog(AccountCaseDialog):
    """End the live arrangement with a reason: the hold is lifted and recovery resumes."""

    TITLE = "Cancel arrangement"
    SAVE_TEXT = "Cancel arrangement"

    def __init__(self, ui: UiContext, summary: AccountSummary, parent: QWidget | None = None) -> None:
        super().__init__(ui, summary, parent)
        self.cancel_button.setText("Keep it")
        self.reason = line_edit("e.g. Taxpayer asked to pay in full by card", width=FIELD_WIDTH)
        self.add_row("Reason", self.reason, "reason")
        self.form.addRow("", label("The recovery hold is lifted: the next recovery run may take the next step.",
                                   "caption", wrap=True))
        self.reason.setFocus()
        self._changed()

    def problems(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"reason": "Say why the arrangement is cancelled."}

    def work(self) -> Callable[[], Any]:
        app, ref, as_of, reason = self._ui.app, self.summary.account_ref, self.as_of, self.reason.text()
        return lambda: app.execute(CancelArrangement(account_ref=ref, reason=reason, as_of=as_of))
