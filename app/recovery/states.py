"""What the recovery engine needs, loaded for many accounts at once: which account-years are
in arrears, and each one's instalments, recovery history and holds.

Both the daily run and one account's recovery view ask the engine
(`app.rules.recovery_policy.next_actions`) about `AccountState`s built here, so they can
never disagree. An account is screened with two grouped queries (what had fallen due by
today per account and year; what the ledger holds); only account-years in arrears are
loaded further.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, select

from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.enums import EnforcementStatus, InstalmentPlanStatus, RecoveryStage
from app.ledger.kinds import CASH_KINDS
from app.models import EnforcementCase, Hold, Instalment, InstalmentPlan, LedgerTransaction, RecoveryEvent
from app.recovery.safeguards import safeguards_holding
from app.rules.apportionment import financial_year_of, year_start
from app.rules.instalments import DueInstalment
from app.rules.recovery_policy import (
    RESET_STAGES,
    STATUTORY_STAGES,
    AccountState,
    EnforcementInPlace,
    HoldState,
    RecoveryPolicy,
    StageEvent,
    YearState,
)
from app.writeoffs.stopped_years import written_off_years


@dataclass
class _Screen:
    """One account-year's figures from the grouped queries."""

    balance: int = 0
    paid: int = 0
    due_now: int = 0
    has_plan: bool = False
    plan_id: Any = None


def fetch_rows(conn: Any, statement: Any) -> list[Any]:
    """All rows at once (the driver's fetchall), not one Python call per row."""
    return conn.execute(statement).fetchall()  # type: ignore[no-any-return]


def _screen(uow: UnitOfWork, which: Callable[[Any], Any], as_of: date, minimum: int) -> dict[Any, dict[int, _Screen]]:
    """The account-years in arrears on `as_of` (raw keys), found in one query.

    A year is in arrears when its balance is at least the minimum and either its active
    plan had more fall due by today than was paid, or it has no plan (a year billed in one
    sum) and has started. The database does the grouping and the test, so only the few
    account-years in arrears come back to Python.
    """
    s = uow.session.connection()  # Core rows: no ORM result machinery
    paid = func.sum(case((LedgerTransaction.kind.in_(CASH_KINDS), -LedgerTransaction.amount_pence), else_=0))
    ledger = (
        select(LedgerTransaction.account_id.label("account_id"), LedgerTransaction.financial_year.label("year"),
               func.sum(LedgerTransaction.amount_pence).label("balance"), paid.label("paid"))
        .where(which(LedgerTransaction.account_id), LedgerTransaction.posted_on <= as_of)
        .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year)
        .subquery()
    )
    plans = (
        select(InstalmentPlan.account_id.label("account_id"), InstalmentPlan.financial_year.label("year"),
               InstalmentPlan.id.label("plan_id"),
               func.sum(case((Instalment.due_on <= as_of, Instalment.amount_pence), else_=0)).label("due"))
        .join(Instalment, Instalment.plan_id == InstalmentPlan.id)
        .where(which(InstalmentPlan.account_id), InstalmentPlan.status == InstalmentPlanStatus.ACTIVE)
        .group_by(InstalmentPlan.account_id, InstalmentPlan.financial_year, InstalmentPlan.id)
        .subquery()
    )
    rows = fetch_rows(s, (
        select(raw_key(ledger.c.account_id), ledger.c.year, ledger.c.balance, ledger.c.paid, raw_key(plans.c.plan_id),
               plans.c.due)
        .select_from(ledger.outerjoin(plans, (plans.c.account_id == ledger.c.account_id) & (plans.c.year == ledger.c.year)))
        .where(ledger.c.balance >= minimum)
        .where(or_(
            (plans.c.plan_id.is_not(None)) & (plans.c.due - ledger.c.paid > 0),
            (plans.c.plan_id.is_(None)) & (ledger.c.year <= financial_year_of(as_of)),
        ))
    ))
    found: dict[Any, dict[int, _Screen]] = defaultdict(dict)
    for account, year, balance, cash, plan_id, due_now in rows:
        found[account][year] = _Screen(int(balance), int(cash or 0), int(due_now or 0), plan_id is not None, plan_id)
    return found


def account_states(
    uow: UnitOfWork, which: Callable[[Any], Any], as_of: date, policy: RecoveryPolicy, *, prune: bool = False,
) -> dict[Any, AccountState]:
    """The engine state of every account (raw key) with a year in arrears.

    With `prune` (the run), a year whose last step is a summons or a liability order is
    left out before its instalments are read: the engine takes no step for it (the court
    decides), and in a mature authority such years are most of the arrears. Without it,
    each year's open enforcement cases are read too (the next step names them).
    Safeguards holding an account back (`policy.safeguards`) are read for every account.
    """
    s = uow.session.connection()  # Core rows: no ORM result machinery for hundreds of thousands of rows
    wanted = _screen(uow, which, as_of, policy.minimum_balance_pence)
    for account, year in written_off_years(uow, list(wanted)):  # a write-off stops recovery for its year
        wanted[account].pop(year, None)
        if not wanted[account]:
            del wanted[account]
    if not wanted:
        return {}
    raw_ids = list(wanted)
    events: dict[tuple[Any, int], list[StageEvent]] = defaultdict(list)
    holds: dict[Any, list[HoldState]] = defaultdict(list)
    for ids in in_batches(raw_ids):
        for account, year, stage, on, hearing in fetch_rows(s, (
            select(raw_key(RecoveryEvent.account_id), RecoveryEvent.financial_year, RecoveryEvent.stage,
                   RecoveryEvent.event_date, RecoveryEvent.hearing_date)
            .where(raw_key(RecoveryEvent.account_id).in_(ids), RecoveryEvent.event_date <= as_of)
            .order_by(RecoveryEvent.account_id, RecoveryEvent.event_date, RecoveryEvent.created_at)
        )):
            events[(account, year)].append(StageEvent(stage, on, hearing))
        for account, kind, reason, h_start, h_end in fetch_rows(s, (
            select(raw_key(Hold.account_id), Hold.kind, Hold.reason, Hold.start_date, Hold.end_date)
            .where(raw_key(Hold.account_id).in_(ids), Hold.start_date <= as_of,
                   or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
        )):
            holds[account].append(HoldState(kind, reason, h_start, h_end))
    if prune:
        for account in raw_ids:
            years = wanted[account]
            for year in [y for y in years if _with_the_court(events.get((account, y), ()))]:
                del years[year]
            if not years:
                del wanted[account]
    guarded = safeguards_holding(uow, list(wanted), policy.safeguards)
    enforcement: dict[tuple[Any, int], list[EnforcementInPlace]] = defaultdict(list)
    if not prune:
        for ids in in_batches(list(wanted)):
            for account, year, kind, opened, reference in fetch_rows(s, (
                select(raw_key(EnforcementCase.account_id), RecoveryEvent.financial_year, EnforcementCase.kind,
                       EnforcementCase.opened_on, EnforcementCase.reference)
                .join(RecoveryEvent, RecoveryEvent.id == EnforcementCase.liability_order_id)
                .where(raw_key(EnforcementCase.account_id).in_(ids), EnforcementCase.status == EnforcementStatus.OPEN)
                .order_by(EnforcementCase.opened_on)
            )):
                enforcement[(account, year)].append(EnforcementInPlace(kind, opened, reference))
    plan_ids = [sc.plan_id for years in wanted.values() for sc in years.values() if sc.has_plan]
    instalments: dict[Any, list[DueInstalment]] = defaultdict(list)
    shared: dict[tuple[date, int], DueInstalment] = {}  # (frozen) instalments repeat across accounts
    for batch in in_batches(plan_ids):
        for plan_id, due, amount in fetch_rows(s, (
            select(raw_key(Instalment.plan_id), Instalment.due_on, Instalment.amount_pence)
            .where(raw_key(Instalment.plan_id).in_(batch))
            .order_by(Instalment.plan_id, Instalment.seq)
        )):
            key = (due, amount)
            instalment = shared.get(key)
            if instalment is None:
                instalment = shared[key] = DueInstalment(due, amount)
            instalments[plan_id].append(instalment)
    states: dict[Any, AccountState] = {}
    for account, years in wanted.items():
        states[account] = AccountState(
            account_ref="",
            years=tuple(
                YearState(
                    year=y, balance_pence=sc.balance, paid_pence=sc.paid,
                    instalments=tuple(instalments[sc.plan_id]) if sc.has_plan else (),
                    events=tuple(events[(account, y)]),
                    due_without_plan=None if sc.has_plan else year_start(y),
                    enforcement=tuple(enforcement.get((account, y), ())),
                )
                for y, sc in sorted(years.items())
            ),
            holds=tuple(holds[account]),
            safeguards=guarded.get(account, ()),
        )
    return states


def _with_the_court(events: Iterable[StageEvent]) -> bool:
    """The year's last statutory step is a summons or a liability order (see next_actions)."""
    last = None
    for event in events:
        if event.stage in STATUTORY_STAGES + RESET_STAGES:
            last = event.stage
    return last in (RecoveryStage.SUMMONS, RecoveryStage.LIABILITY_ORDER)
