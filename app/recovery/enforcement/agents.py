"""After the liability order: attachment of earnings, deductions from benefit, enforcement
agents, and the lists of accounts that could go further (charging order, bankruptcy, committal).

Rules this service keeps (domain notes §3-4, §7):
- **One method at a time per liability order** (AER 1992; council practice): a liability
  order with an open case of one kind cannot get a case of another kind. The exception is
  attachment of earnings: not more than **two** of the authority's orders may be in force
  for one debtor at once (reg 37, `MAX_ORDERS_IN_FORCE`), dealt with in date order (each
  order's `priority` is its place among the debtor's open orders by date made); a second
  order may enforce the same liability order (a second employer).
- **Holds stop everything**: no new case while a hold is in force. During a breathing
  space an attachment of earnings already in place continues (its receipts are still
  recorded); nothing new is started.
- Money received under a route (methods `aoe`, `benefit_deduction`, `ea`) is posted through
  `payments.post_to_ledger`, applied to the financial year of the liability order it
  enforces first (any excess is a credit in the year received). A case closes when what
  it has collected reaches its debt, or the order's year is cleared.
- Enforcement agent fees (Taking Control of Goods (Fees) Regulations 2014, computed by
  `app.rules.enforcement_fees`) are owed to the agent by the debtor: they are kept in the
  case's details and reconciled against the agent's invoices, never posted to the
  council's ledger.
"""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import func, select

from app.config import AuthoritySettings
from app.db import UnitOfWork, in_batches
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import year_balance_pence, year_costs_pence
from app.models import Account, EnforcementCase, LedgerTransaction, Payment, RecoveryEvent
from app.money import fmt, to_pounds_text
from app.rules import attachment_of_earnings as aoe_rules
from app.rules import benefit_deductions as benefit_rules
from app.rules import enforcement_fees as fee_rules
from app.rules.apportionment import financial_year_of
from app.rules.apportionment import year_label
from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.csv_files import ImportSummary, RowInvalid, read_rows
from app.accounts.debtors import Debtor, debtors
from app.dto import JsonView, clean_text
from app.recovery.holds import BREATHING_SPACE_KINDS, HoldView, active_holds, holds_in_force
from app.accounts.imports import complete_file_import, record_file_run
from app.letters.letters import issue_letter
from app.payments.posting import AllocationPart, payment_audit_details, post_to_ledger
from app.users.roles import Actor, Role
from app.audit import audit
from app.requests import handles
from app.recovery.enforcement.requests import ApplyBenefitDeduction, ExportReferrals, ImportAgentReturns, MakeAttachmentOrder, RecordAoeDeduction, RecordBenefitReceipt, ReferToAgent

CHARGING_ORDER_MINIMUM_PENCE = 100_000  # AER 1992 reg 50: at least £1,000 outstanding
BANKRUPTCY_MINIMUM_PENCE = 500_000  # Insolvency Act 1986 s267(4), £5,000 from 1 Oct 2015 (SI 2015/922)

# Pay period as the employer pays -> (Schedule 4 table, number of table periods per pay day).
PAY_PERIODS: Mapping[str, tuple[str, int]] = {
    "weekly": ("weekly", 1), "fortnightly": ("weekly", 2), "four_weekly": ("weekly", 4),
    "monthly": ("monthly", 1), "daily": ("daily", 1),
}
BENEFITS = ("universal_credit", "legacy")
UC_CATEGORIES = ("single_under_25", "single_25_plus", "couple_under_25", "couple_25_plus")
RETURN_TYPES = ("payment", "fee_stage", "return")
RETURN_REASONS = ("nulla_bona", "paid", "gone_away", "vulnerable", "other")
CASE_PREFIX = {"attachment_of_earnings": "AOE", "benefit_deduction": "BEN", "enforcement_agent": "EA"}
EXPORT_COLUMNS = (
    "case_ref", "account_ref", "liability_order_date", "financial_year", "debtor_name", "joint_names",
    "address_line1", "address_line2", "town", "postcode", "email", "phone", "debt", "costs", "referred_on",
)
RETURN_COLUMNS = ("case_ref", "date", "type")
RETURN_OPTIONAL = ("amount", "fees", "stage", "reason", "reference", "invoice_ref", "note")


# --- DTOs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseView(JsonView):
    case_id: uuid.UUID
    case_ref: str
    account_ref: str
    kind: str
    status: str  # open | closed
    opened_on: date
    closed_on: date | None
    year: int | None
    liability_order_id: uuid.UUID | None
    liability_order_date: date | None
    debt_pence: int  # outstanding under the liability order when the case was opened
    collected_pence: int
    outstanding_pence: int  # debt less collected (not below 0)
    details: dict[str, Any]


@dataclass(frozen=True)
class AoeBand(JsonView):
    band: str
    percent: int


@dataclass(frozen=True)
class AoeSchedule(JsonView):
    """The deduction an employer makes each pay day (AER 1992 reg 38, Sch 4)."""

    pay_period: str
    table_period: str
    periods: int
    net_pence: int
    deduction_pence: int
    admin_fee_pence: int  # the employer's £1 per deduction towards costs (only if a deduction is made)
    total_pence: int  # what leaves the debtor's pay
    band: str
    source: str
    table: str
    explanation: str
    bands: list[AoeBand]


@dataclass(frozen=True)
class OrderResult(JsonView):
    case: CaseView
    schedule: AoeSchedule | None
    document: dict[str, Any] | None


@dataclass(frozen=True)
class ReceiptResult(JsonView):
    case: CaseView
    payment_ref: str
    amount_pence: int
    allocation: list[AllocationPart]
    closed: bool


@dataclass(frozen=True)
class ExportFile(JsonView):
    agent: str
    path: str
    cases: int
    debt_pence: int


@dataclass(frozen=True)
class ExportResult(JsonView):
    as_of: date
    cases: int
    files: list[ExportFile]


@dataclass
class AgentReturnsSummary(ImportSummary):
    """An import summary plus what the rows did."""

    payments_pence: int = 0  # posted to the council's ledger
    fees_claimed_pence: int = 0
    stages_advanced: int = 0
    cases_closed: int = 0

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("suspense")
        return {**data, "payments_pence": self.payments_pence, "fees_claimed_pence": self.fees_claimed_pence,
                "stages_advanced": self.stages_advanced, "cases_closed": self.cases_closed}


@dataclass(frozen=True)
class InvoiceSummary(JsonView):
    invoice_ref: str
    receipts: int
    collected_pence: int
    fees_claimed_pence: int
    net_due_pence: int  # collected less fees: what the agent owes the council
    posted_pence: int  # what is in the council's ledger for those receipts now


@dataclass(frozen=True)
class CaseFees(JsonView):
    case_ref: str
    account_ref: str
    fee_stage: str
    fees_allowed_pence: int  # SI 2014/1 fees to the stage reached
    fees_claimed_pence: int  # fees the agent has kept, to the end of the period
    difference_pence: int  # claimed - allowed (positive = over-claimed)


@dataclass(frozen=True)
class AgentReconciliation(JsonView):
    agent: str
    from_date: date
    to_date: date
    collected_pence: int
    fees_claimed_pence: int
    net_due_pence: int
    posted_pence: int
    fees_allowed_pence: int
    over_claimed_pence: int
    invoices: list[InvoiceSummary]
    cases: list[CaseFees]
    differences: list[str]


@dataclass(frozen=True)
class Candidate(JsonView):
    account_ref: str
    name: str
    address: str
    postcode: str
    route: str
    liability_order_years: list[int]
    outstanding_pence: int  # unpaid under the liability orders (tax + costs)
    reason: str
    checks: list[str]


@dataclass(frozen=True)
class CandidateList(JsonView):
    route: str
    as_of: date
    available: bool
    reason: str
    candidates: list[Candidate]


@dataclass(frozen=True)
class RouteAdvice(JsonView):
    route: str
    status: str  # available | in_place | not_available
    reason: str
    case_refs: list[str] = field(default_factory=list)


# --- liability orders and cases ------------------------------------------------------------

def _liability_order(
    uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, liability_order_id: uuid.UUID | None, year: int | None,
) -> RecoveryEvent:
    if liability_order_id is not None:
        event = uow.session.get(RecoveryEvent, liability_order_id)
        if event is None or event.account_id != account_id or event.stage != "liability_order":
            raise ValidationError(f"{liability_order_id} is not a liability order on account {account_ref}.",
                                  field="liability_order_id")
        return event
    query = select(RecoveryEvent).where(RecoveryEvent.account_id == account_id, RecoveryEvent.stage == "liability_order")
    if year is not None:
        query = query.where(RecoveryEvent.financial_year == year)
    orders = uow.session.scalars(query.order_by(RecoveryEvent.event_date, RecoveryEvent.created_at)).all()
    if not orders:
        where = f" for {year_label(year)}" if year is not None else ""
        raise ValidationError(f"Account {account_ref} has no liability order{where}.", field="year" if year else "account_ref")
    years = sorted({o.financial_year for o in orders})
    if year is None and len(years) > 1:
        raise ValidationError(
            f"Account {account_ref} has liability orders for {', '.join(map(year_label, years))}: say which year.",
            field="year",
        )
    return orders[-1]


def _case_view(case: EnforcementCase, account_ref: str, order: RecoveryEvent | None) -> CaseView:
    collected = int(case.details.get("collected_pence", 0))
    return CaseView(
        case_id=case.id, case_ref=case.reference, account_ref=account_ref, kind=case.kind, status=case.status,
        opened_on=case.opened_on, closed_on=case.closed_on, year=order.financial_year if order else None,
        liability_order_id=case.liability_order_id, liability_order_date=order.event_date if order else None,
        debt_pence=case.debt_pence, collected_pence=collected, outstanding_pence=max(0, case.debt_pence - collected),
        details=dict(case.details),
    )


def case_view(uow: UnitOfWork, case_id: uuid.UUID) -> CaseView:
    case = _get_case(uow, case_id)
    return _view_of(uow, case)


def _view_of(uow: UnitOfWork, case: EnforcementCase) -> CaseView:
    ref = uow.session.scalar(select(Account.account_ref).where(Account.id == case.account_id)) or ""
    order = uow.session.get(RecoveryEvent, case.liability_order_id) if case.liability_order_id else None
    return _case_view(case, ref, order)


def list_cases(
    uow: UnitOfWork, *, account_ref: str | None = None, kind: str | None = None, status: str | None = None,
) -> list[CaseView]:
    """Enforcement cases, by account then date opened."""
    query = select(EnforcementCase, Account.account_ref).join(Account, Account.id == EnforcementCase.account_id)
    if account_ref is not None:
        query = query.where(EnforcementCase.account_id == get_account_id(uow, account_ref))
    if kind is not None:
        query = query.where(EnforcementCase.kind == kind)
    if status is not None:
        query = query.where(EnforcementCase.status == status)
    rows = uow.session.execute(query.order_by(Account.account_ref, EnforcementCase.opened_on, EnforcementCase.created_at)).all()
    orders = {
        e.id: e for e in uow.session.scalars(
            select(RecoveryEvent).where(RecoveryEvent.id.in_({c.liability_order_id for c, _ in rows if c.liability_order_id}))
        )
    } if rows else {}
    return [_case_view(c, ref, orders.get(c.liability_order_id) if c.liability_order_id else None) for c, ref in rows]


def find_case_id(uow: UnitOfWork, case: str) -> uuid.UUID:
    """A case by its reference (e.g. `AOE-70000001-2025-1`) or its id."""
    text = case.strip()
    found = uow.session.scalar(select(EnforcementCase.id).where(EnforcementCase.reference == text))
    if found is not None:
        return found
    try:
        case_id = uuid.UUID(text)
    except ValueError:
        raise NotFound(f"There is no enforcement case {text}.") from None
    if uow.session.get(EnforcementCase, case_id) is None:
        raise NotFound(f"There is no enforcement case {text}.")
    return case_id


def _get_case(uow: UnitOfWork, case_id: uuid.UUID) -> EnforcementCase:
    case = uow.session.get(EnforcementCase, case_id)
    if case is None:
        raise NotFound(f"There is no enforcement case {case_id}.")
    return case


def _open_cases(uow: UnitOfWork, account_id: uuid.UUID) -> list[EnforcementCase]:
    return list(uow.session.scalars(
        select(EnforcementCase).where(EnforcementCase.account_id == account_id, EnforcementCase.status == "open")
        .order_by(EnforcementCase.opened_on, EnforcementCase.created_at)
    ))


def _refuse_on_hold(uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, as_of: date, what: str) -> None:
    holds = active_holds(uow, account_id, as_of)
    if holds:
        raise Conflict(f"Account {account_ref} is on hold ({holds[0].describe()}), so {what} cannot be started.")


def _check_one_method(uow: UnitOfWork, account_id: uuid.UUID, order: RecoveryEvent, kind: str) -> None:
    """One method at a time per liability order; at most two attachment of earnings orders per debtor."""
    open_cases = _open_cases(uow, account_id)
    label = year_label(order.financial_year)
    for case in open_cases:
        if case.liability_order_id != order.id:
            continue
        if case.kind != kind or kind != "attachment_of_earnings":
            raise Conflict(
                f"The {label} liability order is already being enforced by {case.kind.replace('_', ' ')} "
                f"(case {case.reference}); only one method may be used at a time."
            )
    if kind == "attachment_of_earnings":
        in_force = [c for c in open_cases if c.kind == kind]
        if not aoe_rules.may_make_another_order(len(in_force)):
            raise Conflict(
                f"{aoe_rules.MAX_ORDERS_IN_FORCE} attachment of earnings orders are already in force for this debtor "
                f"({', '.join(c.reference for c in in_force)}); not more than {aoe_rules.MAX_ORDERS_IN_FORCE} may be."
            )


def _next_reference(uow: UnitOfWork, kind: str, account_ref: str, year: int) -> str:
    base = f"{CASE_PREFIX.get(kind, kind[:3].upper())}-{account_ref}-{year}"
    used = uow.session.scalar(
        select(func.count()).select_from(EnforcementCase).where(EnforcementCase.reference.like(f"{base}-%"))
    ) or 0
    return f"{base}-{used + 1}"


def _open_case(
    uow: UnitOfWork, actor: Actor, *, kind: str, account_ref: str, liability_order_id: uuid.UUID | None, year: int | None,
    opened_on: date, as_of: date, details: dict[str, Any], what: str,
) -> tuple[EnforcementCase, RecoveryEvent, str]:
    if opened_on > as_of:
        raise ValidationError(f"The date {opened_on:%d/%m/%Y} is in the future.", field="date")
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    order = _liability_order(uow, account_id, ref, liability_order_id, year)
    if opened_on < order.event_date:
        raise ValidationError(
            f"The date {opened_on:%d/%m/%Y} is before the liability order ({order.event_date:%d/%m/%Y}).", field="date"
        )
    _refuse_on_hold(uow, account_id, ref, as_of, what)
    _check_one_method(uow, account_id, order, kind)
    debt = year_balance_pence(uow, account_id, order.financial_year, as_of)
    if debt <= 0:
        raise ValidationError(
            f"Nothing is outstanding under the {year_label(order.financial_year)} liability order on {ref}.", field="year"
        )
    case = EnforcementCase(
        account_id=account_id, liability_order_id=order.id, kind=kind, status="open", opened_on=opened_on,
        debt_pence=debt, reference=_next_reference(uow, kind, ref, order.financial_year),
        details={"collected_pence": 0, "receipts": [], **details}, created_by=actor.username,
    )
    uow.session.add(case)
    with saving(uow, f"The {what} on {ref}"):
        uow.session.flush()
    return case, order, ref


def _audit_case(uow: UnitOfWork, actor: Actor, action: str, case: EnforcementCase, ref: str, **extra: Any) -> None:
    audit(uow, actor.username, action, "enforcement_case", case.id, account_id=case.account_id, after={
        "case_ref": case.reference, "account_ref": ref, "kind": case.kind, "status": case.status,
        "debt_pence": case.debt_pence, **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in extra.items()},
    })


# --- attachment of earnings ----------------------------------------------------------------

def aoe_schedule(net_pence: int, period: str, country: str, made_on: date) -> AoeSchedule:
    """The employer's deduction for one pay day from the Schedule 4 table in force when the order was made."""
    if period not in PAY_PERIODS:
        raise ValidationError(f"'{period}' is not a pay period (use {', '.join(PAY_PERIODS)}).", field="pay_period")
    table_period, periods = PAY_PERIODS[period]
    try:
        found = aoe_rules.explain(net_pence, table_period, country=country, order_made=made_on, periods=periods)
        schedule = aoe_rules.schedule_for(country, made_on)
    except aoe_rules.AttachmentError as exc:
        raise ValidationError(str(exc), field="net_pay") from None
    admin = aoe_rules.total_with_admin_fee_pence(found.deduction_pence) - found.deduction_pence
    bands = [AoeBand(b.describe(), b.percent) for b in schedule.tables[table_period]]
    return AoeSchedule(
        pay_period=period, table_period=table_period, periods=periods, net_pence=net_pence,
        deduction_pence=found.deduction_pence, admin_fee_pence=admin, total_pence=found.deduction_pence + admin,
        band=found.band_description, source=found.source, table=found.table, explanation=found.explanation(), bands=bands,
    )


def _address_lines(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,]", text) if part.strip()]


@handles(MakeAttachmentOrder, role=Role.OFFICER, action="make attachment of earnings orders")
def make_attachment_order(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, employer_name: str,
    employer_address: str, payroll_ref: str = "", pay_period: str, net_pay_pence: int | None = None, made_on: date,
    as_of: date, liability_order_id: uuid.UUID | None = None, year: int | None = None,
) -> OrderResult:
    """Make an attachment of earnings order and issue it (with the deduction table) to the employer. Commits."""
    name = clean_text(employer_name, field="employer_name", label="the employer's name", max_length=120)
    address = _address_lines(clean_text(employer_address, field="employer_address", label="the employer's address",
                                         max_length=300))
    payroll = clean_text(payroll_ref, field="payroll_ref", label="the payroll reference", max_length=40, required=False)
    if pay_period not in PAY_PERIODS:
        raise ValidationError(f"'{pay_period}' is not a pay period (use {', '.join(PAY_PERIODS)}).", field="pay_period")
    if net_pay_pence is not None and net_pay_pence < 0:
        raise ValidationError("Net pay cannot be negative.", field="net_pay")
    schedule = aoe_schedule(net_pay_pence, pay_period, settings.country, made_on) if net_pay_pence is not None else None
    if schedule is None:
        aoe_schedule(0, pay_period, settings.country, made_on)  # the table must exist for the order date
    case, order, ref = _open_case(
        uow, actor, kind="attachment_of_earnings", account_ref=account_ref, liability_order_id=liability_order_id,
        year=year, opened_on=made_on, as_of=as_of, what="an attachment of earnings order", details={
            "employer_name": name, "employer_address": address, "payroll_ref": payroll, "pay_period": pay_period,
            "net_pay_pence": net_pay_pence, "deduction_pence": schedule.deduction_pence if schedule else None,
            "made_on": made_on.isoformat(), "country": settings.country,
        },
    )
    in_force = [c for c in _open_cases(uow, case.account_id) if c.kind == "attachment_of_earnings"]
    in_force.sort(key=lambda c: (c.opened_on, c.id == case.id))
    case.details = {**case.details, "priority": [c.id for c in in_force].index(case.id) + 1}
    person = debtors(uow, [case.account_id], as_of)[case.account_id]
    table = schedule or aoe_schedule(0, pay_period, settings.country, made_on)
    document = issue_letter(uow, actor, account_id=case.account_id, kind="attachment_of_earnings_order",
                            template="attachment_of_earnings_order", issued_on=made_on, financial_year=order.financial_year,
                            data={
                                **_letter_common(settings, person, case, order, made_on),
                                "names": [name], "address_lines": address, "postcode": "",
                                "employer_name": name, "payroll_ref": payroll,
                                "pay_period": pay_period.replace("_", " "), "priority": case.details["priority"],
                                "source": table.source, "table_name": table.table,
                                "bands": [{"band": b.band, "percent": b.percent} for b in table.bands],
                                "has_example": schedule is not None, "net_pence": net_pay_pence or 0,
                                "deduction_pence": schedule.deduction_pence if schedule else 0,
                                "admin_fee_pence": aoe_rules.EMPLOYER_ADMIN_FEE_PENCE,
                            })
    case.details = {**case.details, "document_id": str(document.document_id)}
    _audit_case(uow, actor, "enforcement.aoe_made", case, ref, employer_name=name, pay_period=pay_period, made_on=made_on)
    view = _case_view(case, ref, order)
    with saving(uow, f"The attachment of earnings order on {ref}"):
        uow.commit()
    return OrderResult(case=view, schedule=schedule, document=document.to_json())


def _letter_common(
    settings: AuthoritySettings, person: Debtor, case: EnforcementCase, order: RecoveryEvent, issued_on: date,
) -> dict[str, Any]:
    return {
        "authority": settings.name, "account_ref": person.account_ref, "issued_on": issued_on.isoformat(),
        "case_ref": case.reference, "debtor_name": person.name, "debtor_joint_names": person.joint_names,
        "debtor_address": ", ".join([*person.address_lines, person.postcode]),
        "liability_order_date": order.event_date.isoformat(), "year_label": year_label(order.financial_year),
        "debt_pence": case.debt_pence,
    }


@handles(RecordAoeDeduction, role=Role.OFFICER, action="record receipts")
def record_aoe_deduction(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, amount_pence: int, received_on: date, reference: str, as_of: date,
) -> ReceiptResult:
    """A deduction paid over by the employer: posted as a payment (method `aoe`). Commits."""
    return _record_receipt(uow, actor, case_id=case_id, kind="attachment_of_earnings", method="aoe",
                           amount_pence=amount_pence, received_on=received_on, reference=reference, as_of=as_of)


@handles(RecordBenefitReceipt, role=Role.OFFICER, action="record receipts")
def record_benefit_receipt(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, amount_pence: int, received_on: date, reference: str, as_of: date,
) -> ReceiptResult:
    """Money paid over by the DWP: posted as a payment (method `benefit_deduction`). Commits."""
    return _record_receipt(uow, actor, case_id=case_id, kind="benefit_deduction", method="benefit_deduction",
                           amount_pence=amount_pence, received_on=received_on, reference=reference, as_of=as_of)


def _record_receipt(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, kind: str, method: str, amount_pence: int, received_on: date,
    reference: str, as_of: date,
) -> ReceiptResult:
    case = _get_case(uow, case_id)
    if case.kind != kind:
        raise ValidationError(f"Case {case.reference} is {case.kind.replace('_', ' ')}, not {kind.replace('_', ' ')}.",
                              field="case_id")
    if case.status != "open":
        raise Conflict(f"Case {case.reference} was closed on {case.closed_on:%d/%m/%Y}." if case.closed_on
                       else f"Case {case.reference} is closed.")
    if amount_pence <= 0:
        raise ValidationError("The amount must be more than £0.00.", field="amount")
    if received_on > as_of:
        raise ValidationError(f"The date received {received_on:%d/%m/%Y} is in the future.", field="received_on")
    ref = clean_text(reference, field="reference", label="the reference", max_length=60)
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == case.account_id)) or ""
    order = uow.session.get(RecoveryEvent, case.liability_order_id) if case.liability_order_id else None
    allocation = _post_payment(uow, actor, case, order, account_ref, amount_pence, received_on, method, ref, None)
    closed = _add_receipt(uow, case, order, {
        "date": received_on.isoformat(), "amount_pence": amount_pence, "fees_pence": 0, "reference": ref,
        "payment_ref": ref, "invoice_ref": "",
    }, received_on)
    _audit_case(uow, actor, f"enforcement.{method}_received", case, account_ref, amount_pence=amount_pence,
                received_on=received_on, reference=ref, closed=closed)
    view = _case_view(case, account_ref, order)
    with saving(uow, f"Case {case.reference}"):
        uow.commit()
    return ReceiptResult(case=view, payment_ref=ref, amount_pence=amount_pence,
                         allocation=[AllocationPart(y, a) for y, a in allocation], closed=closed)


def _post_payment(
    uow: UnitOfWork, actor: Actor, case: EnforcementCase, order: RecoveryEvent | None, account_ref: str, amount_pence: int,
    received_on: date, method: str, payment_ref: str, batch_run_id: uuid.UUID | None,
) -> list[tuple[int, int]]:
    """A payment under the case, applied to the liability order's year first (excess: credit in the year received)."""
    existing = uow.session.scalars(select(Payment).where(Payment.external_ref == payment_ref)).one_or_none()
    if existing is not None:
        raise ValidationError(
            f"Payment reference {payment_ref} is already used (a payment of {fmt(existing.amount_pence)} received on "
            f"{existing.received_on:%d/%m/%Y}).", field="reference",
        )
    payment = Payment(
        external_ref=payment_ref, account_id=case.account_id, account_ref_given=account_ref, received_on=received_on,
        amount_pence=amount_pence, method=method, status="allocated", batch_run_id=batch_run_id, created_by=actor.username,
    )
    uow.session.add(payment)
    with saving(uow, f"Payment {payment_ref}"):
        uow.session.flush()
    year = order.financial_year if order else financial_year_of(received_on)
    years = {year: year_balance_pence(uow, case.account_id, year)}
    allocation = post_to_ledger(uow, actor, payment, case.account_id, years, batch_run_id=batch_run_id)
    audit(uow, actor.username, "payment.posted", "payment", payment.id, account_id=case.account_id, after={
        **payment_audit_details(payment_ref, account_ref, amount_pence, received_on, method, allocation),
        "case_ref": case.reference,
    })
    return allocation


def _add_receipt(
    uow: UnitOfWork, case: EnforcementCase, order: RecoveryEvent | None, receipt: dict[str, Any], on: date,
) -> bool:
    """Add a receipt to the case; close it when its debt is collected or the order's year is cleared."""
    posted = receipt["amount_pence"] - receipt["fees_pence"]
    collected = int(case.details.get("collected_pence", 0)) + posted
    case.details = {**case.details, "collected_pence": collected,
                    "receipts": [*case.details.get("receipts", []), receipt]}
    if case.status != "open":
        return False
    uow.session.flush()
    cleared = collected >= case.debt_pence or (
        order is not None and year_balance_pence(uow, case.account_id, order.financial_year) <= 0
    )
    if cleared:
        case.status = "closed"
        case.closed_on = on
        case.details = {**case.details, "closed_reason": "paid"}
    return cleared


# --- deductions from benefit ---------------------------------------------------------------

@handles(ApplyBenefitDeduction, role=Role.OFFICER, action="apply for deductions from benefit")
def apply_benefit_deduction(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, benefit: str, applied_on: date,
    as_of: date, uc_category: str | None = None, benefit_year: int | None = None, other_deductions_pence: int = 0,
    ni_number: str = "", liability_order_id: uuid.UUID | None = None, year: int | None = None,
) -> OrderResult:
    """Apply to the DWP for deductions from the debtor's benefit (SI 1993/494). Commits.

    Universal Credit: 5% of the standard allowance for `uc_category` per monthly assessment
    period (nothing if it would break the 15% cap with `other_deductions_pence`); legacy
    benefits: 5% of the single 25+ personal allowance a week (settings
    `[benefit_deductions] legacy_single_25_weekly_pence = { "2025" = 9205 }` over the defaults).
    """
    if benefit not in BENEFITS:
        raise ValidationError(f"'{benefit}' is not a benefit (use {', '.join(BENEFITS)}).", field="benefit")
    rate_year = benefit_year if benefit_year is not None else financial_year_of(applied_on)
    ni = clean_text(ni_number, field="ni_number", label="the National Insurance number", max_length=13, required=False)
    try:
        if benefit == "universal_credit":
            if uc_category not in UC_CATEGORIES:
                raise ValidationError(f"'{uc_category}' is not a UC standard allowance category "
                                      f"(use {', '.join(UC_CATEGORIES)}).", field="uc_category")
            allowance = benefit_rules.uc_standard_allowance_pence(rate_year, uc_category)
            amount = benefit_rules.uc_deduction_pence(allowance, [other_deductions_pence])
            if amount == 0:
                raise ValidationError(
                    f"5% of the standard allowance ({fmt(benefit_rules.uc_five_percent_pence(allowance))}) with "
                    f"{fmt(other_deductions_pence)} of other deductions would go over the "
                    f"{benefit_rules.UC_OVERALL_CAP_PERCENT}% limit, so nothing can be deducted.",
                    field="other_deductions",
                )
            frequency, basis = "monthly", f"5% of the {year_label(rate_year)} UC standard allowance ({uc_category.replace('_', ' ')}, {fmt(allowance)})"
        else:
            allowances = settings.benefit_deductions.legacy_single_25_weekly_pence
            amount = benefit_rules.legacy_weekly_deduction_for_year(rate_year, allowances)
            frequency, basis = "weekly", f"5% of the {year_label(rate_year)} single 25+ personal allowance, rounded up to 5p"
    except benefit_rules.BenefitDeductionError as exc:
        raise ValidationError(str(exc), field="benefit_year") from None
    case, order, ref = _open_case(
        uow, actor, kind="benefit_deduction", account_ref=account_ref, liability_order_id=liability_order_id, year=year,
        opened_on=applied_on, as_of=as_of, what="a deduction from benefit", details={
            "benefit": benefit, "uc_category": uc_category, "rate_year": rate_year, "amount_pence": amount,
            "frequency": frequency, "basis": basis, "ni_number": ni, "applied_on": applied_on.isoformat(),
        },
    )
    person = debtors(uow, [case.account_id], as_of)[case.account_id]
    dwp = settings.benefit_deductions.dwp_address
    document = issue_letter(uow, actor, account_id=case.account_id, kind="benefit_deduction_application",
                            template="benefit_deduction_application", issued_on=applied_on,
                            financial_year=order.financial_year, data={
                                **_letter_common(settings, person, case, order, applied_on),
                                "names": [dwp[0]], "address_lines": list(dwp[1:]), "postcode": "",
                                "benefit": "Universal Credit" if benefit == "universal_credit" else
                                           "income-related benefit (IS, income-based JSA, income-related ESA, Pension Credit)",
                                "ni_number": ni, "amount_pence": amount, "frequency": frequency, "basis": basis,
                            })
    case.details = {**case.details, "document_id": str(document.document_id)}
    _audit_case(uow, actor, "enforcement.benefit_applied", case, ref, benefit=benefit, amount_pence=amount,
                frequency=frequency, applied_on=applied_on)
    view = _case_view(case, ref, order)
    with saving(uow, f"The deduction from benefit on {ref}"):
        uow.commit()
    return OrderResult(case=view, schedule=None, document=document.to_json())


# --- enforcement agents --------------------------------------------------------------------

def _fees(debt_pence: int, stage: str, vulnerable: bool) -> dict[str, Any]:
    lines = fee_rules.breakdown(debt_pence, stage, vulnerable_without_advice=vulnerable)
    return {
        "fee_stage": stage, "fees": [{"stage": l.stage, "fee_pence": l.total_pence} for l in lines],
        "fees_pence": sum(l.total_pence for l in lines),
    }


@handles(ReferToAgent, role=Role.OFFICER, action="refer cases to enforcement agents")
def refer_to_agent(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, agent: str, referred_on: date, as_of: date,
    liability_order_id: uuid.UUID | None = None, year: int | None = None, vulnerable_without_advice: bool = False,
) -> CaseView:
    """Pass a liability order to an enforcement agent (compliance stage; fees per SI 2014/1). Commits."""
    name = clean_text(agent, field="agent", label="the agent's name", max_length=60)
    case, order, ref = _open_case(
        uow, actor, kind="enforcement_agent", account_ref=account_ref, liability_order_id=liability_order_id, year=year,
        opened_on=referred_on, as_of=as_of, what="a referral to an enforcement agent", details={
            "agent": name, "referred_on": referred_on.isoformat(), "exported_on": None, "export_file": None,
            "vulnerable_without_advice": vulnerable_without_advice, "stage_history": [],
        },
    )
    case.details = {**case.details, **_fees(case.debt_pence, "compliance", vulnerable_without_advice),
                    "stage_history": [{"stage": "compliance", "date": referred_on.isoformat(), "invoice_ref": ""}]}
    _audit_case(uow, actor, "enforcement.ea_referred", case, ref, agent=name, referred_on=referred_on)
    view = _case_view(case, ref, order)
    with saving(uow, f"The referral of {ref}"):
        uow.commit()
    return view


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "agent"


@handles(ExportReferrals, role=Role.OFFICER, action="export referrals to enforcement agents")
def export_referrals(
    uow: UnitOfWork, actor: Actor, *, agent: str | None = None, out_dir: str | Path, as_of: date,
) -> ExportResult:
    """Write one CSV per agent of the open cases not yet sent to it, and mark them sent. Commits.

    Running it again writes nothing (every case is already marked); an existing file is never
    overwritten (a second file the same day gets `-2`, `-3`...).
    """
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder.", field="out_dir")
    cases = [
        c for c in uow.session.scalars(
            select(EnforcementCase).where(EnforcementCase.kind == "enforcement_agent", EnforcementCase.status == "open")
            .order_by(EnforcementCase.reference)
        )
        if not c.details.get("exported_on") and (agent is None or c.details.get("agent") == agent.strip())
    ]
    by_agent: dict[str, list[EnforcementCase]] = defaultdict(list)
    for case in cases:
        by_agent[str(case.details.get("agent", ""))].append(case)
    people = debtors(uow, [c.account_id for c in cases], as_of)
    orders = {
        e.id: e for e in uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.id.in_({c.liability_order_id for c in cases})))
    } if cases else {}
    files: list[ExportFile] = []
    written: list[Path] = []
    try:
        for name in sorted(by_agent):
            rows = by_agent[name]
            path = _free_path(folder, f"ea-referrals-{_slug(name)}-{as_of.isoformat()}")
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(EXPORT_COLUMNS)
            for case in rows:
                person = people[case.account_id]
                order = orders[case.liability_order_id]
                writer.writerow((
                    case.reference, person.account_ref, order.event_date.isoformat(), year_label(order.financial_year),
                    person.name, "; ".join(person.joint_names), person.address_line1, person.address_line2, person.town,
                    person.postcode, person.email, person.phone, to_pounds_text(case.debt_pence),
                    to_pounds_text(year_costs_pence(uow, case.account_id, order.financial_year, as_of)),
                    case.opened_on.isoformat(),
                ))
                case.details = {**case.details, "exported_on": as_of.isoformat(), "export_file": path.name}
                _audit_case(uow, actor, "enforcement.ea_exported", case, person.account_ref, agent=name, file=path.name)
            temp = path.with_name(path.name + ".part")
            temp.write_text(buffer.getvalue(), encoding="utf-8")
            os.replace(temp, path)
            written.append(path)
            files.append(ExportFile(agent=name, path=str(path), cases=len(rows), debt_pence=sum(c.debt_pence for c in rows)))
        with saving(uow, "The enforcement agent referrals"):
            uow.commit()
    except BaseException:
        for path in written:  # nothing marked as sent, so no file may claim it was
            path.unlink(missing_ok=True)
        raise
    return ExportResult(as_of=as_of, cases=len(cases), files=files)


def _free_path(folder: Path, stem: str) -> Path:
    path = folder / f"{stem}.csv"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.csv"
        n += 1
    return path


@dataclass(frozen=True)
class _ReturnRow:
    line: int
    case_ref: str
    on: date
    type: str
    amount_pence: int
    fees_pence: int
    stage: str
    reason: str
    reference: str
    invoice_ref: str
    note: str


def _parse_return_row(row: Any, as_of: date) -> _ReturnRow:
    row.check_shape()
    case_ref = row.required("case_ref")
    on = row.date("date")
    if on > as_of:
        raise RowInvalid("date", f"{on:%d/%m/%Y} is in the future")
    kind = row.required("type").lower()
    if kind not in RETURN_TYPES:
        raise RowInvalid("type", f"'{kind}' is not a row type (use {', '.join(RETURN_TYPES)})")
    amount = fees = 0
    stage = reason = reference = ""
    if kind == "payment":
        amount = row.pence("amount")
        if amount <= 0:
            raise RowInvalid("amount", "the amount must be more than 0.00")
        fees = row.pence("fees") if row.get("fees") else 0
        if not 0 <= fees <= amount:
            raise RowInvalid("fees", "the fees kept must be from 0.00 to the amount collected")
        reference = row.required("reference")
        if len(f"{case_ref}/{reference}") > 60:
            raise RowInvalid("reference", "case_ref and reference together are longer than 59 characters")
    elif kind == "fee_stage":
        stage = row.required("stage").lower()
        if stage not in ("enforcement", "sale"):
            raise RowInvalid("stage", f"'{stage}' is not a later fee stage (use enforcement or sale)")
    else:
        reason = row.required("reason").lower()
        if reason not in RETURN_REASONS:
            raise RowInvalid("reason", f"'{reason}' is not a return reason (use {', '.join(RETURN_REASONS)})")
    return _ReturnRow(row.line, case_ref, on, kind, amount, fees, stage, reason, reference,
                      row.get("invoice_ref")[:60], row.get("note")[:200])


@handles(ImportAgentReturns, role=Role.OFFICER, action="import enforcement agent returns")
def import_agent_returns(
    uow: UnitOfWork, actor: Actor, path: str | Path, *, as_of: date, all_or_nothing: bool = False,
) -> AgentReturnsSummary:
    """Apply an agent's returns file (see README): payments, fee stages, returned cases. Commits.

    A payment already recorded (same case and reference), a stage already reached and a case
    already returned are `skipped`, so importing a file again changes nothing.
    """
    summary = AgentReturnsSummary()
    parsed: list[_ReturnRow] = []
    for row in read_rows(path, RETURN_COLUMNS, RETURN_OPTIONAL):
        try:
            parsed.append(_parse_return_row(row, as_of))
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    cases = {
        c.reference: c for c in uow.session.scalars(
            select(EnforcementCase).where(EnforcementCase.reference.in_({r.case_ref for r in parsed}))
        )
    } if parsed else {}
    run = record_file_run(uow, actor, "ea_returns", path)
    for r in parsed:
        try:
            _apply_agent_row(uow, actor, r, cases.get(r.case_ref), run.id, summary)
        except RowInvalid as exc:
            summary.reject(r.line, exc.field, exc.message)
    summary.errors.sort(key=lambda e: e.line)
    with saving(uow, "The enforcement agent returns"):
        return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _apply_agent_row(
    uow: UnitOfWork, actor: Actor, r: _ReturnRow, case: EnforcementCase | None, run_id: uuid.UUID,
    summary: AgentReturnsSummary,
) -> None:
    if case is None or case.kind != "enforcement_agent":
        raise RowInvalid("case_ref", f"there is no enforcement agent case {r.case_ref}")
    if r.on < case.opened_on:
        raise RowInvalid("date", f"{r.on:%d/%m/%Y} is before the case was referred ({case.opened_on:%d/%m/%Y})")
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == case.account_id)) or ""
    order = uow.session.get(RecoveryEvent, case.liability_order_id) if case.liability_order_id else None
    if r.type == "payment":
        if any(x.get("reference") == r.reference for x in case.details.get("receipts", [])):
            summary.skipped += 1
            return
        payment_ref = f"{case.reference}/{r.reference}"
        posted = r.amount_pence - r.fees_pence
        if posted > 0:
            if uow.session.scalar(select(Payment.id).where(Payment.external_ref == payment_ref)) is not None:
                raise RowInvalid("reference", f"payment reference {payment_ref} is already used")
            _post_payment(uow, actor, case, order, account_ref, posted, r.on, "ea", payment_ref, run_id)
        closed = _add_receipt(uow, case, order, {
            "date": r.on.isoformat(), "amount_pence": r.amount_pence, "fees_pence": r.fees_pence, "reference": r.reference,
            "payment_ref": payment_ref if posted > 0 else "", "invoice_ref": r.invoice_ref,
        }, r.on)
        summary.imported += 1
        summary.payments_pence += posted
        summary.fees_claimed_pence += r.fees_pence
        summary.cases_closed += closed
        _audit_case(uow, actor, "enforcement.ea_payment", case, account_ref, amount_pence=r.amount_pence,
                    fees_pence=r.fees_pence, reference=r.reference, invoice_ref=r.invoice_ref, received_on=r.on, closed=closed)
        return
    if r.type == "fee_stage":
        current = str(case.details.get("fee_stage", "compliance"))
        if fee_rules.STAGES.index(r.stage) <= fee_rules.STAGES.index(current):  # type: ignore[arg-type]
            summary.skipped += 1
            return
        if case.status != "open":
            raise RowInvalid("case_ref", f"case {case.reference} was closed on {case.closed_on:%d/%m/%Y}")
        vulnerable = bool(case.details.get("vulnerable_without_advice"))
        case.details = {**case.details, **_fees(case.debt_pence, r.stage, vulnerable), "stage_history": [
            *case.details.get("stage_history", []), {"stage": r.stage, "date": r.on.isoformat(), "invoice_ref": r.invoice_ref},
        ]}
        summary.imported += 1
        summary.stages_advanced += 1
        _audit_case(uow, actor, "enforcement.ea_fee_stage", case, account_ref, fee_stage=r.stage, on=r.on,
                    fees_pence=case.details["fees_pence"])
        return
    if case.status != "open":
        summary.skipped += 1
        return
    case.status = "closed"
    case.closed_on = r.on
    case.details = {**case.details, "closed_reason": "returned", "return_reason": r.reason, "returned_on": r.on.isoformat(),
                    "nulla_bona": r.reason == "nulla_bona", "return_note": r.note}
    summary.imported += 1
    summary.cases_closed += 1
    _audit_case(uow, actor, "enforcement.ea_returned", case, account_ref, reason=r.reason, on=r.on, note=r.note)


def agent_reconciliation(uow: UnitOfWork, *, agent: str, from_date: date, to_date: date) -> AgentReconciliation:
    """The agent's receipts in the period by invoice, against what is in the ledger and the fees SI 2014/1 allows."""
    if to_date < from_date:
        raise ValidationError(f"The period ends ({to_date:%d/%m/%Y}) before it starts ({from_date:%d/%m/%Y}).",
                              field="to_date")
    name = agent.strip()
    rows = uow.session.execute(
        select(EnforcementCase, Account.account_ref).join(Account, Account.id == EnforcementCase.account_id)
        .where(EnforcementCase.kind == "enforcement_agent").order_by(EnforcementCase.reference)
    ).all()
    rows = [(c, ref) for c, ref in rows if c.details.get("agent") == name]
    payment_refs = {x["payment_ref"] for c, _ in rows for x in c.details.get("receipts", []) if x.get("payment_ref")}
    status = dict(uow.session.execute(
        select(Payment.external_ref, Payment.status).where(Payment.external_ref.in_(payment_refs))
    ).all()) if payment_refs else {}
    invoices: dict[str, dict[str, int]] = {}
    case_fees: list[CaseFees] = []
    differences: list[str] = []
    for case, ref in rows:
        receipts = case.details.get("receipts", [])
        in_period = [x for x in receipts if from_date.isoformat() <= x["date"] <= to_date.isoformat()]
        to_end = [x for x in receipts if x["date"] <= to_date.isoformat()]
        staged = any(from_date.isoformat() <= s.get("date", "") <= to_date.isoformat() for s in case.details.get("stage_history", []))
        if not in_period and not staged:
            continue
        for x in in_period:
            bucket = invoices.setdefault(x.get("invoice_ref") or "", {"receipts": 0, "collected": 0, "fees": 0, "posted": 0})
            bucket["receipts"] += 1
            bucket["collected"] += x["amount_pence"]
            bucket["fees"] += x["fees_pence"]
            if x.get("payment_ref") and status.get(x["payment_ref"]) == "allocated":
                bucket["posted"] += x["amount_pence"] - x["fees_pence"]
        allowed = int(case.details.get("fees_pence", 0))
        claimed = sum(int(x["fees_pence"]) for x in to_end)
        case_fees.append(CaseFees(case.reference, ref, str(case.details.get("fee_stage", "compliance")), allowed, claimed,
                                  claimed - allowed))
        if claimed > allowed:
            differences.append(
                f"Case {case.reference}: fees kept {fmt(claimed)} are {fmt(claimed - allowed)} more than the "
                f"{fmt(allowed)} allowed to the {case.details.get('fee_stage', 'compliance')} stage."
            )
    lines = [
        InvoiceSummary(inv, b["receipts"], b["collected"], b["fees"], b["collected"] - b["fees"], b["posted"])
        for inv, b in sorted(invoices.items())
    ]
    for line in lines:
        if line.posted_pence != line.net_due_pence:
            differences.append(
                f"Invoice {line.invoice_ref or '(none)'}: net due {fmt(line.net_due_pence)} but {fmt(line.posted_pence)} "
                "is in the ledger (a payment was reversed or not posted)."
            )
    collected = sum(i.collected_pence for i in lines)
    fees = sum(i.fees_claimed_pence for i in lines)
    return AgentReconciliation(
        agent=name, from_date=from_date, to_date=to_date, collected_pence=collected, fees_claimed_pence=fees,
        net_due_pence=collected - fees, posted_pence=sum(i.posted_pence for i in lines),
        fees_allowed_pence=sum(c.fees_allowed_pence for c in case_fees),
        over_claimed_pence=sum(max(0, c.difference_pence) for c in case_fees),
        invoices=lines, cases=case_fees, differences=differences,
    )


# --- candidates for further action ---------------------------------------------------------

def _order_balances(
    uow: UnitOfWork, as_of: date, account_ids: list[uuid.UUID] | None = None,
) -> dict[uuid.UUID, dict[int, int]]:
    """Outstanding pence per liability order year, for every account with a liability order by `as_of`."""
    query = select(RecoveryEvent.account_id, RecoveryEvent.financial_year).where(
        RecoveryEvent.stage == "liability_order", RecoveryEvent.event_date <= as_of
    ).distinct()
    if account_ids is not None:
        query = query.where(RecoveryEvent.account_id.in_(account_ids))
    years: dict[uuid.UUID, set[int]] = defaultdict(set)
    for account_id, year in uow.session.execute(query):
        years[account_id].add(year)
    ids = list(years)
    result: dict[uuid.UUID, dict[int, int]] = {a: {y: 0 for y in ys} for a, ys in years.items()}
    for batch in in_batches(ids):
        for account_id, year, total in uow.session.execute(
            select(LedgerTransaction.account_id, LedgerTransaction.financial_year, func.sum(LedgerTransaction.amount_pence))
            .where(LedgerTransaction.account_id.in_(batch), LedgerTransaction.posted_on <= as_of)
            .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year)
        ):
            if year in years[account_id]:
                result[account_id][year] = int(total)
    return result


def _candidates(
    uow: UnitOfWork, as_of: date, route: str, minimum: int, reason: str, checks: list[str],
) -> list[Candidate]:
    balances = _order_balances(uow, as_of)
    held = holds_in_force(uow, list(balances), as_of)
    chosen = {a: b for a, b in balances.items() if a not in held and sum(max(0, p) for p in b.values()) >= minimum}
    people = debtors(uow, list(chosen), as_of)
    result: list[Candidate] = []
    for account_id, by_year in chosen.items():
        owed = {y: p for y, p in by_year.items() if p > 0}
        total = sum(owed.values())
        person = people[account_id]
        result.append(Candidate(
            account_ref=person.account_ref, name=person.name, address=person.address, postcode=person.postcode,
            route=route, liability_order_years=sorted(owed), outstanding_pence=total,
            reason=reason.format(total=fmt(total), years=", ".join(map(year_label, sorted(owed)))), checks=checks,
        ))
    result.sort(key=lambda c: (-c.outstanding_pence, c.account_ref))
    return result


def charging_order_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """Accounts with liability orders and at least £1,000 outstanding under them (AER 1992 reg 50)."""
    found = _candidates(
        uow, as_of, "charging_order", CHARGING_ORDER_MINIMUM_PENCE,
        "{total} outstanding under liability orders for {years}: at least £1,000 (AER 1992 reg 50).",
        ["check ownership: whether the debtor owns the dwelling the orders relate to is not recorded here"],
    )
    return CandidateList("charging_order", as_of, True,
                         "Liability order(s) with at least £1,000 outstanding; no hold in force.", found)


def bankruptcy_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """Accounts owing at least £5,000 in total under liability orders (bankruptcy level, SI 2015/922)."""
    found = _candidates(
        uow, as_of, "bankruptcy", BANKRUPTCY_MINIMUM_PENCE,
        "{total} outstanding under liability orders for {years}: at least the £5,000 bankruptcy level (SI 2015/922).",
        ["consider proportionality and the debtor's circumstances before petitioning",
         "check for insolvency proceedings already started"],
    )
    return CandidateList("bankruptcy", as_of, True,
                         "At least £5,000 owed in total under liability orders; no hold in force.", found)


def committal_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """England only (reg 47): enforcement agents returned the case with insufficient goods and the debt is unpaid."""
    if settings.country == "wales":
        return CandidateList("committal", as_of, False,
                             "Committal to prison for council tax was abolished in Wales from 1 April 2019.", [])
    returned = uow.session.scalars(
        select(EnforcementCase).where(EnforcementCase.kind == "enforcement_agent", EnforcementCase.status == "closed")
    ).all()
    nulla: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for case in returned:
        if case.details.get("nulla_bona") and case.closed_on is not None and case.closed_on <= as_of and case.liability_order_id:
            nulla[case.account_id].add(case.liability_order_id)
    ids = list(nulla)
    balances = _order_balances(uow, as_of, ids) if ids else {}
    held = holds_in_force(uow, ids, as_of) if ids else {}
    orders = {e.id: e.financial_year for e in uow.session.scalars(
        select(RecoveryEvent).where(RecoveryEvent.id.in_({o for s in nulla.values() for o in s}))
    )} if ids else {}
    people = debtors(uow, ids, as_of)
    found: list[Candidate] = []
    for account_id, order_ids in nulla.items():
        if account_id in held:
            continue
        owed = {orders[o]: balances.get(account_id, {}).get(orders[o], 0) for o in order_ids}
        owed = {y: p for y, p in owed.items() if p > 0}
        if not owed:
            continue
        person = people[account_id]
        total = sum(owed.values())
        found.append(Candidate(
            account_ref=person.account_ref, name=person.name, address=person.address, postcode=person.postcode,
            route="committal", liability_order_years=sorted(owed), outstanding_pence=total,
            reason=f"Enforcement agents returned {', '.join(map(year_label, sorted(owed)))} with insufficient goods "
                   f"(nulla bona); {fmt(total)} unpaid (AER 1992 reg 47).",
            checks=["a means enquiry must find wilful refusal or culpable neglect", "the debtor must be 18 or over",
                    "consider other methods first"],
        ))
    found.sort(key=lambda c: (-c.outstanding_pence, c.account_ref))
    return CandidateList("committal", as_of, True,
                         "England: enforcement agents found insufficient goods and the debt is unpaid; no hold in force.",
                         found)


CANDIDATE_ROUTES = {
    "charging_order": charging_order_candidates, "bankruptcy": bankruptcy_candidates, "committal": committal_candidates,
}


def recovery_routes(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str, as_of: date) -> list[RouteAdvice]:
    """Each route after a liability order, whether it is open to the account now and why (or why not)."""
    account_id = get_account_id(uow, account_ref)
    balances = _order_balances(uow, as_of, [account_id]).get(account_id, {})
    open_cases = _open_cases(uow, account_id)
    aoes = [c for c in open_cases if c.kind == "attachment_of_earnings"]
    holds: list[HoldView] = active_holds(uow, account_id, as_of)
    routes = ("attachment_of_earnings", "benefit_deduction", "enforcement_agent", "charging_order", "bankruptcy", "committal")
    if not balances:
        return [RouteAdvice(r, "not_available", "There is no liability order on the account.") for r in routes]
    if holds:
        hold = holds[0]
        advice: list[RouteAdvice] = []
        for route in routes:
            if route == "attachment_of_earnings" and aoes and all(h.kind in BREATHING_SPACE_KINDS for h in holds):
                advice.append(RouteAdvice(route, "in_place", f"The order already in place continues during the breathing "
                                          f"space ({hold.describe()}); no new order may be made.", [c.reference for c in aoes]))
            else:
                advice.append(RouteAdvice(route, "not_available", f"On hold: {hold.describe()}. Nothing may be started."))
        return advice
    owed = {y: p for y, p in balances.items() if p > 0}
    total = sum(owed.values())
    orders = uow.session.scalars(
        select(RecoveryEvent).where(RecoveryEvent.account_id == account_id, RecoveryEvent.stage == "liability_order")
    ).all()
    busy = {c.liability_order_id: c for c in open_cases}
    free_years = sorted({o.financial_year for o in orders if o.id not in busy and owed.get(o.financial_year, 0) > 0})
    result: list[RouteAdvice] = []
    if not owed:
        return [RouteAdvice(r, "not_available", "Nothing is outstanding under the liability orders.") for r in routes]
    free_text = ", ".join(map(year_label, free_years))
    busy_text = "; ".join(f"{year_label(uow.session.get(RecoveryEvent, c.liability_order_id).financial_year)}: "  # type: ignore[union-attr]
                          f"{c.kind.replace('_', ' ')} ({c.reference})" for c in open_cases if c.liability_order_id)
    for route in ("attachment_of_earnings", "benefit_deduction", "enforcement_agent"):
        mine = [c.reference for c in open_cases if c.kind == route]
        in_place = f" In place: {', '.join(mine)}." if mine else ""
        if route == "attachment_of_earnings" and not aoe_rules.may_make_another_order(len(aoes)):
            result.append(RouteAdvice(route, "in_place", f"{aoe_rules.MAX_ORDERS_IN_FORCE} orders are in force: no more "
                                      "may be made (AER 1992 reg 37).", mine))
        elif free_years:
            result.append(RouteAdvice(route, "available", f"Possible for {free_text} (no method in place).{in_place}", mine))
        elif route == "attachment_of_earnings" and aoes:
            result.append(RouteAdvice(route, "available", "A second order (for example with a second employer) may be "
                                      f"made: not more than {aoe_rules.MAX_ORDERS_IN_FORCE} at once.{in_place}", mine))
        else:
            result.append(RouteAdvice(route, "in_place" if mine else "not_available",
                                      f"Every liability order already has a method in place ({busy_text}); one at a time.",
                                      mine))
    result.append(RouteAdvice(
        "charging_order", "available" if total >= CHARGING_ORDER_MINIMUM_PENCE else "not_available",
        f"{fmt(total)} outstanding under liability orders; a charging order needs at least £1,000 (reg 50)"
        + ("; check ownership." if total >= CHARGING_ORDER_MINIMUM_PENCE else "."),
    ))
    result.append(RouteAdvice(
        "bankruptcy", "available" if total >= BANKRUPTCY_MINIMUM_PENCE else "not_available",
        f"{fmt(total)} outstanding under liability orders; a bankruptcy petition needs at least £5,000 (SI 2015/922).",
    ))
    if settings.country == "wales":
        result.append(RouteAdvice("committal", "not_available", "Committal was abolished in Wales from 1 April 2019."))
    else:
        listed = {c.account_ref for c in committal_candidates(uow, settings, as_of).candidates}
        ref = account_ref.strip()
        result.append(RouteAdvice(
            "committal", "available" if ref in listed else "not_available",
            "Enforcement agents found insufficient goods: a means enquiry may follow (reg 47)." if ref in listed
            else "Only after enforcement agents have returned the case with insufficient goods (reg 47).",
        ))
    return result
