"""Escalations: an officer refers a case to a team leader (vulnerable, complex, a write-off
or refund over their limit, other); team leaders work the queue oldest first and decide.

Decisions: approve | reject | refer. `refer` sends it up to a manager (status
`referred`, decided then by a manager or above). Every decision needs a note, is
recorded on the account as a note, and audited. An escalation about a refund request
(`reason="refund"`, `subject_id` = the refund request) is settled with it: approving the
escalation approves the refund through `refunds.decide_refund` (which posts the refund
and keeps its own rules: the requester never approves), rejecting it rejects the refund.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import clock
from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.audit import audit
from app.casework.notes import append_note
from app.casework.requests import DecideEscalation, RaiseEscalation
from app.db import UnitOfWork
from app.dto import JsonView, clean_text
from app.enums import EscalationReason, EscalationStatus, RefundStatus, member
from app.errors import Conflict, NotAllowed, NotFound, ValidationError
from app.models import Account, Escalation, RefundRequest
from app.money import fmt
from app.requests import handles
from app.users.roles import Actor, Role, require_role

REASONS: tuple[str, ...] = tuple(r.value for r in EscalationReason)
DECISIONS = {"approve": EscalationStatus.APPROVED, "reject": EscalationStatus.REJECTED, "refer": EscalationStatus.REFERRED}
UNDECIDED = (EscalationStatus.OPEN, EscalationStatus.REFERRED)
MAX_NOTE = 2000


@dataclass(frozen=True)
class EscalationView(JsonView):
    escalation_id: uuid.UUID
    account_ref: str
    reason: str
    note: str
    amount_pence: int | None
    subject_id: uuid.UUID | None
    team: str
    status: str  # open | referred | approved | rejected
    raised_by: str
    raised_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    version: int  # pass back as `expected_version` so a stale screen gets a Conflict


@dataclass(frozen=True)
class EscalationQueue(JsonView):
    escalations: list[EscalationView]
    total: int
    by_reason: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)


def _view(e: Escalation, account_ref: str) -> EscalationView:
    return EscalationView(
        e.id, account_ref, e.reason, e.note, e.amount_pence, e.subject_id, e.team, e.status, e.raised_by,
        e.created_at, e.decided_by, e.decided_at, e.decision_note, e.version,
    )


def _snapshot(e: Escalation) -> dict[str, Any]:
    return {
        "reason": e.reason, "status": e.status, "amount_pence": e.amount_pence, "team": e.team,
        "subject_id": str(e.subject_id) if e.subject_id else None, "decided_by": e.decided_by,
    }


def _label(e: Escalation) -> str:
    amount = f", {fmt(e.amount_pence)}" if e.amount_pence is not None else ""
    return f"{e.reason.replace('_', ' ')}{amount}"


@handles(RaiseEscalation, role=Role.OFFICER, action="raise escalations")
def raise_escalation(
    uow: UnitOfWork, actor: Actor, *, account_ref: str, reason: str, note: str, amount_pence: int | None = None,
    subject_id: uuid.UUID | None = None, team: str | None = None,
) -> EscalationView:
    """Refer a case to the team leaders of `team` (default: the officer's own team)."""
    why = member(EscalationReason, reason.strip().lower())
    if why is None:
        raise ValidationError(f"'{reason.strip().lower()}' is not an escalation reason (use one of {', '.join(REASONS)}).",
                              field="reason")
    text = clean_text(note, field="note", label="a note saying what the team leader should decide", max_length=MAX_NOTE,
                      multiline=True)
    if amount_pence is not None and amount_pence <= 0:
        raise ValidationError("The amount must be more than £0.00.", field="amount")
    account_id = get_account_id(uow, account_ref)
    if subject_id is not None and why == EscalationReason.REFUND:
        refund = uow.session.get(RefundRequest, subject_id)
        if refund is None or refund.account_id != account_id:
            raise ValidationError(f"There is no refund request {subject_id} on account {account_ref.strip()}.",
                                  field="subject_id")
        if amount_pence is None:
            amount_pence = refund.amount_pence
    escalation = Escalation(
        account_id=account_id, reason=why, note=text, amount_pence=amount_pence, subject_id=subject_id,
        team=(actor.team if team is None else team).strip(), status=EscalationStatus.OPEN, raised_by=actor.username,
    )
    uow.session.add(escalation)
    uow.session.flush()
    append_note(uow, account_id, f"Escalated to a team leader ({_label(escalation)}): {text}", actor.username)
    audit(uow, actor.username, "escalation.raised", "escalation", escalation.id, account_id=account_id,
          after=_snapshot(escalation))
    view = _view(escalation, account_ref.strip())
    uow.commit()
    return view


def escalation_queue(
    uow: UnitOfWork, actor: Actor, *, team: str | None = None, status: str | None = None,
) -> EscalationQueue:
    """The queue, oldest first. Team leaders see open escalations (managers and above also
    those referred up to them); officers see the ones they raised that are still waiting.
    `status` ("open", "referred", "approved", "rejected", "all") overrides the default."""
    query = select(Escalation, Account.account_ref).join(Account, Account.id == Escalation.account_id)
    if status and status != "all":
        wanted = member(EscalationStatus, status)
        if wanted is None:
            raise ValidationError(f"'{status}' is not an escalation status.", field="status")
        query = query.where(Escalation.status == wanted)
    elif status is None:
        manager_or_officer = actor.at_least(Role.MANAGER) or not actor.at_least(Role.TEAM_LEADER)
        waiting = UNDECIDED if manager_or_officer else (EscalationStatus.OPEN,)
        query = query.where(Escalation.status.in_(waiting))
    if not actor.at_least(Role.TEAM_LEADER):
        query = query.where(Escalation.raised_by == actor.username)
    if team:
        query = query.where(Escalation.team == team.strip())
    views = [_view(e, ref) for e, ref in uow.session.execute(query.order_by(Escalation.created_at, Escalation.id))]
    return EscalationQueue(
        views, len(views), dict(sorted(Counter(v.reason for v in views).items())),
        dict(sorted(Counter(v.status for v in views).items())),
    )


def _load(uow: UnitOfWork, escalation_id: uuid.UUID) -> tuple[Escalation, str]:
    row = uow.session.execute(
        select(Escalation, Account.account_ref).join(Account, Account.id == Escalation.account_id)
        .where(Escalation.id == escalation_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no escalation {escalation_id}.")
    return row[0], row[1]


@handles(DecideEscalation, role=Role.TEAM_LEADER, action="decide escalations")
def decide_escalation(
    uow: UnitOfWork, actor: Actor, *, escalation_id: uuid.UUID, decision: str, note: str, as_of: date,
    expected_version: int | None = None,
) -> EscalationView:
    """approve | reject | refer an open escalation (team leader or above; a referred one:
    manager or above). Recorded on the account as a note and audited."""
    decision = decision.strip().lower()
    if decision not in DECISIONS:
        raise ValidationError(f"'{decision}' is not a decision (use approve, reject or refer).", field="decision")
    text = clean_text(note, field="note", label="a note giving the reason for the decision", max_length=MAX_NOTE, multiline=True)
    escalation, ref = _load(uow, escalation_id)
    what = f"The {escalation.reason.replace('_', ' ')} escalation on account {ref}"
    if expected_version is not None and escalation.version != expected_version:
        raise Conflict(
            f"{what} was changed by someone else since you opened it (it is now {escalation.status}); reload it and try again."
        )
    if escalation.status not in UNDECIDED:
        on = f" on {escalation.decided_at:%d/%m/%Y}" if escalation.decided_at else ""
        raise Conflict(f"{what} was already {escalation.status} by {escalation.decided_by}{on}.")
    if escalation.status == EscalationStatus.REFERRED:
        require_role(actor, Role.MANAGER, "decide an escalation referred to a manager")
        if decision == "refer":
            raise ValidationError(f"{what} has already been referred to a manager: approve or reject it.", field="decision")
    if decision == "approve" and escalation.raised_by == actor.username:
        raise NotAllowed(f"{actor.username} raised this escalation and so cannot approve it: another team leader must decide it.")
    before = _snapshot(escalation)
    escalation.status = DECISIONS[decision]
    escalation.decided_by = actor.username
    escalation.decided_at = clock.now()
    escalation.decision_note = text
    with saving(uow, what):
        uow.session.flush()
    append_note(uow, escalation.account_id,
                f"Escalation ({_label(escalation)}) {escalation.status} by {actor.username}: {text}", actor.username)
    audit(uow, actor.username, f"escalation.{escalation.status}", "escalation", escalation.id,
          account_id=escalation.account_id, before=before, after={**_snapshot(escalation), "note": text[:200]})
    view = _view(escalation, ref)
    refund = _refund_subject(uow, escalation)
    if refund is not None and decision in ("approve", "reject") and refund.status == RefundStatus.REQUESTED:
        from app.payments import refunds  # the refund's own rules (second person, credit re-check) apply

        refunds.decide_refund(uow, actor, refund_id=refund.id, approve=decision == "approve", note=text, as_of=as_of)
        return view  # decide_refund committed this unit of work, the escalation's decision with it
    if refund is not None and decision == "approve" and refund.status != RefundStatus.REQUESTED:
        raise Conflict(
            f"The refund request this escalation is about was already {refund.status}"
            f"{' by ' + refund.decided_by if refund.decided_by else ''}; reject or refer the escalation with a note instead."
        )
    with saving(uow, what):
        uow.commit()
    return view


def _refund_subject(uow: UnitOfWork, escalation: Escalation) -> RefundRequest | None:
    if escalation.reason != EscalationReason.REFUND or escalation.subject_id is None:
        return None
    refund = uow.session.get(RefundRequest, escalation.subject_id)
    if refund is None or refund.account_id != escalation.account_id:
        return None
    return refund


def account_escalations(uow: UnitOfWork, *, account_ref: str) -> list[EscalationView]:
    """Every escalation on an account, newest first (the account view's case history)."""
    account_id = get_account_id(uow, account_ref)
    rows = uow.session.scalars(
        select(Escalation).where(Escalation.account_id == account_id).order_by(Escalation.created_at.desc())
    ).all()
    return [_view(e, account_ref.strip()) for e in rows]
