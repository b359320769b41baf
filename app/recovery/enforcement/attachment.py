"""Attachment of earnings (AER 1992 regs 37-38, Sch 4): the employer's deduction schedule,
making the order and issuing it to the employer, and the deductions the employer pays over.

The deduction comes from the Schedule 4 table in force when the order was made (England
and Wales differ), so the schedule is worked out here for the order and for the desktop's
calculator alike; `cases.open_case` keeps the limit of two orders in force per debtor.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.accounts.debtors import debtors
from app.adapters.conflicts import saving
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import DocumentKind, EnforcementKind, PaymentMethod
from app.errors import ValidationError
from app.letters.documents import DocumentInfo, issue_letter
from app.recovery.enforcement.cases import CaseView, audit_case, case_view_of, letter_common, open_case, open_cases_for
from app.recovery.enforcement.receipts import ReceiptResult, record_receipt
from app.recovery.enforcement.requests import MakeAttachmentOrder, RecordAoeDeduction
from app.requests import handles
from app.rules import attachment_of_earnings as aoe_rules
from app.users.roles import Actor, Role

# Pay period as the employer pays -> (Schedule 4 table, number of table periods per pay day).
PAY_PERIODS: Mapping[str, tuple[str, int]] = {
    "weekly": ("weekly", 1), "fortnightly": ("weekly", 2), "four_weekly": ("weekly", 4),
    "monthly": ("monthly", 1), "daily": ("daily", 1),
}


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
    document: DocumentInfo | None  # the order (or application) as issued


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
                                         max_length=300, multiline=True))
    payroll = clean_text(payroll_ref, field="payroll_ref", label="the payroll reference", max_length=40, required=False)
    if pay_period not in PAY_PERIODS:
        raise ValidationError(f"'{pay_period}' is not a pay period (use {', '.join(PAY_PERIODS)}).", field="pay_period")
    if net_pay_pence is not None and net_pay_pence < 0:
        raise ValidationError("Net pay cannot be negative.", field="net_pay")
    schedule = aoe_schedule(net_pay_pence, pay_period, settings.country, made_on) if net_pay_pence is not None else None
    if schedule is None:
        aoe_schedule(0, pay_period, settings.country, made_on)  # the table must exist for the order date
    case, order, ref = open_case(
        uow, actor, settings, kind=EnforcementKind.ATTACHMENT_OF_EARNINGS, account_ref=account_ref,
        liability_order_id=liability_order_id,
        year=year, opened_on=made_on, as_of=as_of, what="an attachment of earnings order", details={
            "employer_name": name, "employer_address": address, "payroll_ref": payroll, "pay_period": pay_period,
            "net_pay_pence": net_pay_pence, "deduction_pence": schedule.deduction_pence if schedule else None,
            "made_on": made_on.isoformat(), "country": settings.country,
        },
    )
    in_force = [c for c in open_cases_for(uow, case.account_id) if c.kind == EnforcementKind.ATTACHMENT_OF_EARNINGS]
    in_force.sort(key=lambda c: (c.opened_on, c.id == case.id))
    case.details = {**case.details, "priority": [c.id for c in in_force].index(case.id) + 1}
    person = debtors(uow, [case.account_id], as_of)[case.account_id]
    table = schedule or aoe_schedule(0, pay_period, settings.country, made_on)
    document = issue_letter(uow, actor, account_id=case.account_id, kind=DocumentKind.ATTACHMENT_OF_EARNINGS_ORDER,
                            template="attachment_of_earnings_order", folder=settings.letters.folder,
                            issued_on=made_on, financial_year=order.financial_year,
                            data={
                                **letter_common(settings, person, case, order, made_on),
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
    audit_case(uow, actor, "enforcement.aoe_made", case, ref, employer_name=name, pay_period=pay_period, made_on=made_on)
    view = case_view_of(case, ref, order)
    with saving(uow, f"The attachment of earnings order on {ref}"):
        uow.commit()
    return OrderResult(case=view, schedule=schedule, document=document)


@handles(RecordAoeDeduction, role=Role.OFFICER, action="record receipts")
def record_aoe_deduction(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, amount_pence: int, received_on: date, reference: str, as_of: date,
) -> ReceiptResult:
    """A deduction paid over by the employer: posted as a payment (method `aoe`). Commits."""
    return record_receipt(uow, actor, case_id=case_id, kind=EnforcementKind.ATTACHMENT_OF_EARNINGS, method=PaymentMethod.AOE,
                          amount_pence=amount_pence, received_on=received_on, reference=reference, as_of=as_of)
