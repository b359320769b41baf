"""arrangement: index (account_id, status) instead of (account_id)

Opening an account looks up its live arrangement. With only an account_id index and a
(status, checked_to) index, a database without statistics (a SQLite file never
ANALYZEd, a freshly loaded PostgreSQL one) could pick the status index and walk every
live arrangement in the authority. An index on both columns matches both equalities, so
every planner takes it; it also serves every lookup by account alone.

Revision ID: 0010
Revises: 0009
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0010"
down_revision: Union[str, None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_arrangement_account_status", "arrangement", ["account_id", "status"])
    op.drop_index("ix_arrangement_account_id", table_name="arrangement")


def downgrade() -> None:
    op.create_index("ix_arrangement_account_id", "arrangement", ["account_id"])
    op.drop_index("ix_arrangement_account_status", table_name="arrangement")
