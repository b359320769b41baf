"""What the account search index holds, built the same way for both databases.

`account.search_text` is " ref names address postcode postcode-without-space" as
lower-case alphanumeric words separated by single spaces, with a leading space. SQLite
indexes it with FTS5 (kept in step by triggers); PostgreSQL with a pg_trgm GIN index
queried as `LIKE '% word%'` (a word-prefix match). The user's text is reduced to the same
words, so punctuation (O'Brien) can never reach a MATCH expression or a LIKE pattern.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Iterable

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


SEARCH_KEY_MASK = (1 << 63) - 1


def search_key_for(account_id: uuid.UUID | int) -> int:
    """A stable, positive 63-bit integer from the account's UUID (the FTS5 rowid): its low
    bits, which are random in a v7 UUID and a counter in a bulk `IdSequence`."""
    value = account_id if isinstance(account_id, int) else account_id.int
    return value & SEARCH_KEY_MASK
