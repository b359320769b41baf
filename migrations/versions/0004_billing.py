"""billing: joint parties per period, reduction awards, premiums, refunds, Direct Debit, letter templates

Existing instalment plans get 0 for the new figures (server default) so the upgrade works
on a populated database without rewriting the table.

Revision ID: 0004
Revises: 0003
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import app.models.base


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('letter_template',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_template')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_letter_template_name'))
    )
    op.create_table('dd_mandate',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('account_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('reference', sa.String(length=18), nullable=False),
    sa.Column('account_holder', sa.String(length=120), nullable=False),
    sa.Column('sort_code', sa.String(length=6), nullable=False),
    sa.Column('bank_account_number', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_dd_mandate_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dd_mandate')),
    sa.UniqueConstraint('reference', name=op.f('uq_dd_mandate_reference'))
    )
    with op.batch_alter_table('dd_mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dd_mandate_account_id'), ['account_id'], unique=False)

    op.create_table('reduction_award',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('account_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('percent_bp', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_reduction_award_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reduction_award'))
    )
    with op.batch_alter_table('reduction_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reduction_award_account_id'), ['account_id'], unique=False)

    op.create_table('dd_collection',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('mandate_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('account_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('payment_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('batch_run_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_dd_collection_account_id_account')),
    sa.ForeignKeyConstraint(['batch_run_id'], ['batch_run.id'], name=op.f('fk_dd_collection_batch_run_id_batch_run')),
    sa.ForeignKeyConstraint(['mandate_id'], ['dd_mandate.id'], name=op.f('fk_dd_collection_mandate_id_dd_mandate')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_dd_collection_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dd_collection')),
    sa.UniqueConstraint('mandate_id', 'due_on', name=op.f('uq_dd_collection_mandate_id'))
    )
    with op.batch_alter_table('dd_collection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dd_collection_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dd_collection_mandate_id'), ['mandate_id'], unique=False)

    op.create_table('liability_party',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('period_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('person_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['period_id'], ['liability_period.id'], name=op.f('fk_liability_party_period_id_liability_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_liability_party_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liability_party')),
    sa.UniqueConstraint('period_id', 'person_id', 'start_date', name=op.f('uq_liability_party_period_id'))
    )
    with op.batch_alter_table('liability_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liability_party_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_liability_party_person_id'), ['person_id'], unique=False)

    op.create_table('refund_request',
    sa.Column('id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('account_id', app.models.base.GUID(length=16), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('payee', sa.String(length=120), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by', sa.String(length=80), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('ledger_transaction_id', app.models.base.GUID(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_refund_request_account_id_account')),
    sa.ForeignKeyConstraint(['ledger_transaction_id'], ['ledger_transaction.id'], name=op.f('fk_refund_request_ledger_transaction_id_ledger_transaction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_request'))
    )
    with op.batch_alter_table('refund_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_request_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('financial_year', sa.BigInteger(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_document_account_id'))
        batch_op.create_index('ix_document_account_kind_year', ['account_id', 'kind', 'financial_year'], unique=False)

    with op.batch_alter_table('instalment_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('net_charge_pence', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('paid_at_issue_pence', sa.BigInteger(), nullable=False, server_default='0'))

    with op.batch_alter_table('liability_discount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('empty_since', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('liability_discount', schema=None) as batch_op:
        batch_op.drop_column('empty_since')

    with op.batch_alter_table('instalment_plan', schema=None) as batch_op:
        batch_op.drop_column('paid_at_issue_pence')
        batch_op.drop_column('net_charge_pence')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_account_kind_year')
        batch_op.create_index(batch_op.f('ix_document_account_id'), ['account_id'], unique=False)
        batch_op.drop_column('financial_year')
        batch_op.drop_column('data')

    with op.batch_alter_table('refund_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_request_account_id'))

    op.drop_table('refund_request')
    with op.batch_alter_table('liability_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_liability_party_person_id'))
        batch_op.drop_index(batch_op.f('ix_liability_party_period_id'))

    op.drop_table('liability_party')
    with op.batch_alter_table('dd_collection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dd_collection_mandate_id'))
        batch_op.drop_index(batch_op.f('ix_dd_collection_account_id'))

    op.drop_table('dd_collection')
    with op.batch_alter_table('reduction_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reduction_award_account_id'))

    op.drop_table('reduction_award')
    with op.batch_alter_table('dd_mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dd_mandate_account_id'))

    op.drop_table('dd_mandate')
    op.drop_table('letter_template')
