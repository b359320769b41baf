"""One account's recovery as the engine sees it on a day: its history, where each year
stands, what happens next and why, and its holds (the Recovery tab; nothing is written).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.adapters.sql_keys import raw_key
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.models import Hold, RecoveryEvent
from app.recovery.states import account_states
from app.rules.recovery_policy import AccountState, Action, YearAdvice, next_actions


@dataclass(frozen=True)
class RecoveryStep:
    """A recovery step taken for one year (`stage`: a RecoveryStage), oldest first."""

    year: int
    stage: str
    date: datetime.date  # (spelt out: the field's name hides the type's within the class)
    amount_pence: int
    hearing_date: datetime.date | None
    by: str


@dataclass(frozen=True)
class HoldRow:
    """A hold as the Recovery tab lists it, past and future ones too, with whether it is in
    force on the day (the hold with who made and lifted it is `app.recovery.holds.HoldView`).
    `from_`/`to` are written `from`/`to` (`app.dto.json_key`)."""

    hold_id: uuid.UUID
    kind: str
    reason: str
    from_: date
    to: date | None
    in_force: bool


@dataclass(frozen=True)
class RecoveryView(JsonView):
    """The Recovery tab: history, where each year stands, what happens next and why.
    (The header's short recovery line is `app.accounts.summary.RecoveryStatus`.)"""

    account_ref: str
    history: list[RecoveryStep]
    years: list[YearAdvice]
    next_actions: list[Action]
    holds: list[HoldRow]
    on_hold: str | None  # the kind of the hold that stops recovery on the day, if any


def account_recovery(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str, as_of: date) -> RecoveryView:
    """The engine's view of one account on `as_of` (nothing written)."""
    from app.accounts.summary import get_account_id

    account_id = get_account_id(uow, account_ref)
    raw = account_id.bytes if uow.dialect == "sqlite" else account_id
    policy = settings.recovery_policy()
    states = account_states(uow, lambda column: raw_key(column) == raw, as_of, policy)
    state = states.get(raw, AccountState(account_ref, ()))
    decision = next_actions(state, policy, as_of)
    history = uow.session.execute(
        select(RecoveryEvent.financial_year, RecoveryEvent.stage, RecoveryEvent.event_date, RecoveryEvent.amount_pence,
               RecoveryEvent.hearing_date, RecoveryEvent.created_by)
        .where(RecoveryEvent.account_id == account_id).order_by(RecoveryEvent.event_date, RecoveryEvent.created_at)
    ).all()
    holds = uow.session.execute(
        select(Hold.id, Hold.kind, Hold.reason, Hold.start_date, Hold.end_date).where(Hold.account_id == account_id)
        .order_by(Hold.start_date)
    ).all()
    return RecoveryView(
        account_ref=account_ref,
        history=[RecoveryStep(year=y, stage=st, date=d, amount_pence=a, hearing_date=h, by=by)
                 for y, st, d, a, h, by in history],
        years=list(decision.advice),
        next_actions=list(decision.actions),
        holds=[HoldRow(hold_id=i, kind=k, reason=r, from_=s_, to=e, in_force=s_ <= as_of and (e is None or e >= as_of))
               for i, k, r, s_, e in holds],
        on_hold=decision.on_hold.kind if decision.on_hold else None,
    )
