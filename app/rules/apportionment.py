"""Daily apportionment of a year's charge (LGFA 1992 s2: liability is determined day by day).

Financial year Y runs 1 April Y to 31 March Y+1; it has 366 days when it contains 29
February. A part-year charge = annual amount x days liable / days in the year.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from app.rules.bands import round_pence


def financial_year_of(day: date) -> int:
    """The financial year a date falls in: 2025-04-01 .. 2026-03-31 -> 2025."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    """2025 -> "2025/26", as councils write a financial year."""
    return f"{year}/{(year + 1) % 100:02d}"


def year_start(year: int) -> date:
    return date(year, 4, 1)


def year_end(year: int) -> date:
    return date(year + 1, 3, 31)


def days_in_year(year: int) -> int:
    return (year_end(year) - year_start(year)).days + 1


def overlap_days(start: date, end: date | None, from_day: date, to_day: date) -> int:
    """Days (inclusive) that [start, end] shares with [from_day, to_day]; end None = open."""
    first = max(start, from_day)
    last = min(end or to_day, to_day)
    return max(0, (last - first).days + 1)


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two inclusive date ranges share a day (an end of None = open-ended)."""
    return a_start <= (b_end or date.max) and b_start <= (a_end or date.max)


def days_liable_in_year(start: date, end: date | None, year: int) -> int:
    return overlap_days(start, end, year_start(year), year_end(year))


def apportion_pence(annual_pence: int, days: int, year: int) -> int:
    """annual x days / days in the year, to the nearest penny."""
    return round_pence(Fraction(annual_pence * days, days_in_year(year)))


def years_spanned(start: date, end: date | None, until: date) -> list[int]:
    """The financial years a period touches, up to `until` for an open-ended period."""
    last = end or until
    if last < start:
        return []
    return list(range(financial_year_of(start), financial_year_of(last) + 1))
