"""Balances: the sums of the ledger, read in one place (design.md rule 4).

Positive = owed by the taxpayer, negative = in credit. These run on measured hot paths
(type-ahead search, opening an account, the payment import), so each is one indexed
aggregate; a batch that needs more than a balance (what was paid, per kind) reads the
ledger itself with the kind groups of `app.ledger.kinds`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ScalarSelect, SQLColumnExpression, func, select

from app.adapters.bulk import NativeValues
from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.ledger.kinds import LedgerKind
from app.models import LedgerTransaction


def balance_pence(uow: UnitOfWork, account_id: uuid.UUID, as_of: date | None = None) -> int:
    """The account's balance: every row, or those posted by `as_of`."""
    query = select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0)).where(LedgerTransaction.account_id == account_id)
    if as_of is not None:
        query = query.where(LedgerTransaction.posted_on <= as_of)
    return int(uow.session.scalar(query) or 0)


def credit_balance_pence(uow: UnitOfWork, account_id: uuid.UUID) -> int:
    """The account's credit (0 when it owes money)."""
    return max(0, -balance_pence(uow, account_id))


def year_balance_pence(uow: UnitOfWork, account_id: uuid.UUID, year: int, as_of: date | None = None) -> int:
    """What the account owes for one financial year, as of a date."""
    query = select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0)).where(
        LedgerTransaction.account_id == account_id, LedgerTransaction.financial_year == year
    )
    if as_of is not None:
        query = query.where(LedgerTransaction.posted_on <= as_of)
    return int(uow.session.scalar(query) or 0)


def year_costs_pence(uow: UnitOfWork, account_id: uuid.UUID, year: int, as_of: date | None = None) -> int:
    """Court costs (kind `costs`, net of any costs withdrawn) for one financial year."""
    query = select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0)).where(
        LedgerTransaction.account_id == account_id, LedgerTransaction.financial_year == year,
        LedgerTransaction.kind == LedgerKind.COSTS,
    )
    if as_of is not None:
        query = query.where(LedgerTransaction.posted_on <= as_of)
    return int(uow.session.scalar(query) or 0)


def year_balances(uow: UnitOfWork, account_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[int, int]]:
    """Outstanding pence per financial year for each account."""
    native = NativeValues(uow.dialect)
    by_key = {native.id(account_id): account_id for account_id in account_ids}
    result: dict[uuid.UUID, dict[int, int]] = defaultdict(dict)  # an account with no ledger rows: {}
    result.update((by_key[key], years) for key, years in raw_year_balances(uow, list(by_key)).items())
    return result


def raw_year_balances(uow: UnitOfWork, keys: list[Any]) -> dict[Any, dict[int, int]]:
    """`year_balances` for keys as the driver holds them (`sqlkeys.raw_key`): a payment file
    of 100,000 rows reads ~300,000 (account, year) sums, and turning each key into a
    `uuid.UUID` and back cost seconds."""
    result: dict[Any, dict[int, int]] = defaultdict(dict)
    for batch in in_batches(keys):
        for key, year, total in uow.session.execute(
            select(raw_key(LedgerTransaction.account_id), LedgerTransaction.financial_year,
                   func.sum(LedgerTransaction.amount_pence))
            .where(raw_key(LedgerTransaction.account_id).in_(batch))
            .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year)
        ):
            result[key][year] = int(total)
    return result


def account_balances(uow: UnitOfWork, account_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The balance of each account that has ledger rows (a page of a worklist, not thousands)."""
    return dict(uow.session.execute(
        select(LedgerTransaction.account_id, func.sum(LedgerTransaction.amount_pence))
        .where(LedgerTransaction.account_id.in_(account_ids)).group_by(LedgerTransaction.account_id)
    ).all())


def balance_of(account_id: SQLColumnExpression[uuid.UUID]) -> ScalarSelect[Any]:
    """The balance of the account `account_id` names in an enclosing query, as a correlated
    scalar subquery (a search result's or a worklist row's balance, in the same statement)."""
    return (
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))
        .where(LedgerTransaction.account_id == account_id)
        .correlate_except(LedgerTransaction)
        .scalar_subquery()
    )
