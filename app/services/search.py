"""Type-ahead account search.

Fast at a million accounts because neither database is asked to rank: the index returns
up to CANDIDATES matching accounts (FTS5 prefix MATCH without ORDER BY rank, which costs
~1 s on a short prefix; trigram LIKE on PostgreSQL), they are ranked here, and only the
best `limit` are turned into result rows. A query matching more than CANDIDATES accounts
is cut to the first CANDIDATES the index yields; the officer types more to narrow it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Row, func, select, text

from app.db import UnitOfWork
from app.models import Account, AccountParty, LedgerTransaction, LiabilityPeriod, Person, Property
from app.services.search_index import words

CANDIDATES = 200
MAX_WORDS = 6


@dataclass(frozen=True)
class SearchResult:
    account_id: uuid.UUID
    account_ref: str
    name: str
    address: str
    postcode: str
    balance_pence: int

    def to_json(self) -> dict[str, object]:
        return {
            "account_ref": self.account_ref, "name": self.name, "address": self.address,
            "postcode": self.postcode, "balance_pence": self.balance_pence,
        }


def search_accounts(uow: UnitOfWork, query: str, limit: int = 20) -> list[SearchResult]:
    terms = words(query)[:MAX_WORDS]
    if not terms or limit <= 0:
        return []
    candidates = _candidates(uow, terms)
    ranked = sorted(candidates, key=lambda row: _score(row.account_ref, row.search_text, terms, query))[:limit]
    return account_rows(uow, [row.id for row in ranked])


def _candidates(uow: UnitOfWork, terms: list[str]) -> list[Row]:  # type: ignore[type-arg]
    if uow.dialect == "sqlite":
        match = " ".join(f'"{t}"*' for t in terms)  # words() leaves only [0-9a-z]: always safe to quote
        stmt = text(
            "SELECT a.id AS id, a.account_ref AS account_ref, a.search_text AS search_text "
            "FROM account_fts JOIN account a ON a.search_key = account_fts.rowid "
            "WHERE account_fts MATCH :match LIMIT :n"
        ).columns(Account.id, Account.account_ref, Account.search_text)
        return list(uow.session.execute(stmt, {"match": match, "n": CANDIDATES}))
    stmt = select(Account.id, Account.account_ref, Account.search_text)
    for term in terms:
        stmt = stmt.where(Account.search_text.like(f"% {term}%"))
    return list(uow.session.execute(stmt.limit(CANDIDATES)))


def _score(ref: str, search_text: str, terms: list[str], query: str) -> tuple[int, int, int, str]:
    """Lower sorts first: exact reference, reference prefix, then whole-word matches, then
    how early the words match (names come before the address in the text), then ref."""
    q = query.strip().lower()
    if ref.lower() == q:
        return (0, 0, 0, ref)
    if ref.lower().startswith(q):
        return (1, 0, 0, ref)
    tokens = search_text.split()
    whole = sum(1 for t in terms if t in tokens)
    first = min((i for i, tok in enumerate(tokens) for t in terms if tok.startswith(t)), default=len(tokens))
    return (2, -whole, first, ref)


def account_rows(uow: UnitOfWork, account_ids: list[uuid.UUID]) -> list[SearchResult]:
    """Small result rows (lead name, current address, balance) for accounts, in the given order."""
    if not account_ids:
        return []
    session = uow.session
    refs = dict(session.execute(select(Account.id, Account.account_ref).where(Account.id.in_(account_ids))).all())
    names: dict[uuid.UUID, str] = {}
    for account_id, title, forenames, surname in session.execute(
        select(AccountParty.account_id, Person.title, Person.forenames, Person.surname)
        .join(Person, Person.id == AccountParty.person_id)
        .where(AccountParty.account_id.in_(account_ids), AccountParty.ordinal == 0)
    ):
        names[account_id] = " ".join(p for p in (title, forenames, surname) if p)
    latest = (
        select(LiabilityPeriod.account_id, func.max(LiabilityPeriod.start_date).label("start"))
        .where(LiabilityPeriod.account_id.in_(account_ids))
        .group_by(LiabilityPeriod.account_id)
        .subquery()
    )
    addresses: dict[uuid.UUID, tuple[str, str]] = {}
    for account_id, line1, line2, town, postcode in session.execute(
        select(LiabilityPeriod.account_id, Property.address_line1, Property.address_line2, Property.town, Property.postcode)
        .join(latest, (latest.c.account_id == LiabilityPeriod.account_id) & (latest.c.start == LiabilityPeriod.start_date))
        .join(Property, Property.id == LiabilityPeriod.property_id)
    ):
        addresses[account_id] = (", ".join(p for p in (line1, line2, town) if p), postcode)
    balances = dict(
        session.execute(
            select(LedgerTransaction.account_id, func.sum(LedgerTransaction.amount_pence))
            .where(LedgerTransaction.account_id.in_(account_ids))
            .group_by(LedgerTransaction.account_id)
        ).all()
    )
    return [
        SearchResult(
            account_id=i, account_ref=refs[i], name=names.get(i, ""),
            address=addresses.get(i, ("", ""))[0], postcode=addresses.get(i, ("", ""))[1],
            balance_pence=int(balances.get(i) or 0),
        )
        for i in account_ids
        if i in refs
    ]
