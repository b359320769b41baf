"""The window of dates people and files may give (app/dates.py): 1 April 1993, when council
tax began, to ten years after today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dates import EARLIEST, DateOutOfRange, check_date, latest, out_of_range

TODAY = date(2026, 12, 3)


def test_the_window_and_its_edges() -> None:
    assert latest(TODAY) == date(2036, 12, 3)
    assert latest(date(2028, 2, 29)) == date(2038, 2, 28)
    assert check_date(EARLIEST, today=TODAY) == EARLIEST
    assert check_date(date(2036, 12, 3), today=TODAY) == date(2036, 12, 3)
    assert out_of_range(date(1993, 3, 31), today=TODAY, field="the payment date") == (
        "The payment date 31/03/1993 is before 1 April 1993, when council tax began.")
    assert out_of_range(date(2036, 12, 4), today=TODAY, field="--as-of") == (
        "--as-of 04/12/2036 is more than 10 years ahead: the latest date accepted is 03/12/2036.")


@pytest.mark.parametrize("value", [date.min, date(1, 1, 1), date.max, date(9999, 12, 31)])
def test_extremes_are_refused_in_a_sentence_not_an_overflow(value: date) -> None:
    with pytest.raises(DateOutOfRange) as err:
        check_date(value, today=TODAY, field="the as-of date")
    assert str(err.value).startswith("The as-of date ") and str(err.value).endswith(".")


@given(st.dates(), st.dates(min_value=date(1993, 4, 1), max_value=date(9989, 1, 1)))
def test_a_date_is_accepted_exactly_when_it_lies_in_the_window(value: date, today: date) -> None:
    inside = EARLIEST <= value <= latest(today)
    assert (out_of_range(value, today=today) is None) == inside
    assert timedelta(days=3650) <= latest(today) - today <= timedelta(days=3653)  # ten years, leap days and all
