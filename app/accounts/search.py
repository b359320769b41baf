"""Type-ahead account search.

Fast at a million accounts because neither database is asked to rank: an index returns up
to CANDIDATES (100) matching accounts, they are ranked here, and only the best `limit` are
returned. A query matching more than CANDIDATES accounts is cut to the first CANDIDATES the
index yields; the officer types more to narrow it. The account row the index finds carries
what a result shows (migration 0009); only the balance is read, from the ledger, for the
best `limit`.

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
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select

from app.accounts.search_index import SEARCH_COLUMNS, full_postcode, pair_keys, words
from app.accounts.summary import HOLD_IN_FORCE, latest_recovery_event
from app.db import UnitOfWork
from app.ledger.balances import owed_now_of, owed_now_params
from app.models import Account, Hold, RecoveryEvent

CANDIDATES = 100
MAX_WORDS = 6


@dataclass(frozen=True)
class SearchResult:
    account_id: uuid.UUID
    account_ref: str
    name: str
    address: str
    postcode: str
    balance_pence: int  # owed now, as the account header shows it
    recovery_stage: str = "none"  # the latest recovery stage on the day (a RecoveryStage, or "none")
    hold: str | None = None  # the kind of the first hold in force on the day (a HoldKind), if any

    def to_json(self) -> dict[str, object]:
        return {
            "account_ref": self.account_ref, "name": self.name, "address": self.address,
            "postcode": self.postcode, "balance_pence": self.balance_pence,
            "recovery_stage": self.recovery_stage, "hold": self.hold,
        }


def search_accounts(uow: UnitOfWork, query: str, limit: int = 20, *, as_of: date) -> list[SearchResult]:
    """The accounts best matching `query`, with what they owe and where recovery stands on `as_of`."""
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
    ranked = sorted(candidates, key=lambda c: _score(c.account_ref, c.search_text, terms, query))[:limit]
    standing = _standing(uow, [c.account_ref for c in ranked], as_of)
    return [_result(c, standing[c.account_ref]) for c in ranked if c.account_ref in standing]


def _result(c: _Candidate, row: Any) -> SearchResult:
    return SearchResult(
        account_id=row.id, account_ref=c.account_ref, name=c.name, address=c.address, postcode=c.postcode,
        balance_pence=int(row.owed), recovery_stage=str(row.stage or "none"),
        hold=None if row.hold is None else str(row.hold),
    )


class _Candidate(NamedTuple):
    """An account the index found, with what ranking needs and what its result row shows."""

    account_ref: str
    search_text: str
    name: str
    address: str
    postcode: str


# The account columns every candidate query selects, in _Candidate's order.
_COLUMN_NAMES = ("account_ref", *SEARCH_COLUMNS)
_COLUMNS = ", ".join(_COLUMN_NAMES)
# SQLite: FTS5 has a search_text column too, so the account's are named by table.
_FTS = (
    f"SELECT {', '.join('a.' + c for c in _COLUMN_NAMES)} FROM account_fts "
    "JOIN account a ON a.search_key = account_fts.rowid WHERE account_fts MATCH ? LIMIT ?"
)


def _candidates(uow: UnitOfWork, terms: list[str]) -> list[_Candidate]:
    """Up to CANDIDATES accounts matching every term as a word prefix."""
    if uow.dialect != "sqlite":
        return _candidates_pg(uow, terms)
    # FTS5 answers a prefix of up to 3 characters from its prefix index at once, and a whole
    # word incrementally; a longer prefix of a common word ("exampl"*) costs it ~10 ms. So
    # longer terms are first tried as whole words, and as prefixes only if that finds too few.
    found = _fts(uow, " ".join(f'"{t}"*' if len(t) <= 3 else f'"{t}"' for t in terms))
    if len(found) < CANDIDATES and any(len(t) > 3 for t in terms):
        seen = {c.account_ref for c in found}
        found += [c for c in _fts(uow, " ".join(f'"{t}"*' for t in terms)) if c.account_ref not in seen]
    return found[:CANDIDATES]


def _candidates_pg(uow: UnitOfWork, terms: list[str]) -> list[_Candidate]:
    return _fetch(uow, *pg_candidate_query(terms))


def _fetch(uow: UnitOfWork, sql: str, params: Any) -> list[_Candidate]:
    """Run a candidate query (driver SQL, no ORM: this runs on every keystroke)."""
    return [_Candidate(*row) for row in uow.session.connection().exec_driver_sql(sql, params)]


def pg_candidate_query(terms: list[str]) -> tuple[str, dict[str, object]]:
    """PostgreSQL: the SQL (psycopg `%(name)s` style) and parameters selecting the _Candidate
    columns of up to CANDIDATES accounts matching every term as a word prefix. Also run
    bare by bench/search.py as the index query the service cannot beat."""
    if len(terms) == 1:
        return _WORDS_PG, {"low": terms[0], "high": _prefix_upper(terms[0]), "n": CANDIDATES}
    # words() leaves only [0-9a-z] in a term, so it is safe inside a LIKE pattern.
    params: dict[str, object] = {f"t{i}": f"% {t}%" for i, t in enumerate(terms)}
    params["n"] = CANDIDATES
    matches_all = " AND ".join(f"search_text LIKE %(t{i})s" for i in range(len(terms)))
    keys = pair_keys(terms)
    if keys is None:
        return f"SELECT {_COLUMNS} FROM account WHERE {matches_all} LIMIT %(n)s", params
    # MATERIALIZED: otherwise the planner also answers the LIKEs from the trigram index and
    # ANDs the two bitmaps, which costs the full trigram scan the key avoids. The CTE is read
    # only as far as LIMIT needs.
    params["keys"] = keys
    return (
        f"WITH paired AS MATERIALIZED (SELECT {_COLUMNS} FROM account "
        "WHERE revdesk_search_pairs(search_text) && %(keys)s::text[]) "
        f"SELECT {_COLUMNS} FROM paired WHERE {matches_all} LIMIT %(n)s"
    ), params


# Accounts with a word in [low, high), from the word table (migration 0008). The range scan
# stops after CANDIDATES words; words sort whole before longer ("roberts" before
# "robertson"), so exact words come first. An account with two words in the range counts
# twice, so a few fewer than CANDIDATES accounts may come back.
_WORDS_PG = (
    f"SELECT {_COLUMNS} FROM account WHERE search_key IN ("
    "SELECT search_key FROM account_search_word WHERE word >= %(low)s AND word < %(high)s "
    "ORDER BY word, search_key LIMIT %(n)s)"
)


def _prefix_upper(prefix: str) -> str:
    """The least string after every string starting with `prefix`, in byte order (digits
    and lower-case letters sort the same way in every collation)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _reference_prefix(uow: UnitOfWork, digits: str) -> list[_Candidate]:
    """Accounts whose reference starts with `digits`, by a range scan of the reference's
    unique index. A trigram search for digits is slow on PostgreSQL: digit trigrams are in
    every reference."""
    stmt = (
        select(Account.account_ref, Account.search_text, Account.result_name, Account.result_address,
               Account.result_postcode)
        .where(Account.account_ref >= digits, Account.account_ref < _prefix_upper(digits))
        .order_by(Account.account_ref)
        .limit(CANDIDATES)
    )
    return [_Candidate(*row) for row in uow.session.execute(stmt) if row[0].startswith(digits)]


def _exact(uow: UnitOfWork, word: str) -> list[_Candidate]:
    """Accounts whose text has `word` as a whole word: a full postcode's compact form, which
    is far more selective than its two halves as prefixes ("ex1"* matches a whole town)."""
    if uow.dialect == "sqlite":
        return _fts(uow, f'"{word}"')
    # "0" is the least word character, so [word, word + "0") holds `word` alone.
    return _fetch(uow, _WORDS_PG, {"low": word, "high": word + "0", "n": CANDIDATES})


def _fts(uow: UnitOfWork, match: str) -> list[_Candidate]:
    """words() leaves only [0-9a-z] in a term, so quoting it is always safe in MATCH."""
    return _fetch(uow, _FTS, (match, CANDIDATES))


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


def _standing(uow: UnitOfWork, account_refs: list[str], as_of: date) -> dict[str, Any]:
    """Each account's id, what it owes now, its stage and first hold in force, by reference:
    one statement (correlated subqueries on indexed columns; no query per row)."""
    if not account_refs:
        return {}
    params = {"refs": account_refs, **owed_now_params(as_of)}
    return {row.account_ref: row for row in uow.session.execute(_STANDING, params)}


# Built once: building a statement costs more Python than running this one costs the server.
_STAGE = latest_recovery_event(RecoveryEvent.stage)
_HOLD = (
    select(Hold.kind)
    .where(Hold.account_id == Account.id, HOLD_IN_FORCE)
    .order_by(Hold.start_date)
    .limit(1)
    .correlate(Account)
    .scalar_subquery()
)
_STANDING = select(
    Account.account_ref, Account.id, owed_now_of(Account.id).label("owed"), _STAGE.label("stage"),
    _HOLD.label("hold"),
).where(Account.account_ref.in_(bindparam("refs", expanding=True)))
