"""Proposing a write-off: checked against the council's reasons and what the year owes.

What a year has to write off is its balance (posted by `as_of`) less what other proposals
for the year, not yet decided, already claim: two proposals can never together write off
more than is owed. It is checked under the account lock when proposed and again when
approved (`deciding`).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import exists, func, select

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import clean_text
from app.enums import RecoveryStage, WriteOffStatus
from app.errors import ValidationError
from app.ledger.balances import year_balance_pence
from app.ledger.kinds import CHARGE_KINDS
from app.models import Account, LedgerTransaction, RecoveryEvent, WriteOff
from app.money import fmt
from app.requests import handles
from app.rules.apportionment import financial_year_of, year_end, year_label
from app.rules.writeoffs import WriteOffReason, statute_barred
from app.users.roles import Actor, Role
from app.writeoffs.requests import ProposeWriteOff
from app.writeoffs.views import WriteOffView, snapshot, view_of

NOTE_MAX = 1000
EVIDENCE_MAX = 500


def pending_pence(uow: UnitOfWork, account_id: uuid.UUID, year: int, *, excluding: uuid.UUID | None = None) -> int:
    """What proposals for the account-year waiting for a decision claim."""
    query = select(func.coalesce(func.sum(WriteOff.amount_pence), 0)).where(
        WriteOff.account_id == account_id, WriteOff.financial_year == year, WriteOff.status == WriteOffStatus.PROPOSED,
    )
    if excluding is not None:
        query = query.where(WriteOff.id != excluding)
    return int(uow.session.scalar(query) or 0)


def left_to_write_off(uow: UnitOfWork, account_ref: str, year: int, as_of: date) -> int:
    """What the year has left to write off: its balance less waiting proposals (never below 0)."""
    account_id = get_account_id(uow, account_ref)
    return max(0, year_balance_pence(uow, account_id, year, as_of) - pending_pence(uow, account_id, year))


def check_available(
    uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, year: int, amount_pence: int, as_of: date,
    *, excluding: uuid.UUID | None = None,
) -> None:
    """ValidationError (field `amount`, or `year` when the year owes nothing) unless the
    year's balance less other waiting proposals covers `amount_pence`."""
    owed = year_balance_pence(uow, account_id, year, as_of)
    if owed <= 0:
        raise ValidationError(
            f"Account {account_ref} owes nothing for {year_label(year)} on {as_of:%d/%m/%Y}: there is nothing to write off.",
            field="year",
        )
    if amount_pence <= 0:
        raise ValidationError("The amount to write off must be more than £0.00.", field="amount")
    waiting = pending_pence(uow, account_id, year, excluding=excluding)
    available = max(0, owed - waiting)
    if amount_pence > available:
        claimed = f" ({fmt(waiting)} of it is already in other write-off proposals)" if waiting else ""
        raise ValidationError(
            f"The write-off of {fmt(amount_pence)} is more than account {account_ref} has outstanding for "
            f"{year_label(year)}, {fmt(available)}: the year owes {fmt(owed)}{claimed}.", field="amount",
        )


def reason_of(settings: AuthoritySettings, code: str) -> WriteOffReason:
    reasons = settings.writeoffs.reasons
    reason = reasons.get(code.strip().lower())
    if reason is None:
        raise ValidationError(
            f"'{code.strip()}' is not a write-off reason (use one of {', '.join(reasons)}).", field="reason"
        )
    return reason


def _check_statute_barred(uow: UnitOfWork, account_id: uuid.UUID, year: int, as_of: date) -> None:
    """The year's latest sum fell due at the later of its last day and its latest bill or
    rebill (a bill made after the year fell due on its notice), and no liability order was
    made for it (app.rules.writeoffs.statute_barred)."""
    last_billed = uow.session.scalar(select(func.max(LedgerTransaction.posted_on)).where(
        LedgerTransaction.account_id == account_id, LedgerTransaction.financial_year == year,
        LedgerTransaction.kind.in_(CHARGE_KINDS),
    ))
    last_fell_due = max(year_end(year), last_billed) if last_billed else year_end(year)
    ordered = bool(uow.session.scalar(select(exists().where(
        RecoveryEvent.account_id == account_id, RecoveryEvent.financial_year == year,
        RecoveryEvent.stage == RecoveryStage.LIABILITY_ORDER,
    ))))
    if not statute_barred(last_fell_due, as_of, liability_order=ordered):
        why = ("a liability order was made for it" if ordered else
               f"its last sum fell due on {last_fell_due:%d/%m/%Y}, less than six years ago (reg 34(3))")
        raise ValidationError(f"{year_label(year)} is not statute barred: {why}.", field="reason")


@handles(ProposeWriteOff, role=Role.OFFICER, action="propose write-offs")
def propose_write_off(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, financial_year: int,
    amount_pence: int, reason: str, note: str, as_of: date, evidence: str = "",
) -> WriteOffView:
    """Propose writing off (part of) a year's debt. Nothing is written on bad input."""
    ref = account_ref.strip()
    account_id = get_account_id(uow, ref)
    chosen = reason_of(settings, reason)
    if financial_year > financial_year_of(as_of):
        raise ValidationError(f"{year_label(financial_year)} has not started on {as_of:%d/%m/%Y}.", field="year")
    note_text = clean_text(note, field="note", label="a note saying why the debt is written off", max_length=NOTE_MAX,
                           required=chosen.note_required, multiline=True)
    needs = f" ({chosen.evidence}) for a write-off for the reason '{chosen.code}'" if chosen.evidence else ""
    evidence_text = clean_text(evidence, field="evidence", label=f"the evidence{needs}", max_length=EVIDENCE_MAX,
                               required=bool(chosen.evidence))
    # Under the account lock a proposal made at the same moment is counted in what is waiting.
    lock_account(uow, account_id)
    check_available(uow, account_id, ref, financial_year, amount_pence, as_of)
    if chosen.statute_barred:
        _check_statute_barred(uow, account_id, financial_year, as_of)
    writeoff = WriteOff(
        account_id=account_id, financial_year=financial_year, amount_pence=amount_pence, reason=chosen.code,
        note=note_text, evidence=evidence_text, status=WriteOffStatus.PROPOSED, proposed_by=actor.username,
        proposed_on=as_of,
    )
    uow.session.add(writeoff)
    with saving(uow, "The write-off proposal"):
        uow.session.flush()
    audit(uow, actor.username, "writeoff.proposed", "write_off", writeoff.id, account_id=account_id,
          after={**snapshot(writeoff), "note": note_text, "evidence": evidence_text, "proposed_on": as_of.isoformat()})
    name = uow.session.scalar(select(Account.result_name).where(Account.id == account_id)) or ""
    view = view_of(writeoff, ref, name, settings)
    with saving(uow, "The write-off proposal"):
        uow.commit()
    return view
