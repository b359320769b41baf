"""Alembic environment. Run through `app.db.upgrade` (engine passed in) or `revdesk db upgrade`.

Batch mode is on so ALTERs work on SQLite. The search index objects (SQLite FTS5 table
and its triggers, PostgreSQL trigram index) are made by hand in the migrations and left
out of autogenerate comparison by `include_object`.
"""

from alembic import context

import app.models  # noqa: F401  (every table on the metadata)
from app.db import include_object
from app.models.base import Base


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
