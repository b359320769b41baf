"""Letters on an account: issuing one, reading one back as it was sent, and listing them.

A letter issued singly keeps its rendered bytes, compressed (`packed`: a rendered letter is
stored uncompressed inside its zip so its bytes never depend on a zlib build, so deflating
the whole file makes it several times smaller; reading it back inflates the exact bytes). A mass run (annual billing, the recovery
run) keeps only the merge data and the template version, and the letter is rendered again
on demand (`rendering` makes that exact). Either way the document is immutable once written.
"""

from __future__ import annotations

import json
import re
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.audit import audit
from app.db import UnitOfWork
from app.enums import DocumentKind
from app.errors import Conflict, NotFound, ValidationError
from app.letters.rendering import render_bytes
from app.letters.templates import store_current_template, template_content
from app.models import Account, Document
from app.users.roles import Actor, Role, require_role


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
    batch_run_id: uuid.UUID | None = None  # the run that made it (annual billing, the recovery run), or None

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": str(self.document_id), "account_id": str(self.account_id), "kind": self.kind,
            "template": self.template, "template_version": self.template_version, "file_name": self.file_name,
            "issued_on": self.issued_on.isoformat(), "financial_year": self.financial_year,
            "has_content": self.has_content, "batch_run_id": str(self.batch_run_id) if self.batch_run_id else None,
        }


def file_name_for(kind: str, account_ref: str, issued_on: date) -> str:
    """`demand_notice-700000012-2026-03-01.docx`: safe on Windows and in a print bureau's folder."""
    return f"{_safe(kind)}-{_safe(account_ref)}-{issued_on.isoformat()}.docx"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "letter"


def _json_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The merge data as the database's JSON column gives it back, so what is stored re-renders the same."""
    try:
        plain: dict[str, Any] = json.loads(json.dumps(dict(data)))
        return plain
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"Letter data must be plain JSON values (pence as integers, dates as text): {exc}.") from None


PACKED = b"RDZ1"  # stored content that starts with this is zlib-deflated; a .docx itself starts "PK"


def packed(content: bytes) -> bytes:
    """A letter's bytes as `document.content` keeps them: deflated behind the PACKED marker.

    The compressed form may differ between zlib builds; what is kept is what was written
    once, and `unpacked` always gives back the letter byte for byte."""
    return PACKED + zlib.compress(content, 6)


def unpacked(stored: bytes) -> bytes:
    """The letter's exact bytes from `document.content` (rows written before compression are plain .docx)."""
    stored = bytes(stored)
    if stored.startswith(PACKED):
        return zlib.decompress(stored[len(PACKED):])
    return stored


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
    folder: Path | None = None,
) -> DocumentInfo:
    """Render a letter and keep it on the account, as sent: its bytes, its data and its template version.

    Added to the caller's transaction and not committed here, so a bill and its notice are
    saved (or rolled back) together; the caller commits. `folder` is the council's templates
    folder (`settings.letters.folder`), whose templates take precedence over the built-in ones.
    """
    require_role(actor, Role.OFFICER, "issue letters")
    account_ref = uow.session.scalar(select(Account.account_ref).where(Account.id == account_id))
    if account_ref is None:
        raise NotFound(f"There is no account {account_id}.")
    payload = _json_data(data)
    stated = payload.setdefault("issued_on", issued_on.isoformat())
    if stated != issued_on.isoformat():
        raise ValidationError(f"The letter data says it was issued on {stated}, not {issued_on.isoformat()}.", field="issued_on")
    version, content = store_current_template(uow, template, folder)
    rendered = render_bytes(template, content, payload)
    doc = Document(
        account_id=account_id, kind=kind, template=template, template_version=version,
        file_name=file_name_for(template if kind == DocumentKind.LETTER else kind, account_ref, issued_on),
        content=packed(rendered), data=payload,
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
        financial_year=doc.financial_year, has_content=has_content, batch_run_id=doc.batch_run_id,
    )


def document_bytes(uow: UnitOfWork, document_id: uuid.UUID) -> tuple[str, bytes]:
    """(file name, .docx bytes) of a letter as it was sent: kept bytes, or rendered again from its data."""
    doc = uow.session.get(Document, document_id, options=[undefer(Document.content)])
    if doc is None:
        raise NotFound(f"There is no document {document_id}.")
    return doc.file_name, document_content(uow, doc, {})


def kept_or_data(doc: Document) -> bytes | tuple[tuple[str, str], dict[str, Any]]:
    """A letter's bytes as sent when kept, else ((template, version), merge data) to render it again."""
    if doc.content is not None:
        return unpacked(doc.content)
    if doc.data is None:
        raise Conflict(f"Document {doc.file_name} has neither its file nor the data to make it again.")
    return (doc.template, doc.template_version), doc.data


def document_content(uow: UnitOfWork, doc: Document, templates: dict[tuple[str, str], bytes]) -> bytes:
    found = kept_or_data(doc)
    if isinstance(found, bytes):
        return found
    key, data = found
    if key not in templates:
        templates[key] = template_content(key[0], key[1], uow)
    return render_bytes(key[0], templates[key], data)


def list_documents(uow: UnitOfWork, account_id: uuid.UUID) -> list[DocumentInfo]:
    """The account's letters, newest first (the Documents tab). Reads no file bytes."""
    rows = uow.session.execute(
        select(Document, Document.content.is_not(None))
        .where(Document.account_id == account_id)
        .order_by(Document.issued_on.desc(), Document.created_at.desc(), Document.id.desc())
    ).all()
    return [_info(doc, bool(has_content)) for doc, has_content in rows]
