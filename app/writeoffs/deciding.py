"""Deciding a proposed write-off: approve or reject, by a second person whose limit covers it.

Who may decide is the scheme of delegation (`[writeoffs] approval_limits_pence`): the
limit of the decider's role must cover the amount, for a rejection as much as an
approval (the decision belongs to whoever may make it either way), and the proposer may
never decide their own proposal. Approval re-checks what the year owes under the account
lock and posts the `write_off` ledger row to that year through the ledger's one writer;
recovery then leaves the year alone (`stopped_years`).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import clean_text
from app.enums import WriteOffStatus
from app.errors import Conflict, NotAllowed, NotFound
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import LedgerKind
from app.ledger.posting import post
from app.models import Account, WriteOff
from app.requests import handles
from app.rules.writeoffs import limit_refusal
from app.users.roles import Actor, Role
from app.writeoffs.proposing import check_available
from app.writeoffs.requests import DecideWriteOff
from app.writeoffs.views import WriteOffView, snapshot, view_of

DECISION_NOTE_MAX = 500


def load_for_change(
    uow: UnitOfWork, writeoff_id: uuid.UUID, expected_version: int | None, status: WriteOffStatus,
) -> tuple[WriteOff, str, str]:
    """The write-off, its account's reference and name; NotFound, or Conflict when it was
    changed since the caller read it or is no longer `status`."""
    row = uow.session.execute(
        select(WriteOff, Account.account_ref, Account.result_name).join(Account, Account.id == WriteOff.account_id)
        .where(WriteOff.id == writeoff_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no write-off {writeoff_id} (see `revdesk writeoffs list`).")
    writeoff, ref, name = row
    if expected_version is not None and writeoff.version != expected_version:
        raise Conflict(f"The write-off on account {ref} was changed by someone else since you opened it "
                       f"(it is now {writeoff.status.replace('_', ' ')}); reload it and try again.")
    if writeoff.status != status:
        raise Conflict(f"The write-off on account {ref} is {writeoff.status.replace('_', ' ')}{_by_whom(writeoff)}, "
                       f"not {status.replace('_', ' ')}.")
    return writeoff, ref, name


def _by_whom(writeoff: WriteOff) -> str:
    who, on = {
        WriteOffStatus.APPROVED: (writeoff.approved_by, writeoff.approved_on),
        WriteOffStatus.REJECTED: (writeoff.rejected_by, writeoff.rejected_on),
        WriteOffStatus.WRITTEN_BACK: (writeoff.written_back_by, writeoff.written_back_on),
    }.get(writeoff.status, (None, None))
    return (f" (by {who}" + (f" on {on:%d/%m/%Y}" if on else "") + ")") if who else ""


@handles(DecideWriteOff, role=Role.OFFICER, action="decide write-offs")
def decide_write_off(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, writeoff_id: uuid.UUID, approve: bool, note: str,
    as_of: date, expected_version: int | None = None,
) -> WriteOffView:
    """Approve (posting the `write_off` ledger row) or reject (a note saying why) a proposal."""
    writeoff, ref, name = load_for_change(uow, writeoff_id, expected_version, WriteOffStatus.PROPOSED)
    if writeoff.proposed_by == actor.username:
        raise NotAllowed(f"{actor.username} proposed this write-off and so cannot decide it: a write-off needs a "
                         "second person, within their limit, to approve or reject it.")
    refusal = limit_refusal(actor.username, actor.role.label, writeoff.amount_pence,
                            settings.writeoffs.limit_for(actor.role.label))
    if refusal is not None:
        raise NotAllowed(refusal)
    text = clean_text(note, field="note", label="a note saying why the write-off is rejected",
                      max_length=DECISION_NOTE_MAX, required=not approve, multiline=True)
    before = snapshot(writeoff)
    if approve:
        lock_account(uow, writeoff.account_id)
        check_available(uow, writeoff.account_id, ref, writeoff.financial_year, writeoff.amount_pence, as_of,
                        excluding=writeoff.id)
        reason = settings.writeoffs.reasons.get(writeoff.reason)
        [txn] = post(uow, [LedgerEntry(
            account_id=writeoff.account_id, financial_year=writeoff.financial_year, kind=LedgerKind.WRITE_OFF,
            amount_pence=-writeoff.amount_pence, posted_on=as_of, reference=f"WO-{writeoff.id.hex}",
            description=f"Write-off: {reason.label if reason else writeoff.reason}"[:200],
        )], created_by=actor.username)
        uow.session.flush()
        writeoff.ledger_transaction_id = txn.id
        writeoff.status, writeoff.approved_by, writeoff.approved_on = WriteOffStatus.APPROVED, actor.username, as_of
    else:
        writeoff.status, writeoff.rejected_by, writeoff.rejected_on = WriteOffStatus.REJECTED, actor.username, as_of
    writeoff.decision_note = text
    what = f"The write-off on account {ref}"
    with saving(uow, what):
        uow.session.flush()
    audit(uow, actor.username, "writeoff.approved" if approve else "writeoff.rejected", "write_off", writeoff.id,
          account_id=writeoff.account_id, before=before, after={**snapshot(writeoff), "decided_on": as_of.isoformat()})
    view = view_of(writeoff, ref, name, settings)
    with saving(uow, what):
        uow.commit()
    return view
