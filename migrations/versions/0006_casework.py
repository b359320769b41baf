"""casework: arrangement monitoring and affordability, diary completion notes and queue indexes, escalation details

New NOT NULL columns have server defaults so the upgrade works on a populated database.

Revision ID: 0006
Revises: 0005
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import app.models.base


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grace_days', sa.BigInteger(), nullable=False, server_default='3'))
        batch_op.add_column(sa.Column('tolerance_pence', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('checked_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('broken_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_reason', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('income_expenditure', sa.JSON(), nullable=True))
        batch_op.create_index('ix_arrangement_status_checked', ['status', 'checked_to'], unique=False)

    with op.batch_alter_table('diary_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_diary_entry_owner_due', ['status', 'owner', 'due_on'], unique=False)
        batch_op.create_index('ix_diary_entry_team_due', ['status', 'team', 'due_on'], unique=False)

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_pence', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('subject_id', app.models.base.GUID(length=16), nullable=True))
        batch_op.add_column(sa.Column('team', sa.String(length=60), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_column('team')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('amount_pence')

    with op.batch_alter_table('diary_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_diary_entry_team_due')
        batch_op.drop_index('ix_diary_entry_owner_due')
        batch_op.drop_column('completion_note')

    with op.batch_alter_table('arrangement', schema=None) as batch_op:
        batch_op.drop_index('ix_arrangement_status_checked')
        batch_op.drop_column('income_expenditure')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('broken_on')
        batch_op.drop_column('checked_to')
        batch_op.drop_column('tolerance_pence')
        batch_op.drop_column('grace_days')

