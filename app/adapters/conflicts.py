"""Turning concurrent edits into one clear `Conflict` for the officer.

Versioned records (see `app.models.base.Versioned`) raise StaleDataError when someone else
saved first; unique keys raise IntegrityError when two people create the same thing at
once. Either way nothing is saved and the officer is told to reload and try again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.db import UnitOfWork
from app.errors import Conflict


@contextmanager
def saving(uow: UnitOfWork, what: str) -> Iterator[None]:
    """Wrap a flush or commit: a concurrent change rolls back and raises Conflict naming `what`."""
    try:
        yield
    except StaleDataError:
        uow.rollback()
        raise Conflict(
            f"{what} was changed by someone else since you opened it; nothing was saved: reload it and try again."
        ) from None
    except IntegrityError:
        uow.rollback()
        raise Conflict(f"{what} was saved by someone else at the same moment; nothing was saved: reload and try again.") from None
