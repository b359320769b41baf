"""What an officer may ask of case work: diary entries and worklists, notes, tracing and
escalations."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.casework.claims import ClaimedEntry  # noqa: F401
    from app.casework.diary import CompletionResult, DiaryView, ReassignResult  # noqa: F401
    from app.casework.escalations import EscalationView  # noqa: F401
    from app.casework.notes import NoteView  # noqa: F401
    from app.casework.tracing import TraceResult  # noqa: F401



@request("casework.add_diary_entry")
class AddDiaryEntry(Request["DiaryView"]):
    account_ref: str
    code: str
    as_of: date
    due: date | None = None
    owner: str | None = None
    team: str | None = None
    note: str = ""


@request("casework.complete_diary_entry")
class CompleteDiaryEntry(Request["CompletionResult"]):
    """Complete an entry with a note; `next_date` brings the case forward again."""

    diary_id: uuid.UUID
    note: str
    as_of: date
    next_date: date | None = None
    expected_version: int | None = None


@request("casework.reschedule_diary_entry")
class RescheduleDiaryEntry(Request["DiaryView"]):
    diary_id: uuid.UUID
    due: date
    note: str
    as_of: date
    expected_version: int | None = None


@request("casework.reassign_diary_entries")
class ReassignDiaryEntries(Request["ReassignResult"]):
    """Give entries to an officer (None: back to the team queue) or another team (team leader)."""

    diary_ids: tuple[uuid.UUID, ...]
    owner: str | None = None
    team: str | None = None


@request("casework.claim_next")
class ClaimNext(Request["ClaimedEntry | None"]):
    """Claim the oldest due entry for the acting officer (their own first, then the queue)."""

    as_of: date
    code: str | None = None
    team: str | None = None
    claim_minutes: int = 30


@request("casework.release_claim")
class ReleaseClaim(Request[None]):
    diary_id: uuid.UUID


@request("casework.add_note")
class AddNote(Request["NoteView"]):
    account_ref: str
    text: str


@request("casework.record_gone_away")
class RecordGoneAway(Request["TraceResult"]):
    account_ref: str
    as_of: date
    note: str = ""


@request("casework.record_traced")
class RecordTraced(Request["TraceResult"]):
    account_ref: str
    new_address: str
    as_of: date
    note: str = ""


@request("casework.raise_escalation")
class RaiseEscalation(Request["EscalationView"]):
    account_ref: str
    reason: str
    note: str
    amount_pence: int | None = None
    subject_id: uuid.UUID | None = None
    team: str | None = None


@request("casework.decide_escalation")
class DecideEscalation(Request["EscalationView"]):
    """approve, reject or refer (to a manager); a team leader other than the one who raised it."""

    escalation_id: uuid.UUID
    decision: str
    note: str
    as_of: date
    expected_version: int | None = None
