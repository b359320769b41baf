"""Tracing a taxpayer: post returned "gone away", and the new address once they are traced.

Both are diary work for the tracing team (codes TRACE and TRACED, in the settings like any
other), with what was found kept on the account's notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app import clock
from app.accounts.summary import get_account_id
from app.audit import audit
from app.casework.diary import (
    MAX_NOTE,
    DiaryView,
    conditional_update,
    diary_view,
    entry_snapshot,
    new_entry,
    refuse_stale,
)
from app.casework.diary_codes import active_code
from app.casework.notes import append_note
from app.casework.requests import RecordGoneAway, RecordTraced
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import DiaryStatus
from app.models import DiaryEntry
from app.requests import handles
from app.users.roles import Actor, Role

TRACE, TRACED = "TRACE", "TRACED"


@dataclass(frozen=True)
class TraceResult(JsonView):
    trace: DiaryView | None  # the TRACE entry made (gone away) or completed (traced)
    follow_up: DiaryView | None  # the TRACED entry (traced)
    created: bool  # False when a gone-away finds a TRACE entry already open


@handles(RecordGoneAway, role=Role.OFFICER, action="record a gone away")
def record_gone_away(uow: UnitOfWork, actor: Actor, *, account_ref: str, as_of: date, note: str = "") -> TraceResult:
    """Post returned "gone away": a note on the account and a TRACE diary entry for the
    tracing team (the open one is kept if the account is already being traced)."""
    text = clean_text(note, field="note", label="the note", max_length=MAX_NOTE, required=False, multiline=True)
    account_id = get_account_id(uow, account_ref)
    code = active_code(uow, TRACE)
    existing = uow.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.account_id == account_id, DiaryEntry.code == TRACE, DiaryEntry.status == DiaryStatus.OPEN)
        .order_by(DiaryEntry.due_on).limit(1)
    ).first()
    append_note(uow, account_id, f"Gone away reported{': ' + text if text else '.'}", actor.username)
    if existing is not None:
        audit(uow, actor.username, "trace.gone_away", "diary_entry", existing.id, account_id=account_id,
              after={"note": text[:200]})
        view = diary_view(existing, account_ref.strip(), code.description)
        uow.commit()
        return TraceResult(view, None, False)
    entry = new_entry(uow, actor.username, account_id, code, as_of + timedelta(days=code.default_days),
                      team=None, owner=None, note=text or "Gone away: trace the taxpayer")
    audit(uow, actor.username, "trace.gone_away", "diary_entry", entry.id, account_id=account_id, after={"note": text[:200]})
    view = diary_view(entry, account_ref.strip(), code.description)
    uow.commit()
    return TraceResult(view, None, True)


@handles(RecordTraced, role=Role.OFFICER, action="record a trace")
def record_traced(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, new_address: str, as_of: date, note: str = "",
) -> TraceResult:
    """The taxpayer is traced to a new address: the address goes on the account's notes,
    open TRACE entries are completed, and a TRACED entry is made to act on it (bill or
    write to the new address, start a new account if they are liable there)."""
    address = clean_text(new_address, field="address", label="the new address", max_length=300, multiline=True)
    text = clean_text(note, field="note", label="the note", max_length=MAX_NOTE, required=False, multiline=True)
    account_id = get_account_id(uow, account_ref)
    traced_code = active_code(uow, TRACED)
    trace_desc = active_code(uow, TRACE).description
    stamp = clock.now()
    summary = f"Traced: new address {address}" + (f" ({text})" if text else "")
    completed: DiaryView | None = None
    for entry in uow.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.account_id == account_id, DiaryEntry.code == TRACE, DiaryEntry.status == DiaryStatus.OPEN)
    ).all():
        before = entry_snapshot(entry)
        if not conditional_update(uow, entry.id, entry.version, {
            "status": "completed", "completed_by": actor.username, "completed_at": stamp,
            "completion_note": summary[:MAX_NOTE], "claimed_by": None, "claimed_at": None,
        }):
            raise refuse_stale(uow, entry.id)
        uow.session.refresh(entry)
        audit(uow, actor.username, "diary.completed", "diary_entry", entry.id, account_id=account_id, before=before,
              after=entry_snapshot(entry))
        completed = diary_view(entry, account_ref.strip(), trace_desc)
    append_note(uow, account_id, summary, actor.username)
    follow = new_entry(uow, actor.username, account_id, traced_code, as_of + timedelta(days=traced_code.default_days),
                       team=None, owner=None, note=summary[:MAX_NOTE])
    audit(uow, actor.username, "trace.traced", "diary_entry", follow.id, account_id=account_id, after={"address": address})
    result = TraceResult(completed, diary_view(follow, account_ref.strip(), traced_code.description), True)
    uow.commit()
    return result
