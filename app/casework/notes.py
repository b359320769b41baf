"""Notes on an account: append-only (a database trigger refuses UPDATE and DELETE, see
migration 0002). A wrong note is answered by a new note, never edited away."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.audit import audit
from app.casework.requests import AddNote
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.models import Account, Note
from app.requests import handles
from app.users.roles import Actor, Role

MAX_NOTE = 4000


@dataclass(frozen=True)
class NoteView(JsonView):
    note_id: uuid.UUID
    account_ref: str
    text: str
    created_by: str
    created_at: datetime


def append_note(uow: UnitOfWork, account_id: uuid.UUID, text: str, username: str) -> Note:
    """Add a note inside the caller's unit of work (no commit): for services that record
    their own decisions on the account's timeline."""
    note = Note(account_id=account_id, text=text[:MAX_NOTE], created_by=username)
    uow.session.add(note)
    return note


@handles(AddNote, role=Role.OFFICER, action="add notes")
def add_note(uow: UnitOfWork, actor: Actor, *, account_ref: str, text: str) -> NoteView:
    """An officer's note on the account. Any role may add one."""
    body = clean_text(text, field="text", label="the note's text", max_length=MAX_NOTE, multiline=True)
    account_id = get_account_id(uow, account_ref)
    note = append_note(uow, account_id, body, actor.username)
    uow.session.flush()
    audit(uow, actor.username, "note.added", "note", note.id, account_id=account_id, after={"text": body[:200]})
    view = NoteView(note.id, account_ref.strip(), note.text, note.created_by, note.created_at)
    uow.commit()
    return view


def list_notes(uow: UnitOfWork, *, account_ref: str, limit: int | None = None) -> list[NoteView]:
    """The account's notes, newest first."""
    account_id = get_account_id(uow, account_ref)
    query = (
        select(Note, Account.account_ref)
        .join(Account, Account.id == Note.account_id)
        .where(Note.account_id == account_id)
        .order_by(Note.created_at.desc(), Note.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [NoteView(n.id, ref, n.text, n.created_by, n.created_at) for n, ref in uow.session.execute(query)]
