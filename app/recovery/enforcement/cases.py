"""Enforcement cases: what every route after a liability order opens, and the rules all routes share.

A case (`EnforcementCase`) is one method of enforcing one liability order: an attachment of
earnings, a deduction from benefit or a referral to enforcement agents. This module shows and
finds cases and opens them; the route modules (`attachment`, `benefit`, `agents`) open theirs
through `open_case`, so each keeps the same rules (domain notes §3-4, §7):
- **One method at a time per liability order** (AER 1992; council practice): a liability
  order with an open case of one kind cannot get a case of another kind. The exception is
  attachment of earnings: not more than **two** of the authority's orders may be in force
  for one debtor at once (reg 37, `MAX_ORDERS_IN_FORCE`), dealt with in date order (each
  order's `priority` is its place among the debtor's open orders by date made); a second
  order may enforce the same liability order (a second employer).
- **Holds stop everything**: no new case while a hold is in force. During a breathing
  space an attachment of earnings already in place continues (its receipts are still
  recorded); nothing new is started.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.accounts.debtors import Debtor
from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import EnforcementKind, EnforcementStatus, RecoveryStage
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import year_balance_pence
from app.letters.council import council_fields
from app.models import Account, EnforcementCase, RecoveryEvent
from app.recovery.holds import active_holds
from app.recovery.safeguards import refuse_if_held_back
from app.rules import attachment_of_earnings as aoe_rules
from app.rules.apportionment import year_label
from app.users.roles import Actor

CASE_PREFIX = {"attachment_of_earnings": "AOE", "benefit_deduction": "BEN", "enforcement_agent": "EA"}


# --- DTOs ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseView(JsonView):
    case_id: uuid.UUID
    case_ref: str
    account_ref: str
    kind: str
    status: str  # open | closed
    opened_on: date
    closed_on: date | None
    year: int | None
    liability_order_id: uuid.UUID | None
    liability_order_date: date | None
    debt_pence: int  # outstanding under the liability order when the case was opened
    collected_pence: int
    outstanding_pence: int  # debt less collected (not below 0)
    # The case's stored `details` JSON, as it is: each route keeps its own keys there (the
    # employer, the DWP application, the agent's fee stages), more are added as the case moves
    # on (receipts, exported_on, closed_reason...), and `cases --json` writes them as stored, in
    # the stored order and without the keys a case has not reached; a dataclass would change that.
    details: dict[str, Any]


# --- liability orders and cases ------------------------------------------------------------

def _liability_order(
    uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, liability_order_id: uuid.UUID | None, year: int | None,
) -> RecoveryEvent:
    if liability_order_id is not None:
        event = uow.session.get(RecoveryEvent, liability_order_id)
        if event is None or event.account_id != account_id or event.stage != RecoveryStage.LIABILITY_ORDER:
            raise ValidationError(f"{liability_order_id} is not a liability order on account {account_ref}.",
                                  field="liability_order_id")
        return event
    query = select(RecoveryEvent).where(
        RecoveryEvent.account_id == account_id, RecoveryEvent.stage == RecoveryStage.LIABILITY_ORDER
    )
    if year is not None:
        query = query.where(RecoveryEvent.financial_year == year)
    orders = uow.session.scalars(query.order_by(RecoveryEvent.event_date, RecoveryEvent.created_at)).all()
    if not orders:
        where = f" for {year_label(year)}" if year is not None else ""
        raise ValidationError(f"Account {account_ref} has no liability order{where}.", field="year" if year else "account_ref")
    years = sorted({o.financial_year for o in orders})
    if year is None and len(years) > 1:
        raise ValidationError(
            f"Account {account_ref} has liability orders for {', '.join(map(year_label, years))}: say which year.",
            field="year",
        )
    return orders[-1]


def case_view_of(case: EnforcementCase, account_ref: str, order: RecoveryEvent | None) -> CaseView:
    collected = int(case.details.get("collected_pence", 0))
    return CaseView(
        case_id=case.id, case_ref=case.reference, account_ref=account_ref, kind=case.kind, status=case.status,
        opened_on=case.opened_on, closed_on=case.closed_on, year=order.financial_year if order else None,
        liability_order_id=case.liability_order_id, liability_order_date=order.event_date if order else None,
        debt_pence=case.debt_pence, collected_pence=collected, outstanding_pence=max(0, case.debt_pence - collected),
        details=dict(case.details),
    )


def list_cases(
    uow: UnitOfWork, *, account_ref: str | None = None, kind: str | None = None, status: str | None = None,
) -> list[CaseView]:
    """Enforcement cases, by account then date opened."""
    query = select(EnforcementCase, Account.account_ref).join(Account, Account.id == EnforcementCase.account_id)
    if account_ref is not None:
        query = query.where(EnforcementCase.account_id == get_account_id(uow, account_ref))
    if kind is not None:
        query = query.where(EnforcementCase.kind == kind)
    if status is not None:
        query = query.where(EnforcementCase.status == status)
    rows = uow.session.execute(query.order_by(Account.account_ref, EnforcementCase.opened_on, EnforcementCase.created_at)).all()
    orders = {
        e.id: e for e in uow.session.scalars(
            select(RecoveryEvent).where(RecoveryEvent.id.in_({c.liability_order_id for c, _ in rows if c.liability_order_id}))
        )
    } if rows else {}
    return [case_view_of(c, ref, orders.get(c.liability_order_id) if c.liability_order_id else None) for c, ref in rows]


def find_case_id(uow: UnitOfWork, case: str) -> uuid.UUID:
    """A case by its reference (e.g. `AOE-70000001-2025-1`) or its id."""
    text = case.strip()
    found = uow.session.scalar(select(EnforcementCase.id).where(EnforcementCase.reference == text))
    if found is not None:
        return found
    try:
        case_id = uuid.UUID(text)
    except ValueError:
        raise NotFound(f"There is no enforcement case {text}.") from None
    if uow.session.get(EnforcementCase, case_id) is None:
        raise NotFound(f"There is no enforcement case {text}.")
    return case_id


def get_case(uow: UnitOfWork, case_id: uuid.UUID) -> EnforcementCase:
    case = uow.session.get(EnforcementCase, case_id)
    if case is None:
        raise NotFound(f"There is no enforcement case {case_id}.")
    return case


def open_cases_for(uow: UnitOfWork, account_id: uuid.UUID) -> list[EnforcementCase]:
    return list(uow.session.scalars(
        select(EnforcementCase).where(EnforcementCase.account_id == account_id, EnforcementCase.status == EnforcementStatus.OPEN)
        .order_by(EnforcementCase.opened_on, EnforcementCase.created_at)
    ))


def _refuse_on_hold(uow: UnitOfWork, account_id: uuid.UUID, account_ref: str, as_of: date, what: str) -> None:
    holds = active_holds(uow, account_id, as_of)
    if holds:
        raise Conflict(f"Account {account_ref} is on hold ({holds[0].describe()}), so {what} cannot be started.")


def _check_one_method(uow: UnitOfWork, account_id: uuid.UUID, order: RecoveryEvent, kind: str) -> None:
    """One method at a time per liability order; at most two attachment of earnings orders per debtor."""
    open_cases = open_cases_for(uow, account_id)
    label = year_label(order.financial_year)
    for case in open_cases:
        if case.liability_order_id != order.id:
            continue
        if case.kind != kind or kind != EnforcementKind.ATTACHMENT_OF_EARNINGS:
            raise Conflict(
                f"The {label} liability order is already being enforced by {case.kind.replace('_', ' ')} "
                f"(case {case.reference}); only one method may be used at a time."
            )
    if kind == EnforcementKind.ATTACHMENT_OF_EARNINGS:
        in_force = [c for c in open_cases if c.kind == kind]
        if not aoe_rules.may_make_another_order(len(in_force)):
            raise Conflict(
                f"{aoe_rules.MAX_ORDERS_IN_FORCE} attachment of earnings orders are already in force for this debtor "
                f"({', '.join(c.reference for c in in_force)}); not more than {aoe_rules.MAX_ORDERS_IN_FORCE} may be."
            )


def _next_reference(uow: UnitOfWork, kind: str, account_ref: str, year: int) -> str:
    base = f"{CASE_PREFIX.get(kind, kind[:3].upper())}-{account_ref}-{year}"
    used = uow.session.scalar(
        select(func.count()).select_from(EnforcementCase).where(EnforcementCase.reference.like(f"{base}-%"))
    ) or 0
    return f"{base}-{used + 1}"


def open_case(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, kind: str, account_ref: str,
    liability_order_id: uuid.UUID | None, year: int | None, opened_on: date, as_of: date, details: dict[str, Any],
    what: str,
) -> tuple[EnforcementCase, RecoveryEvent, str]:
    if opened_on > as_of:
        raise ValidationError(f"The date {opened_on:%d/%m/%Y} is in the future.", field="date")
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    order = _liability_order(uow, account_id, ref, liability_order_id, year)
    if opened_on < order.event_date:
        raise ValidationError(
            f"The date {opened_on:%d/%m/%Y} is before the liability order ({order.event_date:%d/%m/%Y}).", field="date"
        )
    _refuse_on_hold(uow, account_id, ref, as_of, what)
    refuse_if_held_back(uow, settings, account_id, ref, kind)  # open trace, vulnerability review, escalation
    _check_one_method(uow, account_id, order, kind)
    debt = year_balance_pence(uow, account_id, order.financial_year, as_of)
    if debt <= 0:
        raise ValidationError(
            f"Nothing is outstanding under the {year_label(order.financial_year)} liability order on {ref}.", field="year"
        )
    case = EnforcementCase(
        account_id=account_id, liability_order_id=order.id, kind=kind, status=EnforcementStatus.OPEN, opened_on=opened_on,
        debt_pence=debt, reference=_next_reference(uow, kind, ref, order.financial_year),
        details={"collected_pence": 0, "receipts": [], **details}, created_by=actor.username,
    )
    uow.session.add(case)
    with saving(uow, f"The {what} on {ref}"):
        uow.session.flush()
    return case, order, ref


def audit_case(uow: UnitOfWork, actor: Actor, action: str, case: EnforcementCase, ref: str, **extra: Any) -> None:
    audit(uow, actor.username, action, "enforcement_case", case.id, account_id=case.account_id, after={
        "case_ref": case.reference, "account_ref": ref, "kind": case.kind, "status": case.status,
        "debt_pence": case.debt_pence, **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in extra.items()},
    })


def letter_common(
    settings: AuthoritySettings, person: Debtor, case: EnforcementCase, order: RecoveryEvent, issued_on: date,
) -> dict[str, Any]:
    return {
        **council_fields(settings), "account_ref": person.account_ref, "issued_on": issued_on.isoformat(),
        "case_ref": case.reference, "debtor_name": person.name, "debtor_joint_names": person.joint_names,
        "debtor_address": ", ".join([*person.address_lines, person.postcode]),
        "liability_order_date": order.event_date.isoformat(), "year_label": year_label(order.financial_year),
        "debt_pence": case.debt_pence,
    }
