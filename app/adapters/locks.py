"""The account lock: every use case that changes money on an account takes it first.

Two officers posting payments to one account at the same moment must not both allocate
against the balances as they were before either: the second has to see what the first
paid. So a use case that reads an account's balances to decide what to write (allocating
a payment, reserving credit for a refund, agreeing an arrangement) calls `lock_account`
before reading them, inside its unit of work; the lock is held until it commits or rolls
back, and whoever comes second waits and then reads what the first wrote.

* PostgreSQL: `SELECT ... FOR NO KEY UPDATE` on the account row. It queues lockers of the
  same account behind each other (and behind a liability change, whose UPDATE of the
  account takes the same lock), but not rows merely referring to the account (a foreign
  key takes KEY SHARE, which it does not block). Under READ COMMITTED each statement after
  the lock reads what the lock's previous holder committed. A row lock needs no entry in
  the server's shared lock table, so an import may lock a hundred thousand accounts.
* SQLite: one writer at a time. The driver begins a transaction only before its first
  write, so until then reads see whatever is committed at that moment; `BEGIN IMMEDIATE`
  takes the write lock at once (waiting `busy_timeout` for another writer), so everything
  read afterwards is read under it. A transaction that has already written holds it.

Lock accounts in key order when locking several (`lock_accounts` does), so that two runs
never wait for each other in a circle.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from app.adapters.sql_keys import raw_key
from app.db import UnitOfWork, in_batches
from app.errors import NotFound
from app.models import Account


def lock_account(uow: UnitOfWork, account_id: uuid.UUID) -> None:
    """Hold `account_id` for this unit of work: no other unit of work changing its money runs
    until this one ends. NotFound if there is no such account."""
    if uow.dialect == "sqlite":
        _write_lock(uow)
        return
    locked = uow.session.connection().execute(
        select(Account.id).where(Account.id == account_id).with_for_update(key_share=True)
    ).scalar()
    if locked is None:
        raise NotFound("That account no longer exists: reload.")


def lock_accounts(uow: UnitOfWork, keys: Sequence[Any]) -> None:
    """Hold several accounts (keys as `raw_key` reads them, or UUIDs), in key order."""
    if uow.dialect == "sqlite":
        _write_lock(uow)
        return
    connection = uow.session.connection()
    for batch in in_batches(sorted(keys)):
        connection.execute(
            select(raw_key(Account.id)).where(raw_key(Account.id).in_(batch)).order_by(Account.id)
            .with_for_update(key_share=True)
        ).all()


def lock_named(uow: UnitOfWork, name: str) -> None:
    """Serialise a piece of housekeeping that is not one account's (e.g. syncing the diary
    codes at start-up): a transaction-scoped advisory lock keyed on `name` on PostgreSQL,
    the write lock on SQLite. Held until the unit of work ends."""
    if uow.dialect == "sqlite":
        _write_lock(uow)
        return
    uow.session.connection().execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


def _write_lock(uow: UnitOfWork) -> None:
    """SQLite: be the one writer from here on (BEGIN IMMEDIATE unless already writing)."""
    connection = uow.session.connection()
    driver = connection.connection.dbapi_connection
    assert driver is not None
    if not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
