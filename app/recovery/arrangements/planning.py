"""Planning a payment arrangement: the proposed schedule for what the account owes, with its
warnings; nothing is saved.

An arrangement covers the account's whole outstanding balance (every year, everything in
the ledger up to `as_of`). Schedules, affordability, warnings and default detection are
the pure rules in `app.rules.arrangements`; the policy (grace days, tolerance, minimum
payment, clear by the end of the financial year, diary code, letter) is `[arrangements]`
in the settings. The planner's live preview and agreeing an arrangement build the plan the
same way (`build_plan`), so what is agreed is what was previewed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.enums import ArrangementStatus
from app.errors import Conflict, ValidationError
from app.ledger.balances import owed_now_pence
from app.models import Arrangement
from app.recovery.arrangements.views import ArrangementPlan, PlannedPayment
from app.rules.arrangements import (
    FREQUENCY_LABELS,
    ArrangementError,
    ArrangementPolicy,
    assess,
    check_frequency,
    clears_by,
    make_schedule,
    warnings_for,
)


def build_plan(
    balance: int, policy: ArrangementPolicy, *, account_ref: str, frequency: str, start: date, end: date | None,
    amount_pence: int | None, as_of: date, income_expenditure: Mapping[str, Any] | None,
) -> ArrangementPlan:
    try:
        frequency = check_frequency(frequency)
        schedule = make_schedule(balance, frequency, start, end=end, amount_pence=amount_pence)
        affordability = assess(income_expenditure, frequency) if income_expenditure else None
    except ArrangementError as exc:
        raise ValidationError(str(exc), field=exc.field) from None
    warnings = warnings_for(schedule, balance_pence=balance, frequency=frequency, start=start, as_of=as_of,
                            policy=policy, target_end=end, affordability=affordability)
    return ArrangementPlan(
        account_ref=account_ref, balance_pence=balance, frequency=frequency, start=start,
        instalments=[PlannedPayment(i.due, i.amount_pence) for i in schedule], clears_by=clears_by(schedule),
        warnings=warnings, affordability=affordability,
    )


def plan_arrangement(
    uow: UnitOfWork, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None,
) -> ArrangementPlan:
    """The proposed schedule for the account's outstanding balance (all years) on `as_of`; nothing saved.

    With `amount_pence` the schedule is that amount per payment (and `end`, if given, is a
    target the warnings check); without it, equal payments up to `end`.
    """
    account_id = get_account_id(uow, account_ref)
    return build_plan(owed_now_pence(uow, account_id, as_of), settings.arrangements, account_ref=account_ref.strip(),
                      frequency=frequency, start=start, end=end, amount_pence=amount_pence, as_of=as_of,
                      income_expenditure=income_expenditure)


def refuse_plan(plan: ArrangementPlan, as_of: date, confirm_warnings: bool) -> None:
    if plan.start < as_of:
        raise ValidationError(f"The first payment {plan.start:%d/%m/%Y} is in the past (today is {as_of:%d/%m/%Y}).",
                              field="start")
    pending = [w for w in plan.warnings if w.code != "starts_in_past"]
    if pending and not confirm_warnings:
        raise ValidationError(
            " ".join(w.message for w in pending) + " Confirm the warning to agree it anyway.", field=pending[0].field)


def check_no_other_live(uow: UnitOfWork, account_id: uuid.UUID, ref: str, exclude: uuid.UUID | None = None) -> None:
    """An account has at most one live arrangement (whatever its dates; migration 0013's
    unique index enforces it): Conflict if another is live."""
    query = select(Arrangement).where(Arrangement.account_id == account_id, Arrangement.status == ArrangementStatus.LIVE)
    if exclude is not None:
        query = query.where(Arrangement.id != exclude)
    other = uow.session.scalars(query.limit(1)).one_or_none()
    if other is not None:
        raise Conflict(f"Account {ref} already has a live arrangement ({FREQUENCY_LABELS.get(other.frequency, other.frequency)} "
                       f"from {other.start_date:%d/%m/%Y} to {other.end_date:%d/%m/%Y}): amend or cancel it instead.")


def income_statement(plan: ArrangementPlan, income_expenditure: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not income_expenditure:
        return None
    return {"statement": dict(income_expenditure),
            "assessed": plan.affordability.to_json() if plan.affordability else None}
