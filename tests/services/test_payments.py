"""Payment posting and suspense: oldest debt first across years, overpayments left as a
credit, suspense items allocated once, everything audited, nothing written on bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import credit_balance_pence
from app.models import AuditEvent, LedgerTransaction, Payment
from app.payments import posting as payments
from app.payments.posting import AllocationPart
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER, balance, count_rows, post_charge

AS_OF = date(2025, 6, 30)


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


def post(ctx: AppContext, **kw: object) -> payments.PaymentResult:
    values: dict[str, object] = {
        "account_ref": "70000003", "amount_pence": 50000, "received_on": date(2025, 6, 1), "method": "cash",
        "reference": "CASH-0001", "as_of": AS_OF,
    }
    values.update(kw)
    with ctx.db.uow() as uow:
        return payments.post_payment(uow, OFFICER, **values)  # type: ignore[arg-type]


def test_payment_pays_the_oldest_year_first(loaded: AppContext) -> None:
    post_charge(loaded, "70000003", 2024, 30000)
    post_charge(loaded, "70000003", 2025, 120000)
    result = post(loaded)
    assert result.allocation == [AllocationPart(2024, 30000), AllocationPart(2025, 20000)]
    assert (result.status, result.balance_pence) == ("allocated", 100000)
    with loaded.db.uow() as uow:
        rows = uow.session.scalars(
            select(LedgerTransaction).where(LedgerTransaction.reference == "CASH-0001").order_by(LedgerTransaction.financial_year)
        ).all()
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == result.payment_id)).one()
        allocations = payments.payment_allocations(uow, get_account_id(uow, "70000003"))
    assert [(r.financial_year, r.kind, r.amount_pence, r.posted_on) for r in rows] == [
        (2024, "payment", -30000, date(2025, 6, 1)), (2025, "payment", -20000, date(2025, 6, 1)),
    ]
    assert all(r.payment_id == result.payment_id and r.created_by == "olivia" for r in rows)
    assert event.action == "payment.posted" and event.username == "olivia"
    assert event.after is not None and event.after["allocation"] == [
        {"year": 2024, "amount_pence": 30000}, {"year": 2025, "amount_pence": 20000},
    ]
    assert [(a.payment_ref, a.parts, a.reversed_pence) for a in allocations] == [
        ("CASH-0001", [AllocationPart(2024, 30000), AllocationPart(2025, 20000)], 0),
    ]


def test_a_second_payment_sees_what_the_first_paid(loaded: AppContext) -> None:
    post_charge(loaded, "70000003", 2024, 30000)
    post_charge(loaded, "70000003", 2025, 120000)
    post(loaded, amount_pence=20000, reference="A")
    second = post(loaded, amount_pence=20000, reference="B")
    assert second.allocation == [AllocationPart(2024, 10000), AllocationPart(2025, 10000)]


def test_overpayment_is_left_as_a_credit_in_the_year_received(loaded: AppContext) -> None:
    post_charge(loaded, "70000003", 2024, 10000)
    before = count_rows(loaded, LedgerTransaction), count_rows(loaded, Payment), count_rows(loaded, AuditEvent)
    with pytest.raises(payments.CreditNotConfirmed) as refused:
        post(loaded, amount_pence=25000)
    assert str(refused.value) == (
        "The payment of £250.00 to account 70000003 is £150.00 more than the £100.00 owed now: the account would be "
        "£150.00 in credit; check the amount, and confirm it if it is right."
    )
    assert refused.value.field == "amount"
    after = count_rows(loaded, LedgerTransaction), count_rows(loaded, Payment), count_rows(loaded, AuditEvent)
    assert after == before  # nothing half-written
    result = post(loaded, amount_pence=25000, confirm_credit=True)
    assert result.allocation == [AllocationPart(2024, 10000), AllocationPart(2025, 15000)]
    assert result.balance_pence == -15000
    with loaded.db.uow() as uow:
        assert credit_balance_pence(uow, get_account_id(uow, "70000003")) == 15000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_pence": 0}, "amount"),
        ({"amount_pence": -500}, "amount"),
        ({"method": "bitcoin"}, "method"),
        ({"received_on": date(2025, 7, 1)}, "received_on"),
        ({"reference": "  "}, "reference"),
        ({"reference": "X" * 61}, "reference"),
        ({"reference": "BK-20250401-0001"}, "reference"),  # already imported
    ],
)
def test_bad_payment_is_refused_naming_the_field_and_nothing_written(
    loaded: AppContext, change: dict[str, object], field: str
) -> None:
    before = (count_rows(loaded, Payment), count_rows(loaded, LedgerTransaction), count_rows(loaded, AuditEvent))
    with pytest.raises(ValidationError) as err:
        post(loaded, **change)
    assert err.value.field == field
    assert (count_rows(loaded, Payment), count_rows(loaded, LedgerTransaction), count_rows(loaded, AuditEvent)) == before


def test_duplicate_reference_names_the_earlier_payment(loaded: AppContext) -> None:
    with pytest.raises(ValidationError, match=r"already used .*£123.00 received on 01/04/2025"):
        post(loaded, reference="BK-20250401-0001")


def test_unknown_account_is_not_found(loaded: AppContext) -> None:
    with pytest.raises(NotFound, match="70000099"):
        post(loaded, account_ref="70000099")


def test_suspense_item_is_allocated_once(loaded: AppContext) -> None:
    post_charge(loaded, "70000003", 2025, 3000)
    with loaded.db.uow() as uow:
        items = payments.list_suspense(uow)
    assert [(i.payment_ref, i.account_ref_given, i.amount_pence) for i in items] == [("BK-20250410-0003", "70000009", 5000)]
    with loaded.db.uow() as uow:
        result = payments.allocate_suspense(uow, OFFICER, payment_ref="BK-20250410-0003", account_ref="70000003", as_of=AS_OF)
    assert (result.status, result.allocation, result.balance_pence) == ("allocated", [AllocationPart(2025, 5000)], -2000)
    with loaded.db.uow() as uow:
        assert payments.list_suspense(uow) == []
        payment = uow.session.scalars(select(Payment).where(Payment.external_ref == "BK-20250410-0003")).one()
        assert payment.account_id == get_account_id(uow, "70000003") and payment.status == "allocated"
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.suspense_allocated")).one()
        assert event.before == {"status": "suspense", "account_ref_given": "70000009"}
        assert event.after is not None and event.after["account_ref"] == "70000003"
    ledger_rows = count_rows(loaded, LedgerTransaction)
    with loaded.db.uow() as uow, pytest.raises(Conflict, match=r"not in suspense.*70000003"):
        payments.allocate_suspense(uow, OFFICER, payment_ref="BK-20250410-0003", account_ref="70000004", as_of=AS_OF)
    assert count_rows(loaded, LedgerTransaction) == ledger_rows
    assert balance(loaded, "70000004") == -100000


def test_allocating_an_unknown_payment_is_not_found(loaded: AppContext) -> None:
    with loaded.db.uow() as uow, pytest.raises(NotFound):
        payments.allocate_suspense(uow, OFFICER, payment_ref="NOPE", account_ref="70000003", as_of=AS_OF)


def test_import_and_manual_posting_allocate_alike(loaded: AppContext) -> None:
    """The CSV import goes through the same allocation: 70000004's £1,000 sits as a 2025 credit."""
    with loaded.db.uow() as uow:
        allocations = payments.payment_allocations(uow, get_account_id(uow, "70000004"))
    assert [(a.payment_ref, a.method, a.parts) for a in allocations] == [
        ("BK-20250403-0011", "card", [AllocationPart(2025, 100000)]),
    ]


def test_a_payment_towards_next_years_bill_needs_confirming_and_is_not_owed_now(loaded: AppContext) -> None:
    """Issue 16: on 15 March 2026 the 2026/27 bill (issued 10 March) is not owed yet; a payment
    of more than the 2025/26 debt says the rest goes to bills not yet due, and once confirmed
    the result names what is owed now and what is left of the later bill apart."""
    post_charge(loaded, "70000003", 2025, 10000)
    post_charge(loaded, "70000003", 2026, 50000)
    march = date(2026, 3, 15)
    with pytest.raises(payments.CreditNotConfirmed) as refused:
        post(loaded, amount_pence=30000, received_on=march, as_of=march)
    assert str(refused.value) == (
        "The payment of £300.00 to account 70000003 is £200.00 more than the £100.00 owed now: £200.00 would go to "
        "bills not yet due; check the amount, and confirm it if it is right."
    )
    result = post(loaded, amount_pence=30000, received_on=march, as_of=march, confirm_credit=True)
    assert result.allocation == [AllocationPart(2025, 10000), AllocationPart(2026, 20000)]
    assert (result.balance_pence, result.later_bills_pence) == (0, 30000)
