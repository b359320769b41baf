"""The print bureau export: every letter of a batch run written as a .docx file into a folder.

A run's letters are read in short chunks, each in its own transaction, so a 250,000-letter
run neither holds a transaction open for hours nor loads everything into memory; files are
written then renamed, so the bureau never picks up half a file.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from app.db import Database
from app.errors import NotFound
from app.letters.documents import document_content
from app.models import BatchRun, Document
from app.requests import Cancelled, Progress

EXPORT_CHUNK = 200  # letters per database read; a cancel is seen between chunks


def export_letters(
    db: Database,
    *,
    batch_run_id: uuid.UUID,
    out_dir: str | Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    chunk_size: int = EXPORT_CHUNK,
) -> int:
    """Write every letter of a batch run as a .docx file into `out_dir` (for the print bureau).

    Reads the run's documents in chunks, each in its own short transaction, so a 250,000-letter
    run neither holds a transaction open for hours nor loads everything into memory.
    `progress(done, total)` is called after each chunk; `cancelled()` is checked before each
    one. Returns the number of files written (fewer than the total when cancelled). Writing
    again into the same folder replaces the files with identical ones.
    """
    folder = Path(out_dir)
    with db.uow() as uow:
        if uow.session.get(BatchRun, batch_run_id) is None:
            raise NotFound(f"There is no batch run {batch_run_id}.")
        total = uow.session.scalar(
            select(func.count()).select_from(Document).where(Document.batch_run_id == batch_run_id)
        ) or 0
    folder.mkdir(parents=True, exist_ok=True)
    templates: dict[tuple[str, str], bytes] = {}
    used_names: set[str] = set()
    done = 0
    last_id: uuid.UUID | None = None
    while done < total:
        if cancelled and cancelled():
            break
        with db.uow() as uow:
            query = (
                select(Document).options(undefer(Document.content))
                .where(Document.batch_run_id == batch_run_id).order_by(Document.id).limit(chunk_size)
            )
            if last_id is not None:
                query = query.where(Document.id > last_id)
            docs = uow.session.scalars(query).all()
            if not docs:
                break
            for doc in docs:
                _write_file(folder, _unique_name(doc.file_name, used_names), document_content(uow, doc, templates))
            last_id = docs[-1].id
        done += len(docs)
        if progress:
            progress(done, total)
    return done


def _unique_name(file_name: str, used: set[str]) -> str:
    """Two letters to one account on one day in the same run get -2, -3... rather than overwrite."""
    name, n = file_name, 1
    stem = file_name.removesuffix(".docx")
    while name in used:
        n += 1
        name = f"{stem}-{n}.docx"
    used.add(name)
    return name


def _write_file(folder: Path, name: str, content: bytes) -> None:
    """Write then rename, so the bureau never picks up half a file."""
    partial = folder / f".{name}.partial"
    partial.write_bytes(content)
    partial.replace(folder / name)
