"""The account as an officer sees it: one summary DTO, built with a handful of indexed queries."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import UnitOfWork
from app.models import (
    Account, AccountParty, Arrangement, DiaryEntry, Hold, InstalmentPlan,
    LedgerTransaction, LiabilityPeriod, RecoveryEvent, ReductionAward,
)
from app.rules.apportionment import financial_year_of
from app.rules.instalments import allocate_paid
from app.errors import NotFound

CREDIT_KINDS = ("payment", "refund", "reversal", "transfer")  # cash movements, not changes to the charge
CHARGE_KINDS = ("charge", "adjustment")


@dataclass(frozen=True)
class PeriodView:
    period_id: uuid.UUID
    property_uprn: str
    address: str
    postcode: str
    band: str
    parish: str
    start_date: date
    end_date: date | None
    liable: list[str]
    discounts: list[dict[str, Any]]
    exemptions: list[dict[str, Any]]
    disabled_reduction: bool
    joint: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class InstalmentView:
    due: date
    amount_pence: int
    paid_pence: int


@dataclass(frozen=True)
class YearView:
    year: int
    charge_pence: int
    paid_pence: int
    costs_pence: int
    balance_pence: int
    discounts: list[str]
    instalments: list[InstalmentView]
    reduction_pence: int = 0


@dataclass(frozen=True)
class TransactionView:
    date: date
    kind: str
    year: int
    amount_pence: int
    reference: str
    description: str
    running_balance_pence: int


@dataclass(frozen=True)
class HoldView:
    kind: str
    reason: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class RecoveryView:
    stage: str
    stage_date: date | None
    holds: list[HoldView]


@dataclass(frozen=True)
class AccountSummary:
    account_id: uuid.UUID
    account_ref: str
    name: str
    joint_names: list[str]
    address: str
    postcode: str
    band: str
    parish: str
    liable_from: date | None
    liable_to: date | None
    payment_method: str
    balance_pence: int
    periods: list[PeriodView]
    years: list[YearView]
    transactions: list[TransactionView]
    recovery: RecoveryView
    arrangement: dict[str, Any] | None
    diary: list[dict[str, Any]] = field(default_factory=list)
    reductions: list[dict[str, Any]] = field(default_factory=list)
    instalment_count: int = 10
    instalment_day: int = 1

    def to_json(self) -> dict[str, Any]:
        """The contract's `account show --json` shape: money in *_pence, dates ISO."""
        data = jsonable(asdict(self))
        data.pop("account_id")
        return data


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def get_account_id(uow: UnitOfWork, account_ref: str) -> uuid.UUID:
    account_id = uow.session.scalar(select(Account.id).where(Account.account_ref == account_ref.strip()))
    if account_id is None:
        raise NotFound(f"There is no account with reference {account_ref.strip()}.")
    return account_id


def account_summary(uow: UnitOfWork, account_ref: str, as_of: date) -> AccountSummary:
    """Everything the account view's header and tabs show, as of a date."""
    session = uow.session
    account = session.scalars(
        select(Account)
        .where(Account.account_ref == account_ref.strip())
        .options(
            selectinload(Account.parties).joinedload(AccountParty.person),
            selectinload(Account.periods).selectinload(LiabilityPeriod.discounts),
            selectinload(Account.periods).selectinload(LiabilityPeriod.exemptions),
            selectinload(Account.periods).selectinload(LiabilityPeriod.joint_parties),
        )
    ).one_or_none()
    if account is None:
        raise NotFound(f"There is no account with reference {account_ref.strip()}.")
    names = [p.person.full_name() for p in account.parties]
    for period in account.periods:
        for party in period.joint_parties:
            if party.start_date <= as_of and (party.end_date is None or party.end_date >= as_of):
                if party.person.full_name() not in names:
                    names.append(party.person.full_name())
    periods = [_period_view(p, names) for p in account.periods]
    current = next((p for p in reversed(periods) if p.start_date <= as_of), periods[-1] if periods else None)

    txns = session.scalars(
        select(LedgerTransaction)
        .where(LedgerTransaction.account_id == account.id, LedgerTransaction.posted_on <= as_of)
        .order_by(LedgerTransaction.posted_on, LedgerTransaction.created_at)
    ).all()
    running = 0
    transactions: list[TransactionView] = []
    for t in txns:
        running += t.amount_pence
        transactions.append(
            TransactionView(t.posted_on, t.kind, t.financial_year, t.amount_pence, t.reference, t.description, running)
        )
    years = _years(uow, account.id, txns, periods)
    return AccountSummary(
        account_id=account.id,
        account_ref=account.account_ref,
        name=names[0] if names else "",
        joint_names=names[1:],
        address=current.address if current else "",
        postcode=current.postcode if current else "",
        band=current.band if current else "",
        parish=current.parish if current else "",
        liable_from=periods[0].start_date if periods else None,
        liable_to=periods[-1].end_date if periods else None,
        payment_method=account.payment_method,
        balance_pence=running,
        periods=periods,
        years=years,
        transactions=transactions,
        recovery=_recovery(uow, account.id, as_of),
        arrangement=_arrangement(uow, account.id),
        diary=_diary(uow, account.id),
        reductions=[
            {"id": r.id, "kind": r.kind, "percent_bp": r.percent_bp, "from": r.start_date, "to": r.end_date}
            for r in uow.session.scalars(
                select(ReductionAward).where(ReductionAward.account_id == account.id).order_by(ReductionAward.start_date)
            )
        ],
        instalment_count=account.instalment_count,
        instalment_day=account.instalment_day,
    )


def _period_view(period: LiabilityPeriod, account_names: list[str]) -> PeriodView:
    prop = period.property
    return PeriodView(
        period_id=period.id,
        property_uprn=prop.uprn,
        address=prop.address(),
        postcode=prop.postcode,
        band=prop.band,
        parish=prop.parish.name if prop.parish else "",
        start_date=period.start_date,
        end_date=period.end_date,
        liable=account_names,
        discounts=[
            {"id": d.id, "kind": d.kind, "from": d.start_date, "to": d.end_date, "empty_since": d.empty_since}
            for d in period.discounts
        ],
        exemptions=[
            {"id": e.id, "class": e.exemption_class, "from": e.start_date, "to": e.end_date} for e in period.exemptions
        ],
        disabled_reduction=period.disabled_reduction,
        joint=[
            {"id": j.id, "name": j.person.full_name(), "from": j.start_date, "to": j.end_date}
            for j in period.joint_parties
        ],
    )


def _years(
    uow: UnitOfWork, account_id: uuid.UUID, txns: Any, periods: list[PeriodView]
) -> list[YearView]:
    by_year: dict[int, dict[str, int]] = {}
    for t in txns:
        bucket = by_year.setdefault(t.financial_year, {"charge": 0, "paid": 0, "costs": 0, "other": 0, "reduction": 0})
        if t.kind == "reduction":
            bucket["reduction"] -= t.amount_pence
        elif t.kind in CHARGE_KINDS:
            bucket["charge"] += t.amount_pence
        elif t.kind in CREDIT_KINDS:
            bucket["paid"] -= t.amount_pence
        elif t.kind == "costs":
            bucket["costs"] += t.amount_pence
        else:
            bucket["other"] += t.amount_pence
    plans = uow.session.scalars(
        select(InstalmentPlan)
        .where(InstalmentPlan.account_id == account_id, InstalmentPlan.status == "active")
        .options(selectinload(InstalmentPlan.instalments))
    ).all()
    plan_by_year = {p.financial_year: p for p in plans}
    result: list[YearView] = []
    for year in sorted(set(by_year) | set(plan_by_year), reverse=True):
        b = by_year.get(year, {"charge": 0, "paid": 0, "costs": 0, "other": 0, "reduction": 0})
        plan = plan_by_year.get(year)
        amounts = [i.amount_pence for i in plan.instalments] if plan else []
        paid = allocate_paid(amounts, b["paid"])
        discounts = sorted({
            d["kind"] for p in periods for d in p.discounts
            if financial_year_of(d["from"]) <= year and (d["to"] is None or financial_year_of(d["to"]) >= year)
        })
        result.append(
            YearView(
                year=year,
                charge_pence=b["charge"],
                paid_pence=b["paid"],
                costs_pence=b["costs"],
                balance_pence=b["charge"] - b["reduction"] - b["paid"] + b["costs"] + b["other"],
                discounts=discounts,
                instalments=[
                    InstalmentView(i.due_on, i.amount_pence, p)
                    for i, p in zip(plan.instalments if plan else [], paid, strict=True)
                ],
                reduction_pence=b["reduction"],
            )
        )
    return result


def _recovery(uow: UnitOfWork, account_id: uuid.UUID, as_of: date) -> RecoveryView:
    last = uow.session.scalars(
        select(RecoveryEvent)
        .where(RecoveryEvent.account_id == account_id, RecoveryEvent.event_date <= as_of)
        .order_by(RecoveryEvent.event_date.desc(), RecoveryEvent.created_at.desc())
        .limit(1)
    ).one_or_none()
    holds = uow.session.scalars(
        select(Hold)
        .where(Hold.account_id == account_id, Hold.start_date <= as_of)
        .where((Hold.end_date.is_(None)) | (Hold.end_date >= as_of))
        .order_by(Hold.start_date)
    ).all()
    return RecoveryView(
        stage=last.stage if last else "none",
        stage_date=last.event_date if last else None,
        holds=[HoldView(h.kind, h.reason, h.start_date, h.end_date) for h in holds],
    )


def _arrangement(uow: UnitOfWork, account_id: uuid.UUID) -> dict[str, Any] | None:
    arr = uow.session.scalars(
        select(Arrangement)
        .where(Arrangement.account_id == account_id, Arrangement.status == "live")
        .order_by(Arrangement.created_at.desc())
        .limit(1)
    ).one_or_none()
    if arr is None:
        return None
    return {
        "arrangement_id": str(arr.id), "frequency": arr.frequency, "start": arr.start_date,
        "end": arr.end_date, "total_pence": arr.total_pence, "status": arr.status,
    }


def _diary(uow: UnitOfWork, account_id: uuid.UUID) -> list[dict[str, Any]]:
    entries = uow.session.scalars(
        select(DiaryEntry).where(DiaryEntry.account_id == account_id).order_by(DiaryEntry.due_on.desc())
    ).all()
    return [
        {"diary_id": str(e.id), "code": e.code, "due": e.due_on, "status": e.status, "owner": e.owner, "note": e.note,
         "team": e.team, "claimed_by": e.claimed_by, "completed_by": e.completed_by, "completion_note": e.completion_note}
        for e in entries
    ]


def balance_pence(uow: UnitOfWork, account_id: uuid.UUID) -> int:
    total = uow.session.scalar(
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0)).where(LedgerTransaction.account_id == account_id)
    )
    return int(total or 0)

