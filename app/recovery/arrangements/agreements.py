"""Agreeing, amending and cancelling a payment arrangement, and showing it with what has
been paid.

Agreeing one puts the account on hold from recovery (a `Hold` of kind "arrangement" from
the first payment, until lifted) and sends a confirmation letter
(`arrangement_confirmation.docx`, built by scripts/make_casework_letters.py), saved
together in one transaction. Payments counted towards an arrangement are the account's
cash movements (payments less refunds and reversals) dated from its first payment date
to `as_of`. A hold is "lifted" by ending it the day before `as_of` (the day recovery may
act again); a hold that had not started yet ends the day before it would have started, so
it is never in force. Every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork, in_batches
from app.dto import clean_text
from app.enums import ArrangementFrequency, ArrangementStatus, DocumentKind, HoldKind
from app.errors import Conflict, NotFound
from app.ledger.balances import owed_now_pence
from app.ledger.kinds import CASH_KINDS
from app.letters.council import council_fields
from app.models import Account, Arrangement, ArrangementInstalment, Hold, LedgerTransaction, LiabilityPeriod
from app.money import fmt
from app.recovery.arrangements.planning import build_plan, check_no_other_live, income_statement, refuse_plan
from app.recovery.arrangements.requests import AmendArrangement, CancelArrangement, CreateArrangement
from app.recovery.arrangements.views import ArrangementLine, ArrangementPlan, ArrangementView
from app.requests import handles
from app.rules.arrangements import FREQUENCY_LABELS, ArrangementPolicy, PlanWarning, check_payments
from app.rules.instalments import DueInstalment, allocate_paid
from app.users.roles import Actor, Role


@handles(CreateArrangement, role=Role.OFFICER, action="agree arrangements")
def create_arrangement(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None, confirm_warnings: bool = False,
) -> ArrangementView:
    """Agree an arrangement: saved with its schedule, the account on hold, a confirmation letter, audited.

    Refused (ValidationError naming the field): a first payment in the past; any other
    warning (not clearing by the target or the end of the financial year, more than is
    left over, below the minimum) unless `confirm_warnings`. Refused (Conflict): another live
    arrangement on the account (at most one is live, checked under the account lock and
    enforced by the database's unique index).
    """
    policy = settings.arrangements
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    # Under the account lock an arrangement agreed a moment ago is seen (and refused below);
    # the partial unique index uq_arrangement_one_live is the database's own guarantee.
    lock_account(uow, account_id)
    plan = build_plan(owed_now_pence(uow, account_id, as_of), policy, account_ref=ref, frequency=frequency, start=start, end=end,
                      amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure)
    refuse_plan(plan, as_of, confirm_warnings)
    assert plan.clears_by is not None
    check_no_other_live(uow, account_id, ref)
    arrangement = Arrangement(
        account_id=account_id, frequency=plan.frequency, start_date=start, end_date=plan.clears_by,
        total_pence=plan.balance_pence, status=ArrangementStatus.LIVE, grace_days=policy.grace_days,
        tolerance_pence=policy.tolerance_pence, checked_to=None, broken_on=None, status_reason="",
        income_expenditure=income_statement(plan, income_expenditure), created_by=actor.username,
        instalments=[ArrangementInstalment(seq=n, due_on=i.due, amount_pence=i.amount_pence)
                     for n, i in enumerate(plan.instalments, start=1)],
    )
    uow.session.add(arrangement)
    hold = _open_hold(uow, actor, account_id, ref, plan, as_of)
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    warnings = [w.to_json() for w in plan.warnings]
    audit(uow, actor.username, "arrangement.created", "arrangement", arrangement.id, account_id=account_id,
          after={**_details(arrangement, ref), "as_of": as_of.isoformat(), "confirmed_warnings": warnings})
    letter = _confirmation_letter(uow, actor, settings, policy, arrangement, ref, as_of)
    view = _view(uow, arrangement, ref, as_of, hold_id=hold.id, letter_id=letter, warnings=list(plan.warnings))
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


@handles(AmendArrangement, role=Role.OFFICER, action="amend arrangements")
def amend_arrangement(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None, confirm_warnings: bool = False, reason: str,
    expected_version: int | None = None,
) -> ArrangementView:
    """Replace a live arrangement's schedule with a new one for what is owed now (same rules as
    create); payments are counted from the new first payment date; a new letter is sent."""
    text = clean_text(reason, field="reason", label="the reason for the change", max_length=300)
    policy = settings.arrangements
    arrangement, ref = _live(uow, account_ref)
    lock_account(uow, arrangement.account_id)
    if expected_version is not None and arrangement.version != expected_version:
        raise Conflict(f"The arrangement on {ref} was changed by someone else since you opened it; reload it and try again.")
    plan = build_plan(owed_now_pence(uow, arrangement.account_id, as_of), policy, account_ref=ref, frequency=frequency,
                      start=start, end=end, amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure)
    refuse_plan(plan, as_of, confirm_warnings)
    assert plan.clears_by is not None
    check_no_other_live(uow, arrangement.account_id, ref, exclude=arrangement.id)
    before = _details(arrangement, ref)
    arrangement.frequency = ArrangementFrequency(plan.frequency)
    arrangement.start_date, arrangement.end_date = start, plan.clears_by
    arrangement.total_pence, arrangement.checked_to, arrangement.status_reason = plan.balance_pence, None, text
    if income_expenditure:
        arrangement.income_expenditure = income_statement(plan, income_expenditure)
    arrangement.instalments.clear()
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    arrangement.instalments.extend(ArrangementInstalment(seq=n, due_on=i.due, amount_pence=i.amount_pence)
                                   for n, i in enumerate(plan.instalments, start=1))
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    warnings = [w.to_json() for w in plan.warnings]
    audit(uow, actor.username, "arrangement.amended", "arrangement", arrangement.id, account_id=arrangement.account_id,
          before=before, after={**_details(arrangement, ref), "reason": text, "as_of": as_of.isoformat(),
                                "confirmed_warnings": warnings})
    letter = _confirmation_letter(uow, actor, settings, policy, arrangement, ref, as_of)
    view = _view(uow, arrangement, ref, as_of, hold_id=_hold_id(uow, arrangement.account_id), letter_id=letter,
                 warnings=list(plan.warnings))
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


@handles(CancelArrangement, role=Role.OFFICER, action="cancel arrangements")
def cancel_arrangement(uow: UnitOfWork, actor: Actor, *, account_ref: str, reason: str, as_of: date) -> ArrangementView:
    """End the account's live arrangement: status cancelled, the hold lifted (recovery resumes), audited."""
    text = clean_text(reason, field="reason", label="the reason for cancelling", max_length=300)
    arrangement, ref = _live(uow, account_ref)
    before = _details(arrangement, ref)
    arrangement.status, arrangement.status_reason = ArrangementStatus.CANCELLED, text
    _lift_holds(uow, actor, [arrangement.account_id], as_of, f"Arrangement cancelled: {text}")
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    audit(uow, actor.username, "arrangement.cancelled", "arrangement", arrangement.id, account_id=arrangement.account_id,
          before=before, after={**_details(arrangement, ref), "reason": text, "as_of": as_of.isoformat()})
    view = _view(uow, arrangement, ref, as_of)
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


def show_arrangement(uow: UnitOfWork, *, account_ref: str, as_of: date) -> ArrangementView:
    """The account's current arrangement (the live one, else the latest), with what has been paid."""
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    arrangement = uow.session.scalars(
        select(Arrangement).where(Arrangement.account_id == account_id)
        .order_by((Arrangement.status == ArrangementStatus.LIVE).desc(), Arrangement.created_at.desc()).limit(1)
    ).one_or_none()
    if arrangement is None:
        raise NotFound(f"Account {ref} has no arrangement.")
    return _view(uow, arrangement, ref, as_of, hold_id=_hold_id(uow, account_id))


def _live(uow: UnitOfWork, account_ref: str) -> tuple[Arrangement, str]:
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    arrangement = uow.session.scalars(
        select(Arrangement).where(Arrangement.account_id == account_id, Arrangement.status == ArrangementStatus.LIVE)
        .order_by(Arrangement.created_at.desc()).limit(1)
    ).one_or_none()
    if arrangement is None:
        raise NotFound(f"Account {ref} has no live arrangement.")
    return arrangement, ref


def _details(arrangement: Arrangement, ref: str) -> dict[str, Any]:
    return {
        "account_ref": ref, "status": arrangement.status, "frequency": arrangement.frequency,
        "start": arrangement.start_date.isoformat(), "end": arrangement.end_date.isoformat(),
        "total_pence": arrangement.total_pence, "instalments": len(arrangement.instalments),
        "broken_on": arrangement.broken_on.isoformat() if arrangement.broken_on else None,
        "status_reason": arrangement.status_reason,
    }


def _payments(uow: UnitOfWork, account_id: uuid.UUID, start: date, as_of: date) -> list[tuple[date, int]]:
    rows = uow.session.execute(
        select(LedgerTransaction.posted_on, func.sum(-LedgerTransaction.amount_pence))
        .where(LedgerTransaction.account_id == account_id, LedgerTransaction.kind.in_(CASH_KINDS),
               LedgerTransaction.posted_on >= start, LedgerTransaction.posted_on <= as_of)
        .group_by(LedgerTransaction.posted_on)
    ).all()
    return [(d, int(a)) for d, a in rows]


def _view(uow: UnitOfWork, arrangement: Arrangement, ref: str, as_of: date, *, hold_id: uuid.UUID | None = None,
          letter_id: uuid.UUID | None = None, warnings: list[PlanWarning] | None = None) -> ArrangementView:
    schedule = [DueInstalment(i.due_on, i.amount_pence) for i in arrangement.instalments]
    paid = _payments(uow, arrangement.account_id, arrangement.start_date, as_of)
    check = check_payments(schedule, paid, as_of, tolerance_pence=arrangement.tolerance_pence,
                           grace_days=arrangement.grace_days, total_pence=arrangement.total_pence)
    allocated = allocate_paid([i.amount_pence for i in schedule], check.paid_pence)
    upcoming = [i.due for i, p in zip(schedule, allocated, strict=True) if p < i.amount_pence and i.due >= as_of]
    return ArrangementView(
        arrangement_id=arrangement.id, account_ref=ref, status=arrangement.status, frequency=arrangement.frequency,
        start=arrangement.start_date, end=arrangement.end_date, total_pence=arrangement.total_pence,
        paid_pence=check.paid_pence, arrears_pence=check.arrears_pence,
        instalments=[ArrangementLine(i.seq, i.due_on, i.amount_pence, p)
                     for i, p in zip(arrangement.instalments, allocated, strict=True)],
        grace_days=arrangement.grace_days, tolerance_pence=arrangement.tolerance_pence,
        checked_to=arrangement.checked_to, broken_on=arrangement.broken_on, status_reason=arrangement.status_reason,
        income_expenditure=arrangement.income_expenditure, created_by=arrangement.created_by, as_of=as_of,
        next_due=upcoming[0] if upcoming else None, hold_id=hold_id, letter_document_id=letter_id,
        warnings=warnings or [],
    )


# --- holds and letters ------------------------------------------------------------------------


def _open_hold(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID, ref: str, plan: ArrangementPlan,
               as_of: date) -> Hold:
    """The arrangement hold, in the caller's transaction (app.recovery.holds.add_hold commits on
    its own, and the arrangement, its hold and its letter must be saved together)."""
    existing = uow.session.scalars(
        select(Hold).where(Hold.account_id == account_id, Hold.kind == HoldKind.ARRANGEMENT)
        .where(or_(Hold.end_date.is_(None), Hold.end_date >= plan.start))
    ).first()
    if existing is not None:
        raise Conflict(f"Account {ref} is already on hold for an arrangement from {existing.start_date:%d/%m/%Y}: "
                       "lift that hold first.")
    assert plan.clears_by is not None
    hold = Hold(account_id=account_id, kind=HoldKind.ARRANGEMENT, start_date=plan.start, end_date=None,
                reason=f"Arrangement: {fmt(plan.balance_pence)} {FREQUENCY_LABELS[plan.frequency]} from "
                       f"{plan.start:%d/%m/%Y} to {plan.clears_by:%d/%m/%Y}",
                created_by=actor.username)
    uow.session.add(hold)
    uow.session.flush()
    audit(uow, actor.username, "hold.added", "hold", hold.id, account_id=account_id,
          after={"account_ref": ref, "kind": "arrangement", "reason": hold.reason, "start_date": plan.start.isoformat(),
                 "end_date": None, "as_of": as_of.isoformat()})
    return hold


def _hold_id(uow: UnitOfWork, account_id: uuid.UUID) -> uuid.UUID | None:
    return uow.session.scalar(
        select(Hold.id).where(Hold.account_id == account_id, Hold.kind == HoldKind.ARRANGEMENT, Hold.end_date.is_(None))
        .order_by(Hold.start_date.desc()).limit(1)
    )


def lift_end(start: date, as_of: date) -> date:
    """Recovery may act again on `as_of`: the hold's last day is the day before (or, for a hold
    that has not started, the day before it would have started: never in force)."""
    return max(as_of, start) - timedelta(days=1)


def _lift_holds(uow: UnitOfWork, actor: Actor, account_ids: Sequence[uuid.UUID], as_of: date, reason: str) -> int:
    """End the open arrangement holds on these accounts; audited like app.recovery.holds.lift_hold."""
    lifted = 0
    for batch in in_batches(account_ids):
        holds = uow.session.scalars(
            select(Hold).where(Hold.account_id.in_(batch), Hold.kind == HoldKind.ARRANGEMENT)
            .where(or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
        ).all()
        for hold in holds:
            before = {"end_date": hold.end_date.isoformat() if hold.end_date else None, "lifted_by": hold.lifted_by}
            hold.end_date, hold.lifted_by = lift_end(hold.start_date, as_of), actor.username
            audit(uow, actor.username, "hold.lifted", "hold", hold.id, account_id=hold.account_id, before=before,
                  after={"kind": "arrangement", "end_date": hold.end_date.isoformat(), "lift_reason": reason,
                         "as_of": as_of.isoformat()})
            lifted += 1
    return lifted


def _letter_facts(uow: UnitOfWork, account_id: uuid.UUID) -> tuple[list[str], str, str]:
    account = uow.session.get_one(Account, account_id)
    names = [p.person.full_name() for p in sorted(account.parties, key=lambda p: p.ordinal)]
    period = uow.session.scalars(select(LiabilityPeriod).where(LiabilityPeriod.account_id == account_id)
                                 .order_by(LiabilityPeriod.start_date.desc()).limit(1)).one_or_none()
    if period is None:
        return names, "", ""
    return names, period.property.address(), period.property.postcode


def _confirmation_letter(uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, policy: ArrangementPolicy,
                         arrangement: Arrangement, ref: str, as_of: date) -> uuid.UUID:
    from app.letters.documents import issue_letter

    names, address, postcode = _letter_facts(uow, arrangement.account_id)
    lines = arrangement.instalments
    data = {
        **council_fields(settings), "issued_on": as_of.isoformat(), "account_ref": ref, "names": names,
        "address_lines": [p.strip() for p in address.split(",") if p.strip()], "postcode": postcode,
        "property_address": f"{address}, {postcode}" if postcode else address,
        "total_pence": arrangement.total_pence, "frequency": arrangement.frequency,
        "frequency_label": FREQUENCY_LABELS[arrangement.frequency], "count": len(lines),
        "regular_pence": lines[0].amount_pence, "last_pence": lines[-1].amount_pence,
        "first_due": arrangement.start_date.isoformat(), "clears_by": arrangement.end_date.isoformat(),
        "grace_days": arrangement.grace_days,
        "instalments": [{"due": i.due_on.isoformat(), "amount_pence": i.amount_pence} for i in lines],
    }
    info = issue_letter(uow, actor, account_id=arrangement.account_id, kind=DocumentKind.ARRANGEMENT_CONFIRMATION,
                        template=policy.letter_template, data=data, issued_on=as_of,
                        folder=settings.letters.folder)
    return info.document_id
