"""Wiping a court pack (or journal export) once the office has everything in it.

A pack holds taxpayers' personal data on a laptop; once every journal entry has its receipt
(the office applied it, had applied it already, or queued it as a conflict) nothing in it is
needed, so it is overwritten and deleted. Never before: a pack with an entry not yet synced
is the only record of what was done at court.

Overwriting is belt and braces: on an SSD or a journaling file system the old blocks may
survive elsewhere, which is why the pack is encrypted in the first place (its key never
leaves the keyring); the overwrite removes the ciphertext where it is.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from app.court.journal import pack_meta
from app.court.pack_tables import PACK_RECEIPTED, JournalEntry
from app.court.packing import open_pack
from app.dto import JsonView
from app.errors import NotAllowed

CHUNK = 1 << 20


@dataclass(frozen=True)
class WipeResult(JsonView):
    file: str
    pack_id: uuid.UUID
    entries: int
    bytes_overwritten: int


def wipe_pack(path: str | Path) -> WipeResult:
    """Overwrite and delete the pack at `path`, refused (file untouched) unless every entry
    has its receipt and the pack has been synced."""
    file = Path(path).expanduser().resolve()
    db = open_pack(file, journal_only=True)  # the key must open it: nobody wipes what they cannot read
    try:
        with db.uow() as uow:
            meta = pack_meta(uow)
            entries = uow.session.scalar(select(func.count()).select_from(JournalEntry)) or 0
            waiting = uow.session.scalar(
                select(func.count()).select_from(JournalEntry).where(JournalEntry.receipt.is_(None))) or 0
            pack_id, state = meta.pack_id, meta.state
    finally:
        db.dispose()
    if waiting:
        raise NotAllowed(f"{file.name} holds {waiting} journal {'entry' if waiting == 1 else 'entries'} not yet synced: "
                         "sync it with `revdesk court sync` first; it was not wiped.")
    if state != PACK_RECEIPTED:
        raise NotAllowed(f"{file.name} has not been synced: sync it first (that releases its cases in the office); "
                         "it was not wiped.")
    written = sum(_overwrite(f) for f in (file, file.with_name(file.name + "-journal")) if f.is_file())
    file.with_name(file.name + "-journal").unlink(missing_ok=True)
    file.unlink()
    return WipeResult(file=str(file), pack_id=pack_id, entries=entries, bytes_overwritten=written)


def _overwrite(file: Path) -> int:
    """Random bytes over the whole file, flushed to the disk; how many were written."""
    size = file.stat().st_size
    with file.open("r+b") as f:
        done = 0
        while done < size:
            block = os.urandom(min(CHUNK, size - done))
            f.write(block)
            done += len(block)
        f.flush()
        os.fsync(f.fileno())
    return size
