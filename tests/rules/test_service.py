"""Service of a posted summons and the earliest hearing: AER 1992 (SI 1992/613) reg 35(2A)
("No liability order shall be made ... unless 14 days have elapsed since the day on which
the summons was served"), reg 35(2)(c) (service by post), reg 1(2) ("business day"),
Interpretation Act 1978 s7 (deemed delivery in the ordinary course of post; two business
days for first-class post, as councils and CPR 6.26 count it)."""

from datetime import date

import pytest

from app.rules.service import add_business_days, deemed_service, earliest_hearing

SPRING_2025 = (date(2025, 5, 26),)  # spring bank holiday


def test_posted_on_a_monday_is_served_on_the_wednesday() -> None:
    assert deemed_service(date(2025, 6, 30), 2, ()) == date(2025, 7, 2)


def test_weekends_and_bank_holidays_are_not_business_days() -> None:
    # posted Friday 23 May 2025: Saturday, Sunday and the Monday bank holiday do not count
    assert deemed_service(date(2025, 5, 23), 2, SPRING_2025) == date(2025, 5, 28)
    assert deemed_service(date(2025, 5, 23), 2, ()) == date(2025, 5, 27)


def test_fourteen_whole_days_must_elapse_after_the_day_of_service() -> None:
    # posted Monday 30 June 2025, served Wednesday 2 July; 3-16 July are the 14 days:
    # 17 July is the first day a liability order may be made
    assert earliest_hearing(date(2025, 6, 30), 2, 14, ()) == date(2025, 7, 17)
    # served by hand on the day (no allowance for post): 14 days from 1 July
    assert earliest_hearing(date(2025, 7, 1), 0, 14, ()) == date(2025, 7, 16)


def test_no_days_is_the_same_day_and_negative_is_refused() -> None:
    assert add_business_days(date(2025, 7, 5), 0, ()) == date(2025, 7, 5)
    with pytest.raises(ValueError):
        add_business_days(date(2025, 7, 5), -1, ())
