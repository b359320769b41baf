"""Fast bulk loading for demo data and benchmarks.

The ORM and even Core executemany spend most of their time converting values one by one;
a million accounts is tens of millions of rows. Callers build rows already in the
driver's own representation (`NativeValues` says what that is for each dialect) and the
writer hands them to the driver: `executemany` on SQLite, `COPY ... FROM STDIN` on
PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Integer, Table
from sqlalchemy.engine import Connection

from app.ids import IdSequence
from app.models.base import GUID


class NativeValues:
    """Converters from Python values to what each driver stores, matching the ORM's types
    (see `app.models.base.GUID` and SQLAlchemy's SQLite date/time string formats)."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self._ids = IdSequence()

    def new_id(self) -> Any:
        return self.from_int(self._ids.next_int())

    def next_int(self) -> int:
        """The next key as an integer (for values derived from it, such as a search key)."""
        return self._ids.next_int()

    def from_int(self, value: int) -> Any:
        return value.to_bytes(16, "big") if self.sqlite else uuid.UUID(int=value)

    def id(self, value: Any) -> Any:
        """A value from `new_id` or a UUID, as the driver wants it."""
        if isinstance(value, uuid.UUID):
            return value.bytes if self.sqlite else value
        return value

    def date(self, value: date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def timestamp(self, value: datetime) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def flag(self, value: bool) -> Any:
        return int(value) if self.sqlite else value

    def json(self, value: Any) -> Any:
        """SQLite stores JSON as text; psycopg's binary COPY needs the Json wrapper (a plain
        str would be stored as a JSON string, not an object)."""
        if self.sqlite:
            return json.dumps(value)
        from psycopg.types.json import Json

        return Json(value)

    def json_text(self, text: str) -> Any:
        """Already-encoded JSON text, stored as it is (no decode and re-encode)."""
        if self.sqlite:
            return text
        from psycopg.types.json import Json

        return Json(text, dumps=_as_is)


def _as_is(text: str) -> str:
    return text


def pg_type_name(column_type: Any) -> str:
    """The PostgreSQL type a binary COPY must declare for a column (see app.models.base)."""
    if isinstance(column_type, GUID):
        return "uuid"
    if isinstance(column_type, BigInteger):
        return "int8"
    if isinstance(column_type, Integer):
        return "int4"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, DateTime):
        return "timestamptz"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, JSON):
        return "json"
    return "text"


# The columns batch runs (billing, recovery, arrangement monitoring) write for the tables
# they share, in the order their row tuples are built (ledger rows: app.ledger.posting).
DOCUMENT_COLUMNS = (
    "id", "account_id", "kind", "template", "template_version", "file_name", "data", "financial_year", "issued_on",
    "batch_run_id", "created_by", "created_at",
)
AUDIT_COLUMNS = ("id", "at", "username", "action", "entity", "entity_id", "account_id", "before", "after")


class BulkWriter:
    """Write native-valued tuples to tables through an open SQLAlchemy connection's driver."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name

    def write(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        raw = self.connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            if self.dialect == "sqlite":
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows)
            else:
                types = [pg_type_name(table.c[name].type) for name in columns]
                with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
        finally:
            cursor.close()
