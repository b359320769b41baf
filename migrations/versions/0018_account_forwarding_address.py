"""account.forwarding_address: where letters go after the taxpayer has moved out (issue 16 part 4)

The amended notice after a move out went to the property just left. The Move out form now
asks for a forwarding address (optional), kept on the account; notices issued after the
move out are addressed to it.

Revision ID: 0018
Revises: 0017
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A plain ALTER TABLE on both databases (batch mode copies the table only when SQLite
    # cannot make the change in place; the account table keeps its FTS5 triggers).
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forwarding_address", sa.String(length=300), nullable=False, server_default=""))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy the account table.
    op.execute("ALTER TABLE account DROP COLUMN forwarding_address")
