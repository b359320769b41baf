"""A ledger entry that cannot be built with a wrong kind or sign.

Interactive writers (a payment taken, a refund approved, court costs) build these and
hand them to `app.ledger.posting.post`; the bulk writers use `posting.LedgerRows`, which
applies the same `check_amount` to each row without building an object per row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.ledger.kinds import InvalidLedgerEntry, LedgerKind, check_amount


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One ledger row to post (design.md rule 4: the balance is the sum of these).

    `kind` may be given as its text ("payment"); it is kept as a `LedgerKind`. Raises
    InvalidLedgerEntry (a ValueError) for an unknown kind, an amount that is not an int
    (a bool is not an amount) or a sign the kind does not allow (see app.ledger.kinds).
    """

    account_id: uuid.UUID
    financial_year: int
    kind: LedgerKind
    amount_pence: int
    posted_on: date
    reference: str = ""
    description: str = ""
    payment_id: uuid.UUID | None = None
    reverses_id: uuid.UUID | None = None
    batch_run_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LedgerKind(check_amount(self.kind, self.amount_pence)))
        if type(self.financial_year) is not int:
            raise InvalidLedgerEntry(f"A financial year is an int (2025 for 2025/26), not {self.financial_year!r}.")
