"""Letter templates: the .docx files officers edit, and every version of them ever used.

Templates are ordinary .docx files in `resources/letters/` with docxtpl (Jinja) tags, so
council officers can edit the wording in Word. A council may keep its own in a folder
(`[letters] templates_folder`): a file there takes precedence over the built-in one of the
same name, so the functions that read the current template take that `folder`. A template's version is the first 16 hex
digits of its SHA-256; every version ever used is kept in `letter_template`, so editing a
template never changes a letter already sent: an old letter is rendered again from the
version it was made with.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import UnitOfWork
from app.errors import Conflict, NotFound, ValidationError
from app.models import LetterTemplate
from app.paths import RESOURCES

TEMPLATES_DIR = RESOURCES / "letters"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _version_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def is_template_name(name: str) -> bool:
    return bool(_NAME.match(name))


def template_path(name: str, folder: Path | None = None) -> Path:
    """The file the template `name` is read from: the council's folder first, else the built-in."""
    if not is_template_name(name):
        raise ValidationError(f"'{name}' is not a letter template name (lower-case letters, digits, _ and -).", field="template")
    if folder is not None and (own := folder / f"{name}.docx").is_file():
        return own
    return TEMPLATES_DIR / f"{name}.docx"


def _current_template(name: str, folder: Path | None = None) -> tuple[str, bytes]:
    """The template as it is on disk now: (version, bytes)."""
    path = template_path(name, folder)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no letter template '{name}' (looked for {path}).") from None
    return _version_of(content), content


def version_of(content: bytes) -> str:
    """A template's version: the first 16 hex digits of the SHA-256 of its bytes."""
    return _version_of(content)


def template_version(name: str, folder: Path | None = None) -> str:
    """The version of the template file as it is now: sha256[:16] of {folder or resources/letters}/{name}.docx."""
    return _current_template(name, folder)[0]


def ensure_template_stored(uow: UnitOfWork, name: str, folder: Path | None = None) -> str:
    """Keep the current template's bytes in `letter_template` (once per version); return the version.

    Called before letters are issued from a template (once per batch run), so that any letter
    can be rendered again after the file is edited. Added to the caller's transaction.
    """
    return store_current_template(uow, name, folder)[0]


def store_current_template(uow: UnitOfWork, name: str, folder: Path | None = None) -> tuple[str, bytes]:
    version, content = _current_template(name, folder)
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


def template_content(name: str, version: str | None, uow: UnitOfWork | None) -> bytes:
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
