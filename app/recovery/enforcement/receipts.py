"""Money received under an enforcement case: from the employer, the DWP or an agent.

Every route's money goes the same way, so it is done here once: posted through
`payments.post_to_ledger` (methods `aoe`, `benefit_deduction`, `ea`), applied to the
financial year of the liability order it enforces first (any excess is a credit in the
year received), and added to the case, which closes when what it has collected reaches
its debt or the order's year is cleared.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import EnforcementStatus, PaymentStatus
from app.errors import Conflict, ValidationError
from app.ledger.balances import year_balance_pence
from app.models import Account, EnforcementCase, Payment, RecoveryEvent
from app.money import fmt
from app.payments.posting import AllocationPart, payment_audit_details, post_to_ledger
from app.recovery.enforcement.cases import CaseView, audit_case, case_view_of, get_case
from app.rules.apportionment import financial_year_of
from app.users.roles import Actor


@dataclass(frozen=True)
class ReceiptResult(JsonView):
    case: CaseView
    payment_ref: str
    amount_pence: int
    allocation: list[AllocationPart]
    closed: bool


def record_receipt(
    uow: UnitOfWork, actor: Actor, *, case_id: uuid.UUID, kind: str, method: str, amount_pence: int, received_on: date,
    reference: str, as_of: date,
) -> ReceiptResult:
    case = get_case(uow, case_id)
    if case.kind != kind:
        raise ValidationError(f"Case {case.reference} is {case.kind.replace('_', ' ')}, not {kind.replace('_', ' ')}.",
                              field="case_id")
    if case.status != EnforcementStatus.OPEN:
        raise Conflict(f"Case {case.reference} was closed on {case.closed_on:%d/%m/%Y}." if case.closed_on
                       else f"Case {case.reference} is closed.")
    if amount_pence <= 0:
        raise ValidationError("The amount must be more than £0.00.", field="amount")
    if received_on > as_of:
        raise ValidationError(f"The date received {received_on:%d/%m/%Y} is in the future.", field="received_on")
    ref = clean_text(reference, field="reference", label="the reference", max_length=60)
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == case.account_id)) or ""
    order = uow.session.get(RecoveryEvent, case.liability_order_id) if case.liability_order_id else None
    allocation = post_case_payment(uow, actor, case, order, account_ref, amount_pence, received_on, method, ref, None)
    closed = add_receipt(uow, case, order, {
        "date": received_on.isoformat(), "amount_pence": amount_pence, "fees_pence": 0, "reference": ref,
        "payment_ref": ref, "invoice_ref": "",
    }, received_on)
    audit_case(uow, actor, f"enforcement.{method}_received", case, account_ref, amount_pence=amount_pence,
               received_on=received_on, reference=ref, closed=closed)
    view = case_view_of(case, account_ref, order)
    with saving(uow, f"Case {case.reference}"):
        uow.commit()
    return ReceiptResult(case=view, payment_ref=ref, amount_pence=amount_pence,
                         allocation=[AllocationPart(y, a) for y, a in allocation], closed=closed)


def post_case_payment(
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
    lock_account(uow, case.account_id)  # before its balance is read (see app.adapters.locks)
    payment = Payment(
        external_ref=payment_ref, account_id=case.account_id, account_ref_given=account_ref, received_on=received_on,
        amount_pence=amount_pence, method=method, status=PaymentStatus.ALLOCATED, batch_run_id=batch_run_id,
        created_by=actor.username,
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


def add_receipt(
    uow: UnitOfWork, case: EnforcementCase, order: RecoveryEvent | None, receipt: dict[str, Any], on: date,
) -> bool:
    """Add a receipt to the case; close it when its debt is collected or the order's year is cleared."""
    posted = receipt["amount_pence"] - receipt["fees_pence"]
    collected = int(case.details.get("collected_pence", 0)) + posted
    case.details = {**case.details, "collected_pence": collected,
                    "receipts": [*case.details.get("receipts", []), receipt]}
    if case.status != EnforcementStatus.OPEN:
        return False
    uow.session.flush()
    cleared = collected >= case.debt_pence or (
        order is not None and year_balance_pence(uow, case.account_id, order.financial_year) <= 0
    )
    if cleared:
        case.status = EnforcementStatus.CLOSED
        case.closed_on = on
        case.details = {**case.details, "closed_reason": "paid"}
    return cleared
