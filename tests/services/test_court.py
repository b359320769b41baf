"""The hearing list and court outcomes (AER 1992 regs 34-35): who is listed, what they owe now,
liability orders with their costs (once), withdrawals, adjournments, paid before the hearing,
bulk outcomes, and a clear refusal for an account not on the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.court import hearings as court
from app.errors import Conflict, ValidationError
from app.models import AuditEvent, LedgerTransaction, RecoveryEvent
from app.payments import posting as payments
from app.recovery import holds
from tests.services.court_helpers import HEARING, SUMMONS_COSTS, summons
from tests.services.court_venues import with_venues
from tests.services.helpers import load_examples
from tests.services.money_helpers import OFFICER, balance

AS_OF = date(2025, 7, 15)
LO_COSTS = 2000  # tests/examples/settings.toml [costs] liability_order_pence


@pytest.fixture
def listed(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    summons(ctx, "70000003", 2025, 100000)
    summons(ctx, "70000004", 2024, 50000)
    summons(ctx, "70000004", 2025, 0, costs=0)  # a second year for one account, with nothing owed
    return ctx


def outcome(ctx: AppContext, ref: str, result: str, **kw: object) -> court.OutcomeResult:
    with ctx.db.uow() as uow:
        return court.record_outcome(uow, OFFICER, ctx.settings, account_ref=ref, hearing_date=kw.pop("hearing", HEARING),  # type: ignore[arg-type]
                                    outcome=result, as_of=kw.pop("as_of", AS_OF), **kw)  # type: ignore[arg-type]


def listing(ctx: AppContext, hearing: date = HEARING, as_of: date = AS_OF) -> court.HearingList:
    with ctx.db.uow() as uow:
        return court.hearing_list(uow, hearing, as_of)


def test_hearing_list_shows_what_is_owed_now_and_holds(listed: AppContext) -> None:
    with listed.db.uow() as uow:
        payments.post_payment(uow, OFFICER, account_ref="70000003", amount_pence=30000, received_on=date(2025, 7, 1),
                              method="cash", reference="CASH-7", as_of=AS_OF)
    with listed.db.uow() as uow:
        holds.add_hold(uow, OFFICER, listed.settings, account_ref="70000003", kind="dispute", reason="Disputes band",
                       start_date=date(2025, 7, 10), as_of=AS_OF)
    result = listing(listed)
    first = result.entries[0]
    assert [(e.account_ref, e.year) for e in result.entries] == [("70000003", 2025), ("70000004", 2024), ("70000004", 2025)]
    assert (first.name, first.address, first.postcode) == (
        "Mr Kwame Asante", "Flat 2, Harbour View, Quay Street, Exampleton", "EX2 9LL",
    )
    assert (first.summons_amount_pence, first.costs_pence, first.paid_since_summons_pence, first.balance_pence) == (
        108000, SUMMONS_COSTS, 30000, 78000)
    assert [h.kind for h in first.holds] == ["dispute"]
    assert result.accounts == 2
    assert listing(listed, date(2025, 8, 19)).entries == []
    upcoming = court.upcoming_hearings(listed.settings, date(2025, 7, 16))
    assert upcoming == [date(2025, 8, 19), date(2025, 9, 23)]


def test_hearing_list_names_the_venue(listed: AppContext) -> None:
    with listed.db.uow() as uow:
        result = court.hearing_list(uow, HEARING, AS_OF, venue=with_venues(listed.settings).court.venue_for(HEARING))
    assert (result.court, result.hearing_time) == ("Exampleton Magistrates' Court", "10:00am")
    assert result.court_address[-1] == "EX1 2BB" and result.venue_text == "Exampleton Magistrates' Court, 10:00am"
    assert listing(listed).venue_text == ""  # no venue given: nothing made up


def test_granted_records_the_order_and_costs_once(listed: AppContext) -> None:
    result = outcome(listed, "70000003", "granted")
    assert result.recorded and result.years == [2025]
    assert (result.amount_pence, result.costs_posted_pence) == (100000 + SUMMONS_COSTS + LO_COSTS, LO_COSTS)
    again = outcome(listed, "70000003", "granted")
    assert not again.recorded and "already recorded" in again.message
    with listed.db.uow() as uow:
        account_id = get_account_id(uow, "70000003")
        costs = uow.session.scalars(select(LedgerTransaction).where(
            LedgerTransaction.account_id == account_id, LedgerTransaction.reference == "LO-2025")).all()
        order = uow.session.scalars(select(RecoveryEvent).where(
            RecoveryEvent.account_id == account_id, RecoveryEvent.stage == "liability_order")).one()
        audited = uow.session.scalars(select(AuditEvent).where(AuditEvent.entity_id == order.id)).one()
    assert [(c.kind, c.amount_pence, c.posted_on) for c in costs] == [("costs", LO_COSTS, HEARING)]
    assert (order.hearing_date, order.amount_pence) == (HEARING, 110000)
    assert audited.action == "court.granted"
    assert "70000003" not in {e.account_ref for e in listing(listed).entries}
    with pytest.raises(Conflict, match="already has the outcome 'granted'"):
        outcome(listed, "70000003", "withdrawn")


def test_an_account_not_on_the_list_is_refused_naming_the_field(listed: AppContext) -> None:
    with pytest.raises(ValidationError, match="70000001 is not on the list for the hearing on 15/07/2025") as err:
        outcome(listed, "70000001", "granted")
    assert err.value.field == "account_ref"
    with pytest.raises(ValidationError) as err:
        outcome(listed, "70000003", "granted", hearing=date(2025, 8, 19))
    assert err.value.field == "account_ref"
    with pytest.raises(ValidationError) as err:
        outcome(listed, "99999999", "granted")
    assert err.value.field == "account_ref"


def test_adjourned_moves_the_account_to_the_new_list(listed: AppContext) -> None:
    with pytest.raises(ValidationError) as err:
        outcome(listed, "70000003", "adjourned")
    assert err.value.field == "adjourned_to"
    result = outcome(listed, "70000003", "adjourned", adjourned_to=date(2025, 8, 19))
    assert result.recorded and result.adjourned_to == date(2025, 8, 19)
    assert not outcome(listed, "70000003", "adjourned", adjourned_to=date(2025, 8, 19)).recorded
    assert "70000003" not in {e.account_ref for e in listing(listed).entries}
    moved = listing(listed, date(2025, 8, 19))
    assert [(e.account_ref, e.adjourned_from, e.summons_date) for e in moved.entries] == [
        ("70000003", HEARING, date(2025, 6, 20))]
    granted = outcome(listed, "70000003", "granted", hearing=date(2025, 8, 19), as_of=date(2025, 8, 19))
    assert granted.recorded


def test_withdrawn_may_withdraw_the_summons_costs_by_a_new_row(listed: AppContext) -> None:
    before = balance(listed, "70000003")
    result = outcome(listed, "70000003", "withdrawn", withdraw_costs=True, note="Liability in dispute")
    assert result.costs_posted_pence == -SUMMONS_COSTS
    assert balance(listed, "70000003") == before - SUMMONS_COSTS
    with listed.db.uow() as uow:
        rows = uow.session.scalars(select(LedgerTransaction.amount_pence).where(
            LedgerTransaction.kind == "costs", LedgerTransaction.account_id == get_account_id(uow, "70000003"))).all()
    assert sorted(rows) == [-SUMMONS_COSTS, SUMMONS_COSTS]  # the original row is untouched


def test_paid_before_hearing_only_when_paid(listed: AppContext) -> None:
    with pytest.raises(ValidationError, match="still owes") as err:
        outcome(listed, "70000003", "paid")
    assert err.value.field == "outcome"
    with listed.db.uow() as uow:
        payments.post_payment(uow, OFFICER, account_ref="70000003", amount_pence=108000, received_on=date(2025, 7, 14),
                              method="card", reference="CARD-1", as_of=AS_OF)
    with pytest.raises(ValidationError, match="owes nothing"):
        outcome(listed, "70000003", "granted")
    assert outcome(listed, "70000003", "paid").recorded


def test_granted_is_refused_while_on_hold(listed: AppContext) -> None:
    with listed.db.uow() as uow:
        holds.add_hold(uow, OFFICER, listed.settings, account_ref="70000003", kind="breathing_space", reason="Adviser",
                       start_date=date(2025, 7, 1), as_of=AS_OF)
    with pytest.raises(Conflict, match="on hold"):
        outcome(listed, "70000003", "granted")


def test_bulk_outcome_records_each_and_reports_the_rest(listed: AppContext) -> None:
    result = court.record_outcomes(listed.db, OFFICER, listed.settings, hearing_date=HEARING, outcome="granted",
                                   as_of=AS_OF)
    assert (result.recorded, result.skipped) == (1, 0)
    assert [e.account_ref for e in result.errors] == ["70000004"]  # 2025/26 owes nothing: refused, nothing written for it
    assert "owes nothing" in result.errors[0].message
    again = court.record_outcomes(listed.db, OFFICER, listed.settings, hearing_date=HEARING, outcome="granted",
                                  account_refs=["70000003", "70000001"], as_of=AS_OF)
    with listed.db.uow() as uow:
        orders = uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.stage == "liability_order")).all()
    assert (again.recorded, again.skipped, [e.account_ref for e in again.errors]) == (0, 1, ["70000001"])
    assert len(orders) == 1
    assert replace(result, results=[]).to_json()["errors"][0]["account_ref"] == "70000004"
