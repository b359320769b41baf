"""Turning concurrent edits into one clear `Conflict` for the officer.

Versioned records (see `app.models.base.Versioned`) raise StaleDataError when someone else
saved first; unique keys raise IntegrityError when two people create the same thing at
once. Either way nothing is saved and the officer is told to reload and try again. The
unit of work does this for every use case (`app.db.as_conflict`); `saving` names the
record in the sentence. Any other IntegrityError (a CHECK constraint, a foreign key) is a
fault, not a race, and is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from app.db import UnitOfWork, as_conflict


@contextmanager
def saving(uow: UnitOfWork, what: str) -> Iterator[None]:
    """Wrap a flush or commit: a concurrent change rolls back and raises Conflict naming `what`."""
    try:
        yield
    except (StaleDataError, DBAPIError) as exc:
        conflict = as_conflict(exc, what)
        if conflict is None:
            raise
        uow.rollback()
        raise conflict from exc
