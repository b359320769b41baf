"""The fixed sets of text a status, kind or stage column may hold, one `StrEnum` per column.

One small module per domain (`accounts`, `billing`, `payments`, `recovery`, `casework`,
`letters`, `runs`, `writeoffs`), with no imports from the rest of the application, so
models, services, rules and the desktop may all use them (the desktop never imports
`app.models`: design.md, "Never: ui -> models"). Ledger kinds stay with the ledger
(`app.ledger.kinds.LedgerKind`), which owns their signs as well.

Each member's value is the text stored in the database: values never change (existing
databases hold them), and a new value needs a migration, because each column is mapped to
its enum (`app.models.base.enum_column`) and the database refuses any other text with a
CHECK constraint written by `one_of` (migration 0012). A StrEnum member equals its text
(`HoldKind.ARRANGEMENT == "arrangement"`), so code comparing with the text still works.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from app.enums.accounts import AccountPaymentMethod, AccountStatus, DiscountKind, LiabilityBasis, ReductionKind
from app.enums.billing import InstalmentPlanStatus
from app.enums.casework import (
    ArrangementFrequency,
    ArrangementStatus,
    DiaryStatus,
    EscalationReason,
    EscalationStatus,
)
from app.enums.letters import DocumentKind
from app.enums.payments import (
    CollectionStatus,
    MandateStatus,
    PaymentMethod,
    PaymentStatus,
    RefundMethod,
    RefundStatus,
)
from app.enums.recovery import EnforcementKind, EnforcementStatus, HoldKind, RecoveryStage, SafeguardKind
from app.enums.runs import BatchRunKind, BatchRunStatus
from app.enums.writeoffs import WriteOffStatus

E = TypeVar("E", bound=StrEnum)


def member(enum: type[E], text: str) -> E | None:
    """The member whose value is `text`, or None (`text in enum` is a TypeError in Python 3.11)."""
    try:
        return enum(text)
    except ValueError:
        return None


def one_of(column: str, values: Iterable[str]) -> str:
    """`column = 'a' OR column = 'b' ...`: a CHECK condition allowing exactly `values`.

    Equalities rather than `column IN (...)`: SQLite evaluates a constant IN list in a CHECK
    by building a small table for every row inserted (~4 us a row, see app.ledger.kinds);
    the equalities cost a fraction of that on the bulk-written tables."""
    return " OR ".join(f"{column} = '{value}'" for value in values)


__all__ = [
    "AccountPaymentMethod",
    "AccountStatus",
    "ArrangementFrequency",
    "ArrangementStatus",
    "BatchRunKind",
    "BatchRunStatus",
    "CollectionStatus",
    "DiaryStatus",
    "DiscountKind",
    "DocumentKind",
    "EnforcementKind",
    "EnforcementStatus",
    "EscalationReason",
    "EscalationStatus",
    "HoldKind",
    "InstalmentPlanStatus",
    "LiabilityBasis",
    "MandateStatus",
    "PaymentMethod",
    "PaymentStatus",
    "RecoveryStage",
    "ReductionKind",
    "RefundMethod",
    "RefundStatus",
    "SafeguardKind",
    "WriteOffStatus",
    "member",
    "one_of",
]
