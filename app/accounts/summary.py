"""The account as an officer sees it: one summary DTO, built with a handful of indexed queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Row, String, bindparam, cast, func, literal_column, null, select, type_coerce, union_all

from app.db import UnitOfWork
from app.dto import jsonable, plain
from app.enums import ArrangementStatus, InstalmentPlanStatus
from app.errors import NotFound
from app.ledger.balances import counts_now
from app.ledger.kinds import CASH_KINDS, CHARGE_KINDS, LedgerKind
from app.models import (
    Account,
    AccountParty,
    Arrangement,
    DiaryEntry,
    Discount,
    Exemption,
    Hold,
    Instalment,
    InstalmentPlan,
    LedgerTransaction,
    LiabilityParty,
    LiabilityPeriod,
    Parish,
    Person,
    Property,
    RecoveryEvent,
    ReductionAward,
)
from app.models.person import full_name
from app.models.property import one_line_address
from app.money import fmt
from app.rules.apportionment import financial_year_of, year_label
from app.rules.instalments import allocate_paid


# A field named after a Python keyword has a trailing underscore (`from_`, `class_`); its
# JSON key is the keyword (`app.dto.json_key`), as `account show --json` has always written.
@dataclass(frozen=True)
class PeriodDiscount:
    """A discount or premium on a liability period (`kind`: a DiscountKind)."""

    id: uuid.UUID
    kind: str
    from_: date
    to: date | None
    empty_since: date | None  # LONG_TERM_EMPTY: when the property was last occupied


@dataclass(frozen=True)
class PeriodExemption:
    """Exempt days under a class of SI 1992/558."""

    id: uuid.UUID
    class_: str
    from_: date
    to: date | None


@dataclass(frozen=True)
class JointTaxpayer:
    """A person jointly and severally liable for a period, from a date."""

    id: uuid.UUID
    name: str
    from_: date
    to: date | None


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
    discounts: list[PeriodDiscount]
    exemptions: list[PeriodExemption]
    disabled_reduction: bool
    joint: list[JointTaxpayer] = field(default_factory=list)


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
class LaterBill:
    """A bill for a financial year after the one the summary is read for (annual billing
    issues next year's bill in March): shown beside what is owed now, never added to it.
    `bill_pence` is the charge less reductions; `balance_pence` what is left of it after any
    early payment; the first instalment of its plan, when it has one."""

    year: int
    bill_pence: int
    balance_pence: int
    first_due: date | None
    first_amount_pence: int | None

    def describe(self) -> str:
        """"2027/28 bill: £1,320.55, first instalment 01/04/2027": the same words in the
        account header, the command line and payment messages."""
        text = f"{year_label(self.year)} bill: {fmt(self.bill_pence)}"
        if self.balance_pence != self.bill_pence:
            text += f" ({fmt(self.balance_pence)} left to pay)"
        if self.first_due is not None:
            text += f", first instalment {self.first_due:%d/%m/%Y}"
        return text


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
class ActiveHold:
    """A hold in force on the day the summary is read (the header's warning; `kind`: a HoldKind).
    The hold itself, with who made and lifted it, is `app.recovery.holds.HoldView`."""

    kind: str
    reason: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class RecoveryStatus:
    """The header's recovery line: the latest stage as of the day and the holds in force.
    The Recovery tab's fuller view is `app.recovery.account_recovery.RecoveryView`."""

    stage: str
    stage_date: date | None
    holds: list[ActiveHold]


@dataclass(frozen=True)
class LiveArrangement:
    """The account's live payment arrangement, in brief (`ArrangementView` is the whole of it)."""

    arrangement_id: str
    frequency: str
    start: date
    end: date
    total_pence: int
    status: str


@dataclass(frozen=True)
class DiaryLine:
    """One of the account's diary entries, newest due first (`status`: a DiaryStatus)."""

    diary_id: str
    code: str
    due: date
    status: str
    owner: str | None
    note: str
    team: str
    claimed_by: str | None
    completed_by: str | None
    completion_note: str


@dataclass(frozen=True)
class ReductionLine:
    """A council tax reduction (or s13A) award, as a percentage of the charge in basis points."""

    id: uuid.UUID
    kind: str
    percent_bp: int
    from_: date
    to: date | None


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
    balance_pence: int  # owed now (app.ledger.balances): later years' bills are in later_bills
    periods: list[PeriodView]
    years: list[YearView]
    transactions: list[TransactionView]
    recovery: RecoveryStatus
    arrangement: LiveArrangement | None
    diary: list[DiaryLine] = field(default_factory=list)
    reductions: list[ReductionLine] = field(default_factory=list)
    instalment_count: int = 10
    instalment_day: int = 1
    later_bills: list[LaterBill] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The contract's `account show --json` shape: money in *_pence, dates ISO."""
        data: dict[str, Any] = jsonable(plain(self))
        data.pop("account_id")
        return data



def get_account_id(uow: UnitOfWork, account_ref: str) -> uuid.UUID:
    account_id = uow.session.scalar(select(Account.id).where(Account.account_ref == account_ref.strip()))
    if account_id is None:
        raise NotFound(f"There is no account with reference {account_ref.strip()}.")
    return account_id


# Opening an account is the commonest thing an officer does, so the summary is read with
# eight Core statements built once here (SQLAlchemy caches their compiled SQL), returning
# plain rows: ORM entities, identity-map bookkeeping and one statement per relationship
# cost about 1 ms each on PostgreSQL, which at fourteen statements missed the 20 ms target.
def latest_recovery_event(column: Any) -> Any:
    """`column` of the account's latest recovery event by :as_of, correlated to `Account`
    (its recovery stage is that event's): shared with search's result rows."""
    return (
        select(column)
        .where(RecoveryEvent.account_id == Account.id, RecoveryEvent.event_date <= bindparam("as_of"))
        .order_by(RecoveryEvent.event_date.desc(), RecoveryEvent.created_at.desc())
        .limit(1)
        .correlate(Account)
        .scalar_subquery()
    )


# A hold in force on :as_of (started, and not ended before it).
HOLD_IN_FORCE = (Hold.start_date <= bindparam("as_of")) & (Hold.end_date.is_(None) | (Hold.end_date >= bindparam("as_of")))
_last_event = latest_recovery_event(RecoveryEvent.id)
_live_arrangement = (
    select(Arrangement.id)
    .where(Arrangement.account_id == Account.id, Arrangement.status == ArrangementStatus.LIVE)
    .order_by(Arrangement.created_at.desc())
    .limit(1)
    .correlate(Account)
    .scalar_subquery()
)
# The account with its named taxpayers (one row each, lead first), its latest recovery
# stage as of the date and its live arrangement, if any.
_HEADER = (
    select(
        Account.id, Account.account_ref, Account.payment_method, Account.instalment_count, Account.instalment_day,
        Person.title, Person.forenames, Person.surname,
        RecoveryEvent.stage, RecoveryEvent.event_date,
        Arrangement.id.label("arrangement_id"), Arrangement.frequency, Arrangement.start_date, Arrangement.end_date,
        Arrangement.total_pence, Arrangement.status,
    )
    .outerjoin(AccountParty, AccountParty.account_id == Account.id)
    .outerjoin(Person, Person.id == AccountParty.person_id)
    # The account_id terms let either side's index drive the join, whatever the statistics.
    .outerjoin(RecoveryEvent, (RecoveryEvent.account_id == Account.id) & (RecoveryEvent.id == _last_event))
    .outerjoin(Arrangement, (Arrangement.account_id == Account.id) & (Arrangement.id == _live_arrangement))
    .where(Account.account_ref == bindparam("ref"))
    .order_by(AccountParty.ordinal)
)
_PERIODS = (
    select(
        LiabilityPeriod.id, LiabilityPeriod.start_date, LiabilityPeriod.end_date, LiabilityPeriod.disabled_reduction,
        Property.uprn, Property.address_line1, Property.address_line2, Property.town, Property.postcode,
        Property.band, Parish.name.label("parish"),
    )
    .join(Property, Property.id == LiabilityPeriod.property_id)
    .outerjoin(Parish, Parish.id == Property.parish_id)
    .where(LiabilityPeriod.account_id == bindparam("account_id"))
    .order_by(LiabilityPeriod.start_date)
)


def _period_rows(what: str, table: Any, code: Any, empty_since: Any, person: bool) -> Any:
    """One branch of _PERIOD_DETAILS: a discount, exemption or joint party of the account's periods."""
    names = (Person.title, Person.forenames, Person.surname) if person else (cast(null(), String),) * 3
    columns = [
        literal_column(f"'{what}'", String).label("what"), table.period_id.label("period_id"), table.id.label("id"),
        code.label("code"), table.start_date.label("start_date"), table.end_date.label("end_date"),
        empty_since.label("empty_since"),
        *(name.label(label) for name, label in zip(names, ("title", "forenames", "surname"), strict=True)),
    ]
    query = select(*columns).join(LiabilityPeriod, LiabilityPeriod.id == table.period_id)
    if person:
        query = query.join(Person, Person.id == table.person_id)
    return query.where(LiabilityPeriod.account_id == bindparam("account_id"))


# Discounts, exemptions and joint parties of every period in one round trip; the first
# branch types the columns (dates stay dates on SQLite), and every column is labelled
# because SQLite orders a UNION only by result-column aliases.
_PERIOD_DETAILS = union_all(
    # the code column holds discount kinds and exemption letters: text, not a DiscountKind
    _period_rows("discount", Discount, type_coerce(Discount.kind, String), Discount.empty_since, person=False),
    _period_rows("exemption", Exemption, Exemption.exemption_class, cast(null(), Date), person=False),
    _period_rows("joint", LiabilityParty, cast(null(), String), cast(null(), Date), person=True),
).order_by("start_date", "id")
_LEDGER = (
    select(
        LedgerTransaction.posted_on, LedgerTransaction.kind, LedgerTransaction.financial_year,
        LedgerTransaction.amount_pence, LedgerTransaction.reference, LedgerTransaction.description,
    )
    .where(LedgerTransaction.account_id == bindparam("account_id"), LedgerTransaction.posted_on <= bindparam("as_of"))
    .order_by(LedgerTransaction.posted_on, LedgerTransaction.created_at)
)
_INSTALMENTS = (
    select(InstalmentPlan.id, InstalmentPlan.financial_year, Instalment.due_on, Instalment.amount_pence)
    .outerjoin(Instalment, Instalment.plan_id == InstalmentPlan.id)
    .where(InstalmentPlan.account_id == bindparam("account_id"),
           InstalmentPlan.status == InstalmentPlanStatus.ACTIVE)
    .order_by(InstalmentPlan.financial_year, InstalmentPlan.created_at, InstalmentPlan.id, Instalment.seq)
)
_HOLDS = (
    select(Hold.kind, Hold.reason, Hold.start_date, Hold.end_date)
    .where(Hold.account_id == bindparam("account_id"), HOLD_IN_FORCE)
    .order_by(Hold.start_date)
)
_DIARY = (
    select(
        DiaryEntry.id, DiaryEntry.code, DiaryEntry.due_on, DiaryEntry.status, DiaryEntry.owner, DiaryEntry.note,
        DiaryEntry.team, DiaryEntry.claimed_by, DiaryEntry.completed_by, DiaryEntry.completion_note,
    )
    .where(DiaryEntry.account_id == bindparam("account_id"))
    .order_by(DiaryEntry.due_on.desc())
)
_REDUCTIONS = (
    select(ReductionAward.id, ReductionAward.kind, ReductionAward.percent_bp, ReductionAward.start_date, ReductionAward.end_date)
    .where(ReductionAward.account_id == bindparam("account_id"))
    .order_by(ReductionAward.start_date)
)

# In the order account_summary runs them; bench/account_open.py times the same SQL on a
# bare driver cursor as the floor the service is measured against.
SUMMARY_STATEMENTS = {
    "header": _HEADER, "periods": _PERIODS, "period_details": _PERIOD_DETAILS, "ledger": _LEDGER,
    "instalments": _INSTALMENTS, "holds": _HOLDS, "diary": _DIARY, "reductions": _REDUCTIONS,
}


def account_summary(uow: UnitOfWork, account_ref: str, as_of: date) -> AccountSummary:
    """Everything the account view's header and tabs show, as of a date."""
    uow.session.flush()  # Core statements skip autoflush: include changes made in this unit of work
    run = uow.session.connection().execute
    ref = account_ref.strip()
    header = run(_HEADER, {"ref": ref, "as_of": as_of}).all()
    if not header:
        raise NotFound(f"There is no account with reference {ref}.")
    account = header[0]
    key = {"account_id": account.id, "as_of": as_of}
    names = [full_name(r.title, r.forenames, r.surname) for r in header if r.surname is not None]
    periods = _periods(run(_PERIODS, key).all(), run(_PERIOD_DETAILS, key).all(), names, as_of)
    current = next((p for p in reversed(periods) if p.start_date <= as_of), periods[-1] if periods else None)

    txns = run(_LEDGER, key).all()
    running = 0
    transactions: list[TransactionView] = []
    for t in txns:
        running += t.amount_pence
        transactions.append(
            TransactionView(t.posted_on, t.kind, t.financial_year, t.amount_pence, t.reference, t.description, running)
        )
    years = _years(txns, run(_INSTALMENTS, key).all(), periods)
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
        balance_pence=sum(t.amount_pence for t in txns if counts_now(t.financial_year, t.posted_on, as_of)),
        periods=periods,
        years=years,
        transactions=transactions,
        recovery=RecoveryStatus(
            stage=account.stage or "none",
            stage_date=account.event_date,
            holds=[ActiveHold(h.kind, h.reason, h.start_date, h.end_date) for h in run(_HOLDS, key)],
        ),
        arrangement=None if account.arrangement_id is None else LiveArrangement(
            arrangement_id=str(account.arrangement_id), frequency=account.frequency, start=account.start_date,
            end=account.end_date, total_pence=account.total_pence, status=account.status,
        ),
        diary=[
            DiaryLine(diary_id=str(e.id), code=e.code, due=e.due_on, status=e.status, owner=e.owner, note=e.note,
                      team=e.team, claimed_by=e.claimed_by, completed_by=e.completed_by,
                      completion_note=e.completion_note)
            for e in run(_DIARY, key)
        ],
        reductions=[
            ReductionLine(id=r.id, kind=r.kind, percent_bp=r.percent_bp, from_=r.start_date, to=r.end_date)
            for r in run(_REDUCTIONS, key)
        ],
        instalment_count=account.instalment_count,
        instalment_day=account.instalment_day,
        later_bills=later_bills(years, as_of),
    )


def later_bills(years: list[YearView], as_of: date) -> list[LaterBill]:
    """The years after `as_of`'s financial year billed by `as_of` (a charge in the ledger by
    then: a plan made by a run dated later is not a bill yet), oldest first."""
    return [
        LaterBill(
            year=y.year, bill_pence=y.charge_pence - y.reduction_pence, balance_pence=y.balance_pence,
            first_due=y.instalments[0].due if y.instalments else None,
            first_amount_pence=y.instalments[0].amount_pence if y.instalments else None,
        )
        for y in sorted(years, key=lambda y: y.year)
        if y.year > financial_year_of(as_of) and (y.charge_pence or y.reduction_pence or y.balance_pence)
    ]


def _periods(rows: Sequence[Row], details: Sequence[Row], names: list[str], as_of: date) -> list[PeriodView]:
    """The liability periods with their discounts, exemptions and joint parties.

    `names` (the account's taxpayers) gains anyone jointly liable on `as_of`, in period
    order: every period lists the same people, as the demand notice names them.
    """
    discounts: dict[uuid.UUID, list[PeriodDiscount]] = {r.id: [] for r in rows}
    exemptions: dict[uuid.UUID, list[PeriodExemption]] = {r.id: [] for r in rows}
    joint: dict[uuid.UUID, list[JointTaxpayer]] = {r.id: [] for r in rows}
    for d in details:
        if d.what == "discount":
            discounts[d.period_id].append(PeriodDiscount(d.id, d.code, d.start_date, d.end_date, d.empty_since))
        elif d.what == "exemption":
            exemptions[d.period_id].append(PeriodExemption(d.id, d.code, d.start_date, d.end_date))
        else:
            name = full_name(d.title, d.forenames, d.surname)
            joint[d.period_id].append(JointTaxpayer(d.id, name, d.start_date, d.end_date))
    for r in rows:
        for party in joint[r.id]:
            if party.from_ <= as_of and (party.to is None or party.to >= as_of) and party.name not in names:
                names.append(party.name)
    return [
        PeriodView(
            period_id=r.id,
            property_uprn=r.uprn,
            address=one_line_address(r.address_line1, r.address_line2, r.town),
            postcode=r.postcode,
            band=r.band,
            parish=r.parish or "",
            start_date=r.start_date,
            end_date=r.end_date,
            liable=names,
            discounts=discounts[r.id],
            exemptions=exemptions[r.id],
            disabled_reduction=r.disabled_reduction,
            joint=joint[r.id],
        )
        for r in rows
    ]


def _years(txns: Sequence[Row], instalments: Sequence[Row], periods: list[PeriodView]) -> list[YearView]:
    """Each financial year's charge, payments, costs and balance, with its active instalment plan."""
    by_year: dict[int, dict[str, int]] = {}
    for t in txns:
        bucket = by_year.setdefault(t.financial_year, {"charge": 0, "paid": 0, "costs": 0, "other": 0, "reduction": 0})
        if t.kind == LedgerKind.REDUCTION:
            bucket["reduction"] -= t.amount_pence
        elif t.kind in CHARGE_KINDS:
            bucket["charge"] += t.amount_pence
        elif t.kind in CASH_KINDS:
            bucket["paid"] -= t.amount_pence
        elif t.kind == LedgerKind.COSTS:
            bucket["costs"] += t.amount_pence
        else:
            bucket["other"] += t.amount_pence
    # One active plan per year; should two ever be active, the newest is the one shown.
    plan_of_year: dict[int, uuid.UUID] = {}
    schedule: dict[int, list[tuple[date, int]]] = {}
    for i in instalments:
        if plan_of_year.get(i.financial_year) != i.id:
            plan_of_year[i.financial_year] = i.id
            schedule[i.financial_year] = []
        if i.due_on is not None:
            schedule[i.financial_year].append((i.due_on, i.amount_pence))
    result: list[YearView] = []
    for year in sorted(set(by_year) | set(schedule), reverse=True):
        b = by_year.get(year, {"charge": 0, "paid": 0, "costs": 0, "other": 0, "reduction": 0})
        plan = schedule.get(year, [])
        paid = allocate_paid([amount for _, amount in plan], b["paid"])
        discounts = sorted({
            d.kind for p in periods for d in p.discounts
            if financial_year_of(d.from_) <= year and (d.to is None or financial_year_of(d.to) >= year)
        })
        result.append(
            YearView(
                year=year,
                charge_pence=b["charge"],
                paid_pence=b["paid"],
                costs_pence=b["costs"],
                balance_pence=b["charge"] - b["reduction"] - b["paid"] + b["costs"] + b["other"],
                discounts=discounts,
                instalments=[InstalmentView(due, amount, p) for (due, amount), p in zip(plan, paid, strict=True)],
                reduction_pence=b["reduction"],
            )
        )
    return result


def account_count(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(Account)) or 0)


def has_accounts(uow: UnitOfWork) -> bool:
    """Whether the database holds any account (the desktop offers demo data when not)."""
    return uow.session.scalar(select(Account.id).limit(1)) is not None
