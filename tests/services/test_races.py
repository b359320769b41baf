"""Officers acting on one account at the same moment (issue 14, part 3), on SQLite and PostgreSQL.

Each race runs ITERATIONS times. Two threads, each with its own engine (its own
connections), are released together by a `threading.Barrier` and call the use case through
its unit of work; what each returned or raised is then checked:

* two payments to one account, or a payment file and a payment: allocated exactly as if
  posted one after the other (the account lock, app.adapters.locks);
* two arrangements: exactly one live, with one hold and one letter; the other is one
  sentence (a Conflict), with or without the lock (the partial unique index of 0013);
* two liability changes: one saved, the other the one `Conflict` ("changed by someone
  else"), never SQLAlchemy's StaleDataError;
* two refund requests: together never more than the credit;
* two desktops syncing the diary codes at start-up: both start, the codes are added once.

SQLite has one writer, so there the second waits for the first (the lock is BEGIN
IMMEDIATE): the same outcomes are checked on both databases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, literal_column, select
from sqlalchemy.exc import IntegrityError

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.csv_files import ImportSummary
from app.billing import liability_changes as liability
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext
from app.casework.diary_codes import SyncResult, sync_diary_codes
from app.db import Database, make_database
from app.errors import Conflict, ValidationError
from app.ledger.balances import credit_balance_pence, year_balances
from app.models import Arrangement, AuditEvent, DiaryCode, Document, Hold, LiabilityPeriod, Payment, RefundRequest
from app.payments import imports as payment_imports
from app.payments import posting, refunds
from app.payments.posting import PaymentResult, allocate_payment
from app.recovery.arrangements import agreements
from app.recovery.arrangements.views import ArrangementView
from app.settings import DiaryCodeSettings
from tests.services.helpers import load_examples, write_csv
from tests.services.money_helpers import OFFICER, post_charge
from tests.services.money_helpers import count_rows as count

ITERATIONS = 10
WAIT = 20  # seconds a thread waits at a barrier before the test fails rather than hangs
Outcome = Any  # what a call returned, or the exception it raised


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    return ctx


@pytest.fixture
def engines(ctx: AppContext) -> Iterator[tuple[Database, Database]]:
    """Two engines on the test's database: the two officers' desktops."""
    pair = (make_database(ctx.db.url), make_database(ctx.db.url))
    try:
        yield pair
    finally:
        for db in pair:
            db.dispose()


def race(engines: tuple[Database, Database], *calls: Callable[[Database], Outcome]) -> list[Outcome]:
    """Run the calls on their own threads and engines, released together; each one's result
    or the exception it raised, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[Outcome] = [None] * len(calls)

    def run(i: int, call: Callable[[Database], Outcome]) -> None:
        try:
            start.wait(WAIT)
            outcomes[i] = call(engines[i])
        except BaseException as exc:  # handed to the test to judge
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    return outcomes


def split(outcomes: list[Outcome], kind: type) -> tuple[list[Outcome], list[BaseException]]:
    """(the results of type `kind`, the exceptions); anything else fails the test at once."""
    done = [o for o in outcomes if isinstance(o, kind)]
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(done) + len(failed) == len(outcomes), outcomes
    return done, failed


def pay(ref: str, received: date, reference: str) -> Callable[[Database], Outcome]:
    """An officer posting £200 cash to `ref`, in a unit of work of its own on the engine given."""
    def call(db: Database) -> PaymentResult:
        with db.uow() as uow:
            return posting.post_payment(uow, OFFICER, account_ref=ref, amount_pence=20000, received_on=received,
                                        method="cash", reference=reference, as_of=date(2025, 6, 30))
    return call


# --- payments ---------------------------------------------------------------------------------------

def test_two_payments_at_once_are_allocated_as_if_one_after_the_other(
    loaded: AppContext, engines: tuple[Database, Database],
) -> None:
    ref, received = "70000003", date(2025, 6, 1)

    for i in range(ITERATIONS):
        post_charge(loaded, ref, 2024, 30000)  # each time: the oldest year owes more than one payment
        post_charge(loaded, ref, 2025, 30000)
        before = owed_by_year(loaded, ref)
        expected = dict(before)
        allocate_payment(expected, 20000, received)  # one after the other
        allocate_payment(expected, 20000, received)
        done, failed = split(race(engines, pay(ref, received, f"RACE-{i}-A"), pay(ref, received, f"RACE-{i}-B")), PaymentResult)
        assert not failed and len(done) == 2
        assert owed_by_year(loaded, ref) == {y: p for y, p in expected.items() if p}, f"iteration {i}"
        paid = sorted((part.year, part.amount_pence) for r in done for part in r.allocation)
        assert sum(p for _, p in paid) == 40000


def test_a_payment_file_and_a_payment_at_once_are_allocated_as_if_one_after_the_other(
    loaded: AppContext, engines: tuple[Database, Database], tmp_path: Path,
) -> None:
    """The payment file locks its accounts before reading their balances (in key order), so a
    payment an officer posts meanwhile is allocated after the file's, or before it and seen."""
    ref, received = "70000003", date(2025, 6, 1)

    def import_one(path: Path) -> Callable[[Database], Outcome]:
        def call(db: Database) -> ImportSummary:
            with db.uow() as uow:
                return payment_imports.import_payments(uow, OFFICER, path)
        return call

    for i in range(ITERATIONS):
        post_charge(loaded, ref, 2024, 30000)
        post_charge(loaded, ref, 2025, 30000)
        expected = owed_by_year(loaded, ref)
        allocate_payment(expected, 20000, received)
        allocate_payment(expected, 20000, received)
        path = write_csv(tmp_path / f"bank-{i}.csv", f"payment_ref,account_ref,date,amount,method\nFILE-{i},{ref},"
                                                     f"{received.isoformat()},200.00,bank\n")
        outcomes = race(engines, import_one(path), pay(ref, received, f"DESK-{i}"))
        assert isinstance(outcomes[0], ImportSummary) and outcomes[0].imported == 1, outcomes
        assert isinstance(outcomes[1], PaymentResult), outcomes
        assert owed_by_year(loaded, ref) == {y: p for y, p in expected.items() if p}, f"iteration {i}"


def owed_by_year(ctx: AppContext, ref: str) -> dict[int, int]:
    with ctx.db.uow() as uow:
        years = year_balances(uow, [get_account_id(uow, ref)])
    return {y: p for y, p in next(iter(years.values()), {}).items() if p}


# --- arrangements ----------------------------------------------------------------------------------

ARRANGED = "70000005"  # billed 2025/26, nothing paid


@pytest.fixture
def billed(loaded: AppContext) -> AppContext:
    run_annual_billing(loaded.db, loaded.actor, loaded.settings, year=2025, as_of=date(2025, 3, 10))
    return loaded


def agree(settings: Any, as_of: date) -> Callable[[Database], Outcome]:
    def call(db: Database) -> ArrangementView:
        with db.uow() as uow:
            return agreements.create_arrangement(uow, OFFICER, settings, account_ref=ARRANGED, frequency="monthly",
                                                 start=as_of + timedelta(days=5), end=date(2026, 3, 1), as_of=as_of,
                                                 confirm_warnings=True)
    return call


def _arrangement_race(ctx: AppContext, engines: tuple[Database, Database]) -> None:
    """ITERATIONS rounds of two officers agreeing an arrangement on one account at once; the
    live one is cancelled between rounds (a week later each time)."""
    first = date(2025, 5, 20)
    for i in range(ITERATIONS):
        as_of = first + timedelta(days=7 * i)
        if i:
            with ctx.db.uow() as uow:
                agreements.cancel_arrangement(uow, OFFICER, account_ref=ARRANGED, reason="Next round", as_of=as_of)
        letters = count(ctx, Document, Document.kind == "arrangement_confirmation")
        done, failed = split(race(engines, agree(ctx.settings, as_of), agree(ctx.settings, as_of)), ArrangementView)
        assert len(done) == 1 and len(failed) == 1, f"iteration {i}: {failed}"
        assert isinstance(failed[0], Conflict), repr(failed[0])
        assert ("already has a live arrangement" in str(failed[0])
                or str(failed[0]) == "An arrangement was agreed on this account by someone else a moment ago: "
                                      "reload the account.")
        assert count(ctx, Arrangement, Arrangement.status == "live") == 1
        assert count(ctx, Hold, Hold.kind == "arrangement", Hold.end_date.is_(None)) == 1  # one hold, not two
        assert count(ctx, Document, Document.kind == "arrangement_confirmation") == letters + 1  # one letter


def test_two_arrangements_at_once_one_is_live_the_other_told_in_a_sentence(
    billed: AppContext, engines: tuple[Database, Database],
) -> None:
    _arrangement_race(billed, engines)


def test_without_the_lock_the_database_still_keeps_one_arrangement_live(
    billed: AppContext, engines: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The partial unique index (migration 0013) on its own: with the account lock taken
    away, the second arrangement is refused by the database, still as one sentence, and its
    hold and letter are not saved either."""
    monkeypatch.setattr(agreements, "lock_account", lambda uow, account_id: None)
    _arrangement_race(billed, engines)


# --- liability changes -------------------------------------------------------------------------------

def test_two_liability_changes_at_once_one_is_saved_the_other_is_a_conflict(
    billed: AppContext, engines: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both officers have read the account before either saves (a second barrier, inside
    the use case once its period and account are loaded): the second to save is refused
    with the one Conflict, nothing of it written."""
    with billed.db.uow() as uow:
        period_id = uow.session.scalars(
            select(LiabilityPeriod.id).where(LiabilityPeriod.account_id == get_account_id(uow, ARRANGED))
        ).one()
    read = threading.Barrier(2)
    loaded_period = liability._period

    def period_then_wait(uow: Any, pid: Any) -> LiabilityPeriod:
        period = loaded_period(uow, pid)
        read.wait(WAIT)
        return period

    monkeypatch.setattr(liability, "_period", period_then_wait)

    def change(applies: bool) -> Callable[[Database], Outcome]:
        def call(db: Database) -> liability.LiabilityChange:
            with db.uow() as uow:
                return liability.set_disabled_reduction(uow, OFFICER, billed.settings, period_id=period_id,
                                                        applies=applies, as_of=date(2025, 7, 1))
        return call

    for i in range(ITERATIONS):
        applies = i % 2 == 0
        audits = count(billed, AuditEvent, AuditEvent.action == "liability.disabled_reduction")
        done, failed = split(race(engines, change(applies), change(applies)), liability.LiabilityChange)
        assert len(done) == 1 and len(failed) == 1, f"iteration {i}: {failed}"
        assert isinstance(failed[0], Conflict), repr(failed[0])
        assert str(failed[0]) == "The account was changed by someone else since you opened it: reload it and try again."
        assert count(billed, AuditEvent, AuditEvent.action == "liability.disabled_reduction") == audits + 1
        with billed.db.uow() as uow:
            assert uow.session.get_one(LiabilityPeriod, period_id).disabled_reduction is applies


# --- refunds ---------------------------------------------------------------------------------------

def test_two_refund_requests_at_once_never_claim_more_than_the_credit(
    loaded: AppContext, engines: tuple[Database, Database],
) -> None:
    ref, as_of = "70000003", date(2025, 6, 30)

    def ask(db: Database) -> refunds.RefundView:
        with db.uow() as uow:
            return refunds.request_refund(uow, OFFICER, account_ref=ref, amount_pence=6000, payee="A Payer",
                                          method="bank", reason="Overpaid", as_of=as_of)

    for i in range(ITERATIONS):
        with loaded.db.uow() as uow:
            available = refunds.refundable_credit_pence(uow, get_account_id(uow, ref))
        with loaded.db.uow() as uow:  # a credit of £100 to refund, one request of £60 fits, two do not
            posting.post_payment(uow, OFFICER, account_ref=ref, amount_pence=10000 - available, received_on=as_of,
                                 method="cash", reference=f"CREDIT-{i}", as_of=as_of, confirm_credit=True)
        done, failed = split(race(engines, ask, ask), refunds.RefundView)
        assert len(done) == 1 and len(failed) == 1, f"iteration {i}: {failed}"
        assert isinstance(failed[0], ValidationError) and "more than the credit available" in str(failed[0])
        with loaded.db.uow() as uow:
            account_id = get_account_id(uow, ref)
            pending = uow.session.scalar(select(func.sum(RefundRequest.amount_pence)).where(
                RefundRequest.account_id == account_id, RefundRequest.status == "requested"))
            assert refunds.refundable_credit_pence(uow, account_id) == 4000
            assert pending is not None and pending <= credit_balance_pence(uow, account_id)


# --- diary codes at start-up -----------------------------------------------------------------------

def test_two_desktops_syncing_diary_codes_at_once_both_start(ctx: AppContext, engines: tuple[Database, Database]) -> None:
    with ctx.db.uow() as uow:
        sync_diary_codes(uow, ctx.settings)
    for i in range(ITERATIONS):
        code = f"RACE{i}"
        settings = replace(ctx.settings, diary_codes={
            **ctx.settings.diary_codes, code: DiaryCodeSettings(description=f"Round {i}", default_days=i + 1, team="Recovery"),
        })

        synced = count(ctx, AuditEvent, AuditEvent.action == "diary_codes.synced")
        done, failed = split(race(engines, starting_up(settings), starting_up(settings)), SyncResult)
        assert not failed and len(done) == 2
        assert sorted(r.added for r in done) == [[], [code]]  # added once; the other found nothing left to do
        assert count(ctx, AuditEvent, AuditEvent.action == "diary_codes.synced") == synced + 1
        with ctx.db.uow() as uow:
            row = uow.session.get_one(DiaryCode, code)
            assert (row.description, row.default_days, row.active) == (f"Round {i}", i + 1, True)


def starting_up(settings: Any) -> Callable[[Database], Outcome]:
    def call(db: Database) -> SyncResult:
        with db.uow() as uow:
            return sync_diary_codes(uow, settings, "desktop")
    return call


# --- the unit of work -----------------------------------------------------------------------------

def test_the_unit_of_work_turns_lost_races_into_conflict_and_leaves_other_integrity_errors(loaded: AppContext) -> None:
    """A unique key taken first (here a payment reference) is a Conflict however it leaves the
    unit of work; a row a CHECK constraint refuses is a fault, and stays an IntegrityError."""
    with loaded.db.uow() as uow:
        account_id = get_account_id(uow, "70000003")
    row = {"external_ref": "DUP-1", "account_id": account_id, "received_on": date(2025, 6, 1), "amount_pence": 100,
           "method": "cash", "status": "allocated", "created_by": "t"}
    with loaded.db.uow() as uow:
        uow.session.add(Payment(**row))
        uow.commit()
    with pytest.raises(Conflict, match=r"^Payment DUP-1 was saved by someone else at the same moment: reload it"), \
            loaded.db.uow() as uow:
        uow.session.add(Payment(**row))
        uow.commit("Payment DUP-1")
    with pytest.raises(Conflict, match=r"^The record was saved by someone else at the same moment"), loaded.db.uow() as uow:
        uow.session.add(Payment(**row))
        uow.session.scalar(select(func.count()).select_from(Payment))  # the autoflush inside a query loses
    with pytest.raises(IntegrityError, match="ck_payment_status"), loaded.db.uow() as uow:
        uow.session.execute(insert(Payment).values(**{**row, "external_ref": "DUP-2", "status": literal_column("'lost'")}))
        uow.commit()
    with pytest.raises(IntegrityError, match="ck_payment_status"), loaded.db.uow() as uow, saving(uow, "Payment DUP-2"):
        uow.session.execute(insert(Payment).values(**{**row, "external_ref": "DUP-2", "status": literal_column("'lost'")}))
