"""Steps the migrations that add CHECK constraints share (0011, 0012).

Adding a CHECK constraint on SQLite means copying the table (Alembic's batch mode), and
the copy loses the old table's triggers and planner statistics; PostgreSQL alters in
place. These helpers are used by migrations that have already run on councils'
databases: change what they do only in a way that is right for every migration calling
them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from alembic import op
from alembic.operations import BatchOperations

# (table, constraint name, condition) — the form the migrations list their checks in.
Check = tuple[str, str, str]


def is_sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def tables_of(checks: Sequence[Check]) -> list[str]:
    """The tables the checks are on, each once, in the order first named."""
    return list(dict.fromkeys(table for table, _, _ in checks))


@contextmanager
def table_copied(table: str) -> Iterator[BatchOperations]:
    """`op.batch_alter_table`, keeping the table's triggers and statistics on SQLite (where
    batch mode copies the table and the old copy's triggers go with it); PostgreSQL alters
    in place. Triggers and statistics are put back only when the block succeeds."""
    triggers: list[str] = []
    analysed = False
    if is_sqlite():
        bind = op.get_bind()
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("Run this upgrade through `revdesk db upgrade` (SQLite foreign keys must be off "
                               "while batch mode copies a table).")
        triggers = [sql for (sql,) in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name", (table,)
        )]
        analysed = bool(bind.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).scalar()) and bool(bind.exec_driver_sql(
            "SELECT count(*) FROM sqlite_stat1 WHERE tbl = ?", (table,)
        ).scalar())
    with op.batch_alter_table(table) as batch_op:
        yield batch_op
    for sql in triggers:
        op.execute(sql)
    if analysed:  # without statistics the planner may pick other indexes (opening an account)
        op.execute(f"ANALYZE {table}")


def add_checks(checks: Sequence[Check]) -> None:
    """Create every check, one table copy per table."""
    for table in tables_of(checks):
        with table_copied(table) as batch_op:
            for _, name, condition in (c for c in checks if c[0] == table):
                batch_op.create_check_constraint(op.f(name), condition)


def drop_checks(checks: Sequence[Check]) -> None:
    for table in tables_of(checks):
        with table_copied(table) as batch_op:
            for _, name, _ in (c for c in checks if c[0] == table):
                batch_op.drop_constraint(op.f(name), type_="check")


def rows_breaking(table: str, conditions: Sequence[str]) -> list[int]:
    """How many of `table`'s rows each condition refuses, in one scan."""
    counts = op.get_bind().exec_driver_sql(
        "SELECT " + ", ".join(f"coalesce(sum(CASE WHEN NOT ({c}) THEN 1 ELSE 0 END), 0)" for c in conditions)
        + f" FROM {table}"
    ).one()
    return [int(n) for n in counts]
