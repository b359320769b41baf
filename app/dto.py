"""Small shared pieces for service DTOs and the text values services validate."""

from __future__ import annotations

import uuid
from dataclasses import asdict
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


class JsonView:
    """Mixin for frozen-dataclass DTOs: `to_json()` with dates ISO, UUIDs as text, money in *_pence."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = jsonable(asdict(self))  # type: ignore[call-overload]  # a mixin: mypy cannot see the dataclass
        return data


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """`value` stripped; ValidationError naming `field` when it is missing or too long."""
    text = value.strip()
    if required and not text:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is longer than {max_length} characters.", field=field)
    return text
