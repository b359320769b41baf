"""Search results: one row per account the type-ahead search found, in ranked order,
with what it owes now, its recovery stage and any hold (which Smith is at summons).

Unsorted, the rows keep the service's ranking (exact reference first); clicking a
header sorts through the proxy, and names sort by surname as officers expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from app.accounts.search import SearchResult
from app.ui.formatting import humanise, stage_label
from app.ui.models.base import Column, DtoTableModel, money_column, text_column


def surname_key(name: str) -> tuple[str, str]:
    """"Mr Carl Smith" sorts under S: the last word first, then the whole name."""
    words = name.casefold().split()
    return (words[-1] if words else "", name.casefold())


class SearchResultsModel(DtoTableModel):
    COL_REF = 0
    COL_NAME = 1
    COL_ADDRESS = 2
    COL_POSTCODE = 3
    COL_BALANCE = 4
    COL_STAGE = 5
    COL_HOLD = 6

    COLUMNS: ClassVar[Sequence[Column]] = (
        text_column("Reference", lambda r: r.account_ref),
        Column("Name", lambda r: r.name, lambda r: surname_key(r.name), tooltip=lambda r: r.name),
        text_column("Address", lambda r: r.address, tooltip=True),
        text_column("Postcode", lambda r: r.postcode),
        money_column("Owed now", lambda r: r.balance_pence),
        text_column("Recovery stage", lambda r: "" if r.recovery_stage == "none" else stage_label(r.recovery_stage)),
        text_column("Hold", lambda r: humanise(r.hold) if r.hold else ""),
    )

    def row(self, source_row: int) -> SearchResult:
        result: SearchResult = self._rows[source_row]
        return result
