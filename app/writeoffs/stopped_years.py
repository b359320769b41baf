"""The account-years recovery leaves alone because debt in them was written off.

An approved write-off stops recovery for its year (issue 17): the recovery run and the
account's recovery view (both `app.recovery.states.account_states`) drop the year before
asking the engine. A written-back write-off no longer counts, so recovery resumes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.enums import WriteOffStatus
from app.models import WriteOff


def written_off_years(uow: UnitOfWork, raw_account_ids: list[Any]) -> set[tuple[Any, int]]:
    """(raw account key, financial year) for each approved write-off of these accounts (keys
    as the driver holds them, `sqlkeys.raw_key`: the recovery run's own keys)."""
    found: set[tuple[Any, int]] = set()
    for batch in in_batches(raw_account_ids):
        found.update((account, year) for account, year in uow.session.execute(
            select(raw_key(WriteOff.account_id), WriteOff.financial_year)
            .where(raw_key(WriteOff.account_id).in_(batch), WriteOff.status == WriteOffStatus.APPROVED)
        ))
    return found
