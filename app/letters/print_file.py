"""The print file for the bureau: a batch run's letters as ONE PDF in address order, its
page count, and a manifest (account, template, pages, first page) to reconcile against the
bureau's counts.

The letters are rendered in postcode-then-address order (the order the post is sorted in),
merged into one Word document (`app.adapters.docx_merge`, streamed, so memory stays flat),
and converted once by LibreOffice headless. Where LibreOffice is not installed the merged
.docx still comes out, the manifest lists the letters without pages, and the result says
so in one sentence (`warning`): printing from Word works from that file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from app.adapters import libreoffice
from app.adapters.csv_export import SafeCsvWriter
from app.adapters.docx_merge import bookmark_name, merge_letters
from app.db import Database
from app.dto import JsonView
from app.errors import NotFound, ValidationError
from app.letters.batch_render import Task, render_batch, workers_for
from app.letters.documents import kept_or_data
from app.letters.templates import template_content
from app.models import Account, BatchRun, Document
from app.requests import Cancelled, Progress

CHUNK = 200  # letters read (and rendered) per short transaction
MANIFEST_COLUMNS = ("account", "template", "pages", "first_page")


@dataclass(frozen=True)
class PrintFile(JsonView):
    """What `letters print` made: `pages`/`file` are None when no PDF could be made (`warning` says why)."""

    letters: int
    pages: int | None
    manifest: str
    file: str | None
    docx: str
    warning: str | None = None


@dataclass(frozen=True)
class _Entry:
    postcode: str
    address: str
    account_ref: str
    template: str
    document_id: uuid.UUID


def outputs(out: str | Path) -> tuple[Path, Path, Path]:
    """(the PDF, the merged .docx beside it, the manifest CSV beside it)."""
    pdf = Path(out)
    return pdf, pdf.with_suffix(".docx"), pdf.with_name(f"{pdf.stem}-manifest.csv")


def print_run(
    db: Database, *, batch_run_id: uuid.UUID, out: str | Path, force: bool = False,
    progress: Progress | None = None, cancelled: Cancelled | None = None,
) -> PrintFile:
    """Make the print file of a batch run's letters. ValidationError (field `out`) for a file
    that exists without `force`, or a name not ending .pdf; NotFound for an unknown run."""
    pdf, docx, manifest = outputs(out)
    if pdf.suffix.lower() != ".pdf":
        raise ValidationError(f"The print file must be a .pdf file, not {pdf.name}.", field="out")
    if not pdf.parent.is_dir():
        raise ValidationError(f"The folder {pdf.parent} does not exist.", field="out")
    if not force and (there := [p.name for p in (pdf, docx, manifest) if p.exists()]):
        raise ValidationError(f"{', '.join(there)} already exist{'s' if len(there) == 1 else ''} in {pdf.parent}; "
                              "use --force to replace.", field="out")
    entries = _in_address_order(db, batch_run_id)
    if not entries:
        raise ValidationError(f"Batch run {batch_run_id} made no letters: there is nothing to print.", field="run")
    pdf.unlink(missing_ok=True)  # a PDF left from before must never pass for this one
    count = merge_letters(_rendered(db, batch_run_id, entries, progress, cancelled), docx)
    warning: str | None = None
    pages: int | None = None
    first_pages: dict[str, int] = {}
    try:
        libreoffice.convert_to_pdf(docx, pdf, pages_hint=2 * count)
        pages, first_pages = libreoffice.pdf_pages(pdf.read_bytes())
    except libreoffice.ConversionFailed as exc:
        warning = f"{exc}, so no PDF was made: the {count:,} letters are merged, in address order, in {docx}."
    except ValueError as exc:
        warning = f"The PDF was made but its pages could not be counted ({exc})."
    _write_manifest(manifest, entries, pages, first_pages)
    return PrintFile(letters=count, pages=pages, manifest=str(manifest), file=str(pdf) if pdf.exists() else None,
                     docx=str(docx), warning=warning)


def _in_address_order(db: Database, batch_run_id: uuid.UUID) -> list[_Entry]:
    """The run's letters by postcode then address (from each letter's merge data), then account."""
    entries: list[_Entry] = []
    with db.uow() as uow:
        if uow.session.get(BatchRun, batch_run_id) is None:
            raise NotFound(f"There is no batch run {batch_run_id}.")
        total = uow.session.scalar(select(func.count()).select_from(Document)
                                   .where(Document.batch_run_id == batch_run_id)) or 0
    last: uuid.UUID | None = None
    while len(entries) < total:
        with db.uow() as uow:
            query = (select(Document.id, Document.template, Document.data, Account.account_ref)
                     .join(Account, Account.id == Document.account_id)
                     .where(Document.batch_run_id == batch_run_id).order_by(Document.id).limit(CHUNK * 10))
            if last is not None:
                query = query.where(Document.id > last)
            rows = uow.session.execute(query).all()
        if not rows:
            break
        for document_id, template, data, account_ref in rows:
            merge = data or {}
            lines = merge.get("address_lines") or []
            entries.append(_Entry(
                postcode=" ".join(str(merge.get("postcode") or "").upper().split()),
                address=" ".join(str(line) for line in lines).casefold(), account_ref=account_ref,
                template=template, document_id=document_id,
            ))
        last = rows[-1][0]
    entries.sort(key=lambda e: (e.postcode == "", e.postcode, e.address, e.account_ref, str(e.document_id)))
    return entries


def _rendered(db: Database, batch_run_id: uuid.UUID, entries: list[_Entry], progress: Progress | None,
              cancelled: Cancelled | None) -> Iterator[bytes]:
    """Each letter's .docx in print order: read in short chunks of their own, rendered on
    every core for a big run (`batch_render`), letters kept as sent passed through."""
    with db.uow() as uow:
        keys = uow.session.execute(
            select(Document.template, Document.template_version).where(
                Document.batch_run_id == batch_run_id, Document.content.is_(None)).distinct()).all()
        kept = {(name, version): template_content(name, version, uow) for name, version in keys}
    letters = render_batch(kept, _tasks(db, entries, cancelled), processes=workers_for(len(entries)))
    for done, letter in enumerate(letters, start=1):
        yield letter
        if progress and (done % CHUNK == 0 or done == len(entries)):
            progress(done, len(entries))


def _tasks(db: Database, entries: list[_Entry], cancelled: Cancelled | None) -> Iterator[Task]:
    for start in range(0, len(entries), CHUNK):
        if cancelled and cancelled():
            raise ValidationError("The print file was cancelled; nothing was written.")
        chunk = entries[start:start + CHUNK]
        with db.uow() as uow:
            docs = {d.id: d for d in uow.session.scalars(
                select(Document).options(undefer(Document.content))
                .where(Document.id.in_([e.document_id for e in chunk])))}
            tasks: list[Task] = [kept_or_data(docs[entry.document_id]) for entry in chunk]
        yield from tasks


def _write_manifest(path: Path, entries: list[_Entry], pages: int | None, first_pages: dict[str, int]) -> None:
    """One row per letter in print order; pages from where the next letter starts."""
    firsts = [first_pages.get(bookmark_name(i + 1)) for i in range(len(entries))] if pages is not None else []
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle, MANIFEST_COLUMNS, counts=("pages", "first_page"))
        for i, entry in enumerate(entries):
            first = firsts[i] if firsts else None
            following = next((f for f in firsts[i + 1:] if f is not None), None) if firsts else None
            count = None if first is None or pages is None else (following or pages + 1) - first
            writer.writerow([entry.account_ref, entry.template, count, first])
    partial.replace(path)
