"""The account-years recovery leaves alone because debt in them was written off.

An approved write-off stops recovery for its year (issue 17): the recovery run and the
account's recovery view (both `app.recovery.states.account_states`) drop the year before
asking the engine, and enforcement after a liability order (the route options and the
charging order, bankruptcy and committal lists, all through
`app.recovery.enforcement.candidates.order_balances`) leaves it out. A written-back
write-off no longer counts, so recovery resumes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.enums import WriteOffStatus
from app.models import WriteOff


def written_off_years(uow: UnitOfWork, raw_account_ids: list[Any], *, raw: bool = True) -> set[tuple[Any, int]]:
    """(account, financial year) for each approved write-off of these accounts. With `raw`
    the keys are as the driver holds them (`sqlkeys.raw_key`: the recovery run's own keys);
    otherwise the accounts' UUIDs, as the ORM reads them."""
    account = raw_key(WriteOff.account_id) if raw else WriteOff.account_id
    found: set[tuple[Any, int]] = set()
    for batch in in_batches(raw_account_ids):
        found.update((key, year) for key, year in uow.session.execute(
            select(account, WriteOff.financial_year)
            .where(account.in_(batch), WriteOff.status == WriteOffStatus.APPROVED)
        ))
    return found
