"""The models and the migrations describe the same schema, on both databases (design rule 11)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.bootstrap import AppContext
from app.db import current_revision, head_revision, include_object
from app.models import Base


def test_models_and_migrations_agree(ctx: AppContext) -> None:
    assert current_revision(ctx.db) == head_revision(ctx.db)
    with ctx.db.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(mc, Base.metadata)
    assert diff == []


def test_search_index_exists(ctx: AppContext) -> None:
    with ctx.db.engine.connect() as conn:
        if ctx.db.dialect == "sqlite":
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert {"account_fts", "account_fts_ai", "account_fts_ad", "account_fts_au"} <= names
        else:
            names = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'account'")}
            assert "ix_account_search_trgm" in names
