"""ledger kind and sign, positive payments and instalment day as CHECK constraints; stored letters immutable

design.md rule 4: the database refuses an unknown ledger kind and a sign the kind does not
allow, whoever writes the row. The rules are app.ledger.kinds' (KIND_CHECK, SIGN_CHECK),
frozen here as they were when this revision was written; tests/services/test_ledger_schema.py
checks that the models still say the same. A payment is a positive sum (a returned one is
reversed in the ledger, never stored negative) and an instalment day is one every month has.

Every row the application has written satisfies them: billing posts charges > 0 and
non-zero adjustments and reductions, payments post each year's part < 0 and reversals > 0,
refunds > 0, recovery and court costs != 0 (a withdrawal is negative), the demo posts
charges >= 0 (nil for an exempt year); payments were only ever taken for more than £0.00
and instalment days checked 1-28. A database holding rows that break one (a hand-made
repair, data loaded from another system) is refused before anything is changed, with
the number of rows per constraint: they must be put right first.

Stored letters (`document`) are immutable once written (rule 13): no column may be
updated and no row deleted, except that a letter issued singly has its rendered bytes
filled in once (`content` from NULL) in the same transaction that records it.

SQLite cannot add a CHECK constraint to a table: batch mode copies the table (the
migration environment turns foreign-key enforcement off for the copy and checks every
reference before committing). The copy drops the table's triggers (append-only ledger,
the account search index) and its planner statistics, so the triggers are read before and
made again after, as they were, and a table that had statistics is analysed again.

Revision ID: 0011
Revises: 0010
"""

from typing import Sequence, Union

from alembic import op

from app.adapters.schema_steps import add_checks, drop_checks, is_sqlite, rows_breaking, tables_of

revision: str = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Equalities and a CASE rather than `kind IN (...)`, which SQLite re-evaluates slowly in a
# CHECK for every row inserted (see app.ledger.kinds).
KIND_CHECK = (
    "kind = 'charge' OR kind = 'adjustment' OR kind = 'reduction' OR kind = 'payment' OR kind = 'refund' "
    "OR kind = 'costs' OR kind = 'write_off' OR kind = 'transfer' OR kind = 'reversal'"
)
SIGN_CHECK = (
    "CASE kind WHEN 'charge' THEN amount_pence >= 0 WHEN 'adjustment' THEN amount_pence <> 0 "
    "WHEN 'reduction' THEN amount_pence <> 0 WHEN 'payment' THEN amount_pence < 0 WHEN 'refund' THEN amount_pence > 0 "
    "WHEN 'costs' THEN amount_pence <> 0 WHEN 'write_off' THEN amount_pence < 0 WHEN 'transfer' THEN amount_pence <> 0 "
    "WHEN 'reversal' THEN amount_pence <> 0 ELSE FALSE END"
)
# (table, constraint name, condition)
CHECKS = (
    ("ledger_transaction", "ck_ledger_transaction_kind", KIND_CHECK),
    ("ledger_transaction", "ck_ledger_transaction_sign", SIGN_CHECK),
    ("payment", "ck_payment_amount_positive", "amount_pence > 0"),
    ("account", "ck_account_instalment_day", "instalment_day BETWEEN 1 AND 28"),
)

# Every column of a stored letter but `content`, which may be filled in once.
LETTER_COLUMNS = (
    "id, account_id, kind, template, template_version, file_name, data, financial_year, issued_on, batch_run_id, "
    "created_by, created_at"
)
LETTER_MESSAGE = "document is immutable: a stored letter is never changed or deleted"


def upgrade() -> None:
    _refuse_rows_that_break_the_checks()
    add_checks(CHECKS)
    _create_letter_triggers()


def downgrade() -> None:
    _drop_letter_triggers()
    drop_checks(CHECKS)


def _refuse_rows_that_break_the_checks() -> None:
    """Count, one scan per table, the rows each constraint would refuse; stop before any
    change if there are some (on SQLite a failed copy half-way would leave its work table)."""
    broken: list[str] = []
    for table in tables_of(CHECKS):
        checks = [(name, condition) for t, name, condition in CHECKS if t == table]
        counts = rows_breaking(table, [c for _, c in checks])
        broken += [f"{count} {table} row(s) break {name}" for (name, _), count in zip(checks, counts) if count]
    if broken:
        raise RuntimeError("The database holds rows the new constraints refuse (see migration 0011); put them "
                           "right and upgrade again: " + "; ".join(broken) + ".")


def _create_letter_triggers() -> None:
    if is_sqlite():
        raise_ = f"BEGIN SELECT RAISE(ABORT, '{LETTER_MESSAGE}'); END"
        op.execute(f"CREATE TRIGGER document_letter_unchanged BEFORE UPDATE OF {LETTER_COLUMNS} ON document {raise_}")
        op.execute(f"CREATE TRIGGER document_content_once BEFORE UPDATE OF content ON document "
                   f"WHEN old.content IS NOT NULL {raise_}")
        op.execute(f"CREATE TRIGGER document_no_delete BEFORE DELETE ON document {raise_}")
        return
    op.execute(
        "CREATE FUNCTION revdesk_letter_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{LETTER_MESSAGE}'; END $$"
    )
    run = "FOR EACH ROW EXECUTE FUNCTION revdesk_letter_immutable()"
    op.execute(f"CREATE TRIGGER document_letter_unchanged BEFORE UPDATE OF {LETTER_COLUMNS} ON document {run}")
    op.execute(f"CREATE TRIGGER document_content_once BEFORE UPDATE OF content ON document "
               f"FOR EACH ROW WHEN (OLD.content IS NOT NULL) EXECUTE FUNCTION revdesk_letter_immutable()")
    op.execute(f"CREATE TRIGGER document_no_delete BEFORE DELETE ON document {run}")


def _drop_letter_triggers() -> None:
    on = "" if is_sqlite() else " ON document"
    for trigger in ("document_letter_unchanged", "document_content_once", "document_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}{on}")
    if not is_sqlite():
        op.execute("DROP FUNCTION IF EXISTS revdesk_letter_immutable()")
