"""Statutory instalment schemes: AER 1992 (SI 1992/613) Schedule 1 Part I.

- Instalments are monthly, consecutive, on the same day of each month (para 1).
- Rounding (para 2(5)-(6)): if aggregate / n is a whole number of pounds all are equal;
  otherwise every instalment but the first is A = aggregate / n rounded to the nearest
  pound, and the first is B = aggregate - (n - 1) x A (larger or smaller than A).
- Small amounts (para 2(7), para 3): if A would be under £5, the aggregate is split into as
  many instalments of £5 or more as fit; under £10 in all, one instalment. If the first
  instalment B would be under £5, it is merged with the second.
The number of instalments for a bill issued mid-year is a separate decision
(`instalments_available`) because councils' defaults (10, or 12 on request) are settings.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

MINIMUM_INSTALMENT_PENCE = 500


class InstalmentError(ValueError):
    pass


@dataclass(frozen=True)
class DueInstalment:
    due: date
    amount_pence: int


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day, e.g. 31 Jan -> 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_amounts(aggregate_pence: int, count: int) -> list[int]:
    """Schedule 1 para 2(5)-(6) and 3: instalment amounts, first instalment carrying the difference."""
    if count < 1:
        raise InstalmentError("There must be at least one instalment.")
    if aggregate_pence <= 0:
        return []
    if aggregate_pence < 2 * MINIMUM_INSTALMENT_PENCE:
        return [aggregate_pence]
    count = min(count, aggregate_pence // MINIMUM_INSTALMENT_PENCE)
    if aggregate_pence % (count * 100) == 0:
        return [aggregate_pence // count] * count
    # A = aggregate / n to the nearest whole pound (halves up), B = the rest.
    a = ((aggregate_pence * 2 + count * 100) // (count * 200)) * 100
    b = aggregate_pence - (count - 1) * a
    amounts = [b] + [a] * (count - 1)
    if b < MINIMUM_INSTALMENT_PENCE and count > 1:
        amounts = [b + a] + [a] * (count - 2)
    return amounts


def schedule(aggregate_pence: int, count: int, first_due: date) -> list[DueInstalment]:
    """The statutory plan: amounts by `split_amounts`, monthly from `first_due`."""
    amounts = split_amounts(aggregate_pence, count)
    return [DueInstalment(add_months(first_due, i), amt) for i, amt in enumerate(amounts)]


def allocate_paid(amounts: list[int], paid_pence: int) -> list[int]:
    """How much of each instalment `paid_pence` covers, earliest first."""
    result: list[int] = []
    left = max(paid_pence, 0)
    for amount in amounts:
        part = min(amount, left)
        result.append(part)
        left -= part
    return result
