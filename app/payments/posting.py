"""Payments: posting, allocation to the years they pay, suspense and reversal.

`allocate_payment` is the one place a payment is split across an account's financial
years (oldest debt first, an overpayment left as a credit in the year received); the
CSV import, manual posting, suspense allocation and Direct Debit collections all call it.
Its ledger rows are written by `app.ledger`; the credit balance of an account is the
negative of its ledger sum (`app.ledger.balances`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import PaymentMethod, PaymentStatus, member
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import later_bills_pence, owed_now_pence, year_balances

# Balances are read in app.ledger.balances; credit_balance_pence and raw_year_balances stay importable from here.
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import LedgerKind
from app.ledger.posting import post
from app.models import Account, LedgerTransaction, Payment
from app.money import fmt
from app.payments.requests import AllocateSuspense, PostPayment
from app.requests import handles
from app.rules.allocation import allocate_oldest_first
from app.rules.apportionment import financial_year_of
from app.users.roles import Actor, Role

PAYMENT_METHODS: tuple[str, ...] = tuple(m.value for m in PaymentMethod)  # plain text: offered in forms, checked on import
MAX_REFERENCE = 60


@dataclass(frozen=True)
class AllocationPart:
    """The part of a payment that went to one financial year (positive pence)."""

    year: int
    amount_pence: int


@dataclass(frozen=True)
class PaymentResult(JsonView):
    payment_id: uuid.UUID
    payment_ref: str
    account_ref: str
    amount_pence: int
    received_on: date
    method: str
    status: str
    allocation: list[AllocationPart]
    balance_pence: int  # owed now afterwards, as the account header shows it (negative = in credit)
    later_bills_pence: int = 0  # left to pay of bills for later years (not yet due, not in the balance)


@dataclass(frozen=True)
class SuspenseItem(JsonView):
    payment_id: uuid.UUID
    payment_ref: str
    account_ref_given: str
    received_on: date
    amount_pence: int
    method: str


@dataclass(frozen=True)
class PaymentAllocation(JsonView):
    """How one payment on an account was allocated (and what of it was reversed)."""

    payment_id: uuid.UUID
    payment_ref: str
    received_on: date
    amount_pence: int
    method: str
    status: str  # allocated | reversed
    parts: list[AllocationPart]
    reversed_pence: int


# --- the one allocation --------------------------------------------------------------

def allocate_payment(years: dict[int, int], amount_pence: int, received_on: date) -> list[tuple[int, int]]:
    """Split a payment over an account's outstanding pence per year (oldest debt first).

    `years` (year -> pence owed, from `year_balances`) is updated in place so the next
    payment to the same account in a batch sees what this one paid.
    """
    allocation = allocate_oldest_first(years, amount_pence, financial_year_of(received_on))
    for year, pence in allocation:
        years[year] = years.get(year, 0) - pence
    return allocation


def payment_description(method: str) -> str:
    return f"Payment ({method})"


def payment_audit_details(
    payment_ref: str, account_ref: str, amount_pence: int, received_on: date, method: str,
    allocation: list[tuple[int, int]],
) -> dict[str, Any]:
    """The audit event's `after` for a posted (or suspended) payment."""
    return {
        "payment_ref": payment_ref, "account_ref": account_ref, "amount_pence": amount_pence,
        "received_on": received_on.isoformat(), "method": method,
        "allocation": [{"year": y, "amount_pence": a} for y, a in allocation],
    }


def post_to_ledger(
    uow: UnitOfWork, actor: Actor, payment: Payment, account_id: uuid.UUID, years: dict[int, int],
    *, batch_run_id: uuid.UUID | None = None,
) -> list[tuple[int, int]]:
    """Allocate a (flushed) payment to the account's years and write its ledger rows."""
    allocation = allocate_payment(years, payment.amount_pence, payment.received_on)
    post(uow, (
        LedgerEntry(
            account_id=account_id, financial_year=year, kind=LedgerKind.PAYMENT, amount_pence=-pence,
            posted_on=payment.received_on, reference=payment.external_ref,
            description=payment_description(payment.method), payment_id=payment.id, batch_run_id=batch_run_id,
        )
        for year, pence in allocation
    ), created_by=actor.username)
    return allocation


def reverse_payment(
    uow: UnitOfWork, actor: Actor, payment: Payment, *, as_of: date, reason: str,
    batch_run_id: uuid.UUID | None = None,
) -> list[tuple[int, int]]:
    """Post a `reversal` for every ledger part of an allocated payment; mark it reversed.

    Returns [(year, pence reversed)]. The caller audits (it knows why) and commits.
    """
    if payment.status != PaymentStatus.ALLOCATED:
        raise Conflict(f"Payment {payment.external_ref} is {payment.status}, so it cannot be reversed.")
    parts = uow.session.scalars(
        select(LedgerTransaction)
        .where(LedgerTransaction.payment_id == payment.id, LedgerTransaction.kind == LedgerKind.PAYMENT)
        .order_by(LedgerTransaction.financial_year)
    ).all()
    post(uow, (
        LedgerEntry(
            account_id=part.account_id, financial_year=part.financial_year, kind=LedgerKind.REVERSAL,
            amount_pence=-part.amount_pence, posted_on=as_of, reference=payment.external_ref,
            description=f"Reversal: {reason}"[:200], payment_id=payment.id, reverses_id=part.id,
            batch_run_id=batch_run_id,
        )
        for part in parts
    ), created_by=actor.username)
    payment.status = PaymentStatus.REVERSED
    return [(p.financial_year, -p.amount_pence) for p in parts]


# --- use cases -----------------------------------------------------------------------

def _check_reference(uow: UnitOfWork, reference: str) -> str:
    ref = reference.strip()
    if not ref:
        raise ValidationError("A payment reference is required.", field="reference")
    if len(ref) > MAX_REFERENCE:
        raise ValidationError(f"The payment reference is longer than {MAX_REFERENCE} characters.", field="reference")
    existing = uow.session.scalars(select(Payment).where(Payment.external_ref == ref)).one_or_none()
    if existing is not None:
        raise ValidationError(
            f"Payment reference {ref} is already used (a payment of {fmt(existing.amount_pence)} "
            f"received on {existing.received_on:%d/%m/%Y}).", field="reference",
        )
    return ref


def _result(
    uow: UnitOfWork, payment: Payment, account_ref: str, allocation: list[tuple[int, int]], as_of: date,
) -> PaymentResult:
    assert payment.account_id is not None
    return PaymentResult(
        payment_id=payment.id, payment_ref=payment.external_ref, account_ref=account_ref,
        amount_pence=payment.amount_pence, received_on=payment.received_on, method=payment.method,
        status=payment.status, allocation=[AllocationPart(y, a) for y, a in allocation],
        balance_pence=owed_now_pence(uow, payment.account_id, as_of),
        later_bills_pence=later_bills_pence(uow, payment.account_id, as_of),
    )


class CreditNotConfirmed(ValidationError):
    """A payment of more than is owed now, not confirmed: the desktop asks for a second
    click, the command line for `--confirm-credit`."""

    def __init__(self, what: str, *, owed_pence: int, excess_pence: int) -> None:
        super().__init__(f"{what}; check the amount, and confirm it if it is right.", field="amount")
        self.what = what  # the clause saying what the payment would do, for the caller's own "how to confirm"
        self.owed_pence = owed_pence
        self.excess_pence = excess_pence

    def asking(self, how: str) -> str:
        """The sentence with the caller's way of confirming: "...; if it is right, add --confirm-credit."."""
        return f"{self.what}; check the amount, and if it is right {how}."


def check_credit(
    uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, amount_pence: int, as_of: date, confirmed: bool,
) -> None:
    """Refuse (CreditNotConfirmed) a payment of more than the account owes now, unless
    confirmed: `12,50` read as £1,250.00 would otherwise turn a debt into a credit unseen.
    The sentence says where the excess would go: later bills first (oldest debt first), then credit."""
    owed = owed_now_pence(uow, account_id, as_of)
    excess = amount_pence - max(owed, 0)
    if excess <= 0 or confirmed:
        return
    later = later_bills_pence(uow, account_id, as_of)
    towards_later, credit = min(excess, later), excess - min(excess, later)
    owed_text = f"the {fmt(owed)} owed now" if owed > 0 else (
        "what is owed now (nothing)" if owed == 0 else f"what is owed now (nothing: {fmt(-owed)} in credit)")
    effects = []
    if towards_later:
        effects.append(f"{fmt(towards_later)} would go to bills not yet due")
    if credit:
        effects.append(f"the account would be {fmt(credit - min(owed, 0))} in credit")
    raise CreditNotConfirmed(
        f"The payment of {fmt(amount_pence)} to account {account_ref} is {fmt(excess)} more than {owed_text}: "
        f"{' and '.join(effects)}",
        owed_pence=owed, excess_pence=excess,
    )


@handles(PostPayment, role=Role.OFFICER, action="post payments")
def post_payment(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, amount_pence: int, received_on: date, method: str,
    reference: str, as_of: date, confirm_credit: bool = False,
) -> PaymentResult:
    """A payment taken by an officer, allocated oldest debt first. Nothing is written on a
    bad value, nor for more than is owed now unless `confirm_credit` (`check_credit`)."""
    if amount_pence <= 0:
        raise ValidationError("The amount must be more than £0.00.", field="amount")
    paid_by = member(PaymentMethod, method.strip().lower())
    if paid_by is None:
        raise ValidationError(f"'{method.strip().lower()}' is not a payment method ({', '.join(PAYMENT_METHODS)}).",
                              field="method")
    if received_on > as_of:
        raise ValidationError(f"The payment date {received_on:%d/%m/%Y} is in the future.", field="received_on")
    account_id = get_account_id(uow, account_ref)
    lock_account(uow, account_id)  # before the balances are read: a payment posted at the same moment is seen
    ref = _check_reference(uow, reference)
    check_credit(uow, account_id, account_ref.strip(), amount_pence, as_of, confirm_credit)
    payment = Payment(
        external_ref=ref, account_id=account_id, account_ref_given=account_ref.strip(), received_on=received_on,
        amount_pence=amount_pence, method=paid_by, status=PaymentStatus.ALLOCATED, created_by=actor.username,
    )
    uow.session.add(payment)
    with saving(uow, f"Payment {ref}"):
        uow.session.flush()
    years = year_balances(uow, [account_id])[account_id]
    allocation = post_to_ledger(uow, actor, payment, account_id, years)
    audit(
        uow, actor.username, "payment.posted", "payment", payment.id, account_id=account_id,
        after={**payment_audit_details(ref, account_ref.strip(), amount_pence, received_on, paid_by, allocation),
               "credit_confirmed": confirm_credit},
    )
    result = _result(uow, payment, account_ref.strip(), allocation, as_of)
    with saving(uow, f"Payment {ref}"):
        uow.commit()
    return result


def list_suspense(uow: UnitOfWork) -> list[SuspenseItem]:
    """Payments waiting for an officer to find their account, oldest first."""
    rows = uow.session.scalars(
        select(Payment).where(Payment.status == PaymentStatus.SUSPENSE).order_by(Payment.received_on, Payment.external_ref)
    ).all()
    return [
        SuspenseItem(p.id, p.external_ref, p.account_ref_given, p.received_on, p.amount_pence, p.method) for p in rows
    ]


@handles(AllocateSuspense, role=Role.OFFICER, action="allocate suspense payments")
def allocate_suspense(uow: UnitOfWork, actor: Actor, *, payment_ref: str, account_ref: str, as_of: date) -> PaymentResult:
    """Move a payment out of suspense onto an account (ledger rows dated when it was received)."""
    ref = payment_ref.strip()
    payment = uow.session.scalars(select(Payment).where(Payment.external_ref == ref)).one_or_none()
    if payment is None:
        raise NotFound(f"There is no payment with reference {ref}.")
    if payment.status != PaymentStatus.SUSPENSE:
        owner = uow.session.scalar(select(Account.account_ref).where(Account.id == payment.account_id))
        where = f" to account {owner}" if owner else ""
        raise Conflict(f"Payment {ref} is not in suspense: it is {payment.status}{where}.")
    account_id = get_account_id(uow, account_ref)
    lock_account(uow, account_id)
    # Claim it atomically: two officers allocating the same item cannot both succeed.
    claimed = uow.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.SUSPENSE)
        .values(status=PaymentStatus.ALLOCATED, account_id=account_id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult; the stubs say Result
    if claimed != 1:
        uow.rollback()
        raise Conflict(f"Payment {ref} was allocated by someone else a moment ago.")
    uow.session.refresh(payment)
    years = year_balances(uow, [account_id])[account_id]
    allocation = post_to_ledger(uow, actor, payment, account_id, years)
    audit(
        uow, actor.username, "payment.suspense_allocated", "payment", payment.id, account_id=account_id,
        before={"status": PaymentStatus.SUSPENSE, "account_ref_given": payment.account_ref_given},
        after={
            **payment_audit_details(
                ref, account_ref.strip(), payment.amount_pence, payment.received_on, payment.method, allocation
            ),
            "allocated_on": as_of.isoformat(),
        },
    )
    result = _result(uow, payment, account_ref.strip(), allocation, as_of)
    with saving(uow, f"Payment {ref}"):
        uow.commit()
    return result


def payment_allocations(uow: UnitOfWork, account_id: uuid.UUID) -> list[PaymentAllocation]:
    """Each payment on the account with the years it paid, oldest first."""
    payments = uow.session.scalars(
        select(Payment).where(Payment.account_id == account_id).order_by(Payment.received_on, Payment.created_at)
    ).all()
    parts: dict[uuid.UUID, list[AllocationPart]] = defaultdict(list)
    reversed_pence: dict[uuid.UUID, int] = defaultdict(int)
    if payments:
        for payment_id, kind, year, pence in uow.session.execute(
            select(
                LedgerTransaction.payment_id, LedgerTransaction.kind, LedgerTransaction.financial_year,
                LedgerTransaction.amount_pence,
            )
            .where(LedgerTransaction.account_id == account_id, LedgerTransaction.payment_id.is_not(None))
            .order_by(LedgerTransaction.financial_year)
        ):
            assert payment_id is not None  # the query keeps only rows with a payment
            if kind == LedgerKind.PAYMENT:
                parts[payment_id].append(AllocationPart(year, -pence))
            elif kind == LedgerKind.REVERSAL:
                reversed_pence[payment_id] += pence
    return [
        PaymentAllocation(
            payment_id=p.id, payment_ref=p.external_ref, received_on=p.received_on, amount_pence=p.amount_pence,
            method=p.method, status=p.status, parts=parts[p.id], reversed_pence=reversed_pence[p.id],
        )
        for p in payments
    ]
