"""Direct Debit: mandates, an idempotent collection file, posting collections once, and
ARUDD returns that reverse the payment, end a dead instruction and put the account back
into recovery."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.summary import account_summary, get_account_id
from app.adapters.csv_files import CsvFileError
from app.bootstrap import AppContext
from app.errors import Conflict, NotFound, ValidationError
from app.models import (
    Account,
    AuditEvent,
    DirectDebitCollection,
    DirectDebitMandate,
    LedgerTransaction,
    Payment,
    RecoveryEvent,
)
from app.payments import direct_debit as dd
from app.payments import posting as payments
from tests.services.helpers import load_examples, write_csv
from tests.services.money_helpers import OFFICER, add_plan, balance, count_rows

JUNE = date(2025, 6, 1)
RETURNS_HEADER = "mandate_reference,due_date,amount,reason_code,reason\n"


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    """70000001 pays by DD: a 2025 charge of £1,230 in 10 x £123 from 1 April; April and May paid."""
    load_examples(ctx, examples)
    add_plan(ctx, "70000001", 2025, 123000, date(2025, 4, 1))
    return ctx


def mandate(ctx: AppContext, ref: str = "70000001", **kw: object) -> dd.MandateView:
    values: dict[str, object] = {
        "account_holder": "D Hughes", "sort_code": "20-00-00", "bank_account_number": "55779911",
        "start_date": date(2025, 5, 15),
    }
    values.update(kw)
    with ctx.db.uow() as uow:
        return dd.set_up_mandate(uow, OFFICER, account_ref=ref, **values)  # type: ignore[arg-type]


def collect(ctx: AppContext, out: Path, day: date = JUNE) -> dd.CollectionFileResult:
    with ctx.db.uow() as uow:
        return dd.generate_collection_file(uow, OFFICER, collection_date=day, out_path=out, as_of=date(2025, 5, 20))


def post_collections(ctx: AppContext, as_of: date = JUNE) -> int:
    with ctx.db.uow() as uow:
        return dd.post_collections(uow, OFFICER, as_of=as_of)


def returns(ctx: AppContext, path: Path, **kw: bool) -> dd.ReturnsSummary:
    with ctx.db.uow() as uow:
        return dd.import_returns(uow, OFFICER, path, as_of=date(2025, 6, 6), **kw)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def payment_method(ctx: AppContext, ref: str) -> str:
    with ctx.db.uow() as uow:
        return uow.session.scalars(select(Account.payment_method).where(Account.account_ref == ref)).one()


# --- mandates ------------------------------------------------------------------------

def test_mandate_is_set_up_on_the_account(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        uow.session.execute(Account.__table__.update().where(Account.account_ref == "70000001").values(payment_method="cash"))
        uow.commit()
    view = mandate(loaded)
    assert (view.reference, view.sort_code, view.bank_account_number, view.status) == (
        "CT70000001", "200000", "55779911", "active",
    )
    assert payment_method(loaded, "70000001") == "dd"
    with loaded.db.uow() as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "dd.mandate_set_up")).one()
        assert dd.get_mandate(uow, "70000001") == view
    assert event.after is not None and event.after["bank_account_number"] == "****9911"  # no full bank details in audit
    assert event.before == {"payment_method": "cash"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sort_code": "12345"}, "sort_code"),
        ({"sort_code": "12-34-5x"}, "sort_code"),
        ({"bank_account_number": "1234567"}, "bank_account_number"),
        ({"bank_account_number": "123456789"}, "bank_account_number"),
        ({"account_holder": " "}, "account_holder"),
    ],
)
def test_bad_bank_details_name_the_field(loaded: AppContext, change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        mandate(loaded, **change)
    assert err.value.field == field
    assert count_rows(loaded, DirectDebitMandate) == 0


def test_one_active_mandate_per_account_and_cancelling(loaded: AppContext) -> None:
    mandate(loaded)
    with pytest.raises(Conflict, match="already has an active Direct Debit mandate \\(CT70000001\\)"):
        mandate(loaded)
    with loaded.db.uow() as uow:
        cancelled = dd.cancel_mandate(uow, OFFICER, account_ref="70000001", as_of=date(2025, 8, 1), reason="Payer asked")
    assert (cancelled.status, cancelled.end_date) == ("cancelled", date(2025, 8, 1))
    assert payment_method(loaded, "70000001") == "cash"
    with loaded.db.uow() as uow, pytest.raises(NotFound):
        dd.cancel_mandate(uow, OFFICER, account_ref="70000001", as_of=date(2025, 8, 1))
    again = mandate(loaded, start_date=date(2025, 9, 1))
    assert again.reference == "CT70000001-2" and payment_method(loaded, "70000001") == "dd"


# --- collection file -----------------------------------------------------------------

def test_collection_file_lists_the_unpaid_instalment(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    result = collect(loaded, tmp_path / "dd-0601.csv")
    assert (result.file_written, result.collections, result.total_pence, result.already_submitted) == (True, 1, 12300, 0)
    assert read_csv(tmp_path / "dd-0601.csv") == [{
        "mandate_reference": "CT70000001", "sort_code": "200000", "account_number": "55779911",
        "account_holder": "D Hughes", "amount": "123.00", "due_date": "2025-06-01", "account_ref": "70000001",
    }]
    with loaded.db.uow() as uow:
        row = uow.session.scalars(select(DirectDebitCollection)).one()
    assert (row.due_on, row.amount_pence, row.status, row.batch_run_id) == (JUNE, 12300, "submitted", result.run_id)


def test_collection_file_is_idempotent(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    first = tmp_path / "dd-0601.csv"
    collect(loaded, first)
    written = first.read_bytes()
    again = collect(loaded, first)  # same file name: nothing new, the file is left as it was
    other = collect(loaded, tmp_path / "dd-0601-again.csv")
    assert (again.file_written, again.collections, again.already_submitted) == (False, 0, 1)
    assert not other.file_written and not (tmp_path / "dd-0601-again.csv").exists()
    assert first.read_bytes() == written
    assert count_rows(loaded, DirectDebitCollection) == 1


def test_collection_takes_only_the_unpaid_part(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    with loaded.db.uow() as uow:
        payments.post_payment(uow, OFFICER, account_ref="70000001", amount_pence=5000, received_on=date(2025, 5, 10),
                              method="cash", reference="CASH-77", as_of=date(2025, 5, 20))
    assert collect(loaded, tmp_path / "a.csv").total_pence == 7300


def test_no_collection_before_the_mandate_starts_or_without_a_mandate(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded, start_date=date(2025, 6, 2))
    result = collect(loaded, tmp_path / "a.csv")
    assert (result.file_written, result.collections) == (False, 0)
    assert not (tmp_path / "a.csv").exists()


def test_an_existing_file_is_never_overwritten(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    out = write_csv(tmp_path / "dd.csv", "someone else's file\n")
    with pytest.raises(ValidationError, match="already exists") as err:
        collect(loaded, out)
    assert err.value.field == "out_path"
    assert count_rows(loaded, DirectDebitCollection) == 0 and out.read_text() == "someone else's file\n"


# --- posting -------------------------------------------------------------------------

def test_post_collections_posts_each_once(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    collect(loaded, tmp_path / "dd.csv")
    assert post_collections(loaded, as_of=date(2025, 5, 31)) == 0  # not due yet
    assert post_collections(loaded) == 1
    ledger = count_rows(loaded, LedgerTransaction)
    assert post_collections(loaded) == 0
    assert count_rows(loaded, LedgerTransaction) == ledger
    with loaded.db.uow() as uow:
        payment = uow.session.scalars(select(Payment).where(Payment.external_ref == "DD-CT70000001-2025-06-01")).one()
        collection = uow.session.scalars(select(DirectDebitCollection)).one()
        summary = account_summary(uow, "70000001", JUNE)
    assert (payment.method, payment.amount_pence, payment.received_on, payment.status) == ("dd", 12300, JUNE, "allocated")
    assert (collection.status, collection.payment_id) == ("collected", payment.id)
    assert [i.paid_pence for i in summary.years[0].instalments[:4]] == [12300, 12300, 12300, 0]


# --- returns -------------------------------------------------------------------------

@pytest.fixture
def collected(loaded: AppContext, tmp_path: Path) -> AppContext:
    mandate(loaded)
    collect(loaded, tmp_path / "dd.csv")
    post_collections(loaded)
    return loaded


def test_return_reverses_the_payment_cancels_the_mandate_and_restarts_recovery(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + "CT70000001,2025-06-01,123.00,1,Instruction cancelled by payer\n")
    before = balance(collected, "70000001")
    summary = returns(collected, path)
    assert summary.to_json() == {
        "imported": 1, "skipped": 0, "rejected": 0, "errors": [], "reversed_pence": 12300, "mandates_cancelled": 1,
    }
    assert balance(collected, "70000001") == before + 12300
    with collected.db.uow() as uow:
        payment = uow.session.scalars(select(Payment).where(Payment.external_ref == "DD-CT70000001-2025-06-01")).one()
        original, reversal = uow.session.scalars(
            select(LedgerTransaction).where(LedgerTransaction.payment_id == payment.id).order_by(LedgerTransaction.kind)
        ).all()
        collection = uow.session.scalars(select(DirectDebitCollection)).one()
        the_mandate = uow.session.scalars(select(DirectDebitMandate)).one()
        event = uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.stage == "dd_returned")).one()
        audits = {e.action for e in uow.session.scalars(select(AuditEvent))}
        summary_view = account_summary(uow, "70000001", date(2025, 6, 6))
        allocations = payments.payment_allocations(uow, get_account_id(uow, "70000001"))
    assert (original.kind, reversal.kind) == ("payment", "reversal")
    assert (reversal.amount_pence, reversal.reverses_id, reversal.financial_year, reversal.posted_on) == (
        12300, original.id, 2025, date(2025, 6, 6),
    )
    assert payment.status == "reversed" and collection.status == "returned"
    assert (the_mandate.status, the_mandate.end_date) == ("cancelled", date(2025, 6, 6))
    assert payment_method(collected, "70000001") == "cash"
    assert (event.financial_year, event.amount_pence, event.event_date) == (2025, 12300, date(2025, 6, 6))
    assert event.details["reason_code"] == "1" and event.details["reason"] == "Instruction cancelled by payer"
    assert {"dd.returned", "dd.mandate_cancelled", "import.dd_returns"} <= audits
    assert summary_view.recovery.stage == "dd_returned"
    assert [i.paid_pence for i in summary_view.years[0].instalments[:3]] == [12300, 12300, 0]  # June unpaid again
    assert (allocations[-1].status, allocations[-1].reversed_pence) == ("reversed", 12300)


def test_reimporting_the_returns_file_reverses_nothing_twice(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + "CT70000001,01/06/2025,123.00,0,\n")
    returns(collected, path)
    ledger, events = count_rows(collected, LedgerTransaction), count_rows(collected, RecoveryEvent)
    again = returns(collected, path)
    assert (again.imported, again.skipped, again.reversed_pence) == (0, 1, 0)
    assert (count_rows(collected, LedgerTransaction), count_rows(collected, RecoveryEvent)) == (ledger, events)


def test_refer_to_payer_keeps_the_mandate(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + "ct70000001,2025-06-01,123.00,0,\n")
    summary = returns(collected, path)
    assert (summary.imported, summary.mandates_cancelled) == (1, 0)
    assert payment_method(collected, "70000001") == "dd"
    with collected.db.uow() as uow:
        event = uow.session.scalars(select(RecoveryEvent)).one()
    assert event.details["reason"] == "Refer to payer"  # the code's meaning when the file gives none


def test_bad_return_rows_are_rejected_with_line_and_field(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + (
        "CT99999999,2025-06-01,123.00,1,\n"     # 2 unknown mandate
        "CT70000001,2025-06-01,123.00,Z,\n"     # 3 unknown code
        "CT70000001,2025-07-01,123.00,1,\n"     # 4 nothing collected that day
        "CT70000001,2025-06-01,12.30,1,\n"      # 5 wrong amount
        "CT70000001,1 June,123.00,1,\n"         # 6 bad date
        "CT70000001,2025-06-01,123.00,0,\n"     # 7 good
        "CT70000001,2025-06-01,123.00,0,\n"     # 8 twice
    ))
    summary = returns(collected, path)
    assert [(e.line, e.field) for e in summary.errors] == [
        (2, "mandate_reference"), (3, "reason_code"), (4, "due_date"), (5, "amount"), (6, "due_date"),
        (8, "mandate_reference"),
    ]
    assert "first on line 7" in summary.errors[-1].message
    assert (summary.imported, summary.rejected) == (1, 6)


def test_all_or_nothing_applies_nothing_when_a_row_is_bad(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + "CT70000001,2025-06-01,123.00,1,\nCT1,2025-06-01,1.00,1,\n")
    ledger = count_rows(collected, LedgerTransaction)
    summary = returns(collected, path, all_or_nothing=True)
    assert (summary.imported, summary.rejected) == (0, 1)
    assert count_rows(collected, LedgerTransaction) == ledger
    assert payment_method(collected, "70000001") == "dd"


def test_returns_file_with_a_wrong_header_is_refused(collected: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "arudd.csv", "reference,date,amount\nCT70000001,2025-06-01,123.00\n")
    with pytest.raises(CsvFileError, match="unknown column 'reference'"):
        returns(collected, path)


def test_a_return_before_posting_marks_the_collection_so_it_is_never_posted(loaded: AppContext, tmp_path: Path) -> None:
    mandate(loaded)
    collect(loaded, tmp_path / "dd.csv")
    path = write_csv(tmp_path / "arudd.csv", RETURNS_HEADER + "CT70000001,2025-06-01,123.00,5,\n")
    summary = returns(loaded, path)
    assert (summary.imported, summary.reversed_pence, summary.mandates_cancelled) == (1, 0, 1)
    assert post_collections(loaded) == 0
    assert count_rows(loaded, RecoveryEvent, RecoveryEvent.stage == "dd_returned") == 1


def test_a_formula_for_a_holders_name_is_written_as_inert_text(loaded: AppContext, tmp_path: Path) -> None:
    """OWASP CSV Injection: the bank's file must not carry a live formula (issue 14 part 4)."""
    mandate(loaded, account_holder='=HYPERLINK("http://x","y")')
    collect(loaded, tmp_path / "dd.csv")
    [row] = read_csv(tmp_path / "dd.csv")
    assert row["account_holder"] == '\'=HYPERLINK("http://x","y")'
    assert row["amount"] == "123.00" and row["mandate_reference"] == "CT70000001"  # the rest is as it was
