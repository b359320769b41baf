"""The case work on one account, as its Diary & notes tab shows it, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from app.casework.diary import DiaryView, account_entries
from app.casework.diary_codes import DiaryCodeView, list_codes
from app.casework.escalations import EscalationView, account_escalations
from app.casework.notes import NoteView, list_notes
from app.db import UnitOfWork


@dataclass(frozen=True)
class AccountCasework:
    """Diary entries (open first, by due date, then completed, newest first), notes (newest
    first), escalations (newest first) and the diary codes in use (for "Add diary entry")."""

    diary: list[DiaryView]
    notes: list[NoteView]
    escalations: list[EscalationView]
    codes: list[DiaryCodeView]


def account_casework(uow: UnitOfWork, account_ref: str) -> AccountCasework:
    return AccountCasework(
        diary=account_entries(uow, account_ref=account_ref),
        notes=list_notes(uow, account_ref=account_ref),
        escalations=account_escalations(uow, account_ref=account_ref),
        codes=list_codes(uow),
    )
