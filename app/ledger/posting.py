"""Writing the ledger: the one way rows get into `ledger_transaction` (design.md rule 4).

Two paths, the same rules (`app.ledger.kinds.check_amount`):

- `post`: `LedgerEntry` objects become ORM rows in the caller's unit of work. For what an
  officer's action writes (a payment's few years, a refund, court costs).
- `LedgerRows`: rows built straight into the driver's own tuples for `BulkWriter`, for the
  runs that write hundreds of thousands (billing, recovery, the payment import, demo
  data). Each row is checked as it is built; building a `LedgerEntry` per row and
  converting it would cost more than writing it.

Rows are only ever added: the database refuses updates and deletes (migration 0002) and
rows that break the kind and sign rules (migration 0011).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.adapters.bulk import BulkWriter, NativeValues
from app.db import UnitOfWork
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import check_amount
from app.models import LedgerTransaction

# The columns `LedgerRows` tuples hold, in order. No `reverses_id`: a reversal is an
# officer's (or a returns file's) few rows, posted with `post`.
LEDGER_COLUMNS = (
    "id", "account_id", "financial_year", "kind", "amount_pence", "posted_on", "reference", "description",
    "payment_id", "batch_run_id", "created_by", "created_at",
)


def post(uow: UnitOfWork, entries: Iterable[LedgerEntry], *, created_by: str) -> list[LedgerTransaction]:
    """Add the entries to the unit of work as ledger rows, in order (flushed with it).

    Returns the rows, whose `id` is set once flushed (a refund records its row's id).
    """
    rows = [
        LedgerTransaction(
            account_id=e.account_id, financial_year=e.financial_year, kind=e.kind.value, amount_pence=e.amount_pence,
            posted_on=e.posted_on, reference=e.reference, description=e.description, payment_id=e.payment_id,
            reverses_id=e.reverses_id, batch_run_id=e.batch_run_id, created_by=created_by,
        )
        for e in entries
    ]
    uow.session.add_all(rows)
    return rows


class LedgerRows:
    """Ledger rows for `BulkWriter`, in `LEDGER_COLUMNS` order, each checked as it is added.

    `account_id`, `posted_on` and `payment_id` are given as the driver holds them
    (`NativeValues`, or a raw key read with `sqlkeys.raw_key`): a batch converts a date once,
    not once per row. An unknown kind or a wrong sign raises InvalidLedgerEntry before
    anything is written.
    """

    __slots__ = ("_at", "_by", "_new_id", "_run", "rows")

    def __init__(
        self, values: NativeValues, *, created_by: str, created_at: datetime, batch_run_id: uuid.UUID | None = None,
    ) -> None:
        self._new_id = values.new_id
        self._run = values.id(batch_run_id) if batch_run_id else None
        self._by = created_by
        self._at = values.timestamp(created_at)
        self.rows: list[tuple[Any, ...]] = []

    def row(
        self, account_id: Any, financial_year: int, kind: str, amount_pence: int, posted_on: Any, reference: str,
        description: str, payment_id: Any = None,
    ) -> tuple[Any, ...]:
        """One checked row (not kept: for a caller that collects rows itself, as the demo does)."""
        return (self._new_id(), account_id, financial_year, check_amount(kind, amount_pence), amount_pence, posted_on,
                reference, description, payment_id, self._run, self._by, self._at)

    def add(
        self, account_id: Any, financial_year: int, kind: str, amount_pence: int, posted_on: Any, reference: str,
        description: str, payment_id: Any = None,
    ) -> None:
        self.rows.append(self.row(account_id, financial_year, kind, amount_pence, posted_on, reference, description,
                                  payment_id))

    def write(self, writer: BulkWriter) -> None:
        """Write the rows added so far (the caller's transaction commits them)."""
        writer.write(LedgerTransaction.__table__, LEDGER_COLUMNS, self.rows)
