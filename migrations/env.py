"""Alembic environment. Run through `app.db.upgrade` (engine passed in) or `revdesk db upgrade`.

Batch mode is on so ALTERs work on SQLite. The search index objects (SQLite FTS5 table
and its triggers, PostgreSQL trigram index) are made by hand in the migrations and left
out of autogenerate comparison by `include_object`.

On SQLite, foreign-key enforcement is off while migrations run: batch mode adds a
constraint by copying a table and dropping the old copy, which SQLite refuses while other
tables' rows refer to it, and the setting cannot change inside a transaction. Every
reference is checked (PRAGMA foreign_key_check) before the upgrade commits, and
enforcement is back on before the connection returns to the pool.
"""

from alembic import context
from sqlalchemy.engine import Connection

import app.models  # noqa: F401  (every table on the metadata)
from app.db import include_object
from app.models.base import Base


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, on=False)
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=Base.metadata,
                    render_as_batch=True,
                    include_object=include_object,
                    compare_type=True,
                )
                with context.begin_transaction():
                    context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"The upgrade would leave rows referring to missing rows: {broken[:5]}")
        finally:
            if sqlite:
                _foreign_keys(connection, on=True)


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """Outside any transaction (SQLite ignores the pragma inside one)."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


run_migrations_online()
