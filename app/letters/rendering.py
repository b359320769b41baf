"""Letters: Word documents merged from templates, stored so each can be produced again exactly.

Templates are ordinary .docx files in `resources/letters/` with docxtpl (Jinja) tags, so
council officers can edit the wording in Word. A template's version is the first 16 hex
digits of its SHA-256; every version ever used is kept in `letter_template`, so editing a
template never changes a letter already sent.

A letter issued singly keeps its rendered bytes. A mass run (annual billing) keeps only
the merge data and the template version: rendering is deterministic (fixed document
properties and zip entry dates, fixed entry order, stored without compression so no zlib
version can change a byte), so the same template and data give the same file again,
byte for byte, years later.

Money in merge data is integer pence and dates are ISO strings; the Jinja filters
`money` and `ukdate` format them for people ("£1,234.56", "23/11/2026").
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import threading
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from app.db import Database, UnitOfWork
from app.errors import Conflict, NotFound, ValidationError
from app.models import Account, BatchRun, Document, LetterTemplate
from app.money import fmt
from app.paths import RESOURCES
from app.users.roles import Actor, Role, require_role
from app.audit import audit
from app.requests import Cancelled, Progress

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES_DIR = RESOURCES / "letters"


EXPORT_CHUNK = 200  # letters per database read; a cancel is seen between chunks
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_UNDATED = datetime(2000, 1, 1)  # document dates for merge data without `issued_on`
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- DTOs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentInfo:
    """A letter on an account, without its bytes (`has_content`: False when it is re-rendered on demand)."""

    document_id: uuid.UUID
    account_id: uuid.UUID
    kind: str
    template: str
    template_version: str
    file_name: str
    issued_on: date
    financial_year: int | None
    has_content: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": str(self.document_id), "account_id": str(self.account_id), "kind": self.kind,
            "template": self.template, "template_version": self.template_version, "file_name": self.file_name,
            "issued_on": self.issued_on.isoformat(), "financial_year": self.financial_year,
            "has_content": self.has_content,
        }


# --- Jinja filters -----------------------------------------------------------------------

def money(pence: Any) -> str:
    """Integer pence -> "£1,234.56" (negative "-£12.00"). Anything else is a bug upstream, so refused."""
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise ValidationError(f"Money on a letter must be whole pence, not {pence!r}.")
    return fmt(pence)


def ukdate(value: Any) -> str:
    """An ISO date string or a date -> "23/11/2026"; None (an open end) -> ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            raise ValidationError(f"'{value}' on a letter is not a date (expected YYYY-MM-DD).") from None
    if not isinstance(value, date):
        raise ValidationError(f"{value!r} on a letter is not a date.")
    return value.strftime("%d/%m/%Y")


@functools.cache
def _environment() -> Environment:
    """Jinja for letters: strict (a missing merge field fails, it never prints blank), and
    keeping compiled parts, since docxtpl compiles the whole document XML on every render:
    that halves the time per letter in a mass export. Built on first render, so Jinja is
    not imported at start-up."""
    from jinja2 import Environment, StrictUndefined, Template

    class _Environment(Environment):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self._compiled: dict[str, Template] = {}
            self._lock = threading.Lock()

        def from_string(self, source, globals=None, template_class=None):  # type: ignore[no-untyped-def, override]
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                compiled = super().from_string(source)
                with self._lock:
                    if len(self._compiled) >= 64:  # a few templates x (body, headers, footers, properties)
                        self._compiled.clear()
                    self._compiled[source] = compiled
            return compiled

    env = _Environment(undefined=StrictUndefined, autoescape=True)
    env.filters["money"] = money
    env.filters["ukdate"] = ukdate
    return env


# --- templates ---------------------------------------------------------------------------

def _version_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def _template_path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValidationError(f"'{name}' is not a letter template name (lower-case letters, digits, _ and -).", field="template")
    return TEMPLATES_DIR / f"{name}.docx"


def _current_template(name: str) -> tuple[str, bytes]:
    """The template as it is on disk now: (version, bytes)."""
    path = _template_path(name)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no letter template '{name}' (looked for {path}).") from None
    return _version_of(content), content


def template_version(name: str) -> str:
    """The version of the template file as it is now: sha256[:16] of resources/letters/{name}.docx."""
    return _current_template(name)[0]


def ensure_template_stored(uow: UnitOfWork, name: str) -> str:
    """Keep the current template's bytes in `letter_template` (once per version); return the version.

    Called before letters are issued from a template (once per batch run), so that any letter
    can be rendered again after the file is edited. Added to the caller's transaction.
    """
    return _store_current(uow, name)[0]


def _store_current(uow: UnitOfWork, name: str) -> tuple[str, bytes]:
    version, content = _current_template(name)
    stored = uow.session.scalar(
        select(LetterTemplate.id).where(LetterTemplate.name == name, LetterTemplate.version == version)
    )
    if stored is None:
        try:
            with uow.session.begin_nested():  # another officer's run may store the same version first
                uow.session.add(LetterTemplate(name=name, version=version, content=content))
        except IntegrityError:
            pass
    return version, content


_stored_cache: dict[tuple[str, str], bytes] = {}  # (name, version) -> bytes; a version's bytes never change


def _stored_template(uow: UnitOfWork, name: str, version: str) -> bytes:
    key = (name, version)
    content = _stored_cache.get(key)
    if content is None:
        content = uow.session.scalar(
            select(LetterTemplate.content).where(LetterTemplate.name == name, LetterTemplate.version == version)
        )
        if content is None:
            raise NotFound(f"Version {version} of the letter template '{name}' is not kept in the database.")
        content = bytes(content)
        if _version_of(content) != version:
            raise Conflict(f"The stored letter template '{name}' version {version} does not match its checksum.")
        _stored_cache[key] = content
    return content


def _template_content(name: str, version: str | None, uow: UnitOfWork | None) -> bytes:
    """The template's bytes: the file on disk when it is that version, else the stored copy."""
    try:
        current_version, content = _current_template(name)
    except NotFound:
        if version is None:
            raise
        current_version, content = "", b""
    if version is None or version == current_version:
        return content
    if uow is None:
        raise ValidationError(
            f"Letter template '{name}' is now version {current_version or 'missing'}; rendering "
            f"version {version} needs the database, where old versions are kept."
        )
    return _stored_template(uow, name, version)


# --- rendering ---------------------------------------------------------------------------

def render(name: str, data: Mapping[str, Any], *, version: str | None = None, uow: UnitOfWork | None = None) -> bytes:
    """The letter as .docx bytes. The same template version and data always give the same bytes.

    `version` (with `uow`) renders an older version of the template, kept in the database.
    Raises ValidationError when the data does not fit the template (a missing field, money
    that is not whole pence).
    """
    return _render_bytes(name, _template_content(name, version, uow), data)


def _render_bytes(name: str, template: bytes, data: Mapping[str, Any]) -> bytes:
    from docxtpl import DocxTemplate  # heavy (python-docx, lxml): loaded on first render, not at start-up
    from jinja2 import TemplateError

    doc = DocxTemplate(io.BytesIO(template))
    try:
        doc.render(dict(data), _environment(), autoescape=True)
    except TemplateError as exc:
        raise ValidationError(f"The letter '{name}' cannot be made from this data: {exc}.") from None
    stamp = _document_date(data)
    props = doc.docx.core_properties
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_docx(buffer.getvalue())


def _document_date(data: Mapping[str, Any]) -> datetime:
    issued = data.get("issued_on")
    if isinstance(issued, date):
        return datetime(issued.year, issued.month, issued.day)
    if isinstance(issued, str):
        try:
            day = date.fromisoformat(issued[:10])
        except ValueError:
            return _UNDATED
        return datetime(day.year, day.month, day.day)
    return _UNDATED


def normalise_docx(raw: bytes) -> bytes:
    """Rewrite a .docx so its bytes depend only on its content.

    Entries in a fixed order ([Content_Types].xml first, as Office writes it, then by name),
    each dated 1980-01-01 with fixed attributes, and stored uncompressed: deflate output
    differs between zlib builds, and a reproduced letter must match the one sent.
    """
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for entry in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(entry, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[entry])
    return out.getvalue()


# --- issuing and reading -----------------------------------------------------------------

def file_name_for(kind: str, account_ref: str, issued_on: date) -> str:
    """`demand_notice-700000012-2026-03-01.docx`: safe on Windows and in a print bureau's folder."""
    safe = lambda text: re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "letter"  # noqa: E731
    return f"{safe(kind)}-{safe(account_ref)}-{issued_on.isoformat()}.docx"


def _json_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The merge data as the database's JSON column gives it back, so what is stored re-renders the same."""
    try:
        return json.loads(json.dumps(dict(data)))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Letter data must be plain JSON values (pence as integers, dates as text): {exc}.") from None


def issue_letter(
    uow: UnitOfWork,
    actor: Actor,
    *,
    account_id: uuid.UUID,
    kind: str,
    template: str,
    data: Mapping[str, Any],
    issued_on: date,
    financial_year: int | None = None,
    batch_run_id: uuid.UUID | None = None,
) -> DocumentInfo:
    """Render a letter and keep it on the account, as sent: its bytes, its data and its template version.

    Added to the caller's transaction and not committed here, so a bill and its notice are
    saved (or rolled back) together; the caller commits.
    """
    require_role(actor, Role.OFFICER, "issue letters")
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == account_id))
    if account_ref is None:
        raise NotFound(f"There is no account {account_id}.")
    payload = _json_data(data)
    stated = payload.setdefault("issued_on", issued_on.isoformat())
    if stated != issued_on.isoformat():
        raise ValidationError(f"The letter data says it was issued on {stated}, not {issued_on.isoformat()}.", field="issued_on")
    version, content = _store_current(uow, template)
    rendered = _render_bytes(template, content, payload)
    doc = Document(
        account_id=account_id, kind=kind, template=template, template_version=version,
        file_name=file_name_for(kind, account_ref or str(account_id), issued_on), content=rendered, data=payload,
        financial_year=financial_year, issued_on=issued_on, batch_run_id=batch_run_id, created_by=actor.username,
    )
    uow.session.add(doc)
    uow.session.flush()
    info = _info(doc, has_content=True)
    audit(
        uow, actor.username, "document.issued", "document", doc.id, account_id=account_id,
        after={"kind": kind, "template": template, "template_version": version, "file_name": doc.file_name,
               "issued_on": issued_on.isoformat(), "financial_year": financial_year},
    )
    return info


def _info(doc: Document, has_content: bool) -> DocumentInfo:
    return DocumentInfo(
        document_id=doc.id, account_id=doc.account_id, kind=doc.kind, template=doc.template,
        template_version=doc.template_version, file_name=doc.file_name, issued_on=doc.issued_on,
        financial_year=doc.financial_year, has_content=has_content,
    )


def document_bytes(uow: UnitOfWork, document_id: uuid.UUID) -> tuple[str, bytes]:
    """(file name, .docx bytes) of a letter as it was sent: kept bytes, or rendered again from its data."""
    doc = uow.session.get(Document, document_id, options=[undefer(Document.content)])
    if doc is None:
        raise NotFound(f"There is no document {document_id}.")
    return doc.file_name, _document_content(uow, doc, {})


def _document_content(uow: UnitOfWork, doc: Document, templates: dict[tuple[str, str], bytes]) -> bytes:
    if doc.content is not None:
        return bytes(doc.content)
    if doc.data is None:
        raise Conflict(f"Document {doc.file_name} has neither its file nor the data to make it again.")
    key = (doc.template, doc.template_version)
    if key not in templates:
        templates[key] = _template_content(doc.template, doc.template_version, uow)
    return _render_bytes(doc.template, templates[key], doc.data)


def list_documents(uow: UnitOfWork, account_id: uuid.UUID) -> list[DocumentInfo]:
    """The account's letters, newest first (the Documents tab). Reads no file bytes."""
    rows = uow.session.execute(
        select(Document, Document.content.is_not(None))
        .where(Document.account_id == account_id)
        .order_by(Document.issued_on.desc(), Document.created_at.desc(), Document.id.desc())
    ).all()
    return [_info(doc, bool(has_content)) for doc, has_content in rows]


# --- print bureau export -----------------------------------------------------------------

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
                _write_file(folder, _unique_name(doc.file_name, used_names), _document_content(uow, doc, templates))
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
