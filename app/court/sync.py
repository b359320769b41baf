"""Court sync: the pack's journal applied to the shared database, each entry exactly once.

Entries go in sequence order (the laptop's clock is for people, never for order). Each is
applied through the normal use case, in its own transaction together with the record that
it was applied (`court_journal_applied`, keyed by the entry's id, with the hash of its
content), so a crash or a lost acknowledgement at any point is harmless: the next sync finds
the record and counts the entry as already applied. The same id with other content is
refused loudly and the sync stops: a journal must never say two things.

What cannot be applied as it stands goes to the conflicts queue (`sync_conflict`: base =
what court saw, office = what the office holds now, court = the request), and later entries
still apply; nothing recorded at court is dropped or silently overwritten:
* a court outcome for a case that has moved in the office since court saw it (another
  outcome, an adjournment, a withdrawal: where each year stands at court differs);
* an arrangement whose instalments no longer match what is owed (the balance differs);
* anything the office's use case refuses.
Payments and notes always apply (a payment taken at court is money received: it is posted
even where it now makes a credit). The pack records each entry's receipt and is read-only
from the first sync until every entry has one; then its lease in the office is released.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import clock
from app.audit import audit
from app.config import AuthoritySettings
from app.court.journal import Recorder, case_reads, content_hash, pack_meta
from app.court.pack_tables import PACK_OPEN, PACK_RECEIPTED, PACK_SYNCING, JournalEntry
from app.court.requests import ResolveConflict
from app.db import Database, UnitOfWork, describe
from app.dto import JsonView
from app.errors import Conflict, DatabaseUnavailable, NotAllowed, NotFound, ServiceError, ValidationError
from app.models import CourtJournalApplied, CourtPack, Payment, SyncConflict
from app.money import fmt
from app.payments.requests import PostPayment
from app.requests import USE_CASES, Request, call, from_json, handles, shallow_fields, to_json
from app.users.roles import Actor, Role

APPLIED, ALREADY, CONFLICT = "applied", "already_applied", "conflict"
OUTCOME_REQUESTS = ("court.record_outcome",)
ARRANGEMENT_REQUESTS = ("arrangements.create", "arrangements.amend")
ALWAYS_APPLY = ("payments.post_payment", "casework.add_note")

# Runs a request on the office database with a recorder (Application.execute_recorded).
Apply = Callable[[Request[Any], Recorder], Any]


@dataclass(frozen=True)
class SyncReceipt(JsonView):
    """sent = applied + already_applied + conflicts; the payments' count and total as the
    journal has them and as the office now holds them (by reference) must match."""

    pack_id: uuid.UUID
    sent: int
    applied: int
    already_applied: int
    conflicts: int
    payments: int
    payments_pence: int
    office_payments: int
    office_payments_pence: int
    conflict_ids: list[uuid.UUID]
    receipted: bool  # every entry of the file synced now has a receipt: it may be wiped
    export: bool = False  # a journal export: the pack itself is still to be synced (`app.court.export`)


@dataclass(frozen=True)
class ConflictView(JsonView):
    id: uuid.UUID
    entry_id: uuid.UUID
    pack_id: uuid.UUID
    seq: int
    account_ref: str
    command: str
    reason: str
    officer: str
    recorded_at: datetime
    base: dict[str, Any]
    office: dict[str, Any]
    court: dict[str, Any]
    status: str
    resolution: str | None
    resolution_note: str
    resolved_by: str | None


def _view(c: SyncConflict) -> ConflictView:
    return ConflictView(
        id=c.id, entry_id=c.entry_id, pack_id=c.pack_id, seq=c.seq, account_ref=c.account_ref, command=c.command,
        reason=c.reason, officer=c.officer, recorded_at=c.recorded_at, base=c.base, office=c.office, court=c.court,
        status=c.status, resolution=c.resolution, resolution_note=c.resolution_note, resolved_by=c.resolved_by,
    )


def _as_of(request: Request[Any] | None, entry: JournalEntry) -> date | None:
    value = getattr(request, "as_of", None)
    if isinstance(value, date):
        return value
    stored = entry.request.get("fields", {}).get("as_of")
    return date.fromisoformat(stored) if isinstance(stored, str) else None


def _precondition(uow: UnitOfWork, entry: JournalEntry, request: Request[Any]) -> str | None:
    """Why the entry cannot be applied as court recorded it (None: apply it)."""
    if entry.command in OUTCOME_REQUESTS:
        office = case_reads(uow, entry.account_ref, None)
        if office.get("court") != entry.reads.get("court"):
            return (f"Account {entry.account_ref}'s case moved on in the office after court saw it "
                    f"(court saw {_standing(entry.reads)}; the office has {_standing(office)}).")
    if entry.command in ARRANGEMENT_REQUESTS:
        office = case_reads(uow, entry.account_ref, _as_of(request, entry))
        if office.get("owed_pence") != entry.reads.get("owed_pence"):
            return (f"Account {entry.account_ref} owed {fmt(int(entry.reads.get('owed_pence') or 0))} at court but "
                    f"{fmt(int(office.get('owed_pence') or 0))} in the office now, so the arrangement's instalments no "
                    "longer match the balance.")
    return None


def _standing(reads: dict[str, Any]) -> str:
    court = reads.get("court") or {}
    if not court:
        return "nothing at court"
    return "; ".join(f"{year}: {s.get('stage')} (hearing {s.get('hearing_date')})" for year, s in sorted(court.items()))


def _replayed(request: Request[Any]) -> Request[Any]:
    """The request as the office runs it: a payment taken at court is posted even where it
    now makes a credit (the officer has the money)."""
    if isinstance(request, PostPayment) and not request.confirm_credit:
        return dataclasses.replace(request, confirm_credit=True)
    return request


def _applied_row(entry: JournalEntry, pack_id: uuid.UUID, digest: str, outcome: str, actor: Actor) -> CourtJournalApplied:
    return CourtJournalApplied(
        entry_id=entry.id, pack_id=pack_id, device_id=entry.device_id, seq=entry.seq, content_hash=digest,
        outcome=outcome, officer=entry.officer, applied_by=actor.username,
    )


def _record_conflict(
    db: Database, actor: Actor, entry: JournalEntry, pack_id: uuid.UUID, digest: str, reason: str,
) -> uuid.UUID:
    """The entry into the conflicts queue, with its applied record (outcome conflict), in one transaction."""
    with db.uow() as uow:
        office = case_reads(uow, entry.account_ref, _as_of(None, entry)) if entry.account_ref else {}
        conflict = SyncConflict(
            entry_id=entry.id, pack_id=pack_id, seq=entry.seq, account_ref=entry.account_ref[:20],
            command=entry.command[:60], reason=reason[:500], officer=entry.officer, recorded_at=entry.recorded_at,
            base=entry.reads, office=office, court={"request": entry.request, "officer": entry.officer, "seq": entry.seq},
        )
        uow.session.add(conflict)
        uow.session.add(_applied_row(entry, pack_id, digest, CONFLICT, actor))
        uow.flush(f"Journal entry {entry.seq}")
        audit(uow, actor.username, "court.sync_conflict", "sync_conflict", conflict.id, after={
            "entry_id": str(entry.id), "seq": entry.seq, "account_ref": entry.account_ref, "reason": reason,
        })
        uow.commit(f"Journal entry {entry.seq}")
        return conflict.id


class _AlreadyApplied(Exception):
    """The office dealt with this entry before (same content): nothing to do."""


class _CannotApply(Exception):
    """The entry's precondition does not hold in the office: to the conflicts queue."""


class JournalAltered(Conflict):
    """The same entry id was applied before with other content: the sync stops."""


def _check_applied(uow: UnitOfWork, entry: JournalEntry, digest: str) -> bool:
    """Whether the office has dealt with the entry; refused loudly if it did so for other content."""
    done = uow.session.get(CourtJournalApplied, entry.id)
    if done is None:
        return False
    if done.content_hash != digest:
        raise JournalAltered(
            f"Journal entry {entry.seq} ({entry.id}) was applied before with different contents: this journal has been "
            "altered or mixed with another; nothing more was synced. Ask an administrator to compare the packs."
        )
    return True


EXPORT_SYNCED = ("This was a journal export: the laptop's pack does not know it was synced, and its cases stay at court, "
                 "until the pack itself is synced when it is back (what the export applied then counts as already "
                 "applied).")
RECEIPTS_EVERY = 100  # receipts written to the pack per commit (a lost receipt is only an "already applied" later)


def sync_journal(db: Database, pack: Database, actor: Actor, apply: Apply, *, export: bool = False) -> SyncReceipt:
    """Apply the pack's unreceipted journal entries to `db` (see the module docstring).
    `export`: `pack` is a journal export, whose receipts cannot reach the laptop's pack, so
    the pack's lease stays until the pack itself is synced."""
    with pack.uow() as puow:
        meta = pack_meta(puow)
        pack_id = meta.pack_id
        entries = list(puow.session.scalars(
            select(JournalEntry).where(JournalEntry.receipt.is_(None)).order_by(JournalEntry.device_id, JournalEntry.seq)
        ))
    with db.uow() as uow:
        packed = uow.session.get(CourtPack, pack_id)
        if packed is None:
            raise NotAllowed(
                f"This court pack ({pack_id}) was not made from the database at {describe(db.url)}: sync it against "
                f"the database it was taken from ({meta.source}); nothing was synced and the pack is unchanged."
            )
    if meta.state == PACK_OPEN:
        _set_state(pack, PACK_SYNCING)
    counts = {APPLIED: 0, ALREADY: 0, CONFLICT: 0}
    conflict_ids: list[uuid.UUID] = []
    receipts: list[tuple[uuid.UUID, str]] = []
    try:
        for entry in entries:
            outcome, conflict_id = _apply_entry(db, actor, apply, entry, pack_id, content_hash(entry))
            if conflict_id is not None:
                conflict_ids.append(conflict_id)
            counts[outcome] += 1
            receipts.append((entry.id, outcome))
            if len(receipts) >= RECEIPTS_EVERY:
                _receipts(pack, receipts)
                receipts = []
    except Exception:
        _receipts(pack, receipts)  # what was dealt with before the failure keeps its receipt
        raise
    _receipts(pack, receipts)
    payments, payments_pence, office_payments, office_pence = _payment_totals(db, pack)
    receipted = _finish(db, pack, pack_id, actor, release=not export)
    return SyncReceipt(export=export,
        pack_id=pack_id, sent=len(entries), applied=counts[APPLIED], already_applied=counts[ALREADY],
        conflicts=counts[CONFLICT], payments=payments, payments_pence=payments_pence, office_payments=office_payments,
        office_payments_pence=office_pence, conflict_ids=conflict_ids, receipted=receipted,
    )


def _apply_entry(
    db: Database, actor: Actor, apply: Apply, entry: JournalEntry, pack_id: uuid.UUID, digest: str,
) -> tuple[str, uuid.UUID | None]:
    """One entry, in one office transaction: whether it was dealt with before, whether its
    precondition holds, its use case and the record that it was applied, together."""
    try:
        request = from_json(entry.request)
    except ValidationError as exc:
        with db.uow() as uow:
            if _check_applied(uow, entry, digest):
                return ALREADY, None
        return CONFLICT, _record_conflict(db, actor, entry, pack_id, digest, f"The office cannot read this entry: {exc}")

    def record(uow: UnitOfWork) -> None:
        if _check_applied(uow, entry, digest):
            raise _AlreadyApplied
        if entry.command not in ALWAYS_APPLY and (reason := _precondition(uow, entry, request)) is not None:
            raise _CannotApply(reason)

        def add(session: Session) -> None:
            session.add(_applied_row(entry, pack_id, digest, APPLIED, actor))

        event.listen(uow.session, "before_commit", add, once=True)

    try:
        apply(_replayed(request), record)
    except _AlreadyApplied:
        return ALREADY, None
    except _CannotApply as exc:
        return CONFLICT, _record_conflict(db, actor, entry, pack_id, digest, str(exc))
    except (JournalAltered, DatabaseUnavailable):
        raise  # an altered journal, or the office database stopped answering: stop here
    except ServiceError as exc:
        with db.uow() as uow:
            if _check_applied(uow, entry, digest):  # applied by a sync running at the same moment
                return ALREADY, None
        return CONFLICT, _record_conflict(db, actor, entry, pack_id, digest, f"The office refused it: {exc}")
    return APPLIED, None


def _receipts(pack: Database, receipts: list[tuple[uuid.UUID, str]]) -> None:
    """Record on the pack what the office did with these entries (one commit)."""
    if not receipts:
        return
    with pack.uow() as puow:
        at = clock.now()
        for entry_id, outcome in receipts:
            entry = puow.session.get(JournalEntry, entry_id)
            assert entry is not None
            entry.receipt, entry.receipted_at = outcome, at
        puow.commit()


def _set_state(pack: Database, state: str) -> None:
    with pack.uow() as puow:
        pack_meta(puow).state = state
        puow.commit()


def _finish(db: Database, pack: Database, pack_id: uuid.UUID, actor: Actor, *, release: bool = True) -> bool:
    """With every entry receipted: the pack is marked so, and (`release`) the office releases its lease."""
    with pack.uow() as puow:
        waiting = puow.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.receipt.is_(None)))
    if waiting:
        return False
    _set_state(pack, PACK_RECEIPTED)
    if not release:
        return True
    with db.uow() as uow:
        packed = uow.session.get(CourtPack, pack_id)
        if packed is not None and packed.released_at is None:
            packed.released_at, packed.released_by = clock.now(), actor.username
            audit(uow, actor.username, "court.pack_released", "court_pack", pack_id, after={"hearing": str(packed.hearing_date)})
            uow.commit()
    return True


def _payment_totals(db: Database, pack: Database) -> tuple[int, int, int, int]:
    """(count, pence) of the payments in the whole journal, and of those references in the office."""
    with pack.uow() as puow:
        taken = [e.request["fields"] for e in puow.session.scalars(
            select(JournalEntry).where(JournalEntry.command == PostPayment.name))]
    references = [str(f["reference"]).strip() for f in taken]
    with db.uow() as uow:
        office = uow.session.execute(
            select(func.count(), func.coalesce(func.sum(Payment.amount_pence), 0)).where(Payment.external_ref.in_(references))
        ).one() if references else (0, 0)
    return len(taken), sum(int(f["amount_pence"]) for f in taken), int(office[0]), int(office[1])


# --- the conflicts queue ------------------------------------------------------------------

def list_conflicts(uow: UnitOfWork, status: str | None = "open") -> list[ConflictView]:
    query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.seq)
    if status is not None:
        query = query.where(SyncConflict.status == status)
    return [_view(c) for c in uow.session.scalars(query)]


@handles(ResolveConflict, role=Role.TEAM_LEADER, action="resolve sync conflicts")
def resolve_conflict(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, conflict_id: uuid.UUID, keep: str, note: str,
    edited: Mapping[str, Any] | None = None,
) -> ConflictView:
    """Keep the office's record, or apply the court's request now (through its own use case,
    in this transaction: if the office still refuses it, nothing is resolved and the reason
    is given). A note is required either way. Commits."""
    if keep not in ("court", "office"):
        raise ValidationError("Keep 'court' or 'office'.", field="keep")
    text = note.strip()
    if not text:
        raise ValidationError("Say why in a note.", field="note")
    if edited is not None and keep != "court":
        raise ValidationError("An edited request is the court's, corrected: keep 'court' to apply it.", field="keep")
    conflict = uow.session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound(f"There is no sync conflict {conflict_id}.")
    if conflict.status != "open":
        raise Conflict(f"That conflict was already resolved by {conflict.resolved_by} ({conflict.resolution}).")
    request = None if edited is None else _edit_of(conflict, edited)
    conflict.status, conflict.resolution, conflict.resolution_note = "resolved", keep, text[:500]
    conflict.resolved_by, conflict.resolved_at = actor.username, clock.now()
    audit(uow, actor.username, "court.conflict_resolved", "sync_conflict", conflict.id, after={
        "keep": keep, "note": text[:200], "account_ref": conflict.account_ref, "command": conflict.command,
        **({"edited": to_json(request)["fields"]} if request is not None else {}),
    })
    view = _view(conflict)
    if keep == "office":
        uow.commit("The conflict")
        return view
    request = _replayed(request or from_json(conflict.court["request"]))
    use = USE_CASES[type(request)]
    if use.batch:
        raise ValidationError(f"A {request.name} request cannot be applied from the conflicts queue.", field="keep")
    call(use, uow, {"actor": actor, "settings": settings}, shallow_fields(request))  # commits the resolution with it
    return view


def _edit_of(conflict: SyncConflict, edited: Mapping[str, Any]) -> Request[Any]:
    """The edited request, if it is the court's kind of request for the same account."""
    request = from_json(edited)
    if request.name != conflict.command or getattr(request, "account_ref", None) != conflict.account_ref:
        raise ValidationError(
            f"The edit must be the same kind of request ({conflict.command}) for account {conflict.account_ref}, as court "
            "recorded it.", field="edited")
    return request
