"""Refunds of credit balances, with two people: an officer requests, a team leader approves.

The credit available to refund is the account's credit balance (the negative of its ledger
sum) less what other refund requests waiting for a decision already claim. It is checked
when the refund is requested and again when it is approved. Approval posts a `refund`
ledger transaction (positive: it uses up the credit) in the financial year of the decision.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import RefundMethod, RefundStatus, member
from app.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.ledger.balances import credit_balance_pence
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import LedgerKind
from app.ledger.posting import post
from app.models import Account, RefundRequest
from app.money import fmt
from app.payments.requests import DecideRefund, RequestRefund
from app.requests import handles
from app.rules.apportionment import financial_year_of
from app.users.roles import Actor, Role

REFUND_METHODS: tuple[str, ...] = tuple(m.value for m in RefundMethod)  # plain text: offered in forms
STATUSES: tuple[str, ...] = tuple(s.value for s in RefundStatus)
# Waiting to be posted to the ledger: their amounts are claimed from the credit.
PENDING = (RefundStatus.REQUESTED, RefundStatus.APPROVED)


@dataclass(frozen=True)
class RefundView(JsonView):
    refund_id: uuid.UUID
    account_ref: str
    amount_pence: int
    payee: str
    method: str
    reason: str
    status: str
    requested_by: str
    requested_on: date
    decided_by: str | None
    decided_on: date | None
    decision_note: str
    ledger_transaction_id: uuid.UUID | None
    version: int  # pass back as `expected_version` so a stale dialog gets a Conflict


def _view(refund: RefundRequest, account_ref: str) -> RefundView:
    return RefundView(
        refund_id=refund.id, account_ref=account_ref, amount_pence=refund.amount_pence, payee=refund.payee,
        method=refund.method, reason=refund.reason, status=refund.status, requested_by=refund.requested_by,
        requested_on=refund.requested_on, decided_by=refund.decided_by, decided_on=refund.decided_on,
        decision_note=refund.decision_note, ledger_transaction_id=refund.ledger_transaction_id, version=refund.version,
    )


def _snapshot(refund: RefundRequest) -> dict[str, Any]:
    return {
        "status": refund.status, "amount_pence": refund.amount_pence, "payee": refund.payee, "method": refund.method,
        "decided_by": refund.decided_by, "decision_note": refund.decision_note,
    }


def pending_refunds_pence(uow: UnitOfWork, account_id: uuid.UUID, *, excluding: uuid.UUID | None = None) -> int:
    """What refund requests not yet posted to the ledger claim of the account's credit."""
    query = select(func.coalesce(func.sum(RefundRequest.amount_pence), 0)).where(
        RefundRequest.account_id == account_id,
        RefundRequest.status.in_(PENDING),
        RefundRequest.ledger_transaction_id.is_(None),
    )
    if excluding is not None:
        query = query.where(RefundRequest.id != excluding)
    return int(uow.session.scalar(query) or 0)


def refundable_credit_pence(uow: UnitOfWork, account_id: uuid.UUID, *, excluding: uuid.UUID | None = None) -> int:
    """Credit balance less other refunds waiting for a decision (never below zero)."""
    return max(0, credit_balance_pence(uow, account_id) - pending_refunds_pence(uow, account_id, excluding=excluding))


def _check_amount(uow: UnitOfWork, account_id: uuid.UUID, amount_pence: int, *, excluding: uuid.UUID | None = None) -> None:
    if amount_pence <= 0:
        raise ValidationError("The refund amount must be more than £0.00.", field="amount")
    credit = credit_balance_pence(uow, account_id)
    pending = pending_refunds_pence(uow, account_id, excluding=excluding)
    available = max(0, credit - pending)
    if amount_pence > available:
        waiting = f" ({fmt(pending)} of it is already in other refund requests)" if pending else ""
        raise ValidationError(
            f"The refund of {fmt(amount_pence)} is more than the credit available to refund, {fmt(available)}: "
            f"the account's credit is {fmt(credit)}{waiting}.", field="amount",
        )


@handles(RequestRefund, role=Role.OFFICER, action="request refunds")
def request_refund(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, amount_pence: int, payee: str, method: str, reason: str,
    as_of: date,
) -> RefundView:
    """An officer asks for (part of) a credit balance to be refunded. Nothing is written on bad input."""
    account_id = get_account_id(uow, account_ref)
    payee = clean_text(payee, field="payee", label="the payee (who the refund is paid to)", max_length=120)
    paid_by = member(RefundMethod, method.strip().lower())
    if paid_by is None:
        raise ValidationError(f"'{method.strip().lower()}' is not a refund method ({', '.join(REFUND_METHODS)}).",
                              field="method")
    reason = clean_text(reason, field="reason", label="the reason for the refund", max_length=500)
    # Under the account lock, a request made at the same moment is counted in what is pending:
    # two requests can never together claim more than the credit.
    lock_account(uow, account_id)
    _check_amount(uow, account_id, amount_pence)
    refund = RefundRequest(
        account_id=account_id, amount_pence=amount_pence, payee=payee, method=paid_by, reason=reason,
        status=RefundStatus.REQUESTED, requested_by=actor.username, requested_on=as_of,
    )
    uow.session.add(refund)
    uow.session.flush()
    audit(uow, actor.username, "refund.requested", "refund_request", refund.id, account_id=account_id,
          after={**_snapshot(refund), "reason": reason, "requested_on": as_of.isoformat()})
    view = _view(refund, account_ref.strip())
    with saving(uow, "The refund request"):
        uow.commit()
    return view


@handles(DecideRefund, role=Role.TEAM_LEADER, action="decide refunds")
def decide_refund(
    uow: UnitOfWork, actor: Actor, *, refund_id: uuid.UUID, approve: bool, note: str, as_of: date,
    expected_version: int | None = None,
) -> RefundView:
    """A team leader (never the requester) approves or rejects a requested refund.

    Approval re-checks the credit and posts the `refund` ledger transaction. Give
    `expected_version` (from the RefundView the decision was made on) to be told when
    someone else changed the request in the meantime.
    """
    refund = uow.session.get(RefundRequest, refund_id)
    if refund is None:
        raise NotFound(f"There is no refund request {refund_id}.")
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == refund.account_id)) or ""
    if expected_version is not None and refund.version != expected_version:
        raise Conflict(
            f"The refund request for account {account_ref} was changed by someone else since you opened it "
            f"(it is now {refund.status}); reload it and try again."
        )
    if refund.status != RefundStatus.REQUESTED:
        by = f" by {refund.decided_by}" if refund.decided_by else ""
        on = f" on {refund.decided_on:%d/%m/%Y}" if refund.decided_on else ""
        raise Conflict(f"The refund request for account {account_ref} was already {refund.status}{by}{on}.")
    if approve and refund.requested_by == actor.username:
        raise NotAllowed(
            f"{actor.username} requested this refund and so cannot approve it: "
            "a refund needs a second person (another team leader) to approve it."
        )
    note = clean_text(note, field="note", label="a note saying why the refund is rejected", max_length=500, required=not approve)
    before = _snapshot(refund)
    if approve:
        lock_account(uow, refund.account_id)
        _check_amount(uow, refund.account_id, refund.amount_pence, excluding=refund.id)
        [txn] = post(uow, [LedgerEntry(
            account_id=refund.account_id, financial_year=financial_year_of(as_of), kind=LedgerKind.REFUND,
            amount_pence=refund.amount_pence, posted_on=as_of, reference=f"RF-{refund.id.hex}",
            description=f"Refund to {refund.payee} ({refund.method})"[:200],
        )], created_by=actor.username)
        uow.session.flush()
        refund.ledger_transaction_id = txn.id
    refund.status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
    refund.decided_by = actor.username
    refund.decided_on = as_of
    refund.decision_note = note
    what = f"The refund request for account {account_ref}"
    with saving(uow, what):
        uow.session.flush()
    audit(uow, actor.username, "refund.approved" if approve else "refund.rejected", "refund_request", refund.id,
          account_id=refund.account_id, before=before,
          after={**_snapshot(refund), "decided_on": as_of.isoformat(),
                 "ledger_transaction_id": str(refund.ledger_transaction_id) if refund.ledger_transaction_id else None})
    view = _view(refund, account_ref)
    with saving(uow, what):
        uow.commit()
    return view


def list_refunds(uow: UnitOfWork, *, status: str | None = None, account_ref: str | None = None) -> list[RefundView]:
    """Refund requests, oldest first (the team leader's queue is `status="requested"`)."""
    query = select(RefundRequest, Account.account_ref).join(Account, Account.id == RefundRequest.account_id)
    if status is not None:
        wanted = member(RefundStatus, status)
        if wanted is None:
            raise ValidationError(f"'{status}' is not a refund status ({', '.join(STATUSES)}).", field="status")
        query = query.where(RefundRequest.status == wanted)
    if account_ref is not None:
        query = query.where(RefundRequest.account_id == get_account_id(uow, account_ref))
    rows = uow.session.execute(query.order_by(RefundRequest.requested_on, RefundRequest.created_at)).all()
    return [_view(refund, ref) for refund, ref in rows]
