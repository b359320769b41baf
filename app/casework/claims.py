"""Claiming the next diary entry to work on ("Next" button, `worklist next`), and giving a
claim back.

Claiming never gives the same entry to two officers:
* PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` picks the oldest due entry no other
  transaction is holding, then a conditional UPDATE claims it;
* SQLite: one writer at a time: the claim runs in a `BEGIN IMMEDIATE` transaction (the
  write lock is taken before the entry is chosen) and the UPDATE is conditional on the
  entry still being unclaimed (its row count is checked).
A claim lapses after `claim_minutes` (default 30) so work left by an officer who went
home goes back to the queue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult

from app import clock
from app.audit import audit
from app.casework.diary import load_entry
from app.casework.requests import ClaimNext, ReleaseClaim
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import DiaryStatus
from app.models import Account, DiaryEntry
from app.requests import handles
from app.users.roles import Actor, Role, require_role

CLAIM_MINUTES = 30


@dataclass(frozen=True)
class ClaimedEntry(JsonView):
    """What `worklist next` prints: the contract's keys."""

    diary_id: uuid.UUID
    account_ref: str
    code: str
    due: date
    team: str
    note: str


def _eligible(as_of: date, cutoff: datetime, code: str | None, team: str | None) -> list[Any]:
    where: list[Any] = [
        DiaryEntry.status == DiaryStatus.OPEN, DiaryEntry.due_on <= as_of,
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
                .where(DiaryEntry.id == row[0], DiaryEntry.status == DiaryStatus.OPEN,
                       or_(DiaryEntry.claimed_by.is_(None), DiaryEntry.claimed_at < cutoff))
                .values(claimed_by=actor.username, claimed_at=stamp, version=DiaryEntry.version + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # taken between our read and write: try the next one
                continue
            found = session.execute(
                select(DiaryEntry.account_id, Account.account_ref, DiaryEntry.code, DiaryEntry.due_on,
                       DiaryEntry.team, DiaryEntry.note)
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
    entry, _, _ = load_entry(uow, diary_id)
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
