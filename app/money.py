"""Money at the edges: parse pounds text into integer pence, format pence for people.

Inside the application money is always an `int` of pence. Floats never touch it: parsing
goes through `Decimal`, and amounts with more than two decimal places are refused rather
than rounded, because a silently rounded payment is a wrong payment.

`parse_pounds` is the one reader of amounts people type or files carry (command-line
options, CSV imports, the desktop's money fields). It takes plain decimals only, with
commas only between thousands, and refuses any one amount above `MAX_ITEM_PENCE`
(£10,000,000): no council tax payment, refund or debt comes near it, and an amount
beyond the database's integer columns must never reach them.
"""

import re
from decimal import Decimal

# Digits, or 1-3 digits then groups of three after commas; then an optional point and decimals.
_DIGITS = re.compile(r"(?=.*[0-9])(?:[0-9]*|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?")

MAX_ITEM_PENCE = 1_000_000_000  # £10,000,000: the most any one amount may be


class MoneyError(ValueError):
    """Text that is not an amount of money in pounds and pence."""


def parse_pounds(text: str, *, field: str = "the amount", max_pence: int = MAX_ITEM_PENCE) -> int:
    """`"1,234.56"`, `"£1,234.56"`, `"-5"`, `"(5.00)"` -> pence. Raises MoneyError, whose
    message is one sentence naming `field` ("the amount", "the payment's amount"); with
    `field=""` it starts with the text itself, for callers that name the field before it
    (a file's line and column, a command-line option).

    Refused: exponents (`1e3`), commas that do not separate thousands (`12,34`), other
    scripts' digits, more than two decimal places, and amounts above `max_pence` either
    way (`MAX_ITEM_PENCE` unless a caller asks for less).
    """
    raw = text.strip()
    if not raw:
        raise MoneyError(f"{_upper(field or 'an amount')} is required: enter an amount in pounds, such as 1234.56.")
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    if raw.startswith("-"):
        if negative:  # "(-5)": bracketed and signed is not a way of writing an amount
            raise MoneyError(_not_money(text, field))
        negative, raw = True, raw[1:].strip()
    raw = raw.removeprefix("£").strip()
    # ASCII digits, thousands commas and one point only: Decimal would also take "1e3",
    # "1_000", other scripts' digits and "1e999999" (which overflows).
    if not _DIGITS.fullmatch(raw):
        raise MoneyError(_not_money(text, field))
    value = Decimal(raw.replace(",", ""))
    pence = value * 100
    if pence != pence.to_integral_value():
        raise MoneyError(f"{_subject(text, field)} has more than two decimal places.")
    if pence > max_pence:
        raise MoneyError(f"{_subject(text, field)} is over {fmt(max_pence)}, the most one amount may be.")
    result = int(pence)
    return -result if negative else result


def _upper(field: str) -> str:
    return field[:1].upper() + field[1:]


def _subject(text: str, field: str) -> str:
    """"The amount '1e3'" (or "'1e3'" with no field): long text cut short."""
    shown = text.strip()
    shown = f"'{shown}'" if len(shown) <= 40 else f"'{shown[:40]}…'"
    return f"{_upper(field)} {shown}" if field else shown


def _not_money(text: str, field: str) -> str:
    if "," in text and _MISPLACED_COMMA.search(text):
        # "12,50": pence after a comma, as some keyboards and countries write them.
        return (f"{_subject(text, field)} is not an amount in pounds: a comma may only separate thousands "
                "(1,250.00); write pence after a point, such as 12.50.")
    return f"{_subject(text, field)} is not an amount in pounds: write plain figures, such as 1234.56 or £1,234.56."


# A comma with other than three digits after it: a decimal comma, not a thousands separator.
_MISPLACED_COMMA = re.compile(r",(?![0-9]{3}(?:[^0-9]|$))")


def fmt(pence: int) -> str:
    """123456 -> "£1,234.56"; -500 -> "-£5.00"."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rem:02d}"


def to_pounds_text(pence: int) -> str:
    """123456 -> "1234.56": plain, for CSV files."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rem:02d}"
