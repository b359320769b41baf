"""Declarative base, key type and shared column helpers.

Keys are UUIDs so records made offline (court mode) never collide. On PostgreSQL they are
native `uuid`; on SQLite 16-byte blobs (half the size of hex text, which matters at a
million accounts with a dozen ledger rows each).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    types,
)
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.clock import now
from app.enums import one_of
from app.ids import uuid7


class GUID(types.TypeDecorator[uuid.UUID]):
    """UUID stored natively on PostgreSQL and as 16 bytes elsewhere."""

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PG_UUID(as_uuid=True))
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value: uuid.UUID | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return value
        return value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None:
            return None
        if isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:
        # Every model here maps one Table (none maps a join or a select); SQLAlchemy types
        # `__table__` as the wider FromClause. Declared for type checkers only.
        __table__: ClassVar[Table]
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        uuid.UUID: GUID(),
        int: BigInteger(),
        str: String(200),
        date: Date(),
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def new_id() -> uuid.UUID:
    return uuid7()


def pk() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=new_id)


def created_at() -> Mapped[datetime]:
    return mapped_column(default=now)


E = TypeVar("E", bound=StrEnum)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def enum_column(enum: type[E], length: int, **kwargs: Any) -> Mapped[E]:
    """A column holding one of `enum`'s values (app.enums), stored as the value's text in a
    VARCHAR(`length`) as before, read back as the member. Writing text that is not a value
    through the ORM or Core fails before it reaches the database (LookupError); the
    database's own refusal is `enum_check`, which the bulk writers (raw driver rows) meet."""
    return mapped_column(
        Enum(enum, native_enum=False, create_constraint=False, validate_strings=True, values_callable=_values,
             length=length),
        **kwargs,
    )


def enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint `ck_<table>_<column>`: `column` holds one of `enum`'s values."""
    return CheckConstraint(one_of(column, _values(enum)), name=column)


class Versioned:
    """Mutable aggregates carry a version: a stale edit fails instead of overwriting.

    SQLAlchemy adds `WHERE version = <loaded>` to every UPDATE and raises StaleDataError
    when no row matches; services turn that into a "changed by someone else" Conflict.
    """

    version: Mapped[int] = mapped_column(Integer)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}
