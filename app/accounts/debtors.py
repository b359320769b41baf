"""Who the debtor is and what is outstanding: shared by the court and enforcement services.

Read-only helpers (no writes, no role checks): the names and address recovery documents
and agents need. The balance of a financial year as of a date is `app.ledger.balances`'
(`year_balance_pence`, `year_costs_pence`), still importable from here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import UnitOfWork
from app.models import Account, AccountParty, LiabilityPeriod


@dataclass(frozen=True)
class Debtor:
    account_id: uuid.UUID
    account_ref: str
    name: str
    joint_names: list[str]
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    email: str
    phone: str

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.address_line1, self.address_line2, self.town) if p)

    @property
    def address_lines(self) -> list[str]:
        return [p for p in (self.address_line1, self.address_line2, self.town) if p]


def debtors(uow: UnitOfWork, account_ids: Iterable[uuid.UUID], as_of: date) -> dict[uuid.UUID, Debtor]:
    """Lead taxpayer, joint taxpayers and the property liable on `as_of` (else the latest) per account."""
    ids = list(dict.fromkeys(account_ids))
    result: dict[uuid.UUID, Debtor] = {}
    for start in range(0, len(ids), 500):
        accounts = uow.session.scalars(
            select(Account).where(Account.id.in_(ids[start : start + 500])).options(
                selectinload(Account.parties).joinedload(AccountParty.person),
                selectinload(Account.periods).selectinload(LiabilityPeriod.joint_parties),
            )
        ).all()
        for account in accounts:
            people = [p.person for p in account.parties]
            names = [p.full_name() for p in people]
            periods = list(account.periods)
            current = next((p for p in reversed(periods) if p.start_date <= as_of), periods[-1] if periods else None)
            for period in periods:
                for party in period.joint_parties:
                    name = party.person.full_name()
                    if party.start_date <= as_of and (party.end_date is None or party.end_date >= as_of) and name not in names:
                        names.append(name)
            prop = current.property if current else None
            lead = people[0] if people else None
            result[account.id] = Debtor(
                account_id=account.id, account_ref=account.account_ref, name=names[0] if names else "",
                joint_names=names[1:], address_line1=prop.address_line1 if prop else "",
                address_line2=prop.address_line2 if prop else "", town=prop.town if prop else "",
                postcode=prop.postcode if prop else "", email=lead.email if lead else "", phone=lead.phone if lead else "",
            )
    return result
