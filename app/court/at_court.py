"""The office's warning before it changes a case that is at court.

While a court pack is out, the officer at court may record an outcome, an arrangement or a
hold on any of its accounts; a change made meanwhile in the office on the same account is
the usual cause of a sync conflict. So the office is asked to confirm such a change: the
one command layer (`Application`) refuses it with `AtCourt` ("at court until ... (pack made
by ...)") unless it is run inside `confirmed_at_court()`: the command line's
`--confirm-at-court`, or the desktop's "Change anyway?" after it showed the sentence.

A context variable rather than a field on every request: one check in one place, for every
use case, now and later. It is set on the thread that runs the request (the desktop's
worker sets it around the work it runs), so it never leaks from one save to another.

What sync applies anyway needs no confirmation (`NO_CONFIRMATION`): a payment is money
received, a note only adds to the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TypeVar

from app.errors import Conflict

T = TypeVar("T")

NO_CONFIRMATION = ("payments.post_payment", "casework.add_note")
_CONFIRMED: ContextVar[bool] = ContextVar("confirmed_at_court", default=False)


class AtCourt(Conflict):
    """The account is in an open court pack's lease; the change needs confirming."""

    def __init__(self, what: str, until: date, packed_by: str, hint: str = "confirm it only if it cannot wait") -> None:
        """`what`: "Account 70000001", or "The list for the hearing on 12/08/2025"; `hint`: how
        to confirm, where the caller knows (the command line's flag)."""
        super().__init__(
            f"{what} is at court until {until:%d/%m/%Y} (pack made by {packed_by}): what is recorded at court "
            f"will be synced after this change, so {hint}."
        )
        self.what, self.until, self.packed_by = what, until, packed_by


@contextmanager
def confirmed_at_court(confirmed: bool = True) -> Iterator[None]:
    """Changes made inside this block go ahead on accounts at court (the officer confirmed)."""
    token = _CONFIRMED.set(confirmed)
    try:
        yield
    finally:
        _CONFIRMED.reset(token)


def run_confirmed(work: Callable[[], T]) -> T:
    """`work()` with the change confirmed (the desktop's retry after "Change anyway?")."""
    with confirmed_at_court():
        return work()


def is_confirmed() -> bool:
    return _CONFIRMED.get()
