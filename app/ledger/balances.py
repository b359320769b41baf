"""Balances: the sums of the ledger, read in one place (design.md rule 4).

Positive = owed by the taxpayer, negative = in credit.

**Owed now** is the one balance an officer is shown (search, the account header, payment
messages, arrangements, the worklist, `account show`): the ledger rows posted by a date for
the financial year that date falls in and the years before it. A bill for a later year
(annual billing posts next year's charge in March) is not owed yet; it is shown beside the
balance, never folded into it (`app.accounts.summary.LaterBill`, `later_bills_pence`). `counts_now` (Python) and
`owed_now_filter` (SQL) are the same rule, written once each here. These run on measured hot paths
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

from sqlalchemy import BindParameter, ColumnElement, Date, Integer, ScalarSelect, SQLColumnExpression, bindparam, func, select

from app.adapters.bulk import NativeValues
from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.ledger.kinds import LedgerKind
from app.models import LedgerTransaction
from app.rules.apportionment import financial_year_of


def counts_now(financial_year: int, posted_on: date, as_of: date) -> bool:
    """Whether a ledger row is part of what is owed on `as_of`: posted by then, for that
    day's financial year or an earlier one."""
    return posted_on <= as_of and financial_year <= financial_year_of(as_of)


def owed_now_filter(as_of: date | None = None) -> ColumnElement[bool]:
    """`counts_now` as SQL. With no date, bound parameters `as_of` and `as_of_year` (the
    financial year of `as_of`), for statements built once and run many times."""
    given = as_of is not None  # a value of its own: unique, so two in one statement never clash
    on: BindParameter[date] = bindparam("as_of", as_of, type_=Date, unique=given)
    year: BindParameter[int] = bindparam(
        "as_of_year", financial_year_of(as_of) if as_of is not None else None, type_=Integer, unique=given,
    )
    return (LedgerTransaction.posted_on <= on) & (LedgerTransaction.financial_year <= year)


def owed_now_params(as_of: date) -> dict[str, object]:
    """The parameters `owed_now_filter()` (with no date) needs."""
    return {"as_of": as_of, "as_of_year": financial_year_of(as_of)}


def owed_now_pence(uow: UnitOfWork, account_id: uuid.UUID, as_of: date) -> int:
    """What the account owes on `as_of` (negative: in credit), later years' bills left out."""
    return int(uow.session.scalar(
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))
        .where(LedgerTransaction.account_id == account_id, owed_now_filter(as_of))
    ) or 0)


def later_bills_pence(uow: UnitOfWork, account_id: uuid.UUID, as_of: date) -> int:
    """What is left to pay of bills issued by `as_of` for later financial years (each year's
    debt; a year paid ahead counts nothing): not owed yet, so never in `owed_now_pence`."""
    rows = uow.session.execute(
        select(func.sum(LedgerTransaction.amount_pence))
        .where(LedgerTransaction.account_id == account_id, LedgerTransaction.posted_on <= as_of,
               LedgerTransaction.financial_year > financial_year_of(as_of))
        .group_by(LedgerTransaction.financial_year)
    )
    return sum(max(int(total), 0) for (total,) in rows)


def owed_now_of(account_id: SQLColumnExpression[uuid.UUID], as_of: date | None = None) -> ScalarSelect[Any]:
    """`owed_now_pence` of the account `account_id` names in an enclosing query, as a
    correlated scalar subquery (a search result's or a worklist row's balance, in the same
    statement). With no date, bound parameters as `owed_now_filter`."""
    return (
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))
        .where(LedgerTransaction.account_id == account_id, owed_now_filter(as_of))
        .correlate_except(LedgerTransaction)
        .scalar_subquery()
    )


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


def account_balances(uow: UnitOfWork, account_ids: list[uuid.UUID], as_of: date) -> dict[uuid.UUID, int]:
    """What each account with ledger rows owes now (a page of a worklist, not thousands)."""
    return dict(uow.session.execute(
        select(LedgerTransaction.account_id, func.sum(LedgerTransaction.amount_pence))
        .where(LedgerTransaction.account_id.in_(account_ids), owed_now_filter(as_of))
        .group_by(LedgerTransaction.account_id)
    ).all())
