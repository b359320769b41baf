"""Diary entries (brought-forward work): adding, completing, rescheduling and reassigning them,
and an account's diary.

A diary entry is (account, code, due date, team, optional owner, note). Conventions
officers know (docs: shared/ui.md): completing or moving an entry needs a short note,
completing may bring the case forward to a new date (a follow-up entry), and team leaders
reassign in bulk. Every change is a conditional UPDATE on the entry still being open (and
at the version the officer saw), so a stale screen or a race with another officer is a
Conflict naming what happened, never a silent overwrite.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from app import clock
from app.accounts.summary import get_account_id
from app.audit import audit
from app.casework.diary_codes import active_code
from app.casework.notes import append_note
from app.casework.requests import AddDiaryEntry, CompleteDiaryEntry, ReassignDiaryEntries, RescheduleDiaryEntry
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import DiaryStatus
from app.errors import Conflict, NotFound, ValidationError
from app.models import Account, DiaryCode, DiaryEntry, User
from app.requests import handles
from app.users.roles import Actor, Role

MAX_NOTE = 1000


@dataclass(frozen=True)
class DiaryView(JsonView):
    diary_id: uuid.UUID
    account_ref: str
    code: str
    description: str
    due: date
    team: str
    owner: str | None
    note: str
    status: str  # open | completed
    claimed_by: str | None
    claimed_at: datetime | None
    completed_by: str | None
    completed_at: datetime | None
    completion_note: str
    created_by: str
    created_at: datetime
    version: int  # pass back as `expected_version` so a stale screen gets a Conflict


@dataclass(frozen=True)
class CompletionResult(JsonView):
    completed: DiaryView
    follow_up: DiaryView | None


@dataclass(frozen=True)
class ReassignResult(JsonView):
    reassigned: int
    skipped: list[uuid.UUID]  # not found or no longer open


def diary_view(entry: DiaryEntry, account_ref: str, description: str) -> DiaryView:
    return DiaryView(
        entry.id, account_ref, entry.code, description, entry.due_on, entry.team, entry.owner, entry.note,
        entry.status, entry.claimed_by, entry.claimed_at, entry.completed_by, entry.completed_at,
        entry.completion_note, entry.created_by, entry.created_at, entry.version,
    )


def entry_snapshot(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "code": entry.code, "due": entry.due_on.isoformat(), "team": entry.team, "owner": entry.owner,
        "status": entry.status, "claimed_by": entry.claimed_by, "completed_by": entry.completed_by,
    }


def _check_owner(uow: UnitOfWork, owner: str | None) -> str | None:
    if owner is None or not owner.strip():
        return None
    name = owner.strip()
    active = uow.session.scalar(select(User.active).where(User.username == name))
    if active is None:
        raise ValidationError(f"There is no user '{name}' to give the diary entry to.", field="owner")
    if not active:
        raise ValidationError(f"User '{name}' is disabled and cannot be given work.", field="owner")
    return name


def new_entry(
    uow: UnitOfWork, username: str, account_id: uuid.UUID, code: DiaryCode, due: date, *,
    team: str | None, owner: str | None, note: str,
) -> DiaryEntry:
    entry = DiaryEntry(
        account_id=account_id, code=code.code, due_on=due, team=code.team if team is None else team.strip(),
        owner=owner, note=note, status=DiaryStatus.OPEN, created_by=username,
    )
    uow.session.add(entry)
    uow.session.flush()
    audit(uow, username, "diary.created", "diary_entry", entry.id, account_id=account_id, after=entry_snapshot(entry))
    return entry


@handles(AddDiaryEntry, role=Role.OFFICER, action="add diary entries")
def add_entry(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, code: str, as_of: date, due: date | None = None,
    owner: str | None = None, team: str | None = None, note: str = "",
) -> DiaryView:
    """Diary an account: due defaults to `as_of` + the code's default days, team to the code's."""
    diary_code = active_code(uow, code)
    text = clean_text(note, field="note", label="the diary note", max_length=MAX_NOTE, required=False, multiline=True)
    due_on = due if due is not None else as_of + timedelta(days=diary_code.default_days)
    if due_on < as_of:
        raise ValidationError(f"The diary date {due_on:%d/%m/%Y} is in the past.", field="due")
    account_id = get_account_id(uow, account_ref)
    entry = new_entry(uow, actor.username, account_id, diary_code, due_on, team=team, owner=_check_owner(uow, owner), note=text)
    view = diary_view(entry, account_ref.strip(), diary_code.description)
    uow.commit()
    return view


def load_entry(uow: UnitOfWork, diary_id: uuid.UUID) -> tuple[DiaryEntry, str, str]:
    row = uow.session.execute(
        select(DiaryEntry, Account.account_ref, DiaryCode.description)
        .join(Account, Account.id == DiaryEntry.account_id)
        .join(DiaryCode, DiaryCode.code == DiaryEntry.code)
        .where(DiaryEntry.id == diary_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no diary entry {diary_id}.")
    return row[0], row[1], row[2]


def account_entries(uow: UnitOfWork, *, account_ref: str, include_completed: bool = True) -> list[DiaryView]:
    """The account's diary, open entries first by due date, then completed ones newest first."""
    account_id = get_account_id(uow, account_ref)
    query = (
        select(DiaryEntry, DiaryCode.description)
        .join(DiaryCode, DiaryCode.code == DiaryEntry.code)
        .where(DiaryEntry.account_id == account_id)
    )
    if not include_completed:
        query = query.where(DiaryEntry.status == DiaryStatus.OPEN)
    rows = [(diary_view(e, account_ref.strip(), d)) for e, d in uow.session.execute(query)]
    open_rows = sorted((r for r in rows if r.status == DiaryStatus.OPEN), key=lambda r: (r.due, r.created_at))
    done = sorted((r for r in rows if r.status != DiaryStatus.OPEN), key=lambda r: r.completed_at or r.created_at, reverse=True)
    return open_rows + done


def _already_done(entry: DiaryEntry, ref: str) -> Conflict:
    on = f" on {entry.completed_at:%d/%m/%Y}" if entry.completed_at else ""
    return Conflict(f"The {entry.code} diary entry on account {ref} was already completed by {entry.completed_by}{on}.")


def _changed(entry_code: str, ref: str) -> Conflict:
    return Conflict(
        f"The {entry_code} diary entry on account {ref} was changed by someone else since you opened it; "
        "nothing was saved: reload it and try again."
    )


def conditional_update(uow: UnitOfWork, diary_id: uuid.UUID, expected_version: int | None, values: dict[str, Any]) -> bool:
    """UPDATE the entry only if it is still open (and at the expected version); True if it was."""
    where = [DiaryEntry.id == diary_id, DiaryEntry.status == DiaryStatus.OPEN]
    if expected_version is not None:
        where.append(DiaryEntry.version == expected_version)
    result: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
        update(DiaryEntry).where(*where).values(**values, version=DiaryEntry.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def refuse_stale(uow: UnitOfWork, diary_id: uuid.UUID) -> Conflict:
    uow.rollback()
    uow.session.expire_all()
    entry, ref, _ = load_entry(uow, diary_id)
    return _already_done(entry, ref) if entry.status != DiaryStatus.OPEN else _changed(entry.code, ref)


@handles(CompleteDiaryEntry, role=Role.OFFICER, action="complete diary entries")
def complete_entry(
    uow: UnitOfWork, actor: Actor, *, diary_id: uuid.UUID, note: str, as_of: date,
    next_date: date | None = None, expected_version: int | None = None,
) -> CompletionResult:
    """Complete (clear) an entry with a short note (B/F convention). `next_date` brings the
    case forward: a follow-up entry with the same code, team and owner is made for it.

    A second completion (or one racing another officer) is refused with a Conflict naming
    who completed it and when."""
    text = clean_text(note, field="note", label="a short note saying what was done", max_length=MAX_NOTE, multiline=True)
    entry, ref, description = load_entry(uow, diary_id)
    if entry.status != DiaryStatus.OPEN:
        raise _already_done(entry, ref)
    if expected_version is not None and entry.version != expected_version:
        raise _changed(entry.code, ref)
    if next_date is not None and next_date <= as_of:
        raise ValidationError(f"The next diary date {next_date:%d/%m/%Y} must be after {as_of:%d/%m/%Y}.", field="next_date")
    before = entry_snapshot(entry)
    stamp = clock.now()
    if not conditional_update(uow, entry.id, entry.version, {
        "status": "completed", "completed_by": actor.username, "completed_at": stamp, "completion_note": text,
        "claimed_by": None, "claimed_at": None,
    }):
        raise refuse_stale(uow, entry.id)
    uow.session.refresh(entry)
    audit(uow, actor.username, "diary.completed", "diary_entry", entry.id, account_id=entry.account_id,
          before=before,
          after={**entry_snapshot(entry), "note": text[:200], "next_date": next_date.isoformat() if next_date else None})
    follow_up: DiaryView | None = None
    if next_date is not None:
        code = uow.session.get(DiaryCode, entry.code)
        assert code is not None
        new = new_entry(uow, actor.username, entry.account_id, code, next_date, team=entry.team, owner=entry.owner,
                        note=f"B/F from {as_of:%d/%m/%Y}: {text}"[:MAX_NOTE])
        follow_up = diary_view(new, ref, description)
    result = CompletionResult(diary_view(entry, ref, description), follow_up)
    uow.commit()
    return result


@handles(RescheduleDiaryEntry, role=Role.OFFICER, action="reschedule diary entries")
def reschedule_entry(
    uow: UnitOfWork, actor: Actor, *, diary_id: uuid.UUID, due: date, note: str, as_of: date,
    expected_version: int | None = None,
) -> DiaryView:
    """Move an open entry to another date, with a note (kept on the account's notes). The
    claim on it is released."""
    text = clean_text(note, field="note", label="a short note saying why the date moves", max_length=MAX_NOTE, multiline=True)
    entry, ref, description = load_entry(uow, diary_id)
    if entry.status != DiaryStatus.OPEN:
        raise _already_done(entry, ref)
    if expected_version is not None and entry.version != expected_version:
        raise _changed(entry.code, ref)
    if due < as_of:
        raise ValidationError(f"The new diary date {due:%d/%m/%Y} is in the past.", field="due")
    before = entry_snapshot(entry)
    if not conditional_update(uow, entry.id, entry.version, {"due_on": due, "claimed_by": None, "claimed_at": None}):
        raise refuse_stale(uow, entry.id)
    uow.session.refresh(entry)
    append_note(uow, entry.account_id, f"Diary {entry.code} moved from {before['due']} to {due.isoformat()}: {text}",
                actor.username)
    audit(uow, actor.username, "diary.rescheduled", "diary_entry", entry.id, account_id=entry.account_id,
          before=before, after={**entry_snapshot(entry), "note": text[:200]})
    view = diary_view(entry, ref, description)
    uow.commit()
    return view


@handles(ReassignDiaryEntries, role=Role.TEAM_LEADER, action="reassign diary work")
def reassign_entries(
    uow: UnitOfWork, actor: Actor, *, diary_ids: Iterable[uuid.UUID], owner: str | None = None, team: str | None = None,
) -> ReassignResult:
    """Team leader: give open entries (one or many) to an officer and/or a team.

    `owner=None` leaves owners as they are, `owner=""` returns entries to the team queue;
    `team=None` leaves teams as they are. Claims are released. Entries no longer open are
    skipped and listed."""
    if owner is None and team is None:
        raise ValidationError("Say who (an officer) or which team the entries go to.", field="owner")
    ids = list(dict.fromkeys(diary_ids))
    if not ids:
        raise ValidationError("Choose at least one diary entry to reassign.", field="diary_ids")
    values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
    if owner is not None:
        values["owner"] = _check_owner(uow, owner)
    if team is not None:
        values["team"] = team.strip()
    done: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = uow.session.execute(
            select(DiaryEntry.id, DiaryEntry.account_id).where(DiaryEntry.id.in_(chunk), DiaryEntry.status == DiaryStatus.OPEN)
        ).all()
        if not rows:
            continue
        uow.session.execute(
            update(DiaryEntry).where(DiaryEntry.id.in_([r[0] for r in rows]), DiaryEntry.status == DiaryStatus.OPEN)
            .values(**values, version=DiaryEntry.version + 1).execution_options(synchronize_session=False)
        )
        for entry_id, account_id in rows:
            done.add(entry_id)
            audit(uow, actor.username, "diary.reassigned", "diary_entry", entry_id, account_id=account_id,
                  after={k: v for k, v in values.items() if k in ("owner", "team")})
    uow.commit()
    return ReassignResult(len(done), [i for i in ids if i not in done])
