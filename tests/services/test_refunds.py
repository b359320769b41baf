"""Refunds of credit balances: never more than the credit, two people (the requester never
approves), the credit re-checked at approval, a ledger refund and audit on approval, and a
clear Conflict when two team leaders decide at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import AppContext
from app.errors import Conflict, NotAllowed, ValidationError
from app.models import AuditEvent, LedgerTransaction, RefundRequest
from app.payments import refunds
from app.payments.refunds import RefundView
from app.users.roles import Actor
from tests.services.helpers import load_examples
from tests.services.money_helpers import LEADER, LEADER_2, OFFICER, balance, count_rows, post_charge

AS_OF = date(2025, 6, 30)
ACCOUNT = "70000004"  # paid £1,000.00 by card on 3 April 2025 with nothing billed: £1,000 in credit


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def request(ctx: AppContext, amount: int, actor: Actor = OFFICER, **kw: str) -> RefundView:
    with ctx.db.uow() as uow:
        return refunds.request_refund(
            uow, actor, account_ref=kw.get("account_ref", ACCOUNT), amount_pence=amount,
            payee=kw.get("payee", "Margaret Doyle"), method=kw.get("method", "bank"),
            reason=kw.get("reason", "Overpaid by card"), as_of=AS_OF,
        )


def decide(ctx: AppContext, view: RefundView, actor: Actor, approve: bool = True, **kw: object) -> RefundView:
    with ctx.db.uow() as uow:
        return refunds.decide_refund(
            uow, actor, refund_id=view.refund_id, approve=approve, note=str(kw.pop("note", "Checked the bank statement")),
            as_of=date(2025, 7, 2), **kw,  # type: ignore[arg-type]
        )


def test_refund_larger_than_the_credit_is_refused_and_nothing_written(loaded: AppContext) -> None:
    audits = count_rows(loaded, AuditEvent)
    with pytest.raises(ValidationError, match=r"£1,000\.01 is more than the credit available to refund, £1,000\.00") as err:
        request(loaded, 100001)
    assert err.value.field == "amount"
    assert count_rows(loaded, RefundRequest) == 0 and count_rows(loaded, AuditEvent) == audits


def test_an_account_that_owes_money_has_nothing_to_refund(loaded: AppContext) -> None:
    with pytest.raises(ValidationError, match=r"£0\.00") as err:
        request(loaded, 100, account_ref="70000003")
    assert err.value.field == "amount"


@pytest.mark.parametrize(
    ("amount", "change", "field"),
    [(0, {}, "amount"), (-100, {}, "amount"), (100, {"payee": " "}, "payee"), (100, {"method": "cash"}, "method"),
     (100, {"reason": ""}, "reason")],
)
def test_bad_request_names_the_field(loaded: AppContext, amount: int, change: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        request(loaded, amount, **change)
    assert err.value.field == field
    assert count_rows(loaded, RefundRequest) == 0


def test_requests_waiting_for_a_decision_use_up_the_credit(loaded: AppContext) -> None:
    request(loaded, 60000)
    with pytest.raises(
        ValidationError, match=r"available to refund, £400\.00.*£600\.00 of it is already in other refund requests"
    ) as err:
        request(loaded, 50000)
    assert err.value.field == "amount"
    assert request(loaded, 40000).status == "requested"


def test_request_is_audited(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    assert (view.status, view.requested_by, view.requested_on, view.amount_pence) == ("requested", "olivia", AS_OF, 25000)
    with loaded.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "refund.requested")).one()
    assert event.entity_id == view.refund_id and event.after is not None and event.after["amount_pence"] == 25000


def test_requester_may_not_approve_their_own_refund(loaded: AppContext) -> None:
    view = request(loaded, 25000, actor=LEADER)
    with pytest.raises(NotAllowed, match="tom requested this refund and so cannot approve it"):
        decide(loaded, view, LEADER)
    assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "refund") == 0
    assert decide(loaded, view, LEADER_2).status == "approved"


def test_an_officer_cannot_decide_refunds(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    with pytest.raises(NotAllowed, match="needs the team leader role"):
        decide(loaded, view, Actor("oscar", OFFICER.role))


def test_approval_posts_the_refund_and_audits_before_and_after(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    approved = decide(loaded, view, LEADER)
    assert (approved.status, approved.decided_by, approved.decided_on) == ("approved", "tom", date(2025, 7, 2))
    assert approved.decision_note == "Checked the bank statement"
    assert balance(loaded, ACCOUNT) == -75000
    with loaded.db.uow() as uow:
        txn = uow.session.get(LedgerTransaction, approved.ledger_transaction_id)
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "refund.approved")).one()
    assert txn is not None
    assert (txn.kind, txn.amount_pence, txn.financial_year, txn.posted_on, txn.created_by) == (
        "refund", 25000, 2025, date(2025, 7, 2), "tom",
    )
    assert event.username == "tom" and event.entity_id == view.refund_id
    assert event.before is not None and event.before["status"] == "requested"
    assert event.after is not None and event.after["status"] == "approved"
    assert event.after["ledger_transaction_id"] == str(txn.id)
    # the refunded credit is gone: only £750 is left to refund
    with pytest.raises(ValidationError, match=r"£750\.00"):
        request(loaded, 75001)


def test_rejection_records_the_note_and_posts_nothing(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    with pytest.raises(ValidationError) as err:
        decide(loaded, view, LEADER, approve=False, note="")
    assert err.value.field == "note"
    rejected = decide(loaded, view, LEADER, approve=False, note="Payee is not the account holder")
    assert (rejected.status, rejected.decision_note, rejected.ledger_transaction_id) == (
        "rejected", "Payee is not the account holder", None,
    )
    assert balance(loaded, ACCOUNT) == -100000
    assert count_rows(loaded, AuditEvent, AuditEvent.action == "refund.rejected") == 1
    assert request(loaded, 100000).status == "requested"  # a rejected request no longer holds the credit


def test_credit_is_checked_again_at_approval(loaded: AppContext) -> None:
    view = request(loaded, 60000)
    post_charge(loaded, ACCOUNT, 2025, 50000)  # rebilled after the request: £500 credit left
    with pytest.raises(ValidationError, match=r"£600\.00 is more than the credit available to refund, £500\.00") as err:
        decide(loaded, view, LEADER)
    assert err.value.field == "amount"
    assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "refund") == 0
    with loaded.db.uow() as uow:
        assert refunds.list_refunds(uow, status="requested")[0].status == "requested"


def test_a_decided_refund_cannot_be_decided_again(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    decide(loaded, view, LEADER)
    with pytest.raises(Conflict, match="already approved by tom on 02/07/2025"):
        decide(loaded, view, LEADER_2, approve=False, note="No")


def test_stale_decision_is_a_conflict(loaded: AppContext) -> None:
    view = request(loaded, 25000)
    decide(loaded, view, LEADER, expected_version=view.version)
    with pytest.raises(Conflict, match="changed by someone else"):
        decide(loaded, view, LEADER_2, expected_version=view.version)


def test_two_team_leaders_deciding_at_once(loaded: AppContext) -> None:
    """The second leader's session loaded the request before the first committed."""
    view = request(loaded, 25000)
    with loaded.db.uow() as slow:
        opened = slow.session.get(RefundRequest, view.refund_id)  # held: the identity map keeps it, soon stale
        assert opened is not None and opened.status == "requested"
        slow.session.commit()  # end the read transaction, as a dialog left open would
        decide(loaded, view, LEADER)
        with pytest.raises(Conflict, match="changed by someone else"):
            refunds.decide_refund(slow, LEADER_2, refund_id=view.refund_id, approve=True, note="ok", as_of=AS_OF)
    assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "refund") == 1
    assert balance(loaded, ACCOUNT) == -75000


def test_list_refunds_filters(loaded: AppContext) -> None:
    first = request(loaded, 10000)
    request(loaded, 20000, account_ref=ACCOUNT)
    decide(loaded, first, LEADER)
    with loaded.db.uow() as uow:
        assert [v.amount_pence for v in refunds.list_refunds(uow)] == [10000, 20000]
        assert [v.amount_pence for v in refunds.list_refunds(uow, status="requested")] == [20000]
        assert [v.status for v in refunds.list_refunds(uow, account_ref=ACCOUNT, status="approved")] == ["approved"]
        assert refunds.list_refunds(uow, account_ref="70000001") == []
        with pytest.raises(ValidationError):
            refunds.list_refunds(uow, status="lost")
