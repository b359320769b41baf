"""Accounts that could go further after their liability orders: charging order (AER 1992
reg 50, at least £1,000 outstanding under the order or orders the application relies on:
see `app.rules.charging_orders`, which quotes it; each order's own figure is listed, since
the officer chooses the orders to rely on), bankruptcy (at least £5,000, SI 2015/922) and committal
(England only, reg 47, once agents have found insufficient goods).

These are lists for an officer to weigh, not actions: each candidate carries why it is
listed and what to check first, and an account with a hold in force is never listed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.accounts.debtors import debtors
from app.config import AuthoritySettings
from app.db import UnitOfWork, in_batches
from app.dto import JsonView
from app.enums import EnforcementKind, EnforcementStatus, RecoveryStage
from app.models import EnforcementCase, LedgerTransaction, RecoveryEvent
from app.money import fmt
from app.recovery.holds import holds_in_force
from app.rules import charging_orders as co_rules
from app.rules.apportionment import year_label
from app.writeoffs.stopped_years import written_off_years

CHARGING_ORDER_MINIMUM_PENCE = co_rules.MINIMUM_PENCE  # AER 1992 reg 50(1)(c): at least £1,000 under the order(s) relied on
BANKRUPTCY_MINIMUM_PENCE = 500_000  # Insolvency Act 1986 s267(4), £5,000 from 1 Oct 2015 (SI 2015/922)


@dataclass(frozen=True)
class Candidate(JsonView):
    account_ref: str
    name: str
    address: str
    postcode: str
    route: str
    liability_order_years: list[int]
    outstanding_pence: int  # unpaid under the liability orders (tax + costs)
    reason: str
    checks: list[str]


@dataclass(frozen=True)
class CandidateList(JsonView):
    route: str
    as_of: date
    available: bool
    reason: str
    candidates: list[Candidate]


def order_balances(
    uow: UnitOfWork, as_of: date, account_ids: list[uuid.UUID] | None = None,
) -> dict[uuid.UUID, dict[int, int]]:
    """Outstanding pence per liability order year, for every account with a liability order by `as_of`.
    A year whose debt was written off (an approved write-off) is left out: recovery stopped there."""
    query = select(RecoveryEvent.account_id, RecoveryEvent.financial_year).where(
        RecoveryEvent.stage == RecoveryStage.LIABILITY_ORDER, RecoveryEvent.event_date <= as_of
    ).distinct()
    if account_ids is not None:
        query = query.where(RecoveryEvent.account_id.in_(account_ids))
    years: dict[uuid.UUID, set[int]] = defaultdict(set)
    for account_id, year in uow.session.execute(query):
        years[account_id].add(year)
    for account_id, year in written_off_years(uow, list(years), raw=False):
        years[account_id].discard(year)
        if not years[account_id]:
            del years[account_id]
    ids = list(years)
    result: dict[uuid.UUID, dict[int, int]] = {a: {y: 0 for y in ys} for a, ys in years.items()}
    for batch in in_batches(ids):
        for account_id, year, total in uow.session.execute(
            select(LedgerTransaction.account_id, LedgerTransaction.financial_year, func.sum(LedgerTransaction.amount_pence))
            .where(LedgerTransaction.account_id.in_(batch), LedgerTransaction.posted_on <= as_of)
            .group_by(LedgerTransaction.account_id, LedgerTransaction.financial_year)
        ):
            if year in years[account_id]:
                result[account_id][year] = int(total)
    return result


def _candidates(
    uow: UnitOfWork, as_of: date, route: str, minimum: int, reason: str, checks: list[str],
) -> list[Candidate]:
    balances = order_balances(uow, as_of)
    held = holds_in_force(uow, list(balances), as_of)
    chosen = {a: b for a, b in balances.items() if a not in held and sum(max(0, p) for p in b.values()) >= minimum}
    people = debtors(uow, list(chosen), as_of)
    result: list[Candidate] = []
    for account_id, by_year in chosen.items():
        owed = {y: p for y, p in by_year.items() if p > 0}
        total = sum(owed.values())
        person = people[account_id]
        result.append(Candidate(
            account_ref=person.account_ref, name=person.name, address=person.address, postcode=person.postcode,
            route=route, liability_order_years=sorted(owed), outstanding_pence=total,
            reason=reason.format(total=fmt(total), years=", ".join(map(year_label, sorted(owed)))), checks=checks,
        ))
    result.sort(key=lambda c: (-c.outstanding_pence, c.account_ref))
    return result


def charging_order_tests(
    uow: UnitOfWork, as_of: date, account_ids: list[uuid.UUID] | None = None,
) -> dict[uuid.UUID, tuple[co_rules.ThresholdTest, list[int]]]:
    """Reg 50(1)(c) per account: each liability order's own outstanding figure (the year's balance, never more
    than the order was made for), labelled "2024/25 (order of 15/07/2025)", in year order; and the years of
    the orders with something outstanding."""
    balances = order_balances(uow, as_of, account_ids)
    made: dict[tuple[uuid.UUID, int], list[RecoveryEvent]] = defaultdict(list)
    for batch in in_batches(list(balances)):
        for event in uow.session.scalars(
            select(RecoveryEvent).where(RecoveryEvent.account_id.in_(batch), RecoveryEvent.stage == "liability_order",
                                        RecoveryEvent.event_date <= as_of)
            .order_by(RecoveryEvent.event_date)
        ):
            made[(event.account_id, event.financial_year)].append(event)
    result: dict[uuid.UUID, tuple[co_rules.ThresholdTest, list[int]]] = {}
    for account_id, by_year in balances.items():
        figures: dict[str, int] = {}
        years: list[int] = []
        for year in sorted(by_year):
            events = made[(account_id, year)]
            dates = ", ".join(f"{e.event_date:%d/%m/%Y}" for e in events)
            label = f"{year_label(year)} (order{'s' if len(events) > 1 else ''} of {dates})"
            figures[label] = co_rules.outstanding_under_order(by_year[year], sum(e.amount_pence for e in events))
            if figures[label] > 0:
                years.append(year)
        result[account_id] = (co_rules.threshold_test(figures), years)
    return result


def charging_order_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """Accounts whose liability orders can reach £1,000 outstanding, alone or together (AER 1992 reg 50(1)(c)).

    `outstanding_pence` is all the orders together (the most an application could rely on);
    the reason lists each order's own figure and says which reach £1,000 alone, since the
    officer chooses which orders the application relies on (`app.rules.charging_orders`).
    """
    tests = charging_order_tests(uow, as_of)
    held = holds_in_force(uow, list(tests), as_of)
    chosen = {a: t for a, t in tests.items() if a not in held and t[0].met}
    people = debtors(uow, list(chosen), as_of)
    found: list[Candidate] = []
    for account_id, (test, years) in chosen.items():
        person = people[account_id]
        found.append(Candidate(
            account_ref=person.account_ref, name=person.name, address=person.address, postcode=person.postcode,
            route="charging_order", liability_order_years=years, outstanding_pence=test.together_pence,
            reason=test.explain(),
            checks=["check ownership: whether the debtor owns the dwelling the orders relate to is not recorded here",
                    "choose the order(s) the application relies on: at least £1,000 outstanding under them, each made "
                    "for the dwelling to be charged (reg 50(1)(c), (3)(b))"],
        ))
    found.sort(key=lambda c: (-c.outstanding_pence, c.account_ref))
    return CandidateList("charging_order", as_of, True,
                         "Liability order(s) with at least £1,000 outstanding under them, alone or relied on together; "
                         "no hold in force.", found)


def bankruptcy_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """Accounts owing at least £5,000 in total under liability orders (bankruptcy level, SI 2015/922)."""
    found = _candidates(
        uow, as_of, "bankruptcy", BANKRUPTCY_MINIMUM_PENCE,
        "{total} outstanding under liability orders for {years}: at least the £5,000 bankruptcy level (SI 2015/922).",
        ["consider proportionality and the debtor's circumstances before petitioning",
         "check for insolvency proceedings already started"],
    )
    return CandidateList("bankruptcy", as_of, True,
                         "At least £5,000 owed in total under liability orders; no hold in force.", found)


def committal_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """England only (reg 47): enforcement agents returned the case with insufficient goods and the debt is unpaid."""
    if settings.country == "wales":
        return CandidateList("committal", as_of, False,
                             "Committal to prison for council tax was abolished in Wales from 1 April 2019.", [])
    returned = uow.session.scalars(
        select(EnforcementCase)
        .where(EnforcementCase.kind == EnforcementKind.ENFORCEMENT_AGENT, EnforcementCase.status == EnforcementStatus.CLOSED)
    ).all()
    nulla: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for case in returned:
        if case.details.get("nulla_bona") and case.closed_on is not None and case.closed_on <= as_of and case.liability_order_id:
            nulla[case.account_id].add(case.liability_order_id)
    ids = list(nulla)
    balances = order_balances(uow, as_of, ids) if ids else {}
    held = holds_in_force(uow, ids, as_of) if ids else {}
    orders = {e.id: e.financial_year for e in uow.session.scalars(
        select(RecoveryEvent).where(RecoveryEvent.id.in_({o for s in nulla.values() for o in s}))
    )} if ids else {}
    people = debtors(uow, ids, as_of)
    found: list[Candidate] = []
    for account_id, order_ids in nulla.items():
        if account_id in held:
            continue
        owed = {orders[o]: balances.get(account_id, {}).get(orders[o], 0) for o in order_ids}
        owed = {y: p for y, p in owed.items() if p > 0}
        if not owed:
            continue
        person = people[account_id]
        total = sum(owed.values())
        found.append(Candidate(
            account_ref=person.account_ref, name=person.name, address=person.address, postcode=person.postcode,
            route="committal", liability_order_years=sorted(owed), outstanding_pence=total,
            reason=f"Enforcement agents returned {', '.join(map(year_label, sorted(owed)))} with insufficient goods "
                   f"(nulla bona); {fmt(total)} unpaid (AER 1992 reg 47).",
            checks=["a means enquiry must find wilful refusal or culpable neglect", "the debtor must be 18 or over",
                    "consider other methods first"],
        ))
    found.sort(key=lambda c: (-c.outstanding_pence, c.account_ref))
    return CandidateList("committal", as_of, True,
                         "England: enforcement agents found insufficient goods and the debt is unpaid; no hold in force.",
                         found)


CANDIDATE_ROUTES = {
    "charging_order": charging_order_candidates, "bankruptcy": bankruptcy_candidates, "committal": committal_candidates,
}
