"""search index: no GIN pending list on PostgreSQL

With `fastupdate` on (the default), new entries wait in a pending list that every search
scans until a vacuum merges it; where autovacuum is off or slow that costs type-ahead a
third of its time. Account creation is rare next to searching, so insert straight into
the index instead.

Revision ID: 0003
Revises: 0002
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_account_search_trgm SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_account_search_trgm')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_account_search_trgm RESET (fastupdate)")
