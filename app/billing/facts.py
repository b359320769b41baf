"""What the billing rules need, read for many accounts at once.

`load_facts` reads everything `decisions.decide` needs for a set of accounts and years with a
handful of set-based queries (liability periods with their discounts, exemptions and joint
taxpayers, reduction awards, what the ledger holds per year, the active instalment plans),
never account by account: that is what lets annual billing walk every account in chunks.
`load_facts_range` reads a key range, the cheaper form a batch run uses.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from app.adapters.sql_keys import raw_key, to_uuid
from app.db import UnitOfWork, in_batches
from app.enums import InstalmentPlanStatus, MandateStatus
from app.ledger.kinds import BILLED_KINDS, CASH_KINDS, CHARGE_KINDS, LedgerKind
from app.models import (
    Account,
    AccountParty,
    DirectDebitMandate,
    Discount,
    Exemption,
    Instalment,
    InstalmentPlan,
    LedgerTransaction,
    LiabilityParty,
    LiabilityPeriod,
    Parish,
    Person,
    Property,
    ReductionAward,
)
from app.models.person import full_name
from app.models.property import one_line_address
from app.rules.apportionment import year_end, year_start
from app.rules.instalments import DueInstalment
from app.rules.liability import Dated, PeriodFacts


@dataclass(frozen=True)
class PlanFacts:
    plan_id: uuid.UUID
    version: int
    instalments: tuple[DueInstalment, ...] | None  # None: not loaded (see load_facts_range)


@dataclass(frozen=True)
class AccountFacts:
    account_id: uuid.UUID
    account_ref: str
    instalment_count: int
    instalment_day: int
    payment_method: str
    names: tuple[str, ...] = ()
    forwarding_address: str = ""  # where letters go once moved out (Account.forwarding_address)
    direct_debit: bool = False  # a live (active) Direct Debit mandate: only then does a notice say it is collected
    periods: tuple[PeriodFacts, ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()  # (address, postcode) per period, same order
    reductions: tuple[Dated, ...] = ()
    charged_pence: dict[int, int] = field(default_factory=dict)  # charge + adjustment per year
    reduced_pence: dict[int, int] = field(default_factory=dict)  # reductions credited per year (positive)
    paid_pence: dict[int, int] = field(default_factory=dict)  # cash received per year (positive)
    plans: dict[int, PlanFacts] = field(default_factory=dict)
    billed_years: frozenset[int] = frozenset()  # years with any charge, adjustment or reduction posted (even £0)


def load_facts(uow: UnitOfWork, account_ids: Sequence[uuid.UUID], years: Sequence[int]) -> list[AccountFacts]:
    """Everything `decide` needs for these accounts and years, in nine set-based queries per 900 accounts."""
    result: list[AccountFacts] = []
    for ids in in_batches(list(account_ids)):
        result.extend(_load_chunk(uow, years, lambda column, ids=ids: column.in_(ids), True))  # type: ignore[misc]
    return result


def load_facts_range(uow: UnitOfWork, first_id: uuid.UUID, last_id: uuid.UUID, years: Sequence[int]) -> list[AccountFacts]:
    """The same for every account with first_id <= id <= last_id: a batch run walks accounts in
    key order, and a key range is far cheaper to bind and to scan than a list of 2,000 keys.
    Plans come without their instalments (`instalments is None`): only an account whose charge
    changed needs them, and `run_annual_billing` loads those separately."""
    return _load_chunk(uow, years, lambda column: column.between(first_id, last_id), False)


def _load_chunk(
    uow: UnitOfWork, years: Sequence[int], which: Callable[[Any], Any], with_instalments: bool
) -> list[AccountFacts]:
    s = uow.session
    first, last = year_start(min(years)), year_end(max(years))
    accounts = s.execute(
        select(raw_key(Account.id), Account.account_ref, Account.instalment_count, Account.instalment_day,
               Account.payment_method, Account.forwarding_address)
        .where(which(Account.id))
    ).all()
    mandated = set(s.scalars(
        select(raw_key(DirectDebitMandate.account_id))
        .where(which(DirectDebitMandate.account_id), DirectDebitMandate.status == MandateStatus.ACTIVE)
    ))
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    for account_id, title, forenames, surname in s.execute(
        select(raw_key(AccountParty.account_id), Person.title, Person.forenames, Person.surname)
        .join(Person, Person.id == AccountParty.person_id)
        .where(which(AccountParty.account_id))
        .order_by(AccountParty.account_id, AccountParty.ordinal)
    ):
        names[account_id].append(full_name(title, forenames, surname))
    period_rows = s.execute(
        select(
            raw_key(LiabilityPeriod.id), raw_key(LiabilityPeriod.account_id),
            LiabilityPeriod.start_date, LiabilityPeriod.end_date,
            LiabilityPeriod.disabled_reduction, Property.band, Parish.name, Property.address_line1,
            Property.address_line2, Property.town, Property.postcode,
        )
        .join(Property, Property.id == LiabilityPeriod.property_id)
        .outerjoin(Parish, Parish.id == Property.parish_id)
        .where(
            which(LiabilityPeriod.account_id), LiabilityPeriod.start_date <= last,
            or_(LiabilityPeriod.end_date.is_(None), LiabilityPeriod.end_date >= first),
        )
        .order_by(LiabilityPeriod.account_id, LiabilityPeriod.start_date)
    ).all()
    period_ids = {r[0] for r in period_rows}
    adjustments: dict[uuid.UUID, list[Dated]] = defaultdict(list)
    exemptions: dict[uuid.UUID, list[Dated]] = defaultdict(list)
    joint: dict[uuid.UUID, list[str]] = defaultdict(list)
    if period_ids:
        # Joined to their periods by account so the same account predicate (list or range) applies.
        for pid, kind, start, end, since in s.execute(
            select(raw_key(Discount.period_id), Discount.kind, Discount.start_date, Discount.end_date, Discount.empty_since)
            .join(LiabilityPeriod, LiabilityPeriod.id == Discount.period_id)
            .where(which(LiabilityPeriod.account_id))
        ):
            if pid in period_ids:
                adjustments[pid].append(Dated(kind, start, end, empty_since=since))
        for pid, code, start, end in s.execute(
            select(raw_key(Exemption.period_id), Exemption.exemption_class, Exemption.start_date, Exemption.end_date)
            .join(LiabilityPeriod, LiabilityPeriod.id == Exemption.period_id)
            .where(which(LiabilityPeriod.account_id))
        ):
            if pid in period_ids:
                exemptions[pid].append(Dated(code, start, end))
        for pid, title, forenames, surname in s.execute(
            select(raw_key(LiabilityParty.period_id), Person.title, Person.forenames, Person.surname)
            .join(Person, Person.id == LiabilityParty.person_id)
            .join(LiabilityPeriod, LiabilityPeriod.id == LiabilityParty.period_id)
            .where(which(LiabilityPeriod.account_id), LiabilityParty.start_date <= last,
                   or_(LiabilityParty.end_date.is_(None), LiabilityParty.end_date >= first))
        ):
            if pid in period_ids:
                joint[pid].append(full_name(title, forenames, surname))
    periods: dict[uuid.UUID, list[tuple[PeriodFacts, tuple[str, str], list[str]]]] = defaultdict(list)
    for pid, account_id, start, end, disabled, band, parish, line1, line2, town, postcode in period_rows:
        facts = PeriodFacts(
            start=start, end=end, band=band, parish=parish or "", disabled_reduction=bool(disabled),
            adjustments=tuple(sorted(adjustments[pid], key=lambda d: d.start)),
            exemptions=tuple(sorted(exemptions[pid], key=lambda d: d.start)),
        )
        address = one_line_address(line1, line2, town)
        periods[account_id].append((facts, (address, postcode), joint[pid]))
    reductions: dict[uuid.UUID, list[Dated]] = defaultdict(list)
    for account_id, kind, bp, start, end in s.execute(
        select(raw_key(ReductionAward.account_id), ReductionAward.kind, ReductionAward.percent_bp, ReductionAward.start_date,
               ReductionAward.end_date)
        .where(which(ReductionAward.account_id), ReductionAward.start_date <= last,
               or_(ReductionAward.end_date.is_(None), ReductionAward.end_date >= first))
    ):
        reductions[account_id].append(Dated(kind, start, end, percent_bp=bp))
    billed: dict[Any, set[int]] = defaultdict(set)
    charged: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    reduced: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    paid: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)
    for account_id, year, kind, total in s.execute(
        select(raw_key(LedgerTransaction.account_id), LedgerTransaction.financial_year, LedgerTransaction.kind,
               func.sum(LedgerTransaction.amount_pence))
        .where(which(LedgerTransaction.account_id), LedgerTransaction.financial_year.in_(list(years)))
        .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year, LedgerTransaction.kind)
    ):
        total = int(total)
        if kind in BILLED_KINDS:
            billed[account_id].add(year)
        if kind in CHARGE_KINDS:
            charged[account_id][year] = charged[account_id].get(year, 0) + total
        elif kind == LedgerKind.REDUCTION:
            reduced[account_id][year] = reduced[account_id].get(year, 0) - total
        elif kind in CASH_KINDS:
            paid[account_id][year] = paid[account_id].get(year, 0) - total
    plans: dict[uuid.UUID, dict[int, PlanFacts]] = defaultdict(dict)
    plan_rows = s.execute(
        select(raw_key(InstalmentPlan.id), raw_key(InstalmentPlan.account_id), InstalmentPlan.financial_year,
               InstalmentPlan.version)
        .where(which(InstalmentPlan.account_id), InstalmentPlan.financial_year.in_(list(years)),
               InstalmentPlan.status == InstalmentPlanStatus.ACTIVE)
    ).all()
    instalments: dict[uuid.UUID, list[DueInstalment]] = defaultdict(list)
    if plan_rows and with_instalments:
        for plan_id, due, amount in s.execute(
            select(raw_key(Instalment.plan_id), Instalment.due_on, Instalment.amount_pence)
            .join(InstalmentPlan, InstalmentPlan.id == Instalment.plan_id)
            .where(which(InstalmentPlan.account_id), InstalmentPlan.financial_year.in_(list(years)),
                   InstalmentPlan.status == InstalmentPlanStatus.ACTIVE)
            .order_by(Instalment.plan_id, Instalment.seq)
        ):
            instalments[plan_id].append(DueInstalment(due, amount))
    for plan_id, account_id, year, version in plan_rows:
        plans[account_id][year] = PlanFacts(to_uuid(plan_id), version,
                                            tuple(instalments[plan_id]) if with_instalments else None)
    result = []
    for account_id, ref, count, day, method, forwarding in accounts:
        rows = periods[account_id]
        joint_names = [n for _, _, js in rows for n in js]
        all_names = names[account_id] + [n for n in dict.fromkeys(joint_names) if n not in names[account_id]]
        result.append(AccountFacts(
            account_id=to_uuid(account_id), account_ref=ref, instalment_count=count, instalment_day=day, payment_method=method,
            forwarding_address=forwarding or "", direct_debit=account_id in mandated,
            names=tuple(all_names), periods=tuple(p for p, _, _ in rows), addresses=tuple(a for _, a, _ in rows),
            reductions=tuple(reductions[account_id]), charged_pence=charged[account_id], reduced_pence=reduced[account_id],
            paid_pence=paid[account_id], plans=plans[account_id], billed_years=frozenset(billed[account_id]),
        ))
    return result
