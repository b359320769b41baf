"""Daily basis: LGFA 1992 s2 (liability determined day by day); part-year charge =
annual x days liable / days in the financial year (365 or 366) — ../shared/domain §1."""

from datetime import date

from app.rules.apportionment import (
    apportion_pence,
    days_in_year,
    days_liable_in_year,
    financial_year_of,
    overlap_days,
    years_spanned,
)


def test_financial_year_boundaries() -> None:
    assert financial_year_of(date(2025, 4, 1)) == 2025
    assert financial_year_of(date(2026, 3, 31)) == 2025
    assert financial_year_of(date(2026, 4, 1)) == 2026


def test_leap_years() -> None:
    assert days_in_year(2023) == 366  # contains 29 February 2024
    assert days_in_year(2025) == 365
    assert days_in_year(2027) == 366  # contains 29 February 2028


def test_move_in_on_the_17th() -> None:
    # Moved in 17 October 2025: liable 17/10/2025-31/03/2026 = 166 days of 365.
    days = days_liable_in_year(date(2025, 10, 17), None, 2025)
    assert days == 166
    # Band B at £2,100.00 Band D: 1,633.33 x 166 / 365 = 742.83 (742.8277)
    assert apportion_pence(163333, days, 2025) == 74283


def test_move_out_counts_the_last_day() -> None:
    assert days_liable_in_year(date(2025, 4, 1), date(2025, 9, 30), 2025) == 183
    assert overlap_days(date(2025, 4, 1), date(2025, 4, 1), date(2025, 4, 1), date(2026, 3, 31)) == 1


def test_full_year_is_the_annual_amount() -> None:
    assert apportion_pence(210000, days_in_year(2025), 2025) == 210000


def test_years_spanned() -> None:
    assert years_spanned(date(2024, 10, 1), None, date(2026, 5, 1)) == [2024, 2025, 2026]
    assert years_spanned(date(2025, 5, 1), date(2025, 4, 1), date(2026, 5, 1)) == []


def test_periods_overlap_inclusive_and_open_ended() -> None:
    from app.rules.apportionment import periods_overlap

    assert periods_overlap(date(2025, 4, 1), date(2025, 6, 30), date(2025, 6, 30), None)  # share the 30th
    assert not periods_overlap(date(2025, 4, 1), date(2025, 6, 29), date(2025, 6, 30), None)
    assert periods_overlap(date(2020, 1, 1), None, date(2025, 1, 1), date(2025, 1, 1))
