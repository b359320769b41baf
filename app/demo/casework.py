"""Case work on demo data: what a newcomer finds waiting on the first morning.

The bulk generator writes accounts, bills, payments and recovery history as raw rows (a
million accounts must be quick). The work in progress around them — notes, escalations
for a team leader, refund requests, write-off proposals and diary work — is made here
through the ordinary use cases, so it is exactly what officers would have made: audited,
checked, on accounts where it makes sense (refunds where there is a credit, write-offs of
old arrears, escalations at summons). A handful of each, whatever the demo's size.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from app.casework.diary import add_entry
from app.casework.escalations import raise_escalation
from app.casework.notes import add_note
from app.config import AuthoritySettings
from app.db import Database
from app.enums import RecoveryStage
from app.errors import Conflict, NotFound, ValidationError
from app.models import Account, AccountParty, Hold, LedgerTransaction, Person, RecoveryEvent
from app.models.person import full_name
from app.payments.refunds import request_refund
from app.users.roles import Actor
from app.writeoffs.proposing import propose_write_off

EACH = 4  # of each kind of work, at most

NOTES = (
    "Phoned: says the March payment was made at the Post Office; asked for the receipt.",
    "Email received asking for a copy bill to be sent to the new address.",
    "Visited the office: agreed to bring bank statements on Friday.",
    "Called back about the reminder: promised to pay in full by the end of the month.",
    "Letter from Citizens Advice: acting for the taxpayer, asks us to hold recovery for 30 days.",
    "Phoned: disputes the single person discount removal; explained the review and the evidence needed.",
)
ESCALATIONS = (
    ("vulnerable", "Taxpayer says they are in hospital and their partner has died; summons due. Please review."),
    ("complex", "Two joint taxpayers separated last year; each says the other should pay. Advice on pursuing one."),
    ("vulnerable", "Mentions a mental health crisis on the phone; referred to the welfare team, hold recovery?"),
    ("complex", "Claims the property was an HMO for part of the year: liability may belong to the landlord."),
)
REFUND_REASONS = (
    "Paid the year in full and the last instalments by Direct Debit as well.",
    "Moved out in the summer; the amended bill leaves a credit.",
    "Paid twice by bank transfer in error.",
)
WRITE_OFFS = (  # reason, note, evidence
    ("uneconomical", "Small balance left after the taxpayer moved abroad", ""),
    ("insolvency", "Debt relief order made", "DRO reference 0451239, made 02/11/2026"),
    ("gone_away", "Tracing exhausted", "Credit reference and DWP trace, October 2026: no trace"),
    ("deceased", "Estate has no funds", "Death certificate seen; the solicitor confirms there is no estate"),
)


@dataclass(frozen=True)
class CaseworkMade:
    notes: int
    escalations: int
    refunds: int
    writeoffs: int
    diary: int


def seed_casework(db: Database, actor: Actor, settings: AuthoritySettings, *, seed: int, as_of: date) -> CaseworkMade:
    """Notes, escalations, refund requests, write-off proposals and diary work on a few demo accounts.

    Each piece is its own unit of work through the use case that officers use; a piece the
    use case refuses (say, a write-off a reason's rules do not allow for that account) is
    skipped, not forced. Deterministic for a seed.
    """
    rng = random.Random(seed * 7919 + 17)
    with db.uow() as uow:
        session = uow.session
        balance = func.sum(LedgerTransaction.amount_pence)
        credit = [(ref, int(owed)) for ref, owed in session.execute(
            select(Account.account_ref, -balance).join(LedgerTransaction, LedgerTransaction.account_id == Account.id)
            .group_by(Account.account_ref).having(balance < -500).order_by(Account.account_ref).limit(EACH * 5)
        )]  # int(): PostgreSQL's sum is a Decimal
        held = select(Hold.account_id).where(Hold.end_date.is_(None))
        at_summons = list(session.scalars(
            select(Account.account_ref).join(RecoveryEvent, RecoveryEvent.account_id == Account.id)
            .where(RecoveryEvent.stage == RecoveryStage.SUMMONS, Account.id.not_in(held))
            .group_by(Account.account_ref).order_by(Account.account_ref).limit(EACH * 10)
        ))
        oldest_year = session.scalar(select(func.min(LedgerTransaction.financial_year)))
        year_balance = func.sum(LedgerTransaction.amount_pence)
        old_arrears = [(ref, int(owed)) for ref, owed in session.execute(
            select(Account.account_ref, year_balance).join(LedgerTransaction, LedgerTransaction.account_id == Account.id)
            .where(LedgerTransaction.financial_year == oldest_year)
            .group_by(Account.account_ref).having(year_balance > 0).order_by(Account.account_ref).limit(EACH * 5)
        )]
        payees = {
            ref: full_name(title, forenames, surname) for ref, title, forenames, surname in session.execute(
                select(Account.account_ref, Person.title, Person.forenames, Person.surname)
                .join(AccountParty, AccountParty.account_id == Account.id).join(Person, Person.id == AccountParty.person_id)
                .where(AccountParty.ordinal == 0, Account.account_ref.in_([ref for ref, _ in credit]))
            )
        }
    rng.shuffle(at_summons)
    made = {"notes": 0, "escalations": 0, "refunds": 0, "writeoffs": 0, "diary": 0}

    def attempt(kind: str, use_case: Callable[..., object], **inputs: Any) -> None:
        """Run one use case in its own unit of work; count it if it accepted the work."""
        try:
            with db.uow() as uow:
                use_case(uow, actor, **inputs)
        except (ValidationError, Conflict, NotFound):
            return
        made[kind] += 1

    for ref, text in zip(at_summons[EACH:], NOTES, strict=False):
        attempt("notes", add_note, account_ref=ref, text=text)
    for ref, (reason, note) in zip(at_summons[:EACH], ESCALATIONS, strict=False):
        attempt("escalations", raise_escalation, account_ref=ref, reason=reason, note=note, team="Recovery")
        attempt("diary", add_entry, account_ref=ref, code="VULN" if reason == "vulnerable" else "CORR",
                as_of=as_of - timedelta(days=rng.randrange(1, 10)), due=as_of + timedelta(days=rng.randrange(0, 7)),
                note="Waiting for the team leader's decision on the escalation")
    for (ref, owed), reason in zip(credit[: EACH - 1], REFUND_REASONS, strict=False):
        attempt("refunds", request_refund, account_ref=ref, amount_pence=owed if owed < 50_000 else owed // 2,
                payee=payees.get(ref, "The taxpayer"), method="bank", reason=reason, as_of=as_of)
    if oldest_year is not None:
        for (ref, owed), (reason, note, evidence) in zip(old_arrears, WRITE_OFFS, strict=False):
            attempt("writeoffs", propose_write_off, settings=settings, account_ref=ref, financial_year=oldest_year,
                    amount_pence=owed, reason=reason, note=note, evidence=evidence, as_of=as_of)
    return CaseworkMade(**made)

