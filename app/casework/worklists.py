"""Diary codes, diary entries (brought-forward work) and worklists.

A diary entry is (account, code, due date, team, optional owner, note); a worklist is a
query over open entries. Conventions officers know (docs: shared/ui.md): completing or
moving an entry needs a short note, completing may bring the case forward to a new date
(a follow-up entry), and team leaders reassign in bulk.

Claiming the next item ("Next" button, `worklist next`) never gives the same entry to two
officers:
* PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks the oldest due entry no other
  transaction is holding, then a conditional UPDATE claims it;
* SQLite: one writer at a time: the claim runs in a `BEGIN IMMEDIATE` transaction (the
  write lock is taken before the entry is chosen) and the UPDATE is conditional on the
  entry still being unclaimed (its row count is checked).
A claim lapses after `claim_minutes` (default 30) so work left by an officer who went
home goes back to the queue.

Diary codes are settings data: `[diary_codes]` in the authority settings (code =
{description, default_days, team, active}) over the built-in defaults, synced into the
`diary_code` table by `sync_diary_codes` (idempotent).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.engine import CursorResult

from app import clock
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import account_balances, balance_of
from app.models import (
    Account,
    AccountParty,
    DiaryCode,
    DiaryEntry,
    Person,
    RecoveryEvent,
    User,
)
from app.models.person import full_name
from app.rules.recovery_policy import STATUTORY_STAGES
from app.accounts.summary import get_account_id
from app.dto import JsonView, clean_text
from app.casework.notes import append_note
from app.users.roles import Actor, Role, require_role
from app.audit import audit
from app.settings import DEFAULT_DIARY_CODES, DiaryCodeSettings
from app.requests import handles
from app.casework.requests import AddDiaryEntry, ClaimNext, CompleteDiaryEntry, ReassignDiaryEntries, RecordGoneAway, RecordTraced, ReleaseClaim, RescheduleDiaryEntry

CLAIM_MINUTES = 30
MAX_PAGE_SIZE = 500
MAX_NOTE = 1000
Sort = Literal["due", "balance", "stage"]
SORTS: tuple[str, ...] = ("due", "balance", "stage")
STAGE_RANK = {stage: rank for rank, stage in enumerate(STATUTORY_STAGES, start=1)}


# --- DTOs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DiaryCodeView(JsonView):
    code: str
    description: str
    default_days: int
    team: str
    active: bool


@dataclass(frozen=True)
class SyncResult(JsonView):
    added: list[str]
    updated: list[str]
    deactivated: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deactivated)


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
class ClaimedEntry(JsonView):
    """What `worklist next` prints: the contract's keys."""

    diary_id: uuid.UUID
    account_ref: str
    code: str
    due: date
    team: str
    note: str


@dataclass(frozen=True)
class WorklistRow(JsonView):
    diary_id: uuid.UUID
    account_ref: str
    name: str
    code: str
    due: date
    overdue: bool
    team: str
    owner: str | None
    claimed_by: str | None
    note: str
    balance_pence: int
    stage: str  # the furthest statutory recovery stage reached ("" for none)
    version: int


@dataclass(frozen=True)
class CodeCount(JsonView):
    code: str
    description: str
    open: int
    due: int  # due on or before as_of (overdue included)
    overdue: int  # due before as_of


@dataclass(frozen=True)
class WorklistPage(JsonView):
    as_of: date
    sort: str
    page: int
    page_size: int
    total: int  # open entries matching the filter
    due: int
    overdue: int
    by_code: list[CodeCount]
    rows: list[WorklistRow] = field(default_factory=list)


@dataclass(frozen=True)
class ReassignResult(JsonView):
    reassigned: int
    skipped: list[uuid.UUID]  # not found or no longer open


# --- diary codes ---------------------------------------------------------------------

def configured_codes(settings: AuthoritySettings | None) -> Mapping[str, DiaryCodeSettings]:
    """The settings' diary codes (the built-in ones overlaid with `[diary_codes]`, checked
    when the file was read); the built-in ones alone without settings."""
    return settings.diary_codes if settings is not None else DEFAULT_DIARY_CODES


def sync_diary_codes(uow: UnitOfWork, settings: AuthoritySettings | None, username: str = "system") -> SyncResult:
    """Bring the `diary_code` table in line with the settings; commits only when something
    changed (so it is cheap to call at start-up and before every case-work command).
    Codes in the table but no longer configured are deactivated, never deleted (entries
    refer to them)."""
    wanted = configured_codes(settings)
    have = {c.code: c for c in uow.session.scalars(select(DiaryCode))}
    added: list[str] = []
    updated: list[str] = []
    deactivated: list[str] = []
    for code, spec in wanted.items():
        description, days, team, active = spec.description, spec.default_days, spec.team, spec.active
        row = have.get(code)
        if row is None:
            uow.session.add(DiaryCode(code=code, description=description, default_days=days, team=team, active=active))
            added.append(code)
        elif (row.description, row.default_days, row.team, row.active) != (description, days, team, active):
            row.description, row.default_days, row.team, row.active = description, days, team, active
            updated.append(code)
    for code, row in have.items():
        if code not in wanted and row.active:
            row.active = False
            deactivated.append(code)
    result = SyncResult(sorted(added), sorted(updated), sorted(deactivated))
    if result.changed:
        uow.session.flush()
        audit(uow, username, "diary_codes.synced", "diary_code", None, after=result.to_json())
        try:
            uow.commit()
        except Exception:  # noqa: BLE001 - another process synced at the same moment: theirs stands
            uow.rollback()
            return SyncResult([], [], [])
    return result


def list_codes(uow: UnitOfWork, *, include_inactive: bool = False) -> list[DiaryCodeView]:
    query = select(DiaryCode).order_by(DiaryCode.code)
    if not include_inactive:
        query = query.where(DiaryCode.active.is_(True))
    return [DiaryCodeView(c.code, c.description, c.default_days, c.team, c.active) for c in uow.session.scalars(query)]


def _code(uow: UnitOfWork, code: str) -> DiaryCode:
    row = uow.session.get(DiaryCode, code.strip().upper())
    if row is None:
        known = ", ".join(c for c in uow.session.scalars(select(DiaryCode.code).where(DiaryCode.active.is_(True)).order_by(DiaryCode.code)))
        raise ValidationError(f"'{code}' is not a diary code (use one of {known or 'none configured'}).", field="code")
    if not row.active:
        raise ValidationError(f"Diary code {row.code} is no longer in use.", field="code")
    return row


# --- single entries ------------------------------------------------------------------

def _view(entry: DiaryEntry, account_ref: str, description: str) -> DiaryView:
    return DiaryView(
        entry.id, account_ref, entry.code, description, entry.due_on, entry.team, entry.owner, entry.note,
        entry.status, entry.claimed_by, entry.claimed_at, entry.completed_by, entry.completed_at,
        entry.completion_note, entry.created_by, entry.created_at, entry.version,
    )


def _snapshot(entry: DiaryEntry) -> dict[str, Any]:
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


def _new_entry(
    uow: UnitOfWork, username: str, account_id: uuid.UUID, code: DiaryCode, due: date, *,
    team: str | None, owner: str | None, note: str,
) -> DiaryEntry:
    entry = DiaryEntry(
        account_id=account_id, code=code.code, due_on=due, team=code.team if team is None else team.strip(),
        owner=owner, note=note, status="open", created_by=username,
    )
    uow.session.add(entry)
    uow.session.flush()
    audit(uow, username, "diary.created", "diary_entry", entry.id, account_id=account_id, after=_snapshot(entry))
    return entry


@handles(AddDiaryEntry, role=Role.OFFICER, action="add diary entries")
def add_entry(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, code: str, as_of: date, due: date | None = None,
    owner: str | None = None, team: str | None = None, note: str = "",
) -> DiaryView:
    """Diary an account: due defaults to `as_of` + the code's default days, team to the code's."""
    diary_code = _code(uow, code)
    text = clean_text(note, field="note", label="the diary note", max_length=MAX_NOTE, required=False)
    due_on = due if due is not None else as_of + timedelta(days=diary_code.default_days)
    if due_on < as_of:
        raise ValidationError(f"The diary date {due_on:%d/%m/%Y} is in the past.", field="due")
    account_id = get_account_id(uow, account_ref)
    entry = _new_entry(uow, actor.username, account_id, diary_code, due_on, team=team, owner=_check_owner(uow, owner), note=text)
    view = _view(entry, account_ref.strip(), diary_code.description)
    uow.commit()
    return view


def _load(uow: UnitOfWork, diary_id: uuid.UUID) -> tuple[DiaryEntry, str, str]:
    row = uow.session.execute(
        select(DiaryEntry, Account.account_ref, DiaryCode.description)
        .join(Account, Account.id == DiaryEntry.account_id)
        .join(DiaryCode, DiaryCode.code == DiaryEntry.code)
        .where(DiaryEntry.id == diary_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no diary entry {diary_id}.")
    return row[0], row[1], row[2]


def get_entry(uow: UnitOfWork, diary_id: uuid.UUID) -> DiaryView:
    entry, ref, description = _load(uow, diary_id)
    return _view(entry, ref, description)


def account_entries(uow: UnitOfWork, *, account_ref: str, include_completed: bool = True) -> list[DiaryView]:
    """The account's diary, open entries first by due date, then completed ones newest first."""
    account_id = get_account_id(uow, account_ref)
    query = (
        select(DiaryEntry, DiaryCode.description)
        .join(DiaryCode, DiaryCode.code == DiaryEntry.code)
        .where(DiaryEntry.account_id == account_id)
    )
    if not include_completed:
        query = query.where(DiaryEntry.status == "open")
    rows = [(_view(e, account_ref.strip(), d)) for e, d in uow.session.execute(query)]
    open_rows = sorted((r for r in rows if r.status == "open"), key=lambda r: (r.due, r.created_at))
    done = sorted((r for r in rows if r.status != "open"), key=lambda r: r.completed_at or r.created_at, reverse=True)
    return open_rows + done


def _already_done(entry: DiaryEntry, ref: str) -> Conflict:
    on = f" on {entry.completed_at:%d/%m/%Y}" if entry.completed_at else ""
    return Conflict(f"The {entry.code} diary entry on account {ref} was already completed by {entry.completed_by}{on}.")


def _changed(entry_code: str, ref: str) -> Conflict:
    return Conflict(
        f"The {entry_code} diary entry on account {ref} was changed by someone else since you opened it; "
        "nothing was saved: reload it and try again."
    )


def _conditional_update(uow: UnitOfWork, diary_id: uuid.UUID, expected_version: int | None, values: dict[str, Any]) -> bool:
    """UPDATE the entry only if it is still open (and at the expected version); True if it was."""
    where = [DiaryEntry.id == diary_id, DiaryEntry.status == "open"]
    if expected_version is not None:
        where.append(DiaryEntry.version == expected_version)
    result: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
        update(DiaryEntry).where(*where).values(**values, version=DiaryEntry.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _refuse_stale(uow: UnitOfWork, diary_id: uuid.UUID) -> Conflict:
    uow.rollback()
    uow.session.expire_all()
    entry, ref, _ = _load(uow, diary_id)
    return _already_done(entry, ref) if entry.status != "open" else _changed(entry.code, ref)


@handles(CompleteDiaryEntry, role=Role.OFFICER, action="complete diary entries")
def complete_entry(
    uow: UnitOfWork, actor: Actor, *, diary_id: uuid.UUID, note: str, as_of: date,
    next_date: date | None = None, expected_version: int | None = None,
) -> CompletionResult:
    """Complete (clear) an entry with a short note (B/F convention). `next_date` brings the
    case forward: a follow-up entry with the same code, team and owner is made for it.

    A second completion (or one racing another officer) is refused with a Conflict naming
    who completed it and when."""
    text = clean_text(note, field="note", label="a short note saying what was done", max_length=MAX_NOTE)
    entry, ref, description = _load(uow, diary_id)
    if entry.status != "open":
        raise _already_done(entry, ref)
    if expected_version is not None and entry.version != expected_version:
        raise _changed(entry.code, ref)
    if next_date is not None and next_date <= as_of:
        raise ValidationError(f"The next diary date {next_date:%d/%m/%Y} must be after {as_of:%d/%m/%Y}.", field="next_date")
    before = _snapshot(entry)
    stamp = clock.now()
    if not _conditional_update(uow, entry.id, entry.version, {
        "status": "completed", "completed_by": actor.username, "completed_at": stamp, "completion_note": text,
        "claimed_by": None, "claimed_at": None,
    }):
        raise _refuse_stale(uow, entry.id)
    uow.session.refresh(entry)
    audit(uow, actor.username, "diary.completed", "diary_entry", entry.id, account_id=entry.account_id,
          before=before, after={**_snapshot(entry), "note": text[:200], "next_date": next_date.isoformat() if next_date else None})
    follow_up: DiaryView | None = None
    if next_date is not None:
        code = uow.session.get(DiaryCode, entry.code)
        assert code is not None
        new = _new_entry(uow, actor.username, entry.account_id, code, next_date, team=entry.team, owner=entry.owner,
                         note=f"B/F from {as_of:%d/%m/%Y}: {text}"[:MAX_NOTE])
        follow_up = _view(new, ref, description)
    result = CompletionResult(_view(entry, ref, description), follow_up)
    uow.commit()
    return result


@handles(RescheduleDiaryEntry, role=Role.OFFICER, action="reschedule diary entries")
def reschedule_entry(
    uow: UnitOfWork, actor: Actor, *, diary_id: uuid.UUID, due: date, note: str, as_of: date,
    expected_version: int | None = None,
) -> DiaryView:
    """Move an open entry to another date, with a note (kept on the account's notes). The
    claim on it is released."""
    text = clean_text(note, field="note", label="a short note saying why the date moves", max_length=MAX_NOTE)
    entry, ref, description = _load(uow, diary_id)
    if entry.status != "open":
        raise _already_done(entry, ref)
    if expected_version is not None and entry.version != expected_version:
        raise _changed(entry.code, ref)
    if due < as_of:
        raise ValidationError(f"The new diary date {due:%d/%m/%Y} is in the past.", field="due")
    before = _snapshot(entry)
    if not _conditional_update(uow, entry.id, entry.version, {"due_on": due, "claimed_by": None, "claimed_at": None}):
        raise _refuse_stale(uow, entry.id)
    uow.session.refresh(entry)
    append_note(uow, entry.account_id, f"Diary {entry.code} moved from {before['due']} to {due.isoformat()}: {text}", actor.username)
    audit(uow, actor.username, "diary.rescheduled", "diary_entry", entry.id, account_id=entry.account_id,
          before=before, after={**_snapshot(entry), "note": text[:200]})
    view = _view(entry, ref, description)
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
            select(DiaryEntry.id, DiaryEntry.account_id).where(DiaryEntry.id.in_(chunk), DiaryEntry.status == "open")
        ).all()
        if not rows:
            continue
        uow.session.execute(
            update(DiaryEntry).where(DiaryEntry.id.in_([r[0] for r in rows]), DiaryEntry.status == "open")
            .values(**values, version=DiaryEntry.version + 1).execution_options(synchronize_session=False)
        )
        for entry_id, account_id in rows:
            done.add(entry_id)
            audit(uow, actor.username, "diary.reassigned", "diary_entry", entry_id, account_id=account_id,
                  after={k: v for k, v in values.items() if k in ("owner", "team")})
    uow.commit()
    return ReassignResult(len(done), [i for i in ids if i not in done])


# --- claiming the next item ----------------------------------------------------------

def _eligible(as_of: date, cutoff: datetime, code: str | None, team: str | None) -> list[Any]:
    where: list[Any] = [
        DiaryEntry.status == "open", DiaryEntry.due_on <= as_of,
        or_(DiaryEntry.claimed_by.is_(None), DiaryEntry.claimed_at < cutoff),
    ]
    if code:
        where.append(DiaryEntry.code == code.strip().upper())
    if team:
        where.append(DiaryEntry.team == team.strip())
    return where


@handles(ClaimNext, role=Role.OFFICER, action="claim work")
def claim_next(
    uow: UnitOfWork, actor: Actor, *, as_of: date, code: str | None = None, team: str | None = None,
    claim_minutes: int = CLAIM_MINUTES,
) -> ClaimedEntry | None:
    """Claim the oldest due open entry for `actor`: first from their own entries (owner =
    them), then from the unowned team queue; entries another officer owns are theirs.
    Skips entries claimed in the last `claim_minutes`. None when nothing is left."""
    stamp = clock.now()
    cutoff = stamp - timedelta(minutes=claim_minutes)
    session = uow.session
    postgres = uow.dialect == "postgresql"
    if not postgres:
        driver = session.connection().connection.driver_connection
        if not getattr(driver, "in_transaction", False):
            # Take SQLite's write lock before choosing, so the choice cannot go stale.
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    base = _eligible(as_of, cutoff, code, team)
    for owner_clause in (DiaryEntry.owner == actor.username, DiaryEntry.owner.is_(None)):
        for _attempt in range(5):
            # Ordered as the (status, owner, due_on) index is: PostgreSQL does not treat
            # `owner IS NULL` as fixing the column, and would otherwise sort every due entry.
            order = (DiaryEntry.due_on,) if code or team else (DiaryEntry.status, DiaryEntry.owner, DiaryEntry.due_on)
            query = select(DiaryEntry.id, DiaryEntry.version).where(*base, owner_clause).order_by(*order).limit(1)
            if postgres:
                query = query.with_for_update(skip_locked=True)
            row = session.execute(query).first()
            if row is None:
                break
            result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(DiaryEntry)
                .where(DiaryEntry.id == row[0], DiaryEntry.status == "open",
                       or_(DiaryEntry.claimed_by.is_(None), DiaryEntry.claimed_at < cutoff))
                .values(claimed_by=actor.username, claimed_at=stamp, version=DiaryEntry.version + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # taken between our read and write: try the next one
                continue
            found = session.execute(
                select(DiaryEntry.account_id, Account.account_ref, DiaryEntry.code, DiaryEntry.due_on, DiaryEntry.team, DiaryEntry.note)
                .join(Account, Account.id == DiaryEntry.account_id).where(DiaryEntry.id == row[0])
            ).one()
            audit(uow, actor.username, "diary.claimed", "diary_entry", row[0], account_id=found[0],
                  after={"claimed_by": actor.username})
            claimed = ClaimedEntry(row[0], found[1], found[2], found[3], found[4], found[5])
            uow.commit()
            return claimed
    uow.rollback()
    return None


@handles(ReleaseClaim, role=Role.OFFICER, action="release a claim")
def release_claim(uow: UnitOfWork, actor: Actor, *, diary_id: uuid.UUID) -> None:
    """Give a claimed entry back to the queue (only the claimant, or a team leader)."""
    entry, _, _ = _load(uow, diary_id)
    if entry.claimed_by and entry.claimed_by != actor.username:
        require_role(actor, Role.TEAM_LEADER, f"release {entry.claimed_by}'s claim")
    if entry.claimed_by is None:
        return
    uow.session.execute(
        update(DiaryEntry).where(DiaryEntry.id == diary_id)
        .values(claimed_by=None, claimed_at=None, version=DiaryEntry.version + 1)
        .execution_options(synchronize_session=False)
    )
    audit(uow, actor.username, "diary.released", "diary_entry", diary_id, account_id=entry.account_id)
    uow.commit()


# --- worklists -----------------------------------------------------------------------

def _stage_rank_expr() -> Any:
    rank = case(*((RecoveryEvent.stage == s, r) for s, r in STAGE_RANK.items()), else_=0)
    return (
        select(func.coalesce(func.max(rank), 0))
        .where(RecoveryEvent.account_id == DiaryEntry.account_id).correlate(DiaryEntry).scalar_subquery()
    )


def worklist(
    uow: UnitOfWork, actor: Actor, *, as_of: date, code: str | None = None, team: str | None = None,
    owner: str | None = None, mine: bool = False, due_only: bool = False, sort: str = "due",
    page: int = 1, page_size: int = 50,
) -> WorklistPage:
    """Open diary entries for a code / team / officer: counts (open, due, overdue, per code)
    and one page of rows sorted by due date (oldest first), balance (largest first) or
    recovery stage (furthest first). `mine`: entries owned by or claimed by `actor`."""
    if sort not in SORTS:
        raise ValidationError(f"'{sort}' is not a worklist order (use one of {', '.join(SORTS)}).", field="sort")
    if page < 1:
        raise ValidationError("The page number starts at 1.", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.", field="page_size")
    where: list[Any] = [DiaryEntry.status == "open"]
    if code:
        where.append(DiaryEntry.code == code.strip().upper())
    if team:
        where.append(DiaryEntry.team == team.strip())
    if owner:
        where.append(DiaryEntry.owner == owner.strip())
    if mine:
        where.append(or_(DiaryEntry.owner == actor.username, DiaryEntry.claimed_by == actor.username))
    if due_only:
        where.append(DiaryEntry.due_on <= as_of)
    session = uow.session
    counts = session.execute(
        select(
            DiaryEntry.code, func.count(),
            func.coalesce(func.sum(case((DiaryEntry.due_on <= as_of, 1), else_=0)), 0),
            func.coalesce(func.sum(case((DiaryEntry.due_on < as_of, 1), else_=0)), 0),
        ).where(*where).group_by(DiaryEntry.code)
    ).all()
    descriptions = dict(session.execute(select(DiaryCode.code, DiaryCode.description)).all())
    by_code = sorted(
        (CodeCount(c, descriptions.get(c, c), int(n), int(d), int(o)) for c, n, d, o in counts), key=lambda c: c.code
    )
    query = select(DiaryEntry.id).where(*where)
    if sort == "due":
        query = query.order_by(DiaryEntry.due_on)
    elif sort == "balance":
        query = query.order_by(balance_of(DiaryEntry.account_id).desc(), DiaryEntry.due_on)
    else:
        query = query.order_by(_stage_rank_expr().desc(), DiaryEntry.due_on)
    ids = list(session.scalars(query.offset((page - 1) * page_size).limit(page_size)))
    rows = _rows(uow, ids, as_of)
    return WorklistPage(
        as_of, sort, page, page_size, sum(c.open for c in by_code), sum(c.due for c in by_code),
        sum(c.overdue for c in by_code), by_code, rows,
    )


def _rows(uow: UnitOfWork, ids: list[uuid.UUID], as_of: date) -> list[WorklistRow]:
    if not ids:
        return []
    session = uow.session
    entries = {
        e.id: (e, ref) for e, ref in session.execute(
            select(DiaryEntry, Account.account_ref).join(Account, Account.id == DiaryEntry.account_id).where(DiaryEntry.id.in_(ids))
        )
    }
    account_ids = list({e.account_id for e, _ in entries.values()})
    balances = account_balances(uow, account_ids)
    names: dict[uuid.UUID, str] = {}
    for account_id, title, forenames, surname in session.execute(
        select(AccountParty.account_id, Person.title, Person.forenames, Person.surname)
        .join(Person, Person.id == AccountParty.person_id)
        .where(AccountParty.account_id.in_(account_ids), AccountParty.ordinal == 0)
    ):
        names[account_id] = full_name(title, forenames, surname)
    rank_by_stage = case(*((RecoveryEvent.stage == s, r) for s, r in STAGE_RANK.items()), else_=0)
    ranks = dict(session.execute(
        select(RecoveryEvent.account_id, func.max(rank_by_stage))
        .where(RecoveryEvent.account_id.in_(account_ids)).group_by(RecoveryEvent.account_id)
    ).all())
    stage_of = {r: s for s, r in STAGE_RANK.items()}
    out: list[WorklistRow] = []
    for entry_id in ids:
        e, ref = entries[entry_id]
        out.append(WorklistRow(
            e.id, ref, names.get(e.account_id, ""), e.code, e.due_on, e.due_on < as_of, e.team, e.owner,
            e.claimed_by, e.note, int(balances.get(e.account_id) or 0), stage_of.get(int(ranks.get(e.account_id) or 0), ""),
            e.version,
        ))
    return out


# --- tracing -------------------------------------------------------------------------

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
    text = clean_text(note, field="note", label="the note", max_length=MAX_NOTE, required=False)
    account_id = get_account_id(uow, account_ref)
    code = _code(uow, TRACE)
    existing = uow.session.scalars(
        select(DiaryEntry).where(DiaryEntry.account_id == account_id, DiaryEntry.code == TRACE, DiaryEntry.status == "open")
        .order_by(DiaryEntry.due_on).limit(1)
    ).first()
    append_note(uow, account_id, f"Gone away reported{': ' + text if text else '.'}", actor.username)
    if existing is not None:
        audit(uow, actor.username, "trace.gone_away", "diary_entry", existing.id, account_id=account_id, after={"note": text[:200]})
        view = _view(existing, account_ref.strip(), code.description)
        uow.commit()
        return TraceResult(view, None, False)
    entry = _new_entry(uow, actor.username, account_id, code, as_of + timedelta(days=code.default_days),
                       team=None, owner=None, note=text or "Gone away: trace the taxpayer")
    audit(uow, actor.username, "trace.gone_away", "diary_entry", entry.id, account_id=account_id, after={"note": text[:200]})
    view = _view(entry, account_ref.strip(), code.description)
    uow.commit()
    return TraceResult(view, None, True)


@handles(RecordTraced, role=Role.OFFICER, action="record a trace")
def record_traced(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, new_address: str, as_of: date, note: str = "",
) -> TraceResult:
    """The taxpayer is traced to a new address: the address goes on the account's notes,
    open TRACE entries are completed, and a TRACED entry is made to act on it (bill or
    write to the new address, start a new account if they are liable there)."""
    address = clean_text(new_address, field="address", label="the new address", max_length=300)
    text = clean_text(note, field="note", label="the note", max_length=MAX_NOTE, required=False)
    account_id = get_account_id(uow, account_ref)
    traced_code = _code(uow, TRACED)
    trace_desc = _code(uow, TRACE).description
    stamp = clock.now()
    summary = f"Traced: new address {address}" + (f" ({text})" if text else "")
    completed: DiaryView | None = None
    for entry in uow.session.scalars(
        select(DiaryEntry).where(DiaryEntry.account_id == account_id, DiaryEntry.code == TRACE, DiaryEntry.status == "open")
    ).all():
        before = _snapshot(entry)
        if not _conditional_update(uow, entry.id, entry.version, {
            "status": "completed", "completed_by": actor.username, "completed_at": stamp,
            "completion_note": summary[:MAX_NOTE], "claimed_by": None, "claimed_at": None,
        }):
            raise _refuse_stale(uow, entry.id)
        uow.session.refresh(entry)
        audit(uow, actor.username, "diary.completed", "diary_entry", entry.id, account_id=account_id, before=before,
              after=_snapshot(entry))
        completed = _view(entry, account_ref.strip(), trace_desc)
    append_note(uow, account_id, summary, actor.username)
    follow = _new_entry(uow, actor.username, account_id, traced_code, as_of + timedelta(days=traced_code.default_days),
                        team=None, owner=None, note=summary[:MAX_NOTE])
    audit(uow, actor.username, "trace.traced", "diary_entry", follow.id, account_id=account_id, after={"address": address})
    result = TraceResult(completed, _view(follow, account_ref.strip(), traced_code.description), True)
    uow.commit()
    return result
