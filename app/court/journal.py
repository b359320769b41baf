"""The court journal: every change made on a pack, recorded in the same transaction as the change.

Court mode is the ordinary application on the pack's database; `Application` asks the
journal for a *recorder* for each request it runs there. The recorder reads, before the use
case runs, what the request depends on (the account's version, where each year stands at
court, what is owed), and, when the use case commits, adds the journal entry to that same
commit: the typed request exactly as run (`app.requests.to_json`), a unique id, the device
and its next sequence number (gap-free: given inside the transaction, on the pack's one
connection), the officer, the laptop's time, the application and schema versions. A
change without its entry, or an entry without its change, cannot exist.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import clock
from app.court.hearings import court_standing
from app.court.pack_tables import PACK_OPEN, JournalEntry, PackMeta
from app.db import SCHEMA_HEAD, UnitOfWork
from app.dto import JsonView
from app.errors import NotAllowed
from app.ledger.balances import owed_now_pence
from app.models import Account
from app.requests import Request, to_json
from app.users.roles import Actor

# Given a request's unit of work before the use case runs; adds what must be committed with it.
Recorder = Callable[[UnitOfWork], None]


def app_version() -> str:
    try:
        return metadata.version("revenues-desk")
    except metadata.PackageNotFoundError:
        return "unknown"


def case_reads(uow: UnitOfWork, account_ref: str, as_of: date | None) -> dict[str, Any]:
    """What a request on `account_ref` depends on, as this database holds it now: the account's
    version, each year's standing at court and (given a day) what is owed on it."""
    ref = account_ref.strip()
    row = uow.session.execute(select(Account.id, Account.version).where(Account.account_ref == ref)).first()
    if row is None:
        return {"account_ref": ref}
    reads: dict[str, Any] = {"account_ref": ref, "account_version": row.version, "court": court_standing(uow, row.id)}
    if as_of is not None:
        reads["owed_pence"] = owed_now_pence(uow, row.id, as_of)
    return reads


def request_reads(uow: UnitOfWork, request: Request[Any]) -> dict[str, Any]:
    """`case_reads` for the account a request names (requests without one read nothing)."""
    account_ref = getattr(request, "account_ref", None)
    if not isinstance(account_ref, str):
        return {}
    as_of = getattr(request, "as_of", None)
    return case_reads(uow, account_ref, as_of if isinstance(as_of, date) else None)


def content_hash(entry: JournalEntry) -> str:
    """SHA-256 of everything an entry says (not its receipt): the same id must always mean
    the same content, or sync refuses it."""
    body = {
        "id": str(entry.id), "device_id": str(entry.device_id), "seq": entry.seq, "officer": entry.officer,
        "recorded_at": utc_text(entry.recorded_at), "command": entry.command, "account_ref": entry.account_ref,
        "request": entry.request, "reads": entry.reads, "app_version": entry.app_version,
        "schema_version": entry.schema_version,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def utc_text(moment: datetime) -> str:
    """A timestamp as UTC text without its zone: SQLite gives back what it was given without
    the zone, PostgreSQL with it, and a hash must not care which."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def pack_meta(uow: UnitOfWork) -> PackMeta:
    meta: PackMeta | None = uow.session.scalar(select(PackMeta))
    if meta is None:
        raise NotAllowed("This file has the court pack's tables but no record of its hearing: it is not a usable court pack.")
    return meta


class PackJournal:
    """What court mode adds to running a request: its journal entry (see the module docstring)."""

    def recorder(self, request: Request[Any], actor: Actor) -> Recorder:
        def record(uow: UnitOfWork) -> None:
            meta = pack_meta(uow)
            if meta.state != PACK_OPEN:
                raise NotAllowed(
                    f"This court pack has been synced ({meta.state}): it is read-only, and nothing more can be "
                    "recorded in it."
                )
            reads = request_reads(uow, request)
            device_id = meta.device_id

            def add_entry(session: Session) -> None:
                last = session.scalar(select(func.max(JournalEntry.seq)).where(JournalEntry.device_id == device_id))
                entry = JournalEntry(
                    id=uuid.uuid4(), device_id=device_id, seq=(last or 0) + 1, officer=actor.username,
                    recorded_at=clock.now(), app_version=app_version(), schema_version=SCHEMA_HEAD,
                    command=request.name, account_ref=str(reads.get("account_ref", "")), request=to_json(request),
                    reads=reads,
                )
                entry.content_hash = content_hash(entry)
                session.add(entry)

            event.listen(uow.session, "before_commit", add_entry, once=True)

        return record


@dataclass(frozen=True)
class JournalEntryView(JsonView):
    seq: int
    id: uuid.UUID
    command: str
    account_ref: str
    officer: str
    recorded_at: datetime
    receipt: str | None
    request: dict[str, Any]


def journal_entries(uow: UnitOfWork) -> list[JournalEntryView]:
    """The pack's journal in sequence order (`revdesk --pack FILE court journal`)."""
    return [
        JournalEntryView(seq=e.seq, id=e.id, command=e.command, account_ref=e.account_ref, officer=e.officer,
                         recorded_at=e.recorded_at, receipt=e.receipt, request=e.request["fields"])
        for e in uow.session.scalars(select(JournalEntry).order_by(JournalEntry.device_id, JournalEntry.seq))
    ]


@dataclass(frozen=True)
class PackInfo(JsonView):
    """What court mode's banner says about the pack it is working on."""

    pack_id: uuid.UUID
    hearing_date: date
    officer: str
    made_at: datetime
    state: str
    accounts: int
    entries: int
    unreceipted: int


def pack_info(uow: UnitOfWork) -> PackInfo:
    meta = pack_meta(uow)
    entries = uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    waiting = uow.session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.receipt.is_(None))) or 0
    return PackInfo(pack_id=meta.pack_id, hearing_date=meta.hearing_date, officer=meta.officer, made_at=meta.made_at,
                    state=meta.state, accounts=meta.accounts, entries=entries, unreceipted=waiting)
