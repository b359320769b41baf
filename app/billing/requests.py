"""What an officer may ask of billing: the liability changes and the annual billing run.

Each liability change can also be tried first (`Application.preview`): the trial
calculation runs the same use case and rolls everything back. Every change's result is
a `LiabilityChange` (what each year's charge becomes); the annual run's is a
`BillingRunSummary`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.billing.annual_run import BillingRunSummary  # noqa: F401
    from app.billing.liability_changes import LiabilityChange  # noqa: F401



@dataclass(frozen=True)
class NewTaxpayer:
    """A person becoming liable (moving in, or named jointly liable)."""

    surname: str
    forenames: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""


class LiabilityRequest(Request["LiabilityChange"]):
    """Base of the liability changes: each rebills the account it touches."""


@request("billing.move_in")
class MoveIn(LiabilityRequest):
    """A new taxpayer becomes liable for a property from `start_date` (a new account)."""

    uprn: str
    taxpayer: NewTaxpayer
    start_date: date
    as_of: date
    payment_method: str = "cash"
    instalment_count: int | None = None
    instalment_day: int | None = None


@request("billing.move_out")
class MoveOut(LiabilityRequest):
    """A liability period ends on `end_date` (liable up to and including that day).
    `forwarding_address` (optional, lines separated by line breaks): where the amended
    notice and later letters go; empty keeps the one recorded before, if any."""

    period_id: uuid.UUID
    end_date: date
    as_of: date
    forwarding_address: str = ""


@request("billing.split_period")
class SplitPeriod(LiabilityRequest):
    """A period splits at `on_date`, so something can change from that day."""

    period_id: uuid.UUID
    on_date: date
    as_of: date


@request("billing.set_disabled_reduction")
class SetDisabledReduction(LiabilityRequest):
    period_id: uuid.UUID
    applies: bool
    as_of: date


@request("billing.add_joint_party")
class AddJointParty(LiabilityRequest):
    period_id: uuid.UUID
    person: NewTaxpayer
    start_date: date
    as_of: date


@request("billing.end_joint_party")
class EndJointParty(LiabilityRequest):
    party_id: uuid.UUID
    end_date: date
    as_of: date


@request("billing.set_discount")
class SetDiscount(LiabilityRequest):
    """A discount (SPD, ALL_DISREGARDED) or premium (LONG_TERM_EMPTY, SECOND_HOME) from a date."""

    period_id: uuid.UUID
    kind: str
    start_date: date
    end_date: date | None
    as_of: date
    empty_since: date | None = None


@request("billing.end_discount")
class EndDiscount(LiabilityRequest):
    discount_id: uuid.UUID
    end_date: date
    as_of: date


@request("billing.set_exemption")
class SetExemption(LiabilityRequest):
    period_id: uuid.UUID
    exemption_class: str
    start_date: date
    end_date: date | None
    as_of: date


@request("billing.end_exemption")
class EndExemption(LiabilityRequest):
    exemption_id: uuid.UUID
    end_date: date
    as_of: date


@request("billing.set_reduction")
class SetReduction(LiabilityRequest):
    """Council tax reduction ('ctr') or a s13A reduction ('s13a'), in basis points of the charge."""

    account_ref: str
    kind: str
    percent_bp: int
    start_date: date
    end_date: date | None
    as_of: date


@request("billing.end_reduction")
class EndReduction(LiabilityRequest):
    award_id: uuid.UUID
    end_date: date
    as_of: date


@request("billing.rebill")
class Rebill(LiabilityRequest):
    """Recalculate an account with no change to its liability (e.g. after new Band D figures)."""

    account_ref: str
    from_day: date
    as_of: date


@request("billing.run_annual_billing")
class RunAnnualBilling(Request["BillingRunSummary"]):
    """Bill every account for `year` (resumable: asking again carries on after a cancel)."""

    year: int
    as_of: date
