"""What the account search index holds, built the same way for both databases.

`account.search_text` is " ref names address postcode postcode-without-space" as
lower-case alphanumeric words separated by single spaces, with a leading space. SQLite
indexes it with FTS5 (kept in step by triggers); PostgreSQL with a table of its words
(one word's prefix), a GIN index of word pairs (two words) and a pg_trgm GIN index queried
as `LIKE '% word%'` (a word-prefix match, for what the other two cannot answer). The
user's text is reduced to the same words, so punctuation (O'Brien) can never reach a MATCH
expression or a LIKE pattern.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from itertools import product

_WORD = re.compile(r"[0-9a-z]+")
# A complete UK postcode: outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code (9AA).
_POSTCODE = re.compile(r"^\s*([a-z]{1,2}[0-9][0-9a-z]?)\s*([0-9][a-z]{2})\s*$", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-case ASCII words: accents dropped, everything else a separator."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _WORD.findall(folded)


def full_postcode(text: str) -> str | None:
    """'EX1 2LX' / 'ex12lx' -> 'ex12lx' (the compact word the index holds); else None."""
    match = _POSTCODE.match(text)
    return (match.group(1) + match.group(2)).lower() if match else None


SEARCH_COLUMNS = ("search_text", "result_name", "result_address", "result_postcode")


def search_columns(account_ref: str, names: list[str], address: str, postcode: str) -> dict[str, str]:
    """Every account column search reads, from the same facts: the indexed text and what a
    result row shows (the first name is the lead taxpayer's). Set them together wherever an
    account's names or current property change, so the row shown is the row found."""
    values = (build_search_text(account_ref, names, address, postcode), names[0] if names else "", address, postcode)
    return dict(zip(SEARCH_COLUMNS, values, strict=True))


def build_search_text(account_ref: str, names: Iterable[str], address: str, postcode: str) -> str:
    parts: list[str] = [*words(account_ref)]
    for name in names:
        parts.extend(words(name))
    parts.extend(words(address))
    parts.extend(words(postcode))
    compact = "".join(words(postcode))
    if compact and len(words(postcode)) > 1:
        parts.append(compact)
    return " " + " ".join(parts)


PAIR_PREFIX = 3
_WORD_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def pairable(word: str) -> bool:
    """Whether a word is in the pair index: long digit runs (account references, which
    search finds by their own index) are not. Mirrors `revdesk_search_pairs` (migration 0008)."""
    return not (len(word) >= 6 and word.isdigit())


def pair_key(a: str, b: str) -> str:
    """The pair-index key for two words: their first three characters, in byte order, joined
    by "_" ("smith", "mary" -> "mar_smi"). Byte order is Python's and the SQL function's `~<=~`."""
    x, y = a[:PAIR_PREFIX], b[:PAIR_PREFIX]
    return f"{x}_{y}" if x <= y else f"{y}_{x}"


def pair_keys(terms: list[str]) -> list[str] | None:
    """Pair-index keys any account matching every typed term must hold one of, or None when
    the terms cannot use the pair index.

    The two longest pairable terms are paired (the longest are the most selective). A term
    shorter than three characters is a prefix of the three the index keeps, so it stands for
    itself (a word that short, such as house number "12") and each one-character extension
    ("12" -> "12", "120".."12z"); one character gives 1 + 36 + 36 x 36 keys. The caller
    still checks every term as a word prefix: a key only narrows the candidates.
    """
    usable = sorted((t for t in terms if pairable(t)), key=len, reverse=True)
    if len(usable) < 2 or len(usable[0]) < PAIR_PREFIX:
        return None
    long, short = usable[0], usable[1]
    if long.startswith(short):  # one word could match both ("mar mary"); a pair needs two
        return None
    if len(short) >= PAIR_PREFIX:
        return [pair_key(long, short)]
    return [
        pair_key(long, short + "".join(tail))
        for length in range(PAIR_PREFIX - len(short) + 1)
        for tail in product(_WORD_CHARS, repeat=length)
    ]


SEARCH_KEY_MASK = (1 << 63) - 1


def search_key_for(account_id: uuid.UUID | int) -> int:
    """A stable, positive 63-bit integer from the account's UUID (the FTS5 rowid): its low
    bits, which are random in a v7 UUID and a counter in a bulk `IdSequence`."""
    value = account_id if isinstance(account_id, int) else account_id.int
    return value & SEARCH_KEY_MASK
