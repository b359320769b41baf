"""recovery: hearing date on recovery events; enforcement cases after a liability order

Revision ID: 0005
Revises: 0004
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import app.models.base


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('enforcement_case',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('account_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('liability_order_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('debt_pence', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_enforcement_case_account_id_account')),
    sa.ForeignKeyConstraint(['liability_order_id'], ['recovery_event.id'], name=op.f('fk_enforcement_case_liability_order_id_recovery_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_case'))
    )
    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_case_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_enforcement_case_kind_status', ['kind', 'status'], unique=False)

    with op.batch_alter_table('recovery_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hearing_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_recovery_event_hearing', ['hearing_date', 'stage'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recovery_event', schema=None) as batch_op:
        batch_op.drop_index('ix_recovery_event_hearing')
        batch_op.drop_column('hearing_date')

    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.drop_index('ix_enforcement_case_kind_status')
        batch_op.drop_index(batch_op.f('ix_enforcement_case_account_id'))

    op.drop_table('enforcement_case')
