"""Set-up shared by the hold, court and enforcement tests: charges, summonses and liability
orders written straight into the ledger and the recovery history (the recovery run and the
court are other services' jobs)."""

from __future__ import annotations

import uuid
from datetime import date

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.models import LedgerTransaction, RecoveryEvent
from tests.services.money_helpers import post_charge

HEARING = date(2025, 7, 15)
SUMMONS_COSTS = 8000  # tests/examples/settings.toml [costs] summons_pence


def summons(ctx: AppContext, account_ref: str, year: int, charge_pence: int, *, hearing: date = HEARING,
            issued: date = date(2025, 6, 20), costs: int = SUMMONS_COSTS) -> None:
    """A charge for the year, then a summons for it listed for `hearing`, with its costs in the ledger."""
    post_charge(ctx, account_ref, year, charge_pence)
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, account_ref)
        if costs:  # as the recovery run: no costs row for no costs (the database refuses a zero)
            uow.session.add(LedgerTransaction(
                account_id=account_id, financial_year=year, kind="costs", amount_pence=costs, posted_on=issued,
                reference=f"SUMMONS-{year}", description="Summons costs", created_by="test",
            ))
        uow.session.add(RecoveryEvent(
            account_id=account_id, financial_year=year, stage="summons", event_date=issued,
            amount_pence=charge_pence + costs, hearing_date=hearing, details={}, created_by="test",
        ))
        uow.commit()


def liability_order(ctx: AppContext, account_ref: str, year: int, owed_pence: int, *,
                    made: date = date(2025, 7, 15)) -> uuid.UUID:
    """A liability order for exactly `owed_pence` (a charge of that amount and the order event)."""
    post_charge(ctx, account_ref, year, owed_pence)
    with ctx.db.uow() as uow:
        event = RecoveryEvent(
            account_id=get_account_id(uow, account_ref), financial_year=year, stage="liability_order", event_date=made,
            amount_pence=owed_pence, hearing_date=made, details={}, created_by="test",
        )
        uow.session.add(event)
        uow.commit()
        return event.id
