"""Which routes after a liability order are open to one account now, and why (or why not).

What the desktop's recovery tab and `revdesk routes` show: it reads the open cases, the
holds, what is owed under the orders and the candidate lists, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.dto import JsonView
from app.enums import EnforcementKind, RecoveryStage
from app.models import RecoveryEvent
from app.money import fmt
from app.recovery.enforcement.candidates import (
    BANKRUPTCY_MINIMUM_PENCE,
    charging_order_tests,
    committal_candidates,
    order_balances,
)
from app.recovery.enforcement.cases import open_cases_for
from app.recovery.holds import BREATHING_SPACE_KINDS, HoldView, active_holds
from app.rules import attachment_of_earnings as aoe_rules
from app.rules.apportionment import year_label


@dataclass(frozen=True)
class RouteAdvice(JsonView):
    route: str
    status: str  # available | in_place | not_available
    reason: str
    case_refs: list[str] = field(default_factory=list)


def recovery_routes(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str, as_of: date) -> list[RouteAdvice]:
    """Each route after a liability order, whether it is open to the account now and why (or why not)."""
    account_id = get_account_id(uow, account_ref)
    balances = order_balances(uow, as_of, [account_id]).get(account_id, {})
    open_cases = open_cases_for(uow, account_id)
    aoes = [c for c in open_cases if c.kind == EnforcementKind.ATTACHMENT_OF_EARNINGS]
    holds: list[HoldView] = active_holds(uow, account_id, as_of)
    routes = ("attachment_of_earnings", "benefit_deduction", "enforcement_agent", "charging_order", "bankruptcy", "committal")
    if not balances:
        return [RouteAdvice(r, "not_available", "There is no liability order on the account.") for r in routes]
    if holds:
        hold = holds[0]
        advice: list[RouteAdvice] = []
        for route in routes:
            if route == EnforcementKind.ATTACHMENT_OF_EARNINGS and aoes and all(h.kind in BREATHING_SPACE_KINDS for h in holds):
                advice.append(RouteAdvice(route, "in_place", f"The order already in place continues during the breathing "
                                          f"space ({hold.describe()}); no new order may be made.", [c.reference for c in aoes]))
            else:
                advice.append(RouteAdvice(route, "not_available", f"On hold: {hold.describe()}. Nothing may be started."))
        return advice
    owed = {y: p for y, p in balances.items() if p > 0}
    total = sum(owed.values())
    orders = uow.session.scalars(
        select(RecoveryEvent).where(RecoveryEvent.account_id == account_id, RecoveryEvent.stage == RecoveryStage.LIABILITY_ORDER)
    ).all()
    busy = {c.liability_order_id: c for c in open_cases}
    free_years = sorted({o.financial_year for o in orders if o.id not in busy and owed.get(o.financial_year, 0) > 0})
    result: list[RouteAdvice] = []
    if not owed:
        return [RouteAdvice(r, "not_available", "Nothing is outstanding under the liability orders.") for r in routes]
    free_text = ", ".join(map(year_label, free_years))
    busy_text = "; ".join(f"{year_label(uow.session.get(RecoveryEvent, c.liability_order_id).financial_year)}: "  # type: ignore[union-attr]
                          f"{c.kind.replace('_', ' ')} ({c.reference})" for c in open_cases if c.liability_order_id)
    for route in (EnforcementKind.ATTACHMENT_OF_EARNINGS, EnforcementKind.BENEFIT_DEDUCTION, EnforcementKind.ENFORCEMENT_AGENT):
        mine = [c.reference for c in open_cases if c.kind == route]
        in_place = f" In place: {', '.join(mine)}." if mine else ""
        if route == EnforcementKind.ATTACHMENT_OF_EARNINGS and not aoe_rules.may_make_another_order(len(aoes)):
            result.append(RouteAdvice(route, "in_place", f"{aoe_rules.MAX_ORDERS_IN_FORCE} orders are in force: no more "
                                      "may be made (AER 1992 reg 37).", mine))
        elif free_years:
            result.append(RouteAdvice(route, "available", f"Possible for {free_text} (no method in place).{in_place}", mine))
        elif route == EnforcementKind.ATTACHMENT_OF_EARNINGS and aoes:
            result.append(RouteAdvice(route, "available", "A second order (for example with a second employer) may be "
                                      f"made: not more than {aoe_rules.MAX_ORDERS_IN_FORCE} at once.{in_place}", mine))
        else:
            result.append(RouteAdvice(route, "in_place" if mine else "not_available",
                                      f"Every liability order already has a method in place ({busy_text}); one at a time.",
                                      mine))
    # AER 1992 reg 50(1)(c): £1,000 outstanding under the order(s) the application relies on, each order's own
    # figure listed for the officer to choose from (app.rules.charging_orders quotes the regulation).
    charging, _ = charging_order_tests(uow, as_of, [account_id])[account_id]
    result.append(RouteAdvice(
        "charging_order", "available" if charging.met else "not_available",
        charging.explain() + (" Check ownership, and that the orders relied on were made for the dwelling to be charged "
                              "(reg 50(3)(b))." if charging.met else ""),
    ))
    result.append(RouteAdvice(
        "bankruptcy", "available" if total >= BANKRUPTCY_MINIMUM_PENCE else "not_available",
        f"{fmt(total)} outstanding under liability orders; a bankruptcy petition needs at least £5,000 (SI 2015/922).",
    ))
    if settings.country == "wales":
        result.append(RouteAdvice("committal", "not_available", "Committal was abolished in Wales from 1 April 2019."))
    else:
        listed = {c.account_ref for c in committal_candidates(uow, settings, as_of).candidates}
        ref = account_ref.strip()
        result.append(RouteAdvice(
            "committal", "available" if ref in listed else "not_available",
            "Enforcement agents found insufficient goods: a means enquiry may follow (reg 47)." if ref in listed
            else "Only after enforcement agents have returned the case with insufficient goods (reg 47).",
        ))
    return result
