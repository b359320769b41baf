"""The account timeline: everything that happened on an account, in one chronological list.

Officers read an account's story top to bottom before they call a taxpayer back: the bills
and amended notices, each payment with how it was allocated, reversals and refunds,
recovery steps and court outcomes, attachment/benefit/agent actions, holds, arrangements,
diary entries, notes and letters. Each source keeps its own table; this module reads each
once (one indexed query per kind, whatever the account's length) and turns every record
into a `TimelineEntry` saying when, what, how much, who, and which part of the account
view opens it (`opens`, with `ref_id` naming the record: a letter's document id, a diary
entry's id...).

It is a record of what was done, so everything recorded is listed whatever day the
desktop works as of; `from_` keeps only what happened on or after a day (`revdesk account
timeline REF --from DATE`). Ties on one day keep the order things were recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import RecoveryStage
from app.ledger.kinds import LedgerKind
from app.models import (
    Arrangement,
    DiaryEntry,
    Document,
    EnforcementCase,
    Escalation,
    Hold,
    LedgerTransaction,
    Note,
    RecoveryEvent,
    RefundRequest,
)
from app.money import fmt
from app.payments.posting import payment_allocations
from app.rules.apportionment import year_label


class TimelineKind(StrEnum):
    """What a timeline entry is about: the timeline's filter offers these."""

    BILL = "bill"  # charges, rebill adjustments, reductions, costs, write-offs, transfers
    PAYMENT = "payment"
    REVERSAL = "reversal"
    REFUND = "refund"
    RECOVERY = "recovery"  # reminders, final notices, summonses, returned Direct Debits
    COURT = "court"  # liability orders, adjournments, withdrawals, paid before the hearing
    ENFORCEMENT = "enforcement"  # attachment of earnings, benefit deductions, enforcement agents
    HOLD = "hold"
    ARRANGEMENT = "arrangement"
    DIARY = "diary"  # diary entries and escalations
    NOTE = "note"
    LETTER = "letter"


class Opens(StrEnum):
    """The part of the account view a row opens."""

    TRANSACTIONS = "transactions"
    RECOVERY = "recovery"
    ARRANGEMENT = "arrangement"
    DIARY = "diary"
    DOCUMENT = "document"  # the letter itself, as it was sent


@dataclass(frozen=True)
class TimelineEntry(JsonView):
    on: date
    kind: str  # a TimelineKind
    title: str
    detail: str
    amount_pence: int | None  # money the entry moved or asked for, when it has an amount
    by: str  # who recorded it ("" for a batch run's rows without a person)
    opens: str  # an Opens
    ref_id: str | None  # the record it refers to (document, diary entry, hold, payment...)


COURT_STAGES = (RecoveryStage.LIABILITY_ORDER, RecoveryStage.ADJOURNED, RecoveryStage.WITHDRAWN,
                RecoveryStage.PAID_BEFORE_HEARING)
_STAGE_WORDS = {
    RecoveryStage.REMINDER_1: "First reminder", RecoveryStage.REMINDER_2: "Second reminder",
    RecoveryStage.FINAL_NOTICE: "Final notice", RecoveryStage.SUMMONS: "Summons issued",
    RecoveryStage.LIABILITY_ORDER: "Liability order granted", RecoveryStage.ADJOURNED: "Hearing adjourned",
    RecoveryStage.WITHDRAWN: "Summons withdrawn", RecoveryStage.PAID_BEFORE_HEARING: "Paid before the hearing",
    RecoveryStage.DD_RETURNED: "Direct Debit returned",
}
_LEDGER_WORDS = {
    LedgerKind.CHARGE: "Bill", LedgerKind.ADJUSTMENT: "Rebill adjustment", LedgerKind.REDUCTION: "Council tax reduction",
    LedgerKind.COSTS: "Court costs", LedgerKind.WRITE_OFF: "Written off", LedgerKind.TRANSFER: "Transfer",
    LedgerKind.REFUND: "Refund paid",
}


_METHOD_WORDS = {"dd": "Direct Debit", "aoe": "Attachment of earnings", "ea": "Enforcement agent"}


def _words(code: str) -> str:
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]


def account_timeline(uow: UnitOfWork, account_ref: str, from_: date | None = None) -> list[TimelineEntry]:
    """Everything recorded on the account (on or after `from_`), oldest first."""
    account_id = get_account_id(uow, account_ref)
    stamped: list[tuple[date, datetime | None, int, TimelineEntry]] = []
    for reader in _READERS:
        for entry, recorded_at in reader(uow, account_id):
            if from_ is None or entry.on >= from_:
                stamped.append((entry.on, recorded_at, len(stamped), entry))
    stamped.sort(key=lambda s: (s[0], s[1] or datetime.min, s[2]))
    return [entry for *_, entry in stamped]


Found = list[tuple[TimelineEntry, datetime | None]]


def _ledger(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    """Bills, adjustments, reductions, costs, refunds paid and the like; payments and their
    reversals come from `_payments`, one row per payment rather than one per year paid."""
    rows = uow.session.execute(
        select(LedgerTransaction.id, LedgerTransaction.kind, LedgerTransaction.financial_year,
               LedgerTransaction.amount_pence, LedgerTransaction.posted_on, LedgerTransaction.reference,
               LedgerTransaction.description, LedgerTransaction.created_by, LedgerTransaction.created_at)
        .where(LedgerTransaction.account_id == account_id,
               LedgerTransaction.kind.not_in((LedgerKind.PAYMENT, LedgerKind.REVERSAL)))
    )
    found: Found = []
    for r in rows:
        kind = TimelineKind.REFUND if r.kind == LedgerKind.REFUND else TimelineKind.BILL
        title = f"{_LEDGER_WORDS.get(LedgerKind(r.kind), _words(r.kind))} {year_label(r.financial_year)}"
        detail = " · ".join(p for p in (r.description, r.reference) if p)
        found.append((TimelineEntry(r.posted_on, kind, title, detail, r.amount_pence, r.created_by,
                                    Opens.TRANSACTIONS, str(r.id)), r.created_at))
    return found


def _payments(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    """Each payment with how it was allocated, and its reversal if it came back."""
    reversals = {
        r.payment_id: r for r in uow.session.execute(
            select(LedgerTransaction.payment_id, LedgerTransaction.posted_on, LedgerTransaction.description,
                   LedgerTransaction.created_by, LedgerTransaction.created_at)
            .where(LedgerTransaction.account_id == account_id, LedgerTransaction.kind == LedgerKind.REVERSAL,
                   LedgerTransaction.payment_id.is_not(None))
        )
    }
    found: Found = []
    for p in payment_allocations(uow, account_id):
        split = ", ".join(f"{year_label(part.year)} {fmt(part.amount_pence)}" for part in p.parts)
        found.append((TimelineEntry(
            p.received_on, TimelineKind.PAYMENT, f"Payment {p.payment_ref} ({_METHOD_WORDS.get(p.method) or _words(p.method)})",
            f"Allocated: {split}" if split else "", -p.amount_pence, "", Opens.TRANSACTIONS, str(p.payment_id),
        ), None))
        if p.reversed_pence and (back := reversals.get(p.payment_id)) is not None:
            found.append((TimelineEntry(
                back.posted_on, TimelineKind.REVERSAL, f"Payment {p.payment_ref} reversed", back.description,
                p.reversed_pence, back.created_by, Opens.TRANSACTIONS, str(p.payment_id),
            ), back.created_at))
    return found


def _refund_requests(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for r in uow.session.scalars(select(RefundRequest).where(RefundRequest.account_id == account_id)):
        found.append((TimelineEntry(
            r.requested_on, TimelineKind.REFUND, f"Refund requested for {r.payee}", r.reason, r.amount_pence,
            r.requested_by, Opens.TRANSACTIONS, str(r.id),
        ), r.created_at))
        if r.decided_on is not None:
            found.append((TimelineEntry(
                r.decided_on, TimelineKind.REFUND, f"Refund {_words(r.status).lower()}", r.decision_note,
                r.amount_pence, r.decided_by or "", Opens.TRANSACTIONS, str(r.id),
            ), None))
    return found


def _recovery(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for e in uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.account_id == account_id)):
        stage = RecoveryStage(e.stage)
        title = f"{_STAGE_WORDS.get(stage, _words(stage))} {year_label(e.financial_year)}"
        detail = f"Hearing {e.hearing_date:%d/%m/%Y}" if e.hearing_date and stage == RecoveryStage.SUMMONS else ""
        kind = TimelineKind.COURT if stage in COURT_STAGES else TimelineKind.RECOVERY
        found.append((TimelineEntry(e.event_date, kind, title, detail, e.amount_pence or None, e.created_by,
                                    Opens.RECOVERY, str(e.id)), e.created_at))
    return found


def _enforcement(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for c in uow.session.scalars(select(EnforcementCase).where(EnforcementCase.account_id == account_id)):
        what = _words(c.kind)
        found.append((TimelineEntry(c.opened_on, TimelineKind.ENFORCEMENT, f"{what} started", c.reference,
                                    c.debt_pence, c.created_by, Opens.RECOVERY, str(c.id)), c.created_at))
        if c.closed_on is not None:
            found.append((TimelineEntry(c.closed_on, TimelineKind.ENFORCEMENT, f"{what} ended",
                                        str(c.details.get("closed_reason", "")), None, "", Opens.RECOVERY,
                                        str(c.id)), None))
    return found


def _holds(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for h in uow.session.scalars(select(Hold).where(Hold.account_id == account_id)):
        found.append((TimelineEntry(h.start_date, TimelineKind.HOLD, f"Hold: {_words(h.kind).lower()}", h.reason,
                                    None, h.created_by, Opens.RECOVERY, str(h.id)), h.created_at))
        if h.lifted_by is not None and h.end_date is not None:
            found.append((TimelineEntry(h.end_date, TimelineKind.HOLD, f"Hold lifted: {_words(h.kind).lower()}", "",
                                        None, h.lifted_by, Opens.RECOVERY, str(h.id)), None))
    return found


def _arrangements(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for a in uow.session.scalars(select(Arrangement).where(Arrangement.account_id == account_id)):
        found.append((TimelineEntry(
            a.created_at.date(), TimelineKind.ARRANGEMENT, f"Arrangement agreed ({_words(a.frequency).lower()})",
            f"{a.start_date:%d/%m/%Y} to {a.end_date:%d/%m/%Y}", a.total_pence, a.created_by, Opens.ARRANGEMENT,
            str(a.id),
        ), a.created_at))
        if a.broken_on is not None:
            found.append((TimelineEntry(a.broken_on, TimelineKind.ARRANGEMENT, "Arrangement broken", a.status_reason,
                                        None, "", Opens.ARRANGEMENT, str(a.id)), None))
    return found


def _diary(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    found: Found = []
    for d in uow.session.scalars(select(DiaryEntry).where(DiaryEntry.account_id == account_id)):
        found.append((TimelineEntry(
            d.created_at.date(), TimelineKind.DIARY, f"Diary {d.code} due {d.due_on:%d/%m/%Y}", d.note, None,
            d.created_by, Opens.DIARY, str(d.id),
        ), d.created_at))
        if d.completed_at is not None:
            found.append((TimelineEntry(d.completed_at.date(), TimelineKind.DIARY, f"Diary {d.code} completed",
                                        d.completion_note, None, d.completed_by or "", Opens.DIARY, str(d.id)),
                          d.completed_at))
    for e in uow.session.scalars(select(Escalation).where(Escalation.account_id == account_id)):
        found.append((TimelineEntry(e.created_at.date(), TimelineKind.DIARY, f"Escalated: {_words(e.reason).lower()}",
                                    e.note, e.amount_pence, e.raised_by, Opens.DIARY, str(e.id)), e.created_at))
        if e.decided_at is not None:
            found.append((TimelineEntry(e.decided_at.date(), TimelineKind.DIARY, f"Escalation {_words(e.status).lower()}",
                                        e.decision_note, None, e.decided_by or "", Opens.DIARY, str(e.id)),
                          e.decided_at))
    return found


def _notes(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    return [
        (TimelineEntry(n.created_at.date(), TimelineKind.NOTE, "Note", n.text, None, n.created_by, Opens.DIARY,
                       str(n.id)), n.created_at)
        for n in uow.session.scalars(select(Note).where(Note.account_id == account_id))
    ]


def _letters(uow: UnitOfWork, account_id: uuid.UUID) -> Found:
    """Letters sent, without their bytes (a row opens the letter as it was sent)."""
    rows = uow.session.execute(
        select(Document.id, Document.kind, Document.file_name, Document.financial_year, Document.issued_on,
               Document.created_by, Document.created_at)
        .where(Document.account_id == account_id)
    )
    return [
        (TimelineEntry(r.issued_on, TimelineKind.LETTER,
                       _words(r.kind) + (f" {year_label(r.financial_year)}" if r.financial_year else ""),
                       r.file_name, None, r.created_by, Opens.DOCUMENT, str(r.id)), r.created_at)
        for r in rows
    ]


_READERS: tuple[Any, ...] = (_ledger, _payments, _refund_requests, _recovery, _enforcement, _holds, _arrangements,
                             _diary, _notes, _letters)
