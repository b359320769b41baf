"""The one place that reads the wall clock, for audit timestamps and run records.

Business rules never call this: they take `as_of` from the UI/CLI edge.
"""

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)  # clock-ok: audit and run timestamps


def today() -> date:
    """Only for the UI/CLI edge, which supplies `as_of` to services."""
    return date.today()  # clock-ok: the edge supplies as_of
