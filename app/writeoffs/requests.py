"""What may be asked of write-offs: propose one, decide it, write it back."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.writeoffs.views import WriteOffView  # noqa: F401


@request("writeoffs.propose")
class ProposeWriteOff(Request["WriteOffView"]):
    """Write off `amount_pence` of what the account owes for `financial_year` (2025 = 2025/26),
    for a reason on the council's list, with the note and evidence that reason needs."""

    account_ref: str
    financial_year: int
    amount_pence: int
    reason: str
    note: str
    as_of: date
    evidence: str = ""


@request("writeoffs.decide")
class DecideWriteOff(Request["WriteOffView"]):
    """Approve or reject a proposed write-off: someone other than the proposer whose limit
    covers the amount; a rejection needs a note."""

    writeoff_id: uuid.UUID
    approve: bool
    note: str
    as_of: date
    expected_version: int | None = None


@request("writeoffs.write_back")
class WriteBack(Request["WriteOffView"]):
    """Reverse an approved write-off (the debtor is traced, an estate turns up)."""

    writeoff_id: uuid.UUID
    reason: str
    as_of: date
    expected_version: int | None = None
