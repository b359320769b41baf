"""Money at the edges: parse pounds text into integer pence, format pence for people.

Inside the application money is always an `int` of pence. Floats never touch it: parsing
goes through `Decimal`, and amounts with more than two decimal places are refused rather
than rounded, because a silently rounded payment is a wrong payment.
"""

import re
from decimal import Decimal

_DIGITS = re.compile(r"(?=.*[0-9])[0-9,]*(?:\.[0-9]*)?")


class MoneyError(ValueError):
    """Text that is not an amount of money in pounds and pence."""


def parse_pounds(text: str) -> int:
    """`"1,234.56"`, `"£1,234.56"`, `"-5"`, `"(5.00)"` -> pence. Raises MoneyError."""
    raw = text.strip()
    if not raw:
        raise MoneyError("no amount given")
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    if raw.startswith("-"):
        if negative:  # "(-5)": bracketed and signed is not a way of writing an amount
            raise MoneyError(f"'{text}' is not an amount in pounds")
        negative, raw = True, raw[1:].strip()
    raw = raw.removeprefix("£").strip()
    # ASCII digits, thousands commas and one point only: Decimal would also take "1e3",
    # "1_000", other scripts' digits and "1e999999" (which overflows).
    if not _DIGITS.fullmatch(raw):
        raise MoneyError(f"'{text}' is not an amount in pounds")
    value = Decimal(raw.replace(",", ""))
    pence = value * 100
    if pence != pence.to_integral_value():
        raise MoneyError(f"'{text}' has more than two decimal places")
    result = int(pence)
    return -result if negative else result


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
