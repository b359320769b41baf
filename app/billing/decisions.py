"""Billing: a year's charge, instalment plan and demand notice, for one account or all of them.

One path does both. `load_facts` reads what the rules need for a set of accounts with a
handful of set-based queries; `decide` (no database) compares the charge the rules give
with what the ledger already holds; `apply` writes the difference. So:

- **rebilling** after a liability change posts an adjustment for the difference (never
  edits old transactions), supersedes the instalment plan with a re-profiled one and
  records an amended demand notice;
- **annual billing** is the same decision for every liable account: a year with nothing
  charged gets its charge, plan and demand notice; a year already billed gets nothing,
  so a rerun (or a resumed run after a crash) never charges or notifies twice;
- a **trial calculation** is `decide` without `apply`.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Sequence

from sqlalchemy import func, or_, select, update

from app.clock import now
from app.config import AuthoritySettings
from app.db import Database, UnitOfWork, batch_reading, in_batches
from app.errors import Conflict, ValidationError
from app.ledger.kinds import BILLED_KINDS, CASH_KINDS, CHARGE_KINDS, LedgerKind
from app.ledger.posting import LedgerRows
from app.models import (
    Account, AccountParty, AuditEvent, BatchRun, Discount, Document, Exemption, Instalment, InstalmentPlan,
    LedgerTransaction, LiabilityParty, LiabilityPeriod, Parish, Person, Property, ReductionAward,
)
from app.models.person import full_name
from app.models.property import one_line_address
from app.rules.apportionment import financial_year_of, year_end, year_label, year_start
from app.rules.instalments import DueInstalment, InstalmentPolicy, bill_schedule, reprofile
from app.rules.liability import ChargeError, Dated, PeriodFacts, YearCharge, YearPolicy, year_charge
from app.adapters.bulk import AUDIT_COLUMNS, DOCUMENT_COLUMNS, BulkWriter, NativeValues
from app.adapters.sql_keys import raw_key, to_uuid
from app.billing.settings_snapshots import capture_year_settings
from app.users.roles import Actor, Role
from app.requests import Cancelled, Progress, handles
from app.billing.requests import RunAnnualBilling

NOTICE_TEMPLATES = {"demand_notice": "demand_notice", "amended_demand_notice": "amended_demand_notice"}



# --- what the rules need, loaded for many accounts at once -----------------------------------


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
               Account.payment_method)
        .where(which(Account.id))
    ).all()
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
            raw_key(LiabilityPeriod.id), raw_key(LiabilityPeriod.account_id), LiabilityPeriod.start_date, LiabilityPeriod.end_date,
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
               InstalmentPlan.status == "active")
    ).all()
    instalments: dict[uuid.UUID, list[DueInstalment]] = defaultdict(list)
    if plan_rows and with_instalments:
        for plan_id, due, amount in s.execute(
            select(raw_key(Instalment.plan_id), Instalment.due_on, Instalment.amount_pence)
            .join(InstalmentPlan, InstalmentPlan.id == Instalment.plan_id)
            .where(which(InstalmentPlan.account_id), InstalmentPlan.financial_year.in_(list(years)),
                   InstalmentPlan.status == "active")
            .order_by(Instalment.plan_id, Instalment.seq)
        ):
            instalments[plan_id].append(DueInstalment(due, amount))
    for plan_id, account_id, year, version in plan_rows:
        plans[account_id][year] = PlanFacts(to_uuid(plan_id), version,
                                            tuple(instalments[plan_id]) if with_instalments else None)
    result = []
    for account_id, ref, count, day, method in accounts:
        rows = periods[account_id]
        joint_names = [n for _, _, js in rows for n in js]
        all_names = names[account_id] + [n for n in dict.fromkeys(joint_names) if n not in names[account_id]]
        result.append(AccountFacts(
            account_id=to_uuid(account_id), account_ref=ref, instalment_count=count, instalment_day=day, payment_method=method,
            names=tuple(all_names), periods=tuple(p for p, _, _ in rows), addresses=tuple(a for _, a, _ in rows),
            reductions=tuple(reductions[account_id]), charged_pence=charged[account_id], reduced_pence=reduced[account_id],
            paid_pence=paid[account_id], plans=plans[account_id], billed_years=frozenset(billed[account_id]),
        ))
    return result


# --- the decision (no database) ---------------------------------------------------------------


@dataclass(frozen=True)
class BillingDecision:
    """What billing one account's year would change. `notice` is None when nothing changes."""

    account_id: uuid.UUID
    account_ref: str
    year: int
    charge: YearCharge
    charged_before_pence: int
    reduced_before_pence: int
    paid_pence: int
    charge_delta_pence: int
    reduction_delta_pence: int
    plan: tuple[DueInstalment, ...] | None  # the new plan, or None to keep the current one
    superseded_plan: PlanFacts | None
    notice: str | None  # demand_notice | amended_demand_notice | None
    notice_data: dict[str, Any] | None

    @property
    def net_pence(self) -> int:
        return self.charge.net_pence

    @property
    def balance_pence(self) -> int:
        return self.charge.net_pence - self.paid_pence

    @property
    def changed(self) -> bool:
        return self.notice is not None


def year_policy(settings: AuthoritySettings, year: int) -> YearPolicy:
    if year not in settings.years:
        raise ValidationError(
            f"The settings have no Band D figures for {year_label(year)}: add [years.{year}] first.", field="year"
        )
    ys = settings.years[year]
    return YearPolicy(year, ys.band_d_pence, ys.premiums)


class InstalmentsNotLoaded(Exception):
    """`decide` must re-profile a plan whose instalments were not loaded (load the account fully)."""


class Memo:
    """Results of the pure rules for one run's fixed policy: most accounts share a handful of
    (band, parish, discount, dates) combinations, so a run computes each only once."""

    def __init__(self) -> None:
        self.charges: dict[tuple[Any, ...], YearCharge] = {}
        self.schedules: dict[tuple[Any, ...], tuple[DueInstalment, ...]] = {}
        self.lines: dict[YearCharge, list[dict[str, Any]]] = {}
        self.instalments: dict[tuple[DueInstalment, ...], list[dict[str, Any]]] = {}


def decide(
    facts: AccountFacts, year: int, policy: YearPolicy, instalments: InstalmentPolicy, issued_on: date,
    authority: str, reason: str = "", memo: Memo | None = None,
) -> BillingDecision:
    """Compare the rules' charge for `year` with the ledger and plan, and say what must change."""
    key = (_clipped_periods(facts.periods, year), _clipped(facts.reductions, year))
    charge = memo.charges.get(key) if memo is not None else None
    if charge is None:
        try:
            charge = year_charge(facts.periods, facts.reductions, policy)
        except ChargeError as exc:
            raise ValidationError(f"Account {facts.account_ref}: {exc}", field="parish") from None
        if memo is not None:
            memo.charges[key] = charge
    charged = facts.charged_pence.get(year, 0)
    reduced = facts.reduced_pence.get(year, 0)
    paid = facts.paid_pence.get(year, 0)
    current = facts.plans.get(year)
    charge_delta = charge.charge_pence - charged
    reduction_delta = charge.reduction_pence - reduced
    plan: tuple[DueInstalment, ...] | None = None
    notice: str | None = None
    first_bill = year not in facts.billed_years and bool(charge.lines)
    if current is None and (first_bill or charge_delta or reduction_delta):
        # Liability starting after both the issue date and the start of the year (a move in
        # recorded ahead of time) is scheduled from its first day: nothing falls due earlier.
        liable_from = min((line.start for line in charge.lines), default=issued_on)
        schedule_from = liable_from if liable_from > max(issued_on, year_start(year)) else issued_on
        if first_bill:  # the whole charge in instalments; anything paid already counts towards the first
            plan_key = (charge.net_pence, schedule_from, facts.instalment_count, facts.instalment_day)
            plan = memo.schedules.get(plan_key) if memo is not None else None
            if plan is None:
                plan = tuple(bill_schedule(charge.net_pence, schedule_from, year, facts.instalment_count,
                                           facts.instalment_day, instalments))
                if memo is not None:
                    memo.schedules[plan_key] = plan
        else:
            plan = tuple(reprofile(charge.net_pence, paid, [], schedule_from, year, facts.instalment_day,
                                   instalments, requested=facts.instalment_count))
        notice = "demand_notice" if first_bill else "amended_demand_notice"
    elif current is not None and (charge_delta or reduction_delta):
        if current.instalments is None:
            raise InstalmentsNotLoaded(facts.account_id)
        plan = tuple(reprofile(charge.net_pence, paid, list(current.instalments), issued_on, year,
                               facts.instalment_day, instalments, requested=facts.instalment_count))
        notice = "amended_demand_notice"
    data = None
    if notice is not None and plan is not None:
        data = notice_data(facts, charge, policy, paid, plan, issued_on, authority, amended=notice != "demand_notice",
                           reason=reason, memo=memo)
    return BillingDecision(
        account_id=facts.account_id, account_ref=facts.account_ref, year=year, charge=charge,
        charged_before_pence=charged, reduced_before_pence=reduced, paid_pence=paid,
        charge_delta_pence=charge_delta, reduction_delta_pence=reduction_delta, plan=plan,
        superseded_plan=current if plan is not None else None, notice=notice, notice_data=data,
    )


def _clipped(items: tuple[Dated, ...], year: int) -> tuple[Dated, ...]:
    """Items cut to the year: the charge for a year depends only on these days, so accounts
    liable since different dates share one memo entry."""
    first, last = year_start(year), year_end(year)
    return tuple(
        Dated(i.code, max(i.start, first), None if i.end is None or i.end > last else i.end, i.empty_since, i.percent_bp)
        for i in items if i.start <= last and (i.end is None or i.end >= first)
    )


def _clipped_periods(periods: tuple[PeriodFacts, ...], year: int) -> tuple[PeriodFacts, ...]:
    first, last = year_start(year), year_end(year)
    return tuple(
        PeriodFacts(max(p.start, first), None if p.end is None or p.end > last else p.end, p.band, p.parish,
                    p.disabled_reduction, _clipped(p.adjustments, year), _clipped(p.exemptions, year))
        for p in periods if p.start <= last and (p.end is None or p.end >= first)
    )


def notice_data(
    facts: AccountFacts, charge: YearCharge, policy: YearPolicy, paid: int, plan: Sequence[DueInstalment],
    issued_on: date, authority: str, *, amended: bool, reason: str, memo: Memo | None = None,
) -> dict[str, Any]:
    """The merge data of a demand notice (the letters service's template fields).

    With a memo, accounts with the same charge lines or instalments share one (read-only) list,
    which `apply` then encodes once.
    """
    lines = memo.lines.get(charge) if memo is not None else None
    if lines is None:
        lines = [
            {"from": line.start.isoformat(), "to": line.end.isoformat(), "days": line.days,
             "description": line.description, "amount_pence": line.amount_pence}
            for line in charge.lines
        ]
        if memo is not None:
            memo.lines[charge] = lines
    key = tuple(plan)
    due = memo.instalments.get(key) if memo is not None else None
    if due is None:
        due = [{"due": i.due.isoformat(), "amount_pence": i.amount_pence} for i in plan]
        if memo is not None:
            memo.instalments[key] = due
    in_year = [i for i, p in enumerate(facts.periods)
               if p.start <= year_end(charge.year) and (p.end is None or p.end >= year_start(charge.year))]
    latest = in_year[-1] if in_year else (len(facts.periods) - 1)
    period = facts.periods[latest] if facts.periods else None
    address, postcode = facts.addresses[latest] if facts.addresses else ("", "")
    return {
        "authority": authority,
        "issued_on": issued_on.isoformat(),
        "account_ref": facts.account_ref,
        "names": list(facts.names),
        "address_lines": [part.strip() for part in address.split(",") if part.strip()],
        "postcode": postcode,
        "property_address": f"{address}, {postcode}" if postcode else address,
        "band": period.band if period else "",
        "parish": period.parish if period else "",
        "year": charge.year,
        "year_label": year_label(charge.year),
        "band_d_pence": policy.band_d_pence.get(period.parish if period else "", 0),
        "annual_charge_pence": charge.lines[-1].annual_pence if charge.lines else 0,
        "lines": lines,
        "charge_pence": charge.charge_pence,
        "reduction_pence": charge.reduction_pence,
        "net_charge_pence": charge.net_pence,
        "paid_pence": paid,
        "balance_pence": charge.net_pence - paid,
        "instalments": due,
        "payment_method": facts.payment_method,
        "amended": amended,
        "reason": reason,
    }


# --- writing the decision ---------------------------------------------------------------------


PLAN_COLUMNS = (
    "id", "account_id", "financial_year", "status", "issued_on", "net_charge_pence", "paid_at_issue_pence",
    "created_at", "version",
)
INSTALMENT_COLUMNS = ("id", "plan_id", "seq", "due_on", "amount_pence")


@dataclass
class Applied:
    """Counts of what `apply` wrote, and the notices it recorded (document id per decision)."""

    charges: int = 0
    adjustments: int = 0
    plans: int = 0
    notices: int = 0
    documents: dict[tuple[uuid.UUID, int], uuid.UUID] = field(default_factory=dict)


def apply(
    uow: UnitOfWork, actor: Actor, decisions: Sequence[BillingDecision], issued_on: date, template_versions: dict[str, str],
    *, batch_run_id: uuid.UUID | None = None, reason: str = "",
) -> Applied:
    """Write decisions in bulk: ledger differences, superseded and new plans, notices, audit.

    A stale plan (someone re-planned the account since it was loaded) raises Conflict via
    the version check, and the whole unit of work rolls back.
    """
    session = uow.session
    v = NativeValues(uow.dialect)
    at = now()
    stamp = v.timestamp(at)
    run = v.id(batch_run_id) if batch_run_id else None
    posted = v.date(issued_on)
    ledger = LedgerRows(v, created_by=actor.username, created_at=at, batch_run_id=batch_run_id)
    plans: list[tuple[Any, ...]] = []
    instalments: list[tuple[Any, ...]] = []
    documents: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    native_dates: dict[date, Any] = {}  # a run's 2 million instalments fall on a few dozen dates
    fragments: dict[int, str] = {}  # shared lists of the notices, encoded once (see notice_data)
    applied = Applied()
    for d in decisions:
        if not d.changed:
            continue
        account = v.id(d.account_id)
        label = year_label(d.year)
        if d.charge_delta_pence:
            first = d.notice == "demand_notice"
            kind = LedgerKind.CHARGE if first else LedgerKind.ADJUSTMENT
            text = f"Council tax {label}" if first else f"Rebill {label}" + (f": {reason}" if reason else "")
            ledger.add(account, d.year, kind, d.charge_delta_pence, posted, f"BILL-{d.year}", text)
            applied.charges += first
            applied.adjustments += not first
        if d.reduction_delta_pence:
            ledger.add(account, d.year, LedgerKind.REDUCTION, -d.reduction_delta_pence, posted, f"CTR-{d.year}",
                       f"Council tax reduction {label}")
        if d.superseded_plan is not None:
            result = session.execute(
                update(InstalmentPlan)
                .where(InstalmentPlan.id == d.superseded_plan.plan_id, InstalmentPlan.version == d.superseded_plan.version)
                .values(status="superseded", version=d.superseded_plan.version + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(f"Account {d.account_ref}'s instalments were changed by someone else since you opened it.")
        plan_id = v.new_id()
        if d.plan is not None:
            plans.append((plan_id, account, d.year, "active", posted, d.net_pence, d.paid_pence, stamp, 1))
            instalments.extend(
                (v.new_id(), plan_id, seq, native_dates.get(i.due) or native_dates.setdefault(i.due, v.date(i.due)),
                 i.amount_pence)
                for seq, i in enumerate(d.plan, start=1)
            )
            applied.plans += 1
        if d.notice is not None:
            doc_id = v.new_id()
            template = NOTICE_TEMPLATES[d.notice]
            documents.append((
                doc_id, account, d.notice, template, template_versions.get(template, ""),
                f"{d.notice}-{d.account_ref}-{d.year}-{issued_on.isoformat()}.docx",
                v.json_text(_encode_notice(d.notice_data or {}, fragments)), d.year,
                posted, run, actor.username, stamp,
            ))
            applied.documents[(d.account_id, d.year)] = _asto_uuid(doc_id)
            applied.notices += 1
        audits.append((
            v.new_id(), stamp, actor.username, "billing.billed" if d.notice == "demand_notice" else "billing.rebilled",
            "account", account, account,
            # The plans themselves are kept (a superseded plan is never deleted): the audit names them.
            v.json({"year": d.year, "charge_pence": d.charged_before_pence, "reduction_pence": d.reduced_before_pence,
                    "plan_id": str(d.superseded_plan.plan_id) if d.superseded_plan else None}),
            v.json({"year": d.year, "charge_pence": d.charge.charge_pence, "reduction_pence": d.charge.reduction_pence,
                    "plan_id": str(_asto_uuid(plan_id)) if d.plan is not None else None, "reason": reason}),
        ))
    writer = BulkWriter(session.connection())
    ledger.write(writer)
    writer.write(InstalmentPlan.__table__, PLAN_COLUMNS, plans)
    writer.write(Instalment.__table__, INSTALMENT_COLUMNS, instalments)
    writer.write(Document.__table__, DOCUMENT_COLUMNS, documents)
    writer.write(AuditEvent.__table__, AUDIT_COLUMNS, audits)
    if any(d.superseded_plan for d in decisions if d.changed):
        session.expire_all()
    return applied


def _encode_notice(data: dict[str, Any], fragments: dict[int, str]) -> str:
    """JSON text of a notice's data, encoding each shared list once (keyed by identity: the
    decisions hold the lists alive for the whole `apply`)."""
    head = {k: v for k, v in data.items() if k not in ("lines", "instalments")}
    parts = [json.dumps(head)[:-1]]
    for key in ("lines", "instalments"):
        value = data.get(key, [])
        text = fragments.get(id(value))
        if text is None:
            text = fragments[id(value)] = json.dumps(value)
        parts.append(f', "{key}": {text}')
    return "".join(parts) + "}"


def _asto_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


def template_versions(uow: UnitOfWork) -> dict[str, str]:
    """Store the current notice templates (once) and return their versions."""
    from app.letters import letters

    return {name: letters.ensure_template_stored(uow, name) for name in NOTICE_TEMPLATES.values()}


# --- one account: rebill and trial ------------------------------------------------------------


@dataclass(frozen=True)
class ChargeLineView:
    start: date
    end: date
    days: int
    description: str
    amount_pence: int
    reduction_pence: int


@dataclass(frozen=True)
class RebillResult:
    """One year of a (trial or real) rebill, as an officer reads it."""

    year: int
    charge_pence: int
    reduction_pence: int
    net_pence: int
    charge_before_pence: int
    reduction_before_pence: int
    difference_pence: int
    paid_pence: int
    balance_pence: int
    lines: tuple[ChargeLineView, ...]
    instalments: tuple[DueInstalment, ...]
    previous_instalments: tuple[DueInstalment, ...]
    notice: str | None
    document_id: uuid.UUID | None = None


def result_view(d: BillingDecision, document_id: uuid.UUID | None = None) -> RebillResult:
    before = d.charged_before_pence - d.reduced_before_pence
    previous = (d.superseded_plan.instalments or ()) if d.superseded_plan else ()
    return RebillResult(
        year=d.year, charge_pence=d.charge.charge_pence, reduction_pence=d.charge.reduction_pence, net_pence=d.net_pence,
        charge_before_pence=d.charged_before_pence, reduction_before_pence=d.reduced_before_pence,
        difference_pence=d.net_pence - before, paid_pence=d.paid_pence, balance_pence=d.balance_pence,
        lines=tuple(ChargeLineView(li.start, li.end, li.days, li.description, li.amount_pence, li.reduction_pence)
                    for li in d.charge.lines),
        instalments=d.plan if d.plan is not None else previous, previous_instalments=previous, notice=d.notice,
        document_id=document_id,
    )


def years_to_rebill(settings: AuthoritySettings, facts: AccountFacts, from_day: date, as_of: date) -> list[int]:
    """Every year from the change to today, and any later year already billed, that the settings cover."""
    first = financial_year_of(from_day)
    last = max([financial_year_of(as_of), *facts.plans.keys(), *facts.charged_pence.keys()])
    wanted = list(range(first, last + 1))
    missing = [y for y in wanted if y not in settings.years]
    if missing and missing[0] < min(settings.years, default=first):
        raise ValidationError(
            f"The change goes back to {from_day:%d/%m/%Y}, before the first year the settings hold "
            f"({year_label(min(settings.years))}).", field="effective_date"
        )
    return [y for y in wanted if y in settings.years]


def decide_account(
    uow: UnitOfWork, settings: AuthoritySettings, account_id: uuid.UUID, from_day: date, as_of: date, reason: str,
) -> list[BillingDecision]:
    """The decisions for one account from `from_day`'s year onwards (reads the session's current, flushed state)."""
    # One load over every year that could need it (up to the last year the settings hold),
    # which is also how a later year already billed (next year's bills, sent in March) is seen.
    first = financial_year_of(from_day)
    last = max(financial_year_of(as_of), max(settings.years, default=first))
    loaded = load_facts(uow, [account_id], list(range(first, max(first, last) + 1)))
    all_years = years_to_rebill(settings, loaded[0], from_day, as_of) if loaded else []
    if not all_years:
        return []
    facts = loaded[0]
    instalments = settings.instalment_policy()
    return [decide(facts, y, year_policy(settings, y), instalments, as_of, settings.name, reason) for y in all_years]


def rebill_account(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, account_id: uuid.UUID, *, from_day: date,
    as_of: date, reason: str,
) -> list[RebillResult]:
    """Recalculate the account from `from_day` on, post the differences and issue amended notices.

    Part of the caller's unit of work (the liability change and its rebill commit together).
    """
    decisions = decide_account(uow, settings, account_id, from_day, as_of, reason)
    changed = [d for d in decisions if d.changed]
    if not changed:
        return [result_view(d) for d in decisions]
    capture_year_settings(uow, settings, [d.year for d in changed])
    applied = apply(uow, actor, changed, as_of, template_versions(uow), reason=reason)
    _render_single_notices(uow, applied)
    return [result_view(d, applied.documents.get((d.account_id, d.year))) for d in decisions]


def _render_single_notices(uow: UnitOfWork, applied: Applied) -> None:
    """A notice issued singly keeps its rendered file (a mass run keeps the merge data only)."""
    from app.letters import letters

    for document_id in applied.documents.values():
        _, content = letters.document_bytes(uow, document_id)
        uow.session.execute(
            update(Document).where(Document.id == document_id).values(content=content)
            .execution_options(synchronize_session=False)
        )


# --- annual billing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BillingRunSummary:
    run_id: uuid.UUID
    year: int
    as_of: date
    status: str
    accounts_examined: int
    charges: int
    adjustments: int
    notices: int
    charged_pence: int
    resumed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": str(self.run_id), "year": self.year, "as_of": self.as_of.isoformat(), "status": self.status,
            "accounts_examined": self.accounts_examined, "charges": self.charges, "adjustments": self.adjustments,
            "notices": self.notices, "charged_pence": self.charged_pence, "resumed": self.resumed,
        }


def billing_run_key(year: int, as_of: date) -> str:
    return f"billing:{year}:{as_of.isoformat()}"


@handles(RunAnnualBilling, role=Role.TEAM_LEADER, action="run annual billing")
def run_annual_billing(
    db: Database, actor: Actor, settings: AuthoritySettings, *, year: int, as_of: date,
    progress: Progress | None = None, cancelled: Cancelled | None = None, chunk: int | None = None,
) -> BillingRunSummary:
    """Charge, plan and notify every account liable in `year`, in committed chunks of `chunk`
    accounts (default: the settings' `[batch] billing_chunk`).

    Idempotent: a year already billed for an account is left alone, so running again (or
    resuming after a crash or a cancel) adds nothing for accounts done. The run record
    keeps a cursor so a resumed run starts where the last committed chunk ended.
    """
    with db.uow() as uow:
        policy = year_policy(settings, year)
        capture_year_settings(uow, settings, [year])
        versions = template_versions(uow)
        key = billing_run_key(year, as_of)
        run = uow.session.scalars(select(BatchRun).where(BatchRun.run_key == key)).one_or_none()
        resumed = run is not None
        first, last = year_start(year), year_end(year)
        liable = (
            select(LiabilityPeriod.account_id)
            .where(LiabilityPeriod.start_date <= last,
                   or_(LiabilityPeriod.end_date.is_(None), LiabilityPeriod.end_date >= first))
            .distinct()
        )
        total = uow.session.scalar(select(func.count()).select_from(liable.subquery())) or 0
        if run is None:
            run = BatchRun(kind="billing", run_key=key, as_of=as_of, parameters={"year": year}, total=total,
                           created_by=actor.username, summary={"charges": 0, "adjustments": 0, "notices": 0,
                                                               "charged_pence": 0, "cursor": None})
            uow.session.add(run)
        elif run.status == "completed":
            uow.commit()
            return _summary(run, year, as_of, resumed=True)
        run.status, run.total = "running", total
        uow.commit()
        run_id = run.id
        summary = dict(run.summary)
        done = run.done
    instalments = settings.instalment_policy()
    chunk = chunk or settings.batch.billing_chunk
    memo = Memo()
    cursor = uuid.UUID(summary["cursor"]) if summary.get("cursor") else None
    status = "completed"
    while True:
        if cancelled is not None and cancelled():
            status = "cancelled"
            break
        with db.uow() as uow:
            query = liable.order_by(LiabilityPeriod.account_id).limit(chunk)
            if cursor is not None:
                query = query.where(LiabilityPeriod.account_id > cursor)
            ids = list(uow.session.scalars(query))
            if not ids:
                break
            wanted = set(ids)
            with batch_reading(uow):
                facts = [f for f in load_facts_range(uow, ids[0], ids[-1], [year]) if f.account_id in wanted]
            decisions: list[BillingDecision] = []
            reload: list[uuid.UUID] = []
            for f in facts:
                try:
                    decisions.append(decide(f, year, policy, instalments, as_of, settings.name, memo=memo))
                except InstalmentsNotLoaded:
                    reload.append(f.account_id)
            decisions += [decide(f, year, policy, instalments, as_of, settings.name, memo=memo)
                          for f in load_facts(uow, reload, [year])]
            applied = apply(uow, actor, decisions, as_of, versions, batch_run_id=run_id)
            cursor = ids[-1]
            done += len(ids)
            summary["charges"] += applied.charges
            summary["adjustments"] += applied.adjustments
            summary["notices"] += applied.notices
            summary["charged_pence"] += sum(d.charge_delta_pence for d in decisions if d.changed)
            summary["cursor"] = str(cursor)
            uow.session.execute(
                update(BatchRun).where(BatchRun.id == run_id).values(done=done, summary=dict(summary))
                .execution_options(synchronize_session=False)
            )
            uow.commit()
        if progress is not None:
            progress(done, total)
    with db.uow() as uow:
        run = uow.session.get_one(BatchRun, run_id)
        run.status = status
        if status == "completed":
            run.finished_at = now()
        uow.commit()
        return _summary(run, year, as_of, resumed=resumed)


def _summary(run: BatchRun, year: int, as_of: date, resumed: bool) -> BillingRunSummary:
    s = run.summary
    return BillingRunSummary(
        run_id=run.id, year=year, as_of=as_of, status=run.status, accounts_examined=run.done,
        charges=int(s.get("charges", 0)), adjustments=int(s.get("adjustments", 0)), notices=int(s.get("notices", 0)),
        charged_pence=int(s.get("charged_pence", 0)), resumed=resumed,
    )


def billing_runs(uow: UnitOfWork, limit: int = 20) -> list[BillingRunSummary]:
    runs = uow.session.scalars(
        select(BatchRun).where(BatchRun.kind == "billing").order_by(BatchRun.started_at.desc()).limit(limit)
    ).all()
    return [_summary(r, int(r.parameters.get("year", 0)), r.as_of or date.min, resumed=False) for r in runs]


