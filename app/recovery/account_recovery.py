"""One account's recovery as the engine sees it on a day: its history, where each year
stands, what happens next and why, and its holds (the Recovery tab; nothing is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.adapters.sql_keys import raw_key
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.models import Hold, RecoveryEvent
from app.recovery.states import account_states
from app.rules.recovery_policy import AccountState, next_actions


@dataclass(frozen=True)
class RecoveryView:
    """The Recovery tab: history, where each year stands, what happens next and why."""

    account_ref: str
    history: list[dict[str, Any]]
    years: list[dict[str, Any]]
    next_actions: list[dict[str, Any]]
    holds: list[dict[str, Any]]
    on_hold: str | None

    def to_json(self) -> dict[str, Any]:
        from app.dto import jsonable

        data: dict[str, Any] = jsonable({"account_ref": self.account_ref, "history": self.history, "years": self.years,
                                         "next_actions": self.next_actions, "holds": self.holds, "on_hold": self.on_hold})
        return data


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
        history=[{"year": y, "stage": st, "date": d, "amount_pence": a, "hearing_date": h, "by": by}
                 for y, st, d, a, h, by in history],
        years=[{"year": a.year, "stage": a.stage, "stage_date": a.stage_date, "next_step": a.next_step}
               for a in decision.advice],
        next_actions=[{"year": a.year, "stage": a.stage, "amount_pence": a.amount_pence, "costs_pence": a.costs_pence,
                       "hearing_date": a.hearing_date, "why": a.why} for a in decision.actions],
        holds=[{"hold_id": i, "kind": k, "reason": r, "from": s_, "to": e,
                "in_force": s_ <= as_of and (e is None or e >= as_of)} for i, k, r, s_, e in holds],
        on_hold=decision.on_hold.kind if decision.on_hold else None,
    )
