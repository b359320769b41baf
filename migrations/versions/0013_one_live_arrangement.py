"""arrangement: at most one live arrangement per account, enforced by the database

Issue 14: two officers agreeing an arrangement on one account at the same moment both
succeeded (two live arrangements, two holds, two letters). The use case now takes the
account lock first (app.adapters.locks), and this partial unique index is the database's
own guarantee, whoever writes the row: a second row with status 'live' for an account is
refused (the unit of work turns that into one sentence, app.db.UNIQUE_CONFLICTS). Both
PostgreSQL and SQLite support `CREATE UNIQUE INDEX ... WHERE`.

A database already holding an account with two or more live arrangements is refused
before anything is changed, naming the accounts: one of each must be cancelled first.

Revision ID: 0013
Revises: 0012
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SHOW_ACCOUNTS = 5  # account references named in the refusal


def upgrade() -> None:
    _refuse_accounts_with_two_live_arrangements()
    op.create_index(
        "uq_arrangement_one_live", "arrangement", ["account_id"], unique=True,
        postgresql_where=sa.text("status = 'live'"), sqlite_where=sa.text("status = 'live'"),
    )


def downgrade() -> None:
    op.drop_index("uq_arrangement_one_live", table_name="arrangement")


def _refuse_accounts_with_two_live_arrangements() -> None:
    bind = op.get_bind()
    rows = bind.exec_driver_sql(
        "SELECT a.account_ref, count(*) FROM arrangement r JOIN account a ON a.id = r.account_id "
        "WHERE r.status = 'live' GROUP BY a.account_ref HAVING count(*) > 1 ORDER BY a.account_ref"
    ).all()
    if rows:
        named = ", ".join(f"{ref} ({count})" for ref, count in rows[:SHOW_ACCOUNTS])
        more = f" and {len(rows) - SHOW_ACCOUNTS} more" if len(rows) > SHOW_ACCOUNTS else ""
        raise RuntimeError(
            f"{len(rows)} account(s) have more than one live arrangement, which migration 0013 refuses: {named}{more}. "
            "Cancel all but one on each (revdesk arrangement cancel) and upgrade again."
        )
