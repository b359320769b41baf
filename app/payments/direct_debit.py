"""Direct Debit: mandates, the collection file, posting collections and Bacs returns (ARUDD).

The cycle for an instalment due on a collection date:
1. `generate_collection_file` records a `submitted` collection for the unpaid part of each
   instalment due that day on an account with an active mandate, and writes the file for
   the bank. Running it again for the same date adds nothing and rewrites nothing.
2. `post_collections` turns submitted collections due on or before `as_of` into payments
   (method `dd`, reference `DD-{mandate}-{due date}`), allocated like any other payment.
3. `import_returns` reads the bank's returned (unpaid) Direct Debits: the payment is
   reversed, a mandate whose instruction is gone is cancelled, and the account goes back
   into recovery (a `dd_returned` recovery event) so its instalments are unpaid again.
The file formats are in the README.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.csv_export import SafeCsvWriter
from app.adapters.csv_files import CsvRow, ImportSummary, RowInvalid, read_rows
from app.adapters.file_imports import complete_file_import, record_file_run
from app.adapters.locks import lock_accounts
from app.audit import audit
from app.clock import now
from app.db import UnitOfWork, in_batches
from app.dto import JsonView, clean_text
from app.enums import (
    AccountPaymentMethod,
    BatchRunKind,
    BatchRunStatus,
    CollectionStatus,
    InstalmentPlanStatus,
    MandateStatus,
    PaymentMethod,
    PaymentStatus,
    RecoveryStage,
)
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import year_balances
from app.ledger.kinds import CASH_KINDS
from app.models import (
    Account,
    BatchRun,
    DirectDebitCollection,
    DirectDebitMandate,
    InstalmentPlan,
    LedgerTransaction,
    Payment,
    RecoveryEvent,
)
from app.money import to_pounds_text
from app.payments.posting import payment_audit_details, post_to_ledger, reverse_payment
from app.payments.requests import CancelMandate, GenerateCollectionFile, ImportDirectDebitReturns, PostCollections, SetUpMandate
from app.requests import handles
from app.rules.apportionment import financial_year_of
from app.rules.instalments import allocate_paid
from app.users.roles import Actor, Role

COLLECTION_COLUMNS = (
    "mandate_reference", "sort_code", "account_number", "account_holder", "amount", "due_date", "account_ref",
)
RETURN_COLUMNS = ("mandate_reference", "due_date", "amount", "reason_code")
RETURN_OPTIONAL = ("reason", "account_ref")
# Bacs ARUDD reason codes: (meaning, whether the instruction is gone so the mandate ends).
ARUDD_REASONS: dict[str, tuple[str, bool]] = {
    "0": ("Refer to payer", False),
    "1": ("Instruction cancelled by payer", True),
    "2": ("Payer deceased", True),
    "3": ("Account transferred", True),
    "4": ("Advance notice disputed", False),
    "5": ("No account", True),
    "6": ("No instruction", True),
    "7": ("Amount differs", False),
    "8": ("Amount not yet due", False),
    "9": ("Presenter not known", False),
    "A": ("Service user differs", False),
    "B": ("Account closed", True),
}
MANDATE_REFERENCE_LENGTH = 18  # Bacs reference field


@dataclass(frozen=True)
class MandateView(JsonView):
    mandate_id: uuid.UUID
    account_ref: str
    reference: str
    account_holder: str
    sort_code: str
    bank_account_number: str
    status: str  # active | cancelled
    start_date: date
    end_date: date | None
    version: int


@dataclass(frozen=True)
class CollectionFileResult(JsonView):
    collection_date: date
    out_path: str
    file_written: bool  # False when there was nothing new to collect (an existing file is left alone)
    collections: int
    total_pence: int
    already_submitted: int
    run_id: uuid.UUID | None


@dataclass
class ReturnsSummary(ImportSummary):
    """An import summary (`imported` = returns applied) plus what they did."""

    reversed_pence: int = 0
    mandates_cancelled: int = 0

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data.pop("suspense")
        return {**data, "reversed_pence": self.reversed_pence, "mandates_cancelled": self.mandates_cancelled}


# --- mandates ------------------------------------------------------------------------

def _view(mandate: DirectDebitMandate, account_ref: str) -> MandateView:
    return MandateView(
        mandate_id=mandate.id, account_ref=account_ref, reference=mandate.reference,
        account_holder=mandate.account_holder, sort_code=mandate.sort_code,
        bank_account_number=mandate.bank_account_number, status=mandate.status, start_date=mandate.start_date,
        end_date=mandate.end_date, version=mandate.version,
    )


def _digits(text: str, count: int, field_name: str, label: str) -> str:
    value = "".join(text.replace("-", " ").split())
    if not (value.isdigit() and len(value) == count):
        raise ValidationError(f"The {label} must be {count} digits ('{text.strip()}' is not).", field=field_name)
    return value


def _masked(number: str) -> str:
    return "****" + number[-4:]


def _active_mandate(uow: UnitOfWork, account_id: uuid.UUID) -> DirectDebitMandate | None:
    return uow.session.scalars(
        select(DirectDebitMandate).where(
            DirectDebitMandate.account_id == account_id, DirectDebitMandate.status == MandateStatus.ACTIVE
        )
    ).first()


def _new_reference(uow: UnitOfWork, account_ref: str) -> str:
    base = f"CT{account_ref}"[:MANDATE_REFERENCE_LENGTH]
    taken = set(uow.session.scalars(
        select(DirectDebitMandate.reference).where(DirectDebitMandate.reference.like(f"{base}%"))
    ))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: MANDATE_REFERENCE_LENGTH - len(suffix)] + suffix
    return candidate


@handles(SetUpMandate, role=Role.OFFICER, action="set up Direct Debit mandates")
def set_up_mandate(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, account_holder: str, sort_code: str,
    bank_account_number: str, start_date: date,
) -> MandateView:
    """Record a Direct Debit instruction: the account pays by DD from `start_date`."""
    account_id = get_account_id(uow, account_ref)
    holder = clean_text(account_holder, field="account_holder", label="the bank account holder's name", max_length=120)
    sort = _digits(sort_code, 6, "sort_code", "sort code")
    number = _digits(bank_account_number, 8, "bank_account_number", "bank account number")
    existing = _active_mandate(uow, account_id)
    if existing is not None:
        raise Conflict(
            f"Account {account_ref.strip()} already has an active Direct Debit mandate ({existing.reference}); "
            "cancel it first."
        )
    account = uow.session.get(Account, account_id)
    assert account is not None
    mandate = DirectDebitMandate(
        account_id=account_id, reference=_new_reference(uow, account.account_ref), account_holder=holder,
        sort_code=sort, bank_account_number=number, status=MandateStatus.ACTIVE, start_date=start_date,
        created_by=actor.username,
    )
    uow.session.add(mandate)
    before_method = account.payment_method
    account.payment_method = AccountPaymentMethod.DD
    with saving(uow, f"Account {account.account_ref}"):
        uow.session.flush()
    audit(uow, actor.username, "dd.mandate_set_up", "dd_mandate", mandate.id, account_id=account_id,
          before={"payment_method": before_method},
          after={"reference": mandate.reference, "account_holder": holder, "sort_code": sort,
                 "bank_account_number": _masked(number), "start_date": start_date.isoformat(),
                 "payment_method": AccountPaymentMethod.DD})
    view = _view(mandate, account.account_ref)
    with saving(uow, f"Account {account.account_ref}"):
        uow.commit()
    return view


def _cancel(uow: UnitOfWork, actor: Actor, mandate: DirectDebitMandate, *, as_of: date, reason: str) -> None:
    """End a mandate and put its account back to paying by cash (audited; the caller commits)."""
    account = uow.session.get(Account, mandate.account_id)
    assert account is not None
    mandate.status = MandateStatus.CANCELLED
    mandate.end_date = as_of
    account.payment_method = AccountPaymentMethod.CASH
    audit(uow, actor.username, "dd.mandate_cancelled", "dd_mandate", mandate.id, account_id=account.id,
          before={"status": MandateStatus.ACTIVE, "payment_method": AccountPaymentMethod.DD},
          after={"status": mandate.status, "end_date": as_of.isoformat(), "reason": reason,
                 "payment_method": account.payment_method})


@handles(CancelMandate, role=Role.OFFICER, action="cancel Direct Debit mandates")
def cancel_mandate(uow: UnitOfWork, actor: Actor, *, account_ref: str, as_of: date, reason: str = "") -> MandateView:
    """Cancel the account's active mandate; the account goes back to paying by cash."""
    account_id = get_account_id(uow, account_ref)
    mandate = _active_mandate(uow, account_id)
    if mandate is None:
        raise NotFound(f"Account {account_ref.strip()} has no active Direct Debit mandate.")
    _cancel(uow, actor, mandate, as_of=as_of, reason=reason.strip() or "cancelled by an officer")
    with saving(uow, f"The Direct Debit mandate {mandate.reference}"):
        uow.session.flush()
        view = _view(mandate, account_ref.strip())
        uow.commit()
    return view


def get_mandate(uow: UnitOfWork, account_ref: str) -> MandateView | None:
    """The account's active mandate, else its most recent one, else None."""
    account_id = get_account_id(uow, account_ref)
    mandate = uow.session.scalars(
        select(DirectDebitMandate).where(DirectDebitMandate.account_id == account_id)
        .order_by((DirectDebitMandate.status == MandateStatus.ACTIVE).desc(), DirectDebitMandate.created_at.desc())
    ).first()
    return _view(mandate, account_ref.strip()) if mandate else None


# --- the collection file -------------------------------------------------------------

def _paid_by_year(uow: UnitOfWork, account_ids: list[uuid.UUID], as_of: date) -> dict[uuid.UUID, dict[int, int]]:
    """Pence paid per account and year (cash movements up to as_of, plus collections already submitted)."""
    paid: dict[uuid.UUID, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for chunk in in_batches(account_ids):
        for account_id, year, total in uow.session.execute(
            select(LedgerTransaction.account_id, LedgerTransaction.financial_year, func.sum(LedgerTransaction.amount_pence))
            .where(
                LedgerTransaction.account_id.in_(chunk), LedgerTransaction.kind.in_(CASH_KINDS),
                LedgerTransaction.posted_on <= as_of,
            )
            .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year)
        ):
            paid[account_id][year] -= int(total)
        for account_id, due_on, amount in uow.session.execute(
            select(DirectDebitCollection.account_id, DirectDebitCollection.due_on, DirectDebitCollection.amount_pence)
            .where(DirectDebitCollection.account_id.in_(chunk), DirectDebitCollection.status == CollectionStatus.SUBMITTED)
        ):
            paid[account_id][financial_year_of(due_on)] += amount
    return paid


def _due_amounts(uow: UnitOfWork, mandates: list[DirectDebitMandate], collection_date: date, as_of: date) -> dict[uuid.UUID, int]:
    """Unpaid pence of the instalments due on `collection_date`, per mandate."""
    by_account = {m.account_id: m for m in mandates}
    plans = uow.session.scalars(
        select(InstalmentPlan)
        .where(InstalmentPlan.account_id.in_(list(by_account)), InstalmentPlan.status == InstalmentPlanStatus.ACTIVE)
        .options(selectinload(InstalmentPlan.instalments))
    ).all() if by_account else []
    plans = [p for p in plans if any(i.due_on == collection_date for i in p.instalments)]
    paid = _paid_by_year(uow, sorted({p.account_id for p in plans}), as_of)
    due: dict[uuid.UUID, int] = defaultdict(int)
    for plan in plans:
        covered = allocate_paid([i.amount_pence for i in plan.instalments], paid[plan.account_id][plan.financial_year])
        for instalment, part in zip(plan.instalments, covered, strict=True):
            if instalment.due_on == collection_date and instalment.amount_pence > part:
                due[by_account[plan.account_id].id] += instalment.amount_pence - part
    return due


@handles(GenerateCollectionFile, role=Role.OFFICER, action="generate Direct Debit collection files")
def generate_collection_file(
    uow: UnitOfWork, actor: Actor, *, collection_date: date, out_path: str | Path, as_of: date
) -> CollectionFileResult:
    """Submit the unpaid instalments due on `collection_date` for every active mandate.

    Collections already submitted for that date are left alone; when there is nothing new
    no file is written. An existing file is never overwritten.
    """
    session = uow.session
    mandates = session.scalars(
        select(DirectDebitMandate).where(
            DirectDebitMandate.status == MandateStatus.ACTIVE, DirectDebitMandate.start_date <= collection_date
        )
    ).all()
    already = {
        mandate_id for (mandate_id,) in session.execute(
            select(DirectDebitCollection.mandate_id).where(DirectDebitCollection.due_on == collection_date)
        )
    }
    due = _due_amounts(uow, [m for m in mandates if m.id not in already], collection_date, as_of)
    already_submitted = sum(1 for m in mandates if m.id in already)
    path = Path(out_path)
    if not due:
        return CollectionFileResult(collection_date, str(path), False, 0, 0, already_submitted, None)
    if path.exists():
        raise ValidationError(f"{path} already exists; choose a new file name for the collection file.", field="out_path")
    if not path.parent.is_dir():
        raise ValidationError(f"The folder {path.parent} does not exist.", field="out_path")
    run = BatchRun(
        kind=BatchRunKind.DD_COLLECTION, run_key=f"dd_collection:{collection_date.isoformat()}:{uuid.uuid4()}", as_of=as_of,
        parameters={"collection_date": collection_date.isoformat(), "file": str(path)}, created_by=actor.username,
    )
    session.add(run)
    session.flush()
    refs = dict(session.execute(
        select(Account.id, Account.account_ref).where(Account.id.in_([m.account_id for m in mandates if m.id in due]))
    ).all())
    lines: list[tuple[str | int, ...]] = []
    for mandate in sorted((m for m in mandates if m.id in due), key=lambda m: m.reference):
        amount = due[mandate.id]
        session.add(DirectDebitCollection(
            mandate_id=mandate.id, account_id=mandate.account_id, due_on=collection_date, amount_pence=amount,
            status=CollectionStatus.SUBMITTED, batch_run_id=run.id,
        ))
        lines.append((
            mandate.reference, mandate.sort_code, mandate.bank_account_number, mandate.account_holder,
            amount, collection_date.isoformat(), refs[mandate.account_id],
        ))
    total = sum(due.values())
    run.status, run.done, run.total, run.finished_at = BatchRunStatus.COMPLETED, len(lines), len(lines), now()
    run.summary = {"collections": len(lines), "total_pence": total, "already_submitted": already_submitted}
    audit(uow, actor.username, "dd.collection_file", "batch_run", run.id, after={**run.summary, **run.parameters})
    with saving(uow, f"The Direct Debit collections for {collection_date:%d/%m/%Y}"):
        session.flush()
    _write_collection_file(path, lines)
    try:
        uow.commit()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return CollectionFileResult(collection_date, str(path), True, len(lines), total, already_submitted, run.id)


def _write_collection_file(path: Path, lines: list[tuple[str | int, ...]]) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            SafeCsvWriter(handle, COLLECTION_COLUMNS, money=("amount",)).writerows(lines)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ValidationError(f"{path} cannot be written ({exc.strerror or exc}).", field="out_path") from None


# --- posting collections -------------------------------------------------------------

def collection_payment_ref(mandate_reference: str, due_on: date) -> str:
    return f"DD-{mandate_reference}-{due_on.isoformat()}"


@handles(PostCollections, role=Role.OFFICER, action="post Direct Debit collections")
def post_collections(uow: UnitOfWork, actor: Actor, *, as_of: date) -> int:
    """Post submitted collections due on or before `as_of` as payments. Returns how many."""
    session = uow.session
    rows = session.execute(
        select(DirectDebitCollection, DirectDebitMandate.reference, Account.account_ref)
        .join(DirectDebitMandate, DirectDebitMandate.id == DirectDebitCollection.mandate_id)
        .join(Account, Account.id == DirectDebitCollection.account_id)
        .where(DirectDebitCollection.status == CollectionStatus.SUBMITTED, DirectDebitCollection.due_on <= as_of)
        .order_by(DirectDebitCollection.due_on, DirectDebitMandate.reference)
    ).all()
    if not rows:
        return 0
    run = BatchRun(
        kind=BatchRunKind.DD_POST, run_key=f"dd_post:{as_of.isoformat()}:{uuid.uuid4()}", as_of=as_of, created_by=actor.username,
    )
    session.add(run)
    session.flush()
    lock_accounts(uow, list({c.account_id for c, _, _ in rows}))  # before their balances are read
    refs = [collection_payment_ref(mandate_ref, c.due_on) for c, mandate_ref, _ in rows]
    present = {p.external_ref: p for p in session.scalars(select(Payment).where(Payment.external_ref.in_(refs)))}
    outstanding = year_balances(uow, {c.account_id for c, _, _ in rows})
    posted = 0
    for (collection, _, account_ref), ref in zip(rows, refs, strict=True):
        payment = present.get(ref)
        if payment is None:  # a payment already there (e.g. imported) is linked, never doubled
            payment = Payment(
                external_ref=ref, account_id=collection.account_id, account_ref_given=account_ref,
                received_on=collection.due_on, amount_pence=collection.amount_pence, method=PaymentMethod.DD,
                status=PaymentStatus.ALLOCATED,
                batch_run_id=run.id, created_by=actor.username,
            )
            session.add(payment)
            session.flush()
            allocation = post_to_ledger(
                uow, actor, payment, collection.account_id, outstanding[collection.account_id], batch_run_id=run.id
            )
            audit(uow, actor.username, "payment.posted", "payment", payment.id, account_id=collection.account_id,
                  after={**payment_audit_details(ref, account_ref, payment.amount_pence, payment.received_on, payment.method,
                                                   allocation),
                         "dd_collection_id": str(collection.id)})
            posted += 1
        collection.status = CollectionStatus.COLLECTED
        collection.payment_id = payment.id
    run.status, run.done, run.total, run.finished_at = BatchRunStatus.COMPLETED, len(rows), len(rows), now()
    run.summary = {"posted": posted, "linked": len(rows) - posted}
    audit(uow, actor.username, "dd.collections_posted", "batch_run", run.id, after={**run.summary, "as_of": as_of.isoformat()})
    with saving(uow, "The Direct Debit collections"):
        uow.commit()
    return posted


# --- returns (ARUDD) -----------------------------------------------------------------

@dataclass(frozen=True)
class _ReturnRow:
    line: int
    mandate_reference: str
    due_on: date
    amount_pence: int
    code: str
    reason: str
    account_ref: str


def _parse_return_row(row: CsvRow) -> _ReturnRow:
    row.check_shape()
    code = row.required("reason_code").upper()
    if code not in ARUDD_REASONS:
        raise RowInvalid("reason_code", f"'{row.get('reason_code')}' is not an ARUDD reason code ({', '.join(ARUDD_REASONS)})")
    amount = row.pence("amount")
    if amount <= 0:
        raise RowInvalid("amount", "amount must be more than £0.00")
    due_on = row.date("due_date")
    assert due_on is not None
    return _ReturnRow(
        row.line, row.required("mandate_reference").upper(), due_on, amount, code,
        row.get("reason") or ARUDD_REASONS[code][0], row.get("account_ref"),
    )


@handles(ImportDirectDebitReturns, role=Role.OFFICER, action="import Direct Debit returns")
def import_returns(
    uow: UnitOfWork, actor: Actor, path: str | Path, *, as_of: date, all_or_nothing: bool = False
) -> ReturnsSummary:
    """Apply the bank's returned Direct Debits. A return already applied is skipped."""
    session = uow.session
    summary = ReturnsSummary()
    parsed: list[_ReturnRow] = []
    for row in read_rows(path, RETURN_COLUMNS, RETURN_OPTIONAL):
        try:
            parsed.append(_parse_return_row(row))
        except RowInvalid as exc:
            summary.reject(row.line, exc.field, exc.message)
    mandates = {
        m.reference: m for m in session.scalars(
            select(DirectDebitMandate).where(DirectDebitMandate.reference.in_({r.mandate_reference for r in parsed}))
        )
    } if parsed else {}
    run = record_file_run(uow, actor, BatchRunKind.DD_RETURNS, path)
    done: dict[tuple[str, date], int] = {}  # (mandate, due date) -> line applied
    for r in parsed:
        try:
            key = (r.mandate_reference, r.due_on)
            if key in done:
                raise RowInvalid(
                    "mandate_reference",
                    f"the return for {r.mandate_reference} on {r.due_on:%d/%m/%Y} appears twice (first on line {done[key]})",
                )
            _apply_return(uow, actor, r, mandates, run.id, as_of, summary)
            done[key] = r.line
        except RowInvalid as exc:
            summary.reject(r.line, exc.field, exc.message)
    summary.errors.sort(key=lambda e: e.line)
    with saving(uow, "The Direct Debit returns"):
        return complete_file_import(uow, actor, run, summary, all_or_nothing)


def _apply_return(
    uow: UnitOfWork, actor: Actor, r: _ReturnRow, mandates: dict[str, DirectDebitMandate], run_id: uuid.UUID,
    as_of: date, summary: ReturnsSummary,
) -> None:
    session = uow.session
    mandate = mandates.get(r.mandate_reference)
    if mandate is None:
        raise RowInvalid("mandate_reference", f"there is no Direct Debit mandate {r.mandate_reference}")
    account_ref = session.scalar(select(Account.account_ref).where(Account.id == mandate.account_id)) or ""
    if r.account_ref and r.account_ref != account_ref:
        raise RowInvalid("account_ref", f"mandate {r.mandate_reference} belongs to account {account_ref}, not {r.account_ref}")
    collection = session.scalars(
        select(DirectDebitCollection).where(
            DirectDebitCollection.mandate_id == mandate.id, DirectDebitCollection.due_on == r.due_on
        )
    ).one_or_none()
    if collection is None:
        raise RowInvalid("due_date", f"no collection was submitted for mandate {r.mandate_reference} on {r.due_on:%d/%m/%Y}")
    if collection.amount_pence != r.amount_pence:
        raise RowInvalid(
            "amount", f"the collection on {r.due_on:%d/%m/%Y} was {to_pounds_text(collection.amount_pence)}, "
            f"not {to_pounds_text(r.amount_pence)}",
        )
    if collection.status == CollectionStatus.RETURNED:
        summary.skipped += 1
        return
    reason = f"Direct Debit returned: {r.code} {r.reason}"
    before = {"status": collection.status}
    payment = session.get(Payment, collection.payment_id) if collection.payment_id else None
    parts: list[tuple[int, int]] = []
    if payment is not None and payment.status == PaymentStatus.ALLOCATED:
        parts = reverse_payment(uow, actor, payment, as_of=as_of, reason=reason, batch_run_id=run_id)
    collection.status = CollectionStatus.RETURNED
    gone = ARUDD_REASONS[r.code][1]
    cancelled = gone and mandate.status == MandateStatus.ACTIVE
    if cancelled:
        _cancel(uow, actor, mandate, as_of=as_of, reason=reason)
        summary.mandates_cancelled += 1
    details = {
        "reason_code": r.code, "reason": r.reason, "mandate_reference": mandate.reference,
        "due_date": r.due_on.isoformat(), "payment_ref": payment.external_ref if payment else None,
        "mandate_cancelled": cancelled,
    }
    for year, pence in parts or [(financial_year_of(r.due_on), r.amount_pence)]:
        session.add(RecoveryEvent(
            account_id=mandate.account_id, financial_year=year, stage=RecoveryStage.DD_RETURNED, event_date=as_of,
            amount_pence=pence, details=details, batch_run_id=run_id, created_by=actor.username,
        ))
    audit(uow, actor.username, "dd.returned", "dd_collection", collection.id, account_id=mandate.account_id,
          before=before,
          after={**details, "status": collection.status, "reversed": [{"year": y, "amount_pence": p} for y, p in parts]})
    summary.imported += 1
    summary.reversed_pence += sum(p for _, p in parts)
