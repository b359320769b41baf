"""What the arrangement screens and commands show: a proposed plan, and an agreed arrangement
with what has been paid against it.

Frozen DTOs only, kept apart from the use cases so the desktop, the account snapshot and
the requests can name them without importing how arrangements are made or checked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.dto import JsonView
from app.rules.arrangements import Affordability, PlanWarning


@dataclass(frozen=True)
class PlannedPayment(JsonView):
    due: date
    amount_pence: int


@dataclass(frozen=True)
class ArrangementPlan(JsonView):
    """A proposed schedule; nothing saved. `warnings`: PlanWarning(code, message, field)."""

    account_ref: str
    balance_pence: int
    frequency: str
    start: date
    instalments: list[PlannedPayment]
    clears_by: date | None
    warnings: list[PlanWarning]
    affordability: Affordability | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "account_ref": self.account_ref, "balance_pence": self.balance_pence, "frequency": self.frequency,
            "start": self.start.isoformat(),
            "instalments": [{"due": i.due.isoformat(), "amount_pence": i.amount_pence} for i in self.instalments],
            "clears_by": self.clears_by.isoformat() if self.clears_by else None,
            "warnings": [w.to_json() for w in self.warnings],
            "affordability": self.affordability.to_json() if self.affordability else None,
        }


@dataclass(frozen=True)
class ArrangementLine(JsonView):
    seq: int
    due: date
    amount_pence: int
    paid_pence: int  # payments so far allocated to the instalments in date order


@dataclass(frozen=True)
class ArrangementView(JsonView):
    arrangement_id: uuid.UUID
    account_ref: str
    status: str  # live | broken | completed | cancelled
    frequency: str
    start: date
    end: date  # the last payment date (clears by)
    total_pence: int
    paid_pence: int  # counted towards the arrangement as of `as_of`
    arrears_pence: int  # due by `as_of` and not paid
    instalments: list[ArrangementLine]
    grace_days: int
    tolerance_pence: int
    checked_to: date | None
    broken_on: date | None
    status_reason: str
    # The Standard Financial Statement as the officer entered it and its assessment, kept as
    # the arrangement's JSON column stores them (free-form: its sections and categories are
    # the statement's own) and shown as stored.
    income_expenditure: dict[str, Any] | None
    created_by: str
    as_of: date
    next_due: date | None = None
    hold_id: uuid.UUID | None = None  # the arrangement hold (open while live)
    letter_document_id: uuid.UUID | None = None  # the confirmation letter just issued (create / amend)
    warnings: list[PlanWarning] = field(default_factory=list)  # confirmed when it was agreed
