"""A court pack's journal exported for a colleague to sync (`court journal --export OUT`).

When the laptop cannot come back to the office (the officer is at another hearing), the
journal can travel alone: a small SQLCipher file encrypted with the same key as packs,
holding the pack's record (`pack_meta`: pack id, device, the database it was taken from)
and its journal entries exactly as recorded (same ids, same contents), plus a marker
(`journal_export`). `court sync EXPORT` applies it exactly as it applies a pack: entry ids
and content hashes in `court_journal_applied` make it exactly-once whichever file arrives
first, or both.

The receipts sync writes go into the export, not into the laptop's pack, so the pack's
lease is NOT released by syncing an export: the receipt says so, and the pack itself is
synced when it is back (what the export applied then counts as already applied, anything
recorded since is applied, and the lease is released).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import inspect, select

from app.court.journal import pack_meta
from app.court.pack_tables import ExportBase, JournalEntry, JournalExport, PackBase, PackMeta
from app.db import Database, UnitOfWork, make_pack_database
from app.dto import JsonView
from app.errors import ValidationError
from app.secrets import pack_key


@dataclass(frozen=True)
class ExportResult(JsonView):
    file: str
    pack_id: UUID
    device_id: UUID
    device: str
    hearing_date: date
    source: str  # the database the pack was taken from: the only one that will accept it
    entries: int
    unreceipted: int


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def export_journal(uow: UnitOfWork, *, out: str, exported_by: str, at: datetime, force: bool = False) -> ExportResult:
    """Write the pack's journal to `out` (see the module docstring): under a temporary name,
    renamed when complete, so `out` is the whole export or not there."""
    target = Path(out).expanduser().resolve()
    if target.exists() and not force:
        raise ValidationError(f"{target} already exists: give another file, or --force to replace it.", field="out")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.", field="out")
    meta = pack_meta(uow)
    entries = list(uow.session.scalars(select(JournalEntry).order_by(JournalEntry.device_id, JournalEntry.seq)))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    db = make_pack_database(partial, pack_key(create=False))
    try:
        PackBase.metadata.create_all(db.engine)
        ExportBase.metadata.create_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(PackMeta.__table__.insert(), [_row(meta)])
            if entries:
                conn.execute(JournalEntry.__table__.insert(), [_row(e) for e in entries])
            conn.execute(JournalExport.__table__.insert(), [{
                "pack_id": meta.pack_id, "exported_at": at, "exported_by": exported_by, "entries": len(entries),
            }])
    except BaseException:
        db.dispose()
        partial.unlink(missing_ok=True)
        raise
    db.dispose()
    os.replace(partial, target)
    return ExportResult(
        file=str(target), pack_id=meta.pack_id, device_id=meta.device_id, device=meta.device,
        hearing_date=meta.hearing_date, source=meta.source, entries=len(entries),
        unreceipted=sum(1 for e in entries if e.receipt is None),
    )


def is_export(db: Database) -> bool:
    """The file is a journal export (not a pack)."""
    return inspect(db.engine).has_table(JournalExport.__tablename__)
