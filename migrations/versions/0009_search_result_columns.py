"""search result columns on the account: lead taxpayer's name, current address and postcode

Type-ahead shows 20 rows per keystroke. Building each from the lead party, the person, the
latest liability period and its property cost eight index probes per account, most of them
pages not in memory at a million accounts (about 5 ms of PostgreSQL's 15 ms budget). The
account row the search index already returns now carries them, kept with `search_text` by
the same code (app.accounts.search_index.search_columns).

Revision ID: 0009
Revises: 0008
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The same text Person.full_name() and Property.address() give: the parts that are not
# empty, joined by a space / by ", ". Written for both databases (|| with NULL is NULL).
_NAME = (
    "SELECT trim(coalesce(nullif(p.title, '') || ' ', '') || coalesce(nullif(p.forenames, '') || ' ', '') "
    "|| coalesce(p.surname, '')) FROM account_party ap JOIN person p ON p.id = ap.person_id "
    "WHERE ap.account_id = account.id ORDER BY ap.ordinal LIMIT 1"
)
_LATEST_PROPERTY = (
    "(SELECT lp.property_id FROM liability_period lp WHERE lp.account_id = account.id "
    "ORDER BY lp.start_date DESC LIMIT 1)"
)
# Each part that is not empty with ", " before it, then the first ", " dropped.
_ADDRESS = (
    "SELECT substr(coalesce(', ' || nullif(pr.address_line1, ''), '') || coalesce(', ' || nullif(pr.address_line2, ''), '') "
    "|| coalesce(', ' || nullif(pr.town, ''), ''), 3) FROM property pr WHERE pr.id = " + _LATEST_PROPERTY
)
_POSTCODE = "SELECT pr.postcode FROM property pr WHERE pr.id = " + _LATEST_PROPERTY


def upgrade() -> None:
    # Adding a column is a plain ALTER TABLE on SQLite too (batch mode copies the table only
    # for changes SQLite cannot make in place).
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_name", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("result_address", sa.String(length=510), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("result_postcode", sa.String(length=10), nullable=False, server_default=""))
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Every account row is rewritten; keeping the two GIN indexes up to date row by row
        # took 19 minutes at a million accounts, building them afresh a few.
        op.execute("DROP INDEX ix_account_search_trgm")
        op.execute("DROP INDEX ix_account_search_pairs")
    op.execute(
        f"UPDATE account SET result_name = coalesce(({_NAME}), ''), "
        f"result_address = coalesce(({_ADDRESS}), ''), result_postcode = coalesce(({_POSTCODE}), '')"
    )
    if postgresql:
        op.execute("SET LOCAL maintenance_work_mem = '256MB'")
        op.execute(
            "CREATE INDEX ix_account_search_trgm ON account USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)"
        )
        op.execute(
            "CREATE INDEX ix_account_search_pairs ON account USING gin (revdesk_search_pairs(search_text)) "
            "WITH (fastupdate = off)"
        )
        op.execute("ANALYZE account")


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy the account table, which
    # foreign keys forbid and which would drop its FTS5 triggers.
    for column in ("result_postcode", "result_address", "result_name"):
        op.execute(f"ALTER TABLE account DROP COLUMN {column}")
