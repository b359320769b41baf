"""Rendering a letter: merge data into a template, giving the same bytes every time.

Rendering is deterministic (fixed document properties and zip entry dates, fixed entry
order, stored without compression so no zlib version can change a byte), so the same
template and data give the same file again, byte for byte, years later: that is what lets
a mass run keep only the merge data.

Money in merge data is integer pence and dates are ISO strings; the Jinja filters
`money` and `ukdate` format them for people ("£1,234.56", "23/11/2026").
"""

from __future__ import annotations

import functools
import io
import threading
import zipfile
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.db import UnitOfWork
from app.errors import ValidationError
from app.money import fmt

if TYPE_CHECKING:
    from jinja2 import Environment, nodes
from app.letters.templates import template_content

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_UNDATED = datetime(2000, 1, 1)  # document dates for merge data without `issued_on`


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

        def from_string(
            self, source: str | nodes.Template, globals: MutableMapping[str, Any] | None = None,
            template_class: type[Template] | None = None,
        ) -> Template:
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


def environment() -> Environment:
    """The letters' Jinja environment (strict, with `money` and `ukdate`): what templates are checked against."""
    return _environment()


def render(name: str, data: Mapping[str, Any], *, version: str | None = None, uow: UnitOfWork | None = None) -> bytes:
    """The letter as .docx bytes. The same template version and data always give the same bytes.

    `version` (with `uow`) renders an older version of the template, kept in the database.
    Raises ValidationError when the data does not fit the template (a missing field, money
    that is not whole pence).
    """
    return render_bytes(name, template_content(name, version, uow), data)


@functools.cache
def _template_class() -> type[Any]:
    """docxtpl's DocxTemplate, keeping the Jinja source it cleans out of each part's XML.

    `patch_xml` (regular expressions over the whole part, ~40% of a letter's time) is a pure
    function of the template's XML, the same for every letter made from that template, so
    it runs once per template version: the output is byte for byte what docxtpl makes.
    Built on first render, so docxtpl is not imported at start-up."""
    from docxtpl import DocxTemplate  # heavy (python-docx, lxml)

    patched: dict[str, str] = {}
    lock = threading.Lock()

    class _Template(DocxTemplate):  # type: ignore[misc]
        def patch_xml(self, src_xml: str) -> str:
            done = patched.get(src_xml)
            if done is None:
                done = super().patch_xml(src_xml)
                with lock:
                    if len(patched) >= 64:  # a few templates x (body, headers, footers)
                        patched.clear()
                    patched[src_xml] = done
            return done

    return _Template


def render_bytes(name: str, template: bytes, data: Mapping[str, Any]) -> bytes:
    from jinja2 import TemplateError

    doc = _template_class()(io.BytesIO(template))
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
