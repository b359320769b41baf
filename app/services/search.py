"""Type-ahead account search.

Fast at a million accounts because neither database is asked to rank: the index returns
up to CANDIDATES (100) matching accounts (FTS5 prefix MATCH without ORDER BY rank, which costs
~1 s on a short prefix; on PostgreSQL, for one word, a word-prefix full-text query,
`search_vector @@ 'smi:*'`, which answers from a sorted range of words where a trigram LIKE
must collect and recheck every row sharing " sm"; for several words the trigram LIKE), they
are ranked here, and only the
best `limit` are turned into result rows. A query matching more than CANDIDATES accounts
is cut to the first CANDIDATES the index yields; the officer types more to narrow it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.db import UnitOfWork
from app.models import Account, AccountParty, LedgerTransaction, LiabilityPeriod, Person, Property
from app.services.search_index import full_postcode, words

CANDIDATES = 100
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
    postcode = full_postcode(query)
    if postcode:
        candidates = _exact(uow, postcode)
    elif len(terms) == 1 and terms[0].isdigit():
        candidates = _reference_prefix(uow, terms[0]) or _candidates(uow, terms)
    else:
        candidates = _candidates(uow, terms)
    ranked = sorted(candidates, key=lambda row: _score(row[0], row[1], terms, query))[:limit]
    return account_rows(uow, [ref for ref, _ in ranked])


def _candidates(uow: UnitOfWork, terms: list[str]) -> list[tuple[str, str]]:
    """(account_ref, search_text) of up to CANDIDATES accounts matching every term as a word prefix."""
    if uow.dialect != "sqlite":
        if len(terms) == 1:
            return _words_pg(uow, f"{terms[0]}:*")
        # Two or more words: the trigram index intersects them better than two word ranges
        # (measured at 1,000,000 accounts), since each rarer trigram narrows the set.
        where = " AND ".join(f"search_text LIKE %(t{i})s" for i in range(len(terms)))
        params: dict[str, object] = {f"t{i}": f"% {t}%" for i, t in enumerate(terms)}
        rows = uow.session.connection().exec_driver_sql(
            f"SELECT account_ref, search_text FROM account WHERE {where} LIMIT %(n)s", {**params, "n": CANDIDATES},
        )
        return [(ref, text_) for ref, text_ in rows]
    # FTS5 answers a prefix of up to 3 characters from its prefix index at once, and a whole
    # word incrementally; a longer prefix of a common word ("exampl"*) costs it ~10 ms. So
    # longer terms are first tried as whole words, and as prefixes only if that finds too few.
    found = _fts(uow, " ".join(f'"{t}"*' if len(t) <= 3 else f'"{t}"' for t in terms))
    if len(found) < CANDIDATES and any(len(t) > 3 for t in terms):
        seen = {ref for ref, _ in found}
        found += [row for row in _fts(uow, " ".join(f'"{t}"*' for t in terms)) if row[0] not in seen]
    return found[:CANDIDATES]


def _reference_prefix(uow: UnitOfWork, digits: str) -> list[tuple[str, str]]:
    """Accounts whose reference starts with `digits`, by a range scan of the reference's
    unique index (digits sort the same way in every collation). A trigram search for digits
    is slow on PostgreSQL: digit trigrams are in every reference."""
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    stmt = (
        select(Account.account_ref, Account.search_text)
        .where(Account.account_ref >= digits, Account.account_ref < upper)
        .order_by(Account.account_ref)
        .limit(CANDIDATES)
    )
    return [(ref, text_) for ref, text_ in uow.session.execute(stmt) if ref.startswith(digits)]


def _exact(uow: UnitOfWork, word: str) -> list[tuple[str, str]]:
    """Accounts whose text has `word` as a whole word: a full postcode's compact form, which
    is far more selective than its two halves as prefixes ("ex1"* matches a whole town)."""
    if uow.dialect == "sqlite":
        return _fts(uow, f'"{word}"')
    return _words_pg(uow, word)


def _words_pg(uow: UnitOfWork, tsquery: str) -> list[tuple[str, str]]:
    """PostgreSQL: the word-prefix full-text index (migration 0007). words() leaves only
    [0-9a-z] in a term, so the query text is always a valid tsquery ("dav:* & smi:*")."""
    rows = uow.session.connection().exec_driver_sql(
        "SELECT account_ref, search_text FROM account "
        "WHERE search_vector @@ to_tsquery('simple', %(q)s) LIMIT %(n)s",
        {"q": tsquery, "n": CANDIDATES},
    )
    return [(ref, text_) for ref, text_ in rows]


def _fts(uow: UnitOfWork, match: str) -> list[tuple[str, str]]:
    """words() leaves only [0-9a-z] in a term, so quoting it is always safe in MATCH."""
    rows = uow.session.connection().exec_driver_sql(
        "SELECT a.account_ref, a.search_text FROM account_fts "
        "JOIN account a ON a.search_key = account_fts.rowid WHERE account_fts MATCH ? LIMIT ?",
        (match, CANDIDATES),
    )
    return [(ref, text_) for ref, text_ in rows]


def _score(ref: str, search_text: str, terms: list[str], query: str) -> tuple[int, int, int, str]:
    """Lower sorts first: exact reference, reference prefix, then whole-word matches, then
    how early the words match (names come before the address in the text), then ref.
    Plain substring tests: this runs for every candidate on every keystroke."""
    q = query.strip().lower()
    if ref.lower() == q:
        return (0, 0, 0, ref)
    if ref.lower().startswith(q):
        return (1, 0, 0, ref)
    padded = search_text + " "
    whole = sum(1 for t in terms if f" {t} " in padded)
    first = min((i for i in (search_text.find(" " + t) for t in terms) if i >= 0), default=len(search_text))
    return (2, -whole, first, ref)


def account_rows(uow: UnitOfWork, account_refs: list[str]) -> list[SearchResult]:
    """Small result rows (lead name, current address, balance) for accounts, in the given order.

    One indexed query (a round trip is most of the cost on a shared server): each account
    with its lead taxpayer, its ledger balance and the property of its latest liability period.
    """
    if not account_refs:
        return []
    balance = (
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))
        .where(LedgerTransaction.account_id == Account.id)
        .correlate(Account)
        .scalar_subquery()
    )
    latest_property = (
        select(LiabilityPeriod.property_id)
        .where(LiabilityPeriod.account_id == Account.id)
        .order_by(LiabilityPeriod.start_date.desc())
        .limit(1)
        .correlate(Account)
        .scalar_subquery()
    )
    rows = {
        row[1]: row
        for row in uow.session.execute(
            select(Account.id, Account.account_ref, Person.title, Person.forenames, Person.surname, balance,
                   Property.address_line1, Property.address_line2, Property.town, Property.postcode)
            .join(AccountParty, (AccountParty.account_id == Account.id) & (AccountParty.ordinal == 0), isouter=True)
            .join(Person, Person.id == AccountParty.person_id, isouter=True)
            .join(Property, Property.id == latest_property, isouter=True)
            .where(Account.account_ref.in_(account_refs))
        )
    }
    results: list[SearchResult] = []
    for ref in account_refs:
        if ref not in rows:
            continue
        account_id, _, title, forenames, surname, pence, line1, line2, town, postcode = rows[ref]
        results.append(SearchResult(
            account_id=account_id, account_ref=ref, name=" ".join(p for p in (title, forenames, surname) if p),
            address=", ".join(p for p in (line1, line2, town) if p), postcode=postcode or "",
            balance_pence=int(pence or 0),
        ))
    return results
