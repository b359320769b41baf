"""Key columns read raw, for batch runs that group hundreds of thousands of rows by key.

The ORM turns every UUID key into a `uuid.UUID` object (16-byte blobs on SQLite); a batch
that only uses keys to group rows in dictionaries can skip that and convert the few keys
it hands on.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import type_coerce
from sqlalchemy.types import NullType


def raw_key(column: Any) -> Any:
    """The column as the driver returns it (bytes on SQLite, UUID on PostgreSQL), unconverted.

    Also usable on the left of `.in_()` with raw values, which are then bound as they are.
    """
    return type_coerce(column, NullType())


def to_uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(bytes=bytes(raw))
