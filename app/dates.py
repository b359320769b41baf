"""The window of dates a person or a file may give the application: the one place it is set.

Council tax began on 1 April 1993 (Local Government Finance Act 1992), so no payment,
liability, hearing or as-of date can sensibly lie before it; and nothing an officer
records lies more than ten years after today (a plan, a hold or an adjournment runs for
months, not decades). A date outside the window is a typing or file error: refused at the
edge with a sentence naming the field, before anything is written and before a date such as
9999-12-31 can overflow date arithmetic deeper in.

Pure: no database, no Qt, no clock. The caller (command line, import, desktop, the
application layer) says what today is.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(1993, 4, 1)  # council tax began
YEARS_AHEAD = 10


class DateOutOfRange(ValueError):
    """A date outside the window; `str()` is one sentence naming the field."""


def latest(today: date) -> date:
    """Ten years after `today` (28 February for a 29 February today)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def uk(value: date) -> str:
    """23/11/2026, with the year in four figures even for year 1 (strftime does not pad it)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def out_of_range(value: date, *, today: date, field: str = "") -> str | None:
    """Why `value` is outside the window, as one sentence naming `field` ("the payment date",
    "--as-of"); None when it is inside. With `field=""` the sentence starts with the date."""
    last = latest(today)
    if EARLIEST <= value <= last:  # the usual case, checked for every row of an import: no sentence built
        return None
    subject = f"{field[:1].upper()}{field[1:]} {uk(value)}" if field else uk(value)
    if value < EARLIEST:
        return f"{subject} is before 1 April 1993, when council tax began."
    return f"{subject} is more than {YEARS_AHEAD} years ahead: the latest date accepted is {uk(last)}."


def check_date(value: date, *, today: date, field: str = "") -> date:
    """`value` if it is inside the window; else DateOutOfRange with the sentence."""
    reason = out_of_range(value, today=today, field=field)
    if reason is not None:
        raise DateOutOfRange(reason)
    return value
