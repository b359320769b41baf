"""What the write-off screens and commands show: one write-off as a DTO, the list, and the
approvals queue (what waits, oldest first, that the viewer may decide)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from app.accounts.summary import get_account_id
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import WriteOffStatus, member
from app.errors import NotFound, ValidationError
from app.models import Account, WriteOff
from app.rules.writeoffs import within_limit
from app.users.roles import Actor

STATUSES: tuple[str, ...] = tuple(s.value for s in WriteOffStatus)


@dataclass(frozen=True)
class WriteOffView(JsonView):
    writeoff_id: uuid.UUID
    account_ref: str
    name: str
    financial_year: int
    amount_pence: int
    reason: str
    reason_label: str
    note: str
    evidence: str
    status: str
    proposed_by: str
    proposed_on: date
    approved_by: str | None
    approved_on: date | None
    rejected_by: str | None
    rejected_on: date | None
    decision_note: str
    written_back_by: str | None
    written_back_on: date | None
    writeback_reason: str
    version: int  # pass back as `expected_version` so a stale screen gets a Conflict


@dataclass(frozen=True)
class ApprovalQueue(JsonView):
    """What waits for the viewer: proposals within their limit, not their own, oldest first."""

    items: list[WriteOffView]
    limit_pence: int | None  # the viewer's limit (None: no limit)
    above_limit: int  # proposals waiting that need a higher limit
    own: int  # the viewer's own proposals waiting (someone else decides them)


def view_of(writeoff: WriteOff, account_ref: str, name: str, settings: AuthoritySettings) -> WriteOffView:
    reason = settings.writeoffs.reasons.get(writeoff.reason)
    return WriteOffView(
        writeoff_id=writeoff.id, account_ref=account_ref, name=name, financial_year=writeoff.financial_year,
        amount_pence=writeoff.amount_pence, reason=writeoff.reason,
        reason_label=reason.label if reason else writeoff.reason.replace("_", " ").capitalize(),
        note=writeoff.note, evidence=writeoff.evidence, status=writeoff.status, proposed_by=writeoff.proposed_by,
        proposed_on=writeoff.proposed_on, approved_by=writeoff.approved_by, approved_on=writeoff.approved_on,
        rejected_by=writeoff.rejected_by, rejected_on=writeoff.rejected_on, decision_note=writeoff.decision_note,
        written_back_by=writeoff.written_back_by, written_back_on=writeoff.written_back_on,
        writeback_reason=writeoff.writeback_reason, version=writeoff.version,
    )


def snapshot(writeoff: WriteOff) -> dict[str, Any]:
    """What the audit trail records of a write-off, before and after each step."""
    return {
        "status": writeoff.status, "financial_year": writeoff.financial_year, "amount_pence": writeoff.amount_pence,
        "reason": writeoff.reason, "approved_by": writeoff.approved_by, "rejected_by": writeoff.rejected_by,
        "decision_note": writeoff.decision_note, "written_back_by": writeoff.written_back_by,
        "writeback_reason": writeoff.writeback_reason,
        "ledger_transaction_id": str(writeoff.ledger_transaction_id) if writeoff.ledger_transaction_id else None,
        "writeback_transaction_id": str(writeoff.writeback_transaction_id) if writeoff.writeback_transaction_id else None,
    }


def _query() -> Select[WriteOff, str, str]:
    return (select(WriteOff, Account.account_ref, Account.result_name)
            .join(Account, Account.id == WriteOff.account_id)
            .order_by(WriteOff.proposed_on, WriteOff.created_at))


def parse_status(status: str) -> WriteOffStatus:
    wanted = member(WriteOffStatus, status.strip().lower())
    if wanted is None:
        raise ValidationError(f"'{status}' is not a write-off status ({', '.join(STATUSES)}).", field="status")
    return wanted


def list_writeoffs(
    uow: UnitOfWork, settings: AuthoritySettings, *, status: str | None = None, account_ref: str | None = None,
) -> list[WriteOffView]:
    """Write-offs, oldest proposal first; optionally of one status or one account."""
    query = _query()
    if status is not None:
        query = query.where(WriteOff.status == parse_status(status))
    if account_ref is not None:
        query = query.where(WriteOff.account_id == get_account_id(uow, account_ref))
    return [view_of(w, ref, name, settings) for w, ref, name in uow.session.execute(query)]


def get_writeoff(uow: UnitOfWork, settings: AuthoritySettings, writeoff_id: uuid.UUID) -> WriteOffView:
    row = uow.session.execute(_query().where(WriteOff.id == writeoff_id)).first()
    if row is None:
        raise NotFound(f"There is no write-off {writeoff_id}.")
    return view_of(row[0], row[1], row[2], settings)


def approval_queue(uow: UnitOfWork, settings: AuthoritySettings, actor: Actor) -> ApprovalQueue:
    """Proposals `actor` may decide: within their limit and not their own, oldest first."""
    limit = settings.writeoffs.limit_for(actor.role.label)
    waiting = list_writeoffs(uow, settings, status=WriteOffStatus.PROPOSED)
    own = [w for w in waiting if w.proposed_by == actor.username]
    others = [w for w in waiting if w.proposed_by != actor.username]
    items = [w for w in others if within_limit(w.amount_pence, limit)]
    return ApprovalQueue(items=items, limit_pence=limit, above_limit=len(others) - len(items), own=len(own))
