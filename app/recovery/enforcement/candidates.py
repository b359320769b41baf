"""Accounts that could go further after their liability orders: charging order (AER 1992
reg 50, at least £1,000), bankruptcy (at least £5,000, SI 2015/922) and committal
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
from app.rules.apportionment import year_label

CHARGING_ORDER_MINIMUM_PENCE = 100_000  # AER 1992 reg 50: at least £1,000 outstanding
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
    """Outstanding pence per liability order year, for every account with a liability order by `as_of`."""
    query = select(RecoveryEvent.account_id, RecoveryEvent.financial_year).where(
        RecoveryEvent.stage == RecoveryStage.LIABILITY_ORDER, RecoveryEvent.event_date <= as_of
    ).distinct()
    if account_ids is not None:
        query = query.where(RecoveryEvent.account_id.in_(account_ids))
    years: dict[uuid.UUID, set[int]] = defaultdict(set)
    for account_id, year in uow.session.execute(query):
        years[account_id].add(year)
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


def charging_order_candidates(uow: UnitOfWork, settings: AuthoritySettings, as_of: date) -> CandidateList:
    """Accounts with liability orders and at least £1,000 outstanding under them (AER 1992 reg 50)."""
    found = _candidates(
        uow, as_of, "charging_order", CHARGING_ORDER_MINIMUM_PENCE,
        "{total} outstanding under liability orders for {years}: at least £1,000 (AER 1992 reg 50).",
        ["check ownership: whether the debtor owns the dwelling the orders relate to is not recorded here"],
    )
    return CandidateList("charging_order", as_of, True,
                         "Liability order(s) with at least £1,000 outstanding; no hold in force.", found)


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
