"""Worklists: a worklist is a query over open diary entries.

For a code, team or officer: the counts (open, due, overdue, per code) and one page of
rows sorted by due date, balance or recovery stage, each row carrying what an officer
needs to choose (name, balance, furthest recovery stage), read in a few set-based
queries for the page only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import case, func, or_, select

from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import DiaryStatus
from app.errors import ValidationError
from app.ledger.balances import account_balances, owed_now_of
from app.models import Account, AccountParty, DiaryCode, DiaryEntry, Person, RecoveryEvent
from app.models.person import full_name
from app.rules.recovery_policy import STATUTORY_STAGES
from app.users.roles import Actor

MAX_PAGE_SIZE = 500
Sort = Literal["due", "balance", "stage"]
SORTS: tuple[str, ...] = ("due", "balance", "stage")
STAGE_RANK = {stage: rank for rank, stage in enumerate(STATUTORY_STAGES, start=1)}


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
    where: list[Any] = [DiaryEntry.status == DiaryStatus.OPEN]
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
        query = query.order_by(owed_now_of(DiaryEntry.account_id, as_of).desc(), DiaryEntry.due_on)
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
            select(DiaryEntry, Account.account_ref)
            .join(Account, Account.id == DiaryEntry.account_id)
            .where(DiaryEntry.id.in_(ids))
        )
    }
    account_ids = list({e.account_id for e, _ in entries.values()})
    balances = account_balances(uow, account_ids, as_of)
    names: dict[uuid.UUID, str] = {}
    for account_id, title, forenames, surname in session.execute(
        select(AccountParty.account_id, Person.title, Person.forenames, Person.surname)
        .join(Person, Person.id == AccountParty.person_id)
        .where(AccountParty.account_id.in_(account_ids), AccountParty.ordinal == 0)
    ):
        names[account_id] = full_name(title, forenames, surname)
    rank_by_stage = case(*((RecoveryEvent.stage == s, r) for s, r in STAGE_RANK.items()), else_=0)
    ranks: dict[uuid.UUID, int] = dict(session.execute(
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
