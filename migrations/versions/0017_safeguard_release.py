"""safeguard_release: a team leader's recorded release of an account from a recovery safeguard

Issue 16 part 6: an account with an open gone-away trace, vulnerability review or
escalation is held back from the next statutory step (app.rules.safeguards) unless a team
leader has released it. Each release is a row here (who, when, which kind, why), never
changed or deleted: INSERT and SELECT only for officers' logins (app.adapters.server_roles)
and the same append-only triggers as the ledger, audit trail and notes (0002).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "safeguard_release"
# (table, constraint, condition): what the model's enum_check holds, frozen here
CHECKS = ((TABLE, "ck_safeguard_release_kind", "kind = 'gone_away' OR kind = 'vulnerability' OR kind = 'escalation'"),)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", app.models.base.GUID(length=16), nullable=False),
        sa.Column("account_id", app.models.base.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("released_by", sa.String(length=80), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        *(sa.CheckConstraint(condition, name=op.f(name)) for _, name, condition in CHECKS),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name=op.f("fk_safeguard_release_account_id_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguard_release")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safeguard_release_account_id"), ["account_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
            )
    else:
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION revdesk_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguard_release_account_id"))
    op.drop_table(TABLE)
