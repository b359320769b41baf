"""Small shared pieces for service DTOs and the text values services validate."""

from __future__ import annotations

import keyword
import re
import uuid
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

from app.errors import ValidationError


def jsonable(value: Any) -> Any:
    """Dates ISO, UUIDs as text, containers recursively: what `json.dumps` can write."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def json_key(name: str) -> str:
    """A field's JSON key: its name, except that a field named after a Python keyword with a
    trailing underscore (`from_`, `class_`) is written under the keyword (`from`, `class`)."""
    return name[:-1] if name.endswith("_") and keyword.iskeyword(name[:-1]) else name


def plain(value: Any) -> Any:
    """`dataclasses.asdict` (dataclasses to dicts, recursively, fields in order), with each
    field under its `json_key`."""
    if is_dataclass(value) and not isinstance(value, type):
        return {json_key(f.name): plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, as asdict keeps it
        return type(value)(*[plain(v) for v in value])
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    return value


class JsonView:
    """Mixin for frozen-dataclass DTOs: `to_json()` with dates ISO, UUIDs as text, money in *_pence."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = jsonable(plain(self))
        return data


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x09: "tab", 0x0A: "line break", 0x0D: "carriage return",
                  0x1B: "ESC", 0x7F: "DEL"}
# Unicode's Cc category is exactly U+0000-U+001F, DEL and U+0080-U+009F: one compiled
# search (an import checks every value of every row; a per-character loop doubled its time).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_BREAKS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character in `text`, named ("NUL", "ESC", "U+0085"), or None.

    Control characters are Unicode's `Cc`: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F).
    None belongs in a reference, a name or an address: NUL cuts text short in other
    systems, and ESC sequences (`\x1b[31m`) rewrite the terminal or file that shows them.
    `multiline` text (notes, reasons, an address typed as lines) may also hold line breaks.
    """
    found = (_CONTROL_EXCEPT_BREAKS if multiline else _CONTROL).search(text)
    if found is None:
        return None
    code = ord(found.group())
    return _CONTROL_NAMES.get(code, f"U+{code:04X}")


def clean_text(
    value: str, *, field: str, label: str, max_length: int, required: bool = True, multiline: bool = False,
) -> str:
    """`value` stripped; ValidationError naming `field` when it is missing, too long or holds a
    control character (line breaks are allowed only in `multiline` text: notes, reasons)."""
    text = value.strip()
    if (bad := control_character(text, multiline=multiline)) is not None:
        raise ValidationError(
            f"{label[0].upper()}{label[1:]} contains a control character ({bad}): type it again without it.", field=field,
        )
    if required and not text:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is longer than {max_length} characters.", field=field)
    return text
