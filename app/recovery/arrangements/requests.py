"""What an officer may ask of arrangements: agree, amend and cancel one, and the daily
monitoring run.

`income_expenditure` is the Standard Financial Statement as its JSON object (see
`app.rules.arrangements.assess`), kept as given so the stored request is exactly what
the officer entered.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.recovery.arrangements.monitoring import MonitoringSummary  # noqa: F401
    from app.recovery.arrangements.views import ArrangementView  # noqa: F401



@request("arrangements.create")
class CreateArrangement(Request["ArrangementView"]):
    """Agree an arrangement for what the account owes on `as_of`; warnings must be confirmed."""

    account_ref: str
    frequency: str
    start: date
    as_of: date
    end: date | None = None
    amount_pence: int | None = None
    income_expenditure: Mapping[str, Any] | None = None
    confirm_warnings: bool = False


@request("arrangements.amend")
class AmendArrangement(Request["ArrangementView"]):
    """Re-plan the live arrangement for what is owed now."""

    account_ref: str
    frequency: str
    start: date
    as_of: date
    reason: str
    end: date | None = None
    amount_pence: int | None = None
    income_expenditure: Mapping[str, Any] | None = None
    confirm_warnings: bool = False
    expected_version: int | None = None


@request("arrangements.cancel")
class CancelArrangement(Request["ArrangementView"]):
    account_ref: str
    reason: str
    as_of: date


@request("arrangements.monitor")
class MonitorArrangements(Request["MonitoringSummary"]):
    """The daily monitoring run (a team leader): breaks, completes and checks arrangements to `as_of`."""

    as_of: date
