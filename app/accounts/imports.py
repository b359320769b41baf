"""CSV imports of properties, accounts (with liability periods) and payments.

Every row is checked before anything is written; good rows are written in one
transaction (or none at all with `all_or_nothing`). Re-importing a file adds nothing:
existing properties, periods and payment references are counted as skipped.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from app.clock import now
from app.config import AuthoritySettings
from app.db import UnitOfWork, bulk_writing, in_batches
from app.ledger.balances import raw_year_balances
from app.ledger.kinds import LedgerKind
from app.ledger.posting import LedgerRows
from app.models import (
    Account, AccountParty, AuditEvent, BatchRun, Discount, Exemption,
    LiabilityPeriod, Parish, Payment, Person, Property,
)
from app.rules.apportionment import periods_overlap
from app.rules.bands import BandError, check_band
from app.adapters.bulk import BulkWriter, NativeValues
from app.adapters.csv_files import CsvRow, ImportSummary, RowInvalid, read_rows
from app.adapters.sql_keys import raw_key
from app.payments.posting import (
    PAYMENT_METHODS,
    allocate_payment,
    payment_audit_details,
    payment_description,
)
from app.accounts.search_index import search_columns, search_key_for
from app.users.roles import Actor
from app.audit import audit
from app.requests import Progress, handles
from app.users.roles import Role
from app.accounts.requests import ImportAccounts, ImportProperties
from app.payments.requests import ImportPayments


PROPERTY_COLUMNS = ("uprn", "address_line1", "postcode", "band")
PROPERTY_OPTIONAL = ("address_line2", "town", "parish")
ACCOUNT_COLUMNS = ("account_ref", "uprn", "surname", "liable_from")
ACCOUNT_OPTIONAL = (
    "title", "forenames", "joint_names", "email", "phone", "liable_to", "discount", "exemption_class",
    "disabled_band_reduction", "payment_method", "instalments", "instalment_day",
)
PAYMENT_COLUMNS = ("payment_ref", "account_ref", "date", "amount", "method")
DISCOUNTS = {"SPD": "SPD", "ALL_DISREGARDED": "ALL_DISREGARDED"}
# SI 1992/558 classes; A and C were abolished in England from April 2013 (still in Wales).
EXEMPTION_CLASSES_ENGLAND = tuple("BDEFGHIJKLMNOPQRSTUVW")
EXEMPTION_CLASSES_WALES = tuple("ABCDEFGHIJKLMNOPQRSTUVW")
CHUNK = 5000


S = TypeVar("S", bound=ImportSummary)


def finish_import(uow: UnitOfWork, summary: S, all_or_nothing: bool) -> S:
    """Commit the good rows; with all-or-nothing and any row rejected, commit nothing.

    The summary keeps its own kind (returns files count more than rows), with nothing
    counted as done when nothing was kept.
    """
    if all_or_nothing and summary.rejected:
        uow.rollback()
        return type(summary)(rejected=summary.rejected, errors=summary.errors)
    uow.commit()
    return summary


def complete_file_import(uow: UnitOfWork, actor: Actor, run: BatchRun, summary: S, all_or_nothing: bool) -> S:
    """How every file import ends: the run record closed and audited (`import.<kind>`), then
    the good rows committed (or nothing, with all-or-nothing)."""
    close_file_run(run, summary)
    audit(uow, actor.username, f"import.{run.kind.removeprefix('import_')}", "batch_run", run.id, after=run.summary)
    return finish_import(uow, summary, all_or_nothing)


def _file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record_file_run(uow: UnitOfWork, actor: Actor, kind: str, path: str | Path) -> BatchRun:
    """A run record for importing one file (with its SHA-256, so the file can be identified later)."""
    run = BatchRun(
        kind=kind, run_key=f"{kind}:{uuid.uuid4()}", parameters={"file": str(path), "sha256": _file_hash(path)},
        created_by=actor.username,
    )
    uow.session.add(run)
    uow.session.flush()
    return run


def close_file_run(run: BatchRun, summary: ImportSummary) -> None:
    """Mark a file run completed with its counts."""
    run.status = "completed"
    run.done = run.total = summary.imported + summary.skipped + summary.rejected
    run.summary = {k: v for k, v in summary.to_json().items() if k != "errors"}
    run.finished_at = now()


# --- properties ----------------------------------------------------------------------

@handles(ImportProperties, role=Role.OFFICER, action="import properties")
def import_properties(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, path: str | Path, *, all_or_nothing: bool = False
) -> ImportSummary:
    rows = list(read_rows(path, PROPERTY_COLUMNS, PROPERTY_OPTIONAL))
    summary = ImportSummary()
    session = uow.session
    parishes = set(settings.parishes())
    existing = {
        p.uprn: p for p in session.scalars(select(Property).where(Property.uprn.in_([r.get("uprn") for r in rows])))
    } if rows else {}
    parish_ids = dict(session.execute(select(Parish.name, Parish.id)).all())
    first_line: dict[str, int] = {}
    run = record_file_run(uow, actor, "import_properties", path)
    for row in rows:
        try:
            row.check_shape()
            uprn = row.required("uprn")
            if not uprn.isdigit() or len(uprn) > 12:
                raise RowInvalid("uprn", f"'{uprn}' is not a UPRN (up to 12 digits)")
            if uprn in first_line:
                raise RowInvalid("uprn", f"UPRN {uprn} appears twice (first on line {first_line[uprn]})")
            first_line[uprn] = row.line
            try:
                band = check_band(row.required("band"), settings.country)
            except BandError as exc:
                raise RowInvalid("band", str(exc)) from None
            parish = row.get("parish")
            if parish and parish not in parishes:
                raise RowInvalid("parish", f"parish '{parish}' is not in the authority settings")
            values = {
                "address_line1": row.required("address_line1"), "address_line2": row.get("address_line2"),
                "town": row.get("town"), "postcode": normalise_postcode(row.required("postcode")), "band": band,
            }
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
            continue
        current = existing.get(uprn)
        if current is not None:
            same = all(getattr(current, k) == v for k, v in values.items()) and (
                (current.parish.name if current.parish else "") == parish
            )
            if same:
                summary.skipped += 1
            else:
                summary.reject(row.line, "uprn", f"UPRN {uprn} already exists with different details; change it in the application")
            continue
        if parish and parish not in parish_ids:
            new_parish = Parish(name=parish)
            session.add(new_parish)
            session.flush()
            parish_ids[parish] = new_parish.id
        session.add(Property(uprn=uprn, parish_id=parish_ids.get(parish) if parish else None, **values))
        summary.imported += 1
    return complete_file_import(uow, actor, run, summary, all_or_nothing)


def normalise_postcode(text: str) -> str:
    """'ex14qt' -> 'EX1 4QT' (the inward code is always the last three characters)."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        raise RowInvalid("postcode", f"'{text}' is not a postcode")
    return f"{compact[:-3]} {compact[-3:]}"


# --- accounts ------------------------------------------------------------------------

@dataclass
class _AccountRow:
    row: CsvRow
    account_ref: str
    uprn: str
    title: str
    forenames: str
    surname: str
    joint_names: list[str]
    email: str
    phone: str
    liable_from: date
    liable_to: date | None
    discount: str
    exemption_class: str
    disabled: bool
    payment_method: str
    instalments: int
    instalment_day: int


def _parse_account_row(row: CsvRow, country: str) -> _AccountRow:
    row.check_shape()
    liable_from = row.date("liable_from")
    liable_to = row.date("liable_to", required=False)
    assert liable_from is not None
    if liable_to is not None and liable_to < liable_from:
        raise RowInvalid("liable_to", f"liable_to {liable_to:%d/%m/%Y} is before liable_from {liable_from:%d/%m/%Y}")
    discount = row.get("discount").upper()
    if discount and discount not in DISCOUNTS:
        raise RowInvalid("discount", f"'{row.get('discount')}' is not a discount (empty, SPD or ALL_DISREGARDED)")
    exemption = row.get("exemption_class").upper()
    classes = EXEMPTION_CLASSES_WALES if country == "wales" else EXEMPTION_CLASSES_ENGLAND
    if exemption and exemption not in classes:
        raise RowInvalid("exemption_class", f"'{row.get('exemption_class')}' is not an exemption class in {country.title()}")
    disabled_text = row.get("disabled_band_reduction").upper() or "N"
    if disabled_text not in ("Y", "N"):
        raise RowInvalid("disabled_band_reduction", f"'{row.get('disabled_band_reduction')}' must be Y or N")
    method = row.get("payment_method").lower() or "cash"
    if method not in ("cash", "dd"):
        raise RowInvalid("payment_method", f"'{row.get('payment_method')}' must be cash or dd")
    count_text = row.get("instalments") or "10"
    if count_text not in ("10", "12"):
        raise RowInvalid("instalments", f"'{count_text}' must be 10 or 12")
    day_text = row.get("instalment_day") or "1"
    if not day_text.isdigit() or not 1 <= int(day_text) <= 28:
        raise RowInvalid("instalment_day", f"'{day_text}' must be a day from 1 to 28")
    email = row.get("email")
    if email and ("@" not in email or " " in email):
        raise RowInvalid("email", f"'{email}' is not an email address")
    return _AccountRow(
        row=row, account_ref=row.required("account_ref"), uprn=row.required("uprn"), title=row.get("title"),
        forenames=row.get("forenames"), surname=row.required("surname"),
        joint_names=[n.strip() for n in row.get("joint_names").split(";") if n.strip()],
        email=email, phone=row.get("phone"), liable_from=liable_from, liable_to=liable_to,
        discount=discount, exemption_class=exemption, disabled=disabled_text == "Y",
        payment_method=method, instalments=int(count_text), instalment_day=int(day_text),
    )


def _span(start: date, end: date | None) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}" if end else f"from {start:%d/%m/%Y}"


def split_name(full: str) -> tuple[str, str]:
    """'Marcus Reid' -> ('Marcus', 'Reid'); a single word is a surname."""
    parts = full.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", full.strip())


@handles(ImportAccounts, role=Role.OFFICER, action="import accounts")
def import_accounts(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, path: str | Path, *, all_or_nothing: bool = False
) -> ImportSummary:
    rows = list(read_rows(path, ACCOUNT_COLUMNS, ACCOUNT_OPTIONAL))
    summary = ImportSummary()
    session = uow.session
    parsed: list[_AccountRow] = []
    for row in rows:
        try:
            parsed.append(_parse_account_row(row, settings.country))
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    properties = {
        p.uprn: p for p in session.scalars(select(Property).where(Property.uprn.in_({r.uprn for r in parsed})))
    } if parsed else {}
    existing_accounts = {
        a.account_ref: a
        for a in session.scalars(select(Account).where(Account.account_ref.in_({r.account_ref for r in parsed})))
    } if parsed else {}
    # Periods already held for the properties in the file: (from, to, account_ref).
    held: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    if properties:
        for uprn, start, end, ref in session.execute(
            select(Property.uprn, LiabilityPeriod.start_date, LiabilityPeriod.end_date, Account.account_ref)
            .join(LiabilityPeriod, LiabilityPeriod.property_id == Property.id)
            .join(Account, Account.id == LiabilityPeriod.account_id)
            .where(Property.id.in_([p.id for p in properties.values()]))
        ):
            held[uprn].append((start, end, ref))

    groups: dict[str, list[_AccountRow]] = defaultdict(list)
    for r in parsed:
        groups[r.account_ref].append(r)
    run = record_file_run(uow, actor, "import_accounts", path)
    for ref, group in groups.items():
        group.sort(key=lambda r: r.liable_from)
        failure = _check_account_group(ref, group, properties, existing_accounts, held)
        if failure is not None:
            bad_line, field_name, message = failure
            for r in group:
                if r.row.line == bad_line:
                    summary.reject(r.row.line, field_name, message)
                else:
                    summary.reject(r.row.line, "account_ref", f"not imported: line {bad_line} of account {ref} was rejected")
            continue
        if ref in existing_accounts:
            summary.skipped += len(group)
            continue
        _create_account(uow, group, properties)
        for r in group:
            held[r.uprn].append((r.liable_from, r.liable_to, ref))
        summary.imported += len(group)
    summary.errors.sort(key=lambda e: e.line)
    return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _check_account_group(
    ref: str,
    group: list[_AccountRow],
    properties: dict[str, Property],
    existing_accounts: dict[str, Account],
    held: dict[str, list[tuple[date, date | None, str]]],
) -> tuple[int, str, str] | None:
    """The first problem with one account's rows, as (line, field, message), or None."""
    for r in group:
        if r.uprn not in properties:
            return (r.row.line, "uprn", f"UPRN {r.uprn} is not a known property (import properties first)")
    for prev, nxt in zip(group, group[1:]):
        if nxt.uprn != prev.uprn:
            return (nxt.row.line, "uprn", f"account {ref} appears again for a different property (UPRN {prev.uprn} on line {prev.row.line})")
        if prev.liable_to is None or nxt.liable_from != prev.liable_to + timedelta(days=1):
            return (nxt.row.line, "liable_from", f"account {ref} appears again but its periods are not consecutive (see line {prev.row.line})")
    if ref in existing_accounts:
        account_periods = {(s, e) for s, e, owner in held[group[0].uprn] if owner == ref}
        for r in group:
            if (r.liable_from, r.liable_to) not in account_periods:
                return (r.row.line, "account_ref", f"account {ref} already exists with different liability periods")
        return None
    for r in group:
        for start, end, owner in held[r.uprn]:
            if periods_overlap(r.liable_from, r.liable_to, start, end):
                return (
                    r.row.line, "liable_from",
                    f"liability {_span(r.liable_from, r.liable_to)} overlaps account {owner} ({_span(start, end)}) "
                    f"at UPRN {r.uprn}; name joint taxpayers in joint_names",
                )
    return None


def _create_account(uow: UnitOfWork, group: list[_AccountRow], properties: dict[str, Property]) -> Account:
    lead = group[0]
    people = [Person(title=lead.title, forenames=lead.forenames, surname=lead.surname, email=lead.email, phone=lead.phone)]
    for name in dict.fromkeys(n for r in group for n in r.joint_names):
        forenames, surname = split_name(name)
        people.append(Person(forenames=forenames, surname=surname))
    account_id = uuid.uuid4()
    prop = properties[group[-1].uprn]
    account = Account(
        id=account_id, account_ref=lead.account_ref, payment_method=group[-1].payment_method,
        instalment_count=group[-1].instalments, instalment_day=group[-1].instalment_day,
        search_key=search_key_for(account_id),
        **search_columns(lead.account_ref, [p.full_name() for p in people], prop.address(), prop.postcode),
    )
    account.parties = [AccountParty(person=p, ordinal=i) for i, p in enumerate(people)]
    for r in group:
        period = LiabilityPeriod(
            property=properties[r.uprn], start_date=r.liable_from, end_date=r.liable_to, disabled_reduction=r.disabled
        )
        if r.discount:
            period.discounts = [Discount(kind=r.discount, start_date=r.liable_from, end_date=r.liable_to)]
        if r.exemption_class:
            period.exemptions = [Exemption(exemption_class=r.exemption_class, start_date=r.liable_from, end_date=r.liable_to)]
        account.periods.append(period)
    uow.session.add(account)
    return account


# --- payments ------------------------------------------------------------------------

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

    The outstanding years are read once, at the start of the import's transaction: a
    payment an officer posts to the same account while a file is importing (PostgreSQL;
    SQLite has one writer) is not seen by the file's allocation. Totals stay right; only
    the split between years can differ, as it can between two officers posting at once.

    `progress(done, total)` counts the file's good rows; rows already imported count as done.
    """
    summary = ImportSummary()
    good: list[_PaymentRow] = []
    first_line: dict[str, int] = {}
    for row in read_rows(path, PAYMENT_COLUMNS):
        try:
            parsed = _parse_payment_row(row)
            if parsed.ref in first_line:
                raise RowInvalid("payment_ref", f"payment_ref {parsed.ref} appears twice (first on line {first_line[parsed.ref]})")
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

