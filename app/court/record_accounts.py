"""Which accounts a request changes when it names a record rather than an account.

The office's warning before it changes a case at court (`app.court.at_court`) looks for the
accounts a request changes. Most requests name them (`account_ref`, `account_refs`), but a
decision on a record names the record: lifting a hold, approving a write-off or a refund,
deciding an escalation, ending a discount or a joint taxpayer. Each of those changes the
case the officer at court is looking at as much as a new hold or an outcome does (a lifted
hold lets recovery go on, an approved write-off changes the balance the court is told), so
the record's account is found here, from the one field name each kind of record uses.

Money received under an enforcement case (`case_id`: an employer's or the DWP's
remittance) needs no confirming, as a payment does not. Diary entries are left out on
purpose: completing or rescheduling a worklist item changes neither the balance nor the
recovery of the case, and warning on it would nag officers working their worklist while a
pack is out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select

from app.db import UnitOfWork
from app.models import (
    Account,
    Discount,
    Escalation,
    Exemption,
    Hold,
    LiabilityParty,
    LiabilityPeriod,
    ReductionAward,
    RefundRequest,
    WriteOff,
)


def _direct(model: Any) -> Select[str]:
    """The account reference of a record that carries its account."""
    return select(Account.account_ref).join(model, model.account_id == Account.id)


def _by_period(model: Any) -> Select[str]:
    """The account reference of a record on a liability period."""
    return (select(Account.account_ref).join(LiabilityPeriod, LiabilityPeriod.account_id == Account.id)
            .join(model, model.period_id == LiabilityPeriod.id))


# field name -> (the record's model, the query from it to its account's reference)
RECORD_FIELDS: dict[str, tuple[Any, Select[str]]] = {
    "period_id": (LiabilityPeriod, _direct(LiabilityPeriod)),
    "party_id": (LiabilityParty, _by_period(LiabilityParty)),
    "discount_id": (Discount, _by_period(Discount)),
    "exemption_id": (Exemption, _by_period(Exemption)),
    "award_id": (ReductionAward, _direct(ReductionAward)),
    "escalation_id": (Escalation, _direct(Escalation)),
    "refund_id": (RefundRequest, _direct(RefundRequest)),
    "hold_id": (Hold, _direct(Hold)),
    "writeoff_id": (WriteOff, _direct(WriteOff)),
}


def named_records(request: object) -> Iterable[tuple[str, uuid.UUID]]:
    """The (field, id) pairs of the records `request` names, of the kinds above."""
    for field in RECORD_FIELDS:
        value = getattr(request, field, None)
        if isinstance(value, uuid.UUID):
            yield field, value


def record_accounts(uow: UnitOfWork, request: object) -> list[str]:
    """The references of the accounts whose records `request` names (none found: an unknown
    id is the use case's own error to give, not this warning's)."""
    refs: list[str] = []
    for field, record_id in named_records(request):
        model, query = RECORD_FIELDS[field]
        refs += uow.session.scalars(query.where(model.id == record_id))
    return refs
