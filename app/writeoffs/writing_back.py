"""Writing back an approved write-off: the debtor is traced, an estate turns up.

The ledger is never edited: the write-off's row is reversed by a new `reversal` row
(`reverses_id` naming it, the opposite sign) in the same year, so the year owes again and
recovery resumes for it (`stopped_years` counts only approved write-offs). A team leader
or above writes back, with a reason.
"""

from __future__ import annotations

import uuid
from datetime import date

from app.adapters.conflicts import saving
from app.adapters.locks import lock_account
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import clean_text
from app.enums import WriteOffStatus
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import LedgerKind
from app.ledger.posting import post
from app.requests import handles
from app.users.roles import Actor, Role
from app.writeoffs.deciding import load_for_change
from app.writeoffs.requests import WriteBack
from app.writeoffs.views import WriteOffView, snapshot, view_of

REASON_MAX = 500


@handles(WriteBack, role=Role.TEAM_LEADER, action="write back write-offs")
def write_back(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, writeoff_id: uuid.UUID, reason: str, as_of: date,
    expected_version: int | None = None,
) -> WriteOffView:
    """Reverse an approved write-off by a new ledger row; recovery resumes for the year."""
    text = clean_text(reason, field="reason", label="the reason for the write-back", max_length=REASON_MAX,
                      multiline=True)
    writeoff, ref, name = load_for_change(uow, writeoff_id, expected_version, WriteOffStatus.APPROVED)
    before = snapshot(writeoff)
    lock_account(uow, writeoff.account_id)
    [txn] = post(uow, [LedgerEntry(
        account_id=writeoff.account_id, financial_year=writeoff.financial_year, kind=LedgerKind.REVERSAL,
        amount_pence=writeoff.amount_pence, posted_on=as_of, reference=f"WB-{writeoff.id.hex}",
        description=f"Write-back: {text}"[:200], reverses_id=writeoff.ledger_transaction_id,
    )], created_by=actor.username)
    uow.session.flush()
    writeoff.writeback_transaction_id = txn.id
    writeoff.status, writeoff.written_back_by, writeoff.written_back_on = WriteOffStatus.WRITTEN_BACK, actor.username, as_of
    writeoff.writeback_reason = text
    what = f"The write-off on account {ref}"
    with saving(uow, what):
        uow.session.flush()
    audit(uow, actor.username, "writeoff.written_back", "write_off", writeoff.id, account_id=writeoff.account_id,
          before=before, after={**snapshot(writeoff), "written_back_on": as_of.isoformat()})
    view = view_of(writeoff, ref, name, settings)
    with saving(uow, what):
        uow.commit()
    return view
