"""When a posted document counts as served, and so the earliest hearing a summons may go to.

* Council Tax (Administration and Enforcement) Regulations 1992 (SI 1992/613) reg 35(2A):
  "No liability order shall be made in pursuance of a summons issued under regulation 34(2)
  unless 14 days have elapsed since the day on which the summons was served." The count
  runs from **service**, not issue, and the day of service is not one of the 14: a summons
  served on 1 July has had 14 days elapse at the end of 15 July, so 16 July is the first
  hearing it may go to (14 clear days; the conservative reading — a hearing one day later
  is never unlawful, one day earlier may be).
* Reg 35(2)(c) lets a summons be served by post; Interpretation Act 1978 s7: service by post
  "is deemed to be effected ... at the time at which the letter would be delivered in the
  ordinary course of post". Councils (and the courts, CPR 6.26 for first-class post) take
  that as the **second business day after posting**; the allowance is a setting
  (`[recovery] service_days`) because it depends on how the council posts.
* "Business day" as in reg 1(2) of the 1992 Regulations: any day except a Saturday or
  Sunday, Christmas Day, Good Friday or a bank holiday in England and Wales (the council's
  list: `[recovery] bank_holidays`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

STATUTORY_HEARING_LEAD_DAYS = 14  # reg 35(2A): settings may ask for more, never fewer


def is_business_day(day: date, holidays: Collection[date]) -> bool:
    """Reg 1(2): not a Saturday or Sunday, and not in the council's list of holidays."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(day: date, count: int, holidays: Collection[date]) -> date:
    """The `count`th business day after `day` (`day` itself when `count` is 0)."""
    if count < 0:
        raise ValueError("count must be 0 or more")
    while count:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            count -= 1
    return day


def deemed_service(posted: date, service_days: int, holidays: Collection[date]) -> date:
    """The day a document posted on `posted` is served (Interpretation Act 1978 s7):
    `service_days` business days later (2 for first-class post)."""
    return add_business_days(posted, service_days, holidays)


def earliest_hearing(issued: date, service_days: int, lead_days: int, holidays: Collection[date]) -> date:
    """The first day a summons posted on `issued` may be heard (reg 35(2A)): `lead_days`
    whole days after the day it is served, the day of service not counted."""
    return deemed_service(issued, service_days, holidays) + timedelta(days=lead_days + 1)
