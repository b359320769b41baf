"""What an officer records at the magistrates' court: the outcome of a hearing for one
account, or the same outcome for many."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.court.hearings import BulkOutcome, OutcomeResult  # noqa: F401
    from app.court.packing import PackResult  # noqa: F401
    from app.court.sync import ConflictView  # noqa: F401



@request("court.record_outcome")
class RecordOutcome(Request["OutcomeResult"]):
    """granted (liability order), withdrawn, adjourned (to a date) or paid before the hearing."""

    account_ref: str
    hearing_date: date
    outcome: str
    as_of: date
    adjourned_to: date | None = None
    note: str = ""
    withdraw_costs: bool = False


@request("court.record_outcomes")
class RecordOutcomes(Request["BulkOutcome"]):
    """One outcome for many accounts on the hearing list (None: everyone still listed),
    recorded in committed chunks: what was recorded before a cancel is kept."""

    hearing_date: date
    outcome: str
    as_of: date
    account_refs: tuple[str, ...] | None = None
    adjourned_to: date | None = None
    note: str = ""


@request("court.make_pack")
class MakePack(Request["PackResult"]):
    """Copy a hearing's list into an encrypted court pack at `out` (refused if the file
    exists, unless `force`), and lease its cases to court."""

    hearing_date: date
    out: str
    as_of: date
    force: bool = False


@request("court.resolve_conflict")
class ResolveConflict(Request["ConflictView"]):
    """A team leader's decision on a journal entry sync could not apply: `keep` "court"
    applies the court's request now (or, `edited`, the court's request as corrected in the
    office); "office" keeps the office's record. Either way with a note."""

    conflict_id: uuid.UUID
    keep: str
    note: str
    # keep "court" with the court's request as edited in the office (`to_json` of the same
    # kind of request for the same account): applied instead of the court's, in the same
    # transaction as the resolution ("Edit and apply").
    edited: Mapping[str, Any] | None = None
