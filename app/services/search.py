"""Type-ahead account search.

Fast at a million accounts because neither database is asked to rank: an index returns up
to CANDIDATES (100) matching accounts, they are ranked here, and only the best `limit` are
turned into result rows. A query matching more than CANDIDATES accounts is cut to the first
CANDIDATES the index yields; the officer types more to narrow it.

SQLite: FTS5 prefix MATCH without ORDER BY rank (which costs ~1 s on a short prefix).
PostgreSQL (migration 0008): one word is a B-tree range scan of the account's words that
stops after CANDIDATES entries; two or more words are one exact key of the word-pair index
("mar rob" -> "mar_rob"), every term then checked as a word prefix; what neither can answer
(a one-letter second word, only one word besides a reference) falls back to the trigram
LIKE. GIN alone (trigram or full-text) cannot stop early and measured 10-50 ms for common
prefixes at a million accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, true

from app.db import UnitOfWork
from app.models import Account, AccountParty, LedgerTransaction, LiabilityPeriod, Person, Property
from app.services.search_index import full_postcode, pair_keys, words

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
        return _candidates_pg(uow, terms)
    # FTS5 answers a prefix of up to 3 characters from its prefix index at once, and a whole
    # word incrementally; a longer prefix of a common word ("exampl"*) costs it ~10 ms. So
    # longer terms are first tried as whole words, and as prefixes only if that finds too few.
    found = _fts(uow, " ".join(f'"{t}"*' if len(t) <= 3 else f'"{t}"' for t in terms))
    if len(found) < CANDIDATES and any(len(t) > 3 for t in terms):
        seen = {ref for ref, _ in found}
        found += [row for row in _fts(uow, " ".join(f'"{t}"*' for t in terms)) if row[0] not in seen]
    return found[:CANDIDATES]


def _candidates_pg(uow: UnitOfWork, terms: list[str]) -> list[tuple[str, str]]:
    sql, params = pg_candidate_query(terms)
    return [(ref, text_) for ref, text_ in uow.session.connection().exec_driver_sql(sql, params)]


def pg_candidate_query(terms: list[str]) -> tuple[str, dict[str, object]]:
    """PostgreSQL: the SQL (psycopg `%(name)s` style) and parameters selecting (account_ref,
    search_text) of up to CANDIDATES accounts matching every term as a word prefix. Also run
    bare by bench/search.py as the index query the service cannot beat."""
    if len(terms) == 1:
        return _WORDS_PG, {"low": terms[0], "high": _prefix_upper(terms[0]), "n": CANDIDATES}
    # words() leaves only [0-9a-z] in a term, so it is safe inside a LIKE pattern.
    params: dict[str, object] = {f"t{i}": f"% {t}%" for i, t in enumerate(terms)}
    params["n"] = CANDIDATES
    matches_all = " AND ".join(f"search_text LIKE %(t{i})s" for i in range(len(terms)))
    keys = pair_keys(terms)
    if keys is None:
        return f"SELECT account_ref, search_text FROM account WHERE {matches_all} LIMIT %(n)s", params
    # MATERIALIZED: otherwise the planner also answers the LIKEs from the trigram index and
    # ANDs the two bitmaps, which costs the full trigram scan the key avoids. The CTE is read
    # only as far as LIMIT needs.
    params["keys"] = keys
    return (
        "WITH paired AS MATERIALIZED (SELECT account_ref, search_text FROM account "
        "WHERE revdesk_search_pairs(search_text) && %(keys)s::text[]) "
        f"SELECT account_ref, search_text FROM paired WHERE {matches_all} LIMIT %(n)s"
    ), params


# Accounts with a word in [low, high), from the word table (migration 0008). The range scan
# stops after CANDIDATES words; words sort whole before longer ("roberts" before
# "robertson"), so exact words come first. An account with two words in the range counts
# twice, so a few fewer than CANDIDATES accounts may come back.
_WORDS_PG = (
    "SELECT account_ref, search_text FROM account WHERE search_key IN ("
    "SELECT search_key FROM account_search_word WHERE word >= %(low)s AND word < %(high)s "
    "ORDER BY word, search_key LIMIT %(n)s)"
)


def _prefix_upper(prefix: str) -> str:
    """The least string after every string starting with `prefix`, in byte order (digits
    and lower-case letters sort the same way in every collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _reference_prefix(uow: UnitOfWork, digits: str) -> list[tuple[str, str]]:
    """Accounts whose reference starts with `digits`, by a range scan of the reference's
    unique index. A trigram search for digits is slow on PostgreSQL: digit trigrams are in
    every reference."""
    stmt = (
        select(Account.account_ref, Account.search_text)
        .where(Account.account_ref >= digits, Account.account_ref < _prefix_upper(digits))
        .order_by(Account.account_ref)
        .limit(CANDIDATES)
    )
    return [(ref, text_) for ref, text_ in uow.session.execute(stmt) if ref.startswith(digits)]


def _exact(uow: UnitOfWork, word: str) -> list[tuple[str, str]]:
    """Accounts whose text has `word` as a whole word: a full postcode's compact form, which
    is far more selective than its two halves as prefixes ("ex1"* matches a whole town)."""
    if uow.dialect == "sqlite":
        return _fts(uow, f'"{word}"')
    # "0" is the least word character, so [word, word + "0") holds `word` alone.
    params = {"low": word, "high": word + "0", "n": CANDIDATES}
    return [(ref, text_) for ref, text_ in uow.session.connection().exec_driver_sql(_WORDS_PG, params)]


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
    stmt = _rows_statement(uow.dialect)
    rows = {row[1]: row for row in uow.session.execute(stmt, {"refs": account_refs})}
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


@cache
def _rows_statement(dialect: str) -> Select[tuple[Any, ...]]:
    """The result-row query, built once per dialect: building it costs more than running it
    (about 2 ms of Python per keystroke), and the same statement object lets SQLAlchemy and
    psycopg reuse the compiled SQL and the server's prepared plan."""
    balance = (
        select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))
        .where(LedgerTransaction.account_id == Account.id)
        .correlate(Account)
        .scalar_subquery()
    )
    latest = (
        select(LiabilityPeriod.property_id)
        .where(LiabilityPeriod.account_id == Account.id)
        .order_by(LiabilityPeriod.start_date.desc())
        .limit(1)
    )
    stmt = (
        select(Account.id, Account.account_ref, Person.title, Person.forenames, Person.surname, balance,
               Property.address_line1, Property.address_line2, Property.town, Property.postcode)
        .join(AccountParty, (AccountParty.account_id == Account.id) & (AccountParty.ordinal == 0), isouter=True)
        .join(Person, Person.id == AccountParty.person_id, isouter=True)
    )
    if dialect == "sqlite":
        # SQLite has no LATERAL; its planner evaluates the correlated subquery per account.
        stmt = stmt.join(Property, Property.id == latest.correlate(Account).scalar_subquery(), isouter=True)
    else:
        # PostgreSQL given `property.id = (correlated subquery)` may hash the whole property
        # table (seen in EXPLAIN); LATERAL makes it one index probe per account.
        period = latest.correlate(Account).lateral("latest_period")
        stmt = stmt.outerjoin(period, true()).join(Property, Property.id == period.c.property_id, isouter=True)
    return stmt.where(Account.account_ref.in_(bindparam("refs", expanding=True)))
