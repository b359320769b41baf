"""Small shared pieces for service DTOs and the text values services validate."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from app.errors import ValidationError
from app.services.accounts import jsonable


class JsonView:
    """Mixin for frozen-dataclass DTOs: `to_json()` with dates ISO, UUIDs as text, money in *_pence."""

    def to_json(self) -> dict[str, Any]:
        return jsonable(asdict(self))  # type: ignore[call-overload]


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """`value` stripped; ValidationError naming `field` when it is missing or too long."""
    text = value.strip()
    if required and not text:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is required.", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{label[0].upper()}{label[1:]} is longer than {max_length} characters.", field=field)
    return text
