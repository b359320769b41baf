"""statuses, kinds and stages as CHECK constraints: each column holds one of its enum's values

Issue 13: statuses and kinds were free strings. Each status, kind, stage and method
column is now mapped to a StrEnum (app.enums) and the database refuses any other text,
whoever writes the row (the batch runs, imports and demo data write rows straight through
the driver, past the ORM's own check). The values are exactly those the application has
written (see app.enums); they are frozen here as they were when this revision was written,
and tests/services/test_ledger_schema.py checks that the models still say the same (a new
value needs a new migration). `app_user.role` allows the roles' labels (app.users.roles).

Written as equalities (`status = 'open' OR status = 'closed'`), not `IN (...)`, which
SQLite re-evaluates slowly in a CHECK for every row inserted (see app.ledger.kinds).

A database holding a row with any other text (a hand-made repair, data loaded from another
system) is refused before anything is changed, with the number of rows per constraint and
the values found: they must be put right first.

SQLite cannot add a CHECK constraint to a table: batch mode copies each table, keeping its
triggers and planner statistics as migration 0011 does.

Revision ID: 0012
Revises: 0011
"""

from typing import Sequence, Union

from alembic import op

from app.adapters.schema_steps import add_checks, drop_checks, rows_breaking, tables_of

revision: str = "0012"
down_revision: Union[str, None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (table, column, allowed values): the constraint is ck_<table>_<column>.
ALLOWED = (
    ("account", "payment_method", ("cash", "dd")),
    ("account", "status", ("open", "closed")),
    ("app_user", "role", ("officer", "team_leader", "manager", "admin")),
    ("arrangement", "frequency", ("weekly", "fortnightly", "four-weekly", "monthly")),
    ("arrangement", "status", ("live", "broken", "completed", "cancelled")),
    ("batch_run", "kind", (
        "billing", "recovery", "arrangement_monitor", "dd_collection", "dd_post", "dd_returns", "import_properties",
        "import_accounts", "import_payments", "ea_returns",
    )),
    ("batch_run", "status", ("running", "completed", "cancelled")),
    ("dd_collection", "status", ("submitted", "collected", "returned")),
    ("dd_mandate", "status", ("active", "cancelled")),
    ("diary_entry", "status", ("open", "completed")),
    ("document", "kind", (
        "demand_notice", "amended_demand_notice", "reminder_1", "reminder_2", "final_notice", "summons",
        "attachment_of_earnings_order", "benefit_deduction_application", "arrangement_confirmation",
    )),
    ("enforcement_case", "kind", ("attachment_of_earnings", "benefit_deduction", "enforcement_agent")),
    ("enforcement_case", "status", ("open", "closed")),
    ("escalation", "reason", ("vulnerable", "complex", "write_off", "refund", "other")),
    ("escalation", "status", ("open", "approved", "rejected", "referred")),
    ("hold", "kind", (
        "breathing_space", "breathing_space_mental_health", "bankruptcy", "dro", "iva", "deceased", "dispute",
        "vulnerability_review", "arrangement",
    )),
    ("instalment_plan", "status", ("active", "superseded")),
    ("liability_discount", "kind", ("SPD", "ALL_DISREGARDED", "LONG_TERM_EMPTY", "SECOND_HOME")),
    ("liability_period", "liability_basis", ("resident",)),
    ("payment", "method", ("dd", "card", "bank", "cash", "cheque", "benefit_deduction", "aoe", "ea")),
    ("payment", "status", ("allocated", "suspense", "reversed")),
    ("recovery_event", "stage", (
        "reminder_1", "reminder_2", "final_notice", "summons", "liability_order", "withdrawn", "adjourned",
        "paid_before_hearing", "dd_returned",
    )),
    ("reduction_award", "kind", ("ctr", "s13a")),
    ("refund_request", "method", ("bank", "cheque", "card")),
    ("refund_request", "status", ("requested", "approved", "rejected")),
    ("write_off", "status", ("proposed", "approved", "rejected", "written_back")),
)
# (table, constraint name, condition), as migration 0011 lists its constraints.
CHECKS = tuple(
    (table, f"ck_{table}_{column}", " OR ".join(f"{column} = '{value}'" for value in values))
    for table, column, values in ALLOWED
)
_COLUMNS = {f"ck_{table}_{column}": column for table, column, _ in ALLOWED}
SHOW_VALUES = 5  # distinct offending values named per constraint in the refusal


def upgrade() -> None:
    _refuse_rows_that_break_the_checks()
    add_checks(CHECKS)


def downgrade() -> None:
    drop_checks(CHECKS)


def _refuse_rows_that_break_the_checks() -> None:
    """Count, one scan per table, the rows each constraint would refuse; stop before any
    change if there are some, naming the values found (on SQLite a failed copy half-way
    would leave its work table)."""
    bind = op.get_bind()
    broken: list[str] = []
    for table in tables_of(CHECKS):
        checks = [(name, condition) for t, name, condition in CHECKS if t == table]
        counts = rows_breaking(table, [c for _, c in checks])
        for (name, condition), count in zip(checks, counts):
            if not count:
                continue
            column = _COLUMNS[name]
            found = [repr(v) for (v,) in bind.exec_driver_sql(
                f"SELECT DISTINCT {column} FROM {table} WHERE NOT ({condition}) ORDER BY {column} LIMIT {SHOW_VALUES + 1}"
            )]
            more = ", ..." if len(found) > SHOW_VALUES else ""
            broken.append(f"{count} {table} row(s) break {name} ({table}.{column}: {', '.join(found[:SHOW_VALUES])}{more})")
    if broken:
        raise RuntimeError("The database holds rows the new constraints refuse (see migration 0012); put them "
                           "right and upgrade again: " + "; ".join(broken) + ".")
