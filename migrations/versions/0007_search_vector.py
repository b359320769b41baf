"""search on PostgreSQL: word-prefix full-text index beside the trigram index

Type-ahead asks for accounts with a word starting with what was typed ("smi", "dav smi").
A trigram index answers `LIKE '% smi%'` by collecting every row sharing the pattern's
trigrams (" sm" is in a great many) and rechecking each, before LIMIT can stop it. A
full-text index keyed on whole words answers a prefix from a sorted range of words. The
vector is a stored generated column, so PostgreSQL keeps it in step with `search_text`
(bulk loads included) with no code to maintain it. SQLite keeps its FTS5 index.

Revision ID: 0007
Revises: 0006
"""

from typing import Sequence, Union

from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE account ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_account_search_vector ON account USING gin (search_vector) WITH (fastupdate = off)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_account_search_vector")
    op.execute("ALTER TABLE account DROP COLUMN IF EXISTS search_vector")
