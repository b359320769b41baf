"""document.kind: `letter`, one an officer writes from the account (issue 17)

`revdesk letters generate` and the Documents tab's "Write a letter…" store each letter
with kind `letter` (its `template` says which: write-off notification, tracing enquiry,
general correspondence...). The CHECK constraint of 0012 is recreated with the new value.

Revision ID: 0016
Revises: 0015
"""

from typing import Sequence, Union

from alembic import op

from app.adapters.schema_steps import add_checks, drop_checks, rows_breaking

revision: str = "0016"
down_revision: Union[str, None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KINDS_BEFORE = (
    "demand_notice", "amended_demand_notice", "reminder_1", "reminder_2", "final_notice", "summons",
    "attachment_of_earnings_order", "benefit_deduction_application", "arrangement_confirmation",
)
KINDS = (*KINDS_BEFORE, "letter")


def _check(kinds: tuple[str, ...]) -> tuple[str, str, str]:
    return ("document", "ck_document_kind", " OR ".join(f"kind = '{kind}'" for kind in kinds))


CHECKS = (_check(KINDS),)
CHECKS_BEFORE = (_check(KINDS_BEFORE),)


def upgrade() -> None:
    drop_checks(CHECKS_BEFORE)
    add_checks(CHECKS)


def downgrade() -> None:
    if rows_breaking("document", [CHECKS_BEFORE[0][2]])[0]:
        raise RuntimeError("The database holds officers' letters (document kind 'letter'); they cannot be kept "
                           "below revision 0016.")
    drop_checks(CHECKS)
    add_checks(CHECKS_BEFORE)
