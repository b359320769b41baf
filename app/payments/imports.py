"""The payment file import: payments posted to accounts' ledgers (oldest debt first);
payments for accounts not found go to suspense.

Every row is checked before anything is written; the good rows are written in one
transaction (or none at all with `all_or_nothing`). Re-importing a file adds nothing: a
payment reference already held is counted as skipped. Written in bulk and in account
order: `import_payments` says why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.adapters.bulk import BulkWriter, NativeValues
from app.adapters.csv_files import CsvRow, ImportSummary, RowInvalid, read_rows
from app.adapters.file_imports import complete_file_import, record_file_run
from app.adapters.locks import lock_accounts
from app.adapters.sql_keys import raw_key
from app.clock import now
from app.db import UnitOfWork, bulk_writing, in_batches
from app.ledger.balances import raw_year_balances
from app.ledger.kinds import LedgerKind
from app.ledger.posting import LedgerRows
from app.models import Account, AuditEvent, Payment
from app.payments.posting import PAYMENT_METHODS, allocate_payment, payment_audit_details, payment_description
from app.payments.requests import ImportPayments
from app.requests import Progress, handles
from app.users.roles import Actor, Role

PAYMENT_COLUMNS = ("payment_ref", "account_ref", "date", "amount", "method")
CHUNK = 5000


@dataclass(frozen=True)
class _PaymentRow:
    line: int
    ref: str
    account_ref: str
    received_on: date
    amount_pence: int
    method: str


def _parse_payment_row(row: CsvRow) -> _PaymentRow:
    row.check_shape()
    ref = row.required("payment_ref")
    if len(ref) > 60:
        raise RowInvalid("payment_ref", "payment_ref is longer than 60 characters")
    amount = row.pence("amount")
    if amount <= 0:
        raise RowInvalid("amount", "amount must be more than £0.00 (refunds and reversals are not imported here)")
    method = row.required("method").lower()
    if method not in PAYMENT_METHODS:
        raise RowInvalid("method", f"'{row.get('method')}' is not a payment method ({', '.join(PAYMENT_METHODS)})")
    received = row.date("date")
    assert received is not None
    return _PaymentRow(row.line, ref, row.required("account_ref"), received, amount, method)


@handles(ImportPayments, role=Role.OFFICER, action="import payments")
def import_payments(
    uow: UnitOfWork, actor: Actor, path: str | Path, *, all_or_nothing: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Post payments to accounts' ledgers (oldest debt first); unknown accounts go to suspense.

    Why it reads everything first and then writes in account order: a day's bank file names
    accounts scattered over the whole database, and every payment touches index pages keyed
    by account (ledger, payment, audit, the account itself). Looked up and written in
    account-key order, each index is swept once from start to end instead of being read at
    random, which is what decides the time when the database's pages are not in memory
    (100,000 payments into 1,000,000 accounts with an empty OS page cache: 37 s before,
    25-27 s after; see bench/README.md). Each account's payments are still allocated in
    date order (then file order), whichever chunk they fall in.

    The file's accounts are locked (`app.adapters.locks`) before their outstanding years
    are read, once: a payment an officer posts to one of them meanwhile waits for the
    import to commit and then sees what the file paid, and one posted just before is seen
    by the file's allocation.

    `progress(done, total)` counts the file's good rows; rows already imported count as done.
    """
    summary = ImportSummary()
    good: list[_PaymentRow] = []
    first_line: dict[str, int] = {}
    for row in read_rows(path, PAYMENT_COLUMNS):
        try:
            parsed = _parse_payment_row(row)
            if parsed.ref in first_line:
                raise RowInvalid("payment_ref",
                                 f"payment_ref {parsed.ref} appears twice (first on line {first_line[parsed.ref]})")
            first_line[parsed.ref] = parsed.line
            good.append(parsed)
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    run = record_file_run(uow, actor, "import_payments", path)
    with bulk_writing(uow):
        if progress:
            progress(0, len(good))
        fresh = _not_yet_imported(uow, good)
        summary.skipped += len(good) - len(fresh)
        accounts = _account_keys(uow, {p.account_ref for p in fresh})
        keys = sorted(set(accounts.values()))
        lock_accounts(uow, keys)  # before their balances are read: see app.adapters.locks
        outstanding = raw_year_balances(uow, keys)
        position = {key: i for i, key in enumerate(keys)}
        unknown = len(position)  # suspense rows last
        fresh.sort(key=lambda p: (position.get(accounts.get(p.account_ref), unknown), p.received_on, p.line))
        if progress:
            progress(summary.skipped, len(good))
        for start in range(0, len(fresh), CHUNK):
            _post_payments(uow, actor, fresh[start : start + CHUNK], accounts, outstanding, run.id, summary)
            if progress:
                progress(summary.skipped + min(start + CHUNK, len(fresh)), len(good))
        return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _not_yet_imported(uow: UnitOfWork, rows: list[_PaymentRow]) -> list[_PaymentRow]:
    """The rows whose payment reference is not in the database yet (a re-run adds nothing)."""
    refs = sorted(p.ref for p in rows)
    present: set[str] = set()
    for batch in in_batches(refs):
        present.update(uow.session.scalars(select(Payment.external_ref).where(Payment.external_ref.in_(batch))))
    return [p for p in rows if p.ref not in present]


def _account_keys(uow: UnitOfWork, refs: set[str]) -> dict[str, Any]:
    """account_ref -> account key as the driver holds it (written straight back, never inspected)."""
    keys: dict[str, Any] = {}
    for batch in in_batches(sorted(refs)):
        keys.update(uow.session.execute(
            select(Account.account_ref, raw_key(Account.id)).where(Account.account_ref.in_(batch))
        ).all())
    return keys


PAYMENT_COLUMNS_OUT = (
    "id", "external_ref", "account_id", "account_ref_given", "received_on", "amount_pence", "method", "status",
    "batch_run_id", "created_by", "created_at",
)
AUDIT_COLUMNS_OUT = ("id", "at", "username", "action", "entity", "entity_id", "account_id", "after")


def _post_payments(
    uow: UnitOfWork, actor: Actor, chunk: list[_PaymentRow], accounts: dict[str, Any],
    outstanding: dict[Any, dict[int, int]], run_id: uuid.UUID, summary: ImportSummary,
) -> None:
    """Post one chunk: payments, their ledger allocations and audit events, written in bulk.

    `outstanding` (account key -> year -> pence owed) is carried from chunk to chunk and
    updated by each allocation.
    """
    v = NativeValues(uow.dialect)
    at = now()
    stamp = v.timestamp(at)
    run = v.id(run_id)
    payments: list[tuple[Any, ...]] = []
    ledger = LedgerRows(v, created_by=actor.username, created_at=at, batch_run_id=run_id)
    audits: list[tuple[Any, ...]] = []
    for p in chunk:
        payment_id = v.new_id()
        account_id = accounts.get(p.account_ref)
        native_account = v.id(account_id) if account_id else None
        received = v.date(p.received_on)
        payments.append((
            payment_id, p.ref, native_account, p.account_ref, received, p.amount_pence, p.method,
            "allocated" if account_id else "suspense", run, actor.username, stamp,
        ))
        allocation: list[tuple[int, int]] = []
        summary.imported += 1
        if account_id is not None:
            allocation = allocate_payment(outstanding.setdefault(account_id, {}), p.amount_pence, p.received_on)
            for year, pence in allocation:
                ledger.add(native_account, year, LedgerKind.PAYMENT, -pence, received, p.ref,
                           payment_description(p.method), payment_id)
        else:
            summary.suspense += 1
        audits.append((
            v.new_id(), stamp, actor.username, "payment.posted" if account_id else "payment.suspense", "payment",
            payment_id, native_account,
            v.json(payment_audit_details(p.ref, p.account_ref, p.amount_pence, p.received_on, p.method, allocation)),
        ))
    writer = BulkWriter(uow.session.connection())
    writer.write(Payment.__table__, PAYMENT_COLUMNS_OUT, payments)
    ledger.write(writer)
    writer.write(AuditEvent.__table__, AUDIT_COLUMNS_OUT, audits)
