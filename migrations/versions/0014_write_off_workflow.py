"""write_off: the columns the write-off workflow needs (issue 17)

`write_off` was created in 0001 with no writer: it held who proposed and who approved,
but not the note, the evidence, a rejection, the ledger rows an approval and a write-back
post, or when the proposal was made (the approvals queue is oldest first). No release has
written a row to it, so the table is recreated with the new columns rather than altered
(on SQLite adding foreign keys means copying the table anyway); the status CHECK
constraint of 0012 is recreated with it, unchanged.

A database that does hold write-off rows (made by hand or loaded from another system) is
refused before anything is changed: they must be moved out first.

Revision ID: 0014
Revises: 0013
"""

from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0014"
down_revision: Union[str, None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATUS_CHECK = "status = 'proposed' OR status = 'approved' OR status = 'rejected' OR status = 'written_back'"


def _common() -> list[sa.Column[Any]]:
    """The columns 0001 made (new Column objects each call: a Column belongs to one table)."""
    return [
        sa.Column("id", app.models.base.GUID(length=16), nullable=False),
        sa.Column("account_id", app.models.base.GUID(length=16), nullable=False),
        sa.Column("financial_year", sa.BigInteger(), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
    ]


def upgrade() -> None:
    _refuse_rows()
    _drop()
    op.create_table(
        "write_off",
        *_common(),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("rejected_by", sa.String(length=80), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("ledger_transaction_id", app.models.base.GUID(length=16), nullable=True),
        sa.Column("written_back_by", sa.String(length=80), nullable=True),
        sa.Column("written_back_on", sa.Date(), nullable=True),
        sa.Column("writeback_reason", sa.String(length=500), nullable=False),
        sa.Column("writeback_transaction_id", app.models.base.GUID(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_write_off_status")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_write_off_account_id_account")),
        sa.ForeignKeyConstraint(["ledger_transaction_id"], ["ledger_transaction.id"],
                                name=op.f("fk_write_off_ledger_transaction_id_ledger_transaction")),
        sa.ForeignKeyConstraint(["writeback_transaction_id"], ["ledger_transaction.id"],
                                name=op.f("fk_write_off_writeback_transaction_id_ledger_transaction")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off")),
    )
    op.create_index(op.f("ix_write_off_account_id"), "write_off", ["account_id"], unique=False)
    op.create_index("ix_write_off_status_proposed_on", "write_off", ["status", "proposed_on"], unique=False)


def downgrade() -> None:
    _refuse_rows()
    _drop()
    op.create_table(
        "write_off",
        *_common(),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_write_off_status")),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_write_off_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off")),
    )
    op.create_index(op.f("ix_write_off_account_id"), "write_off", ["account_id"], unique=False)


def _drop() -> None:
    op.drop_table("write_off")  # its indexes go with it


def _refuse_rows() -> None:
    count = op.get_bind().exec_driver_sql("SELECT count(*) FROM write_off").scalar()
    if count:
        raise RuntimeError(
            f"The write_off table holds {count} row(s), which migration 0014 cannot carry over (it recreates the "
            "table): move them out and try again."
        )
