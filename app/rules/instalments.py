"""Statutory instalment schemes: AER 1992 (SI 1992/613) Schedule 1 Part I.

- Instalments are monthly, consecutive, on the same day of each month (para 1).
- Rounding (para 2(5)-(6)): if aggregate / n is a whole number of pounds all are equal;
  otherwise every instalment but the first is A = aggregate / n rounded to the nearest
  pound, and the first is B = aggregate - (n - 1) x A (larger or smaller than A).
- Small amounts, in the statute's order: para 2(5)-(6) first, for the number of
  instalments the notice allows; then para 2(7) ("If the calculation of instalments in
  accordance with sub-paragraph (6) would produce an amount for an instalment of less than
  £5, the demand notice may require that the ... second instalment shall be added to ...
  the first"); only if an instalment is *still* under £5 ("notwithstanding any adjustment
  of instalments made in accordance with paragraph 2(7)") does para 3 apply: under £10 in
  all, one instalment; otherwise as many monthly instalments as £5 goes into the aggregate,
  with para 2(5)-(7) applied to them again (para 3(3)).
The number of instalments for a bill issued mid-year is a separate decision
(`instalments_available`) because councils' defaults (10, or 12 on request) are settings.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

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


def _paragraph_2(aggregate_pence: int, count: int) -> list[int]:
    """Sch 1 para 2(5)-(7): equal whole pounds, or B then (n - 1) x A; a first instalment
    under £5 added to the second."""
    if aggregate_pence % (count * 100) == 0:
        return [aggregate_pence // count] * count
    # A = aggregate / n to the nearest whole pound (halves up), B = the rest.
    a = ((aggregate_pence * 2 + count * 100) // (count * 200)) * 100
    b = aggregate_pence - (count - 1) * a
    if b < MINIMUM_INSTALMENT_PENCE and count > 1:  # para 2(7)
        return [b + a] + [a] * (count - 2)
    return [b] + [a] * (count - 1)


def split_amounts(aggregate_pence: int, count: int) -> list[int]:
    """Schedule 1 para 2(5)-(7), then para 3 only where an instalment is still under £5
    (the module docstring). £49.90 in 10: para 2 gives £4.90 then 9 x £5, para 2(7) makes
    it £9.90 then 8 x £5, all £5 or more: nine instalments (para 3 first would have cut the
    number to nine before rounding, giving £6 instalments and, after 2(7), only eight)."""
    if count < 1:
        raise InstalmentError("There must be at least one instalment.")
    if aggregate_pence <= 0:
        return []
    amounts = _paragraph_2(aggregate_pence, count)
    if min(amounts) >= MINIMUM_INSTALMENT_PENCE:
        return amounts
    if aggregate_pence < 2 * MINIMUM_INSTALMENT_PENCE:  # para 3(1)(a)
        return [aggregate_pence]
    return _paragraph_2(aggregate_pence, aggregate_pence // MINIMUM_INSTALMENT_PENCE)  # para 3(1)(b), 3(3)


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


# --- How many instalments, from when: Schedule 1 para 1 and reg 21(1A)-(1D) -------------------


@dataclass(frozen=True)
class InstalmentPolicy:
    """The council's instalment settings (the law may make 12 the default: keep it a setting).

    - `ten_full_by`: a notice issued on or before this day of the year (30 April) gets the
      full 10 (Sch 1 para 1(1)); later, one less than the whole months left after issue.
    - `twelve_full_by`: a request for 12 gets all 12 if the notice is issued by 15 April
      (reg 21(1B)); later, as many as the whole months left after issue.
    - `notice_days`: the notice must be issued at least 14 days before the first
      instalment is due (reg 21(2)).
    - `single_after_december`: the authority asks for one instalment when the notice is
      issued after 31 December.
    """

    default_count: int = 10
    default_day: int = 1
    ten_full_by: tuple[int, int] = (4, 30)
    twelve_full_by: tuple[int, int] = (4, 15)
    notice_days: int = 14
    single_after_december: bool = False


def check_instalment_day(day: int) -> int:
    """Instalments fall on the same day each month: 1-28, so every month has it."""
    if not 1 <= day <= 28:
        raise InstalmentError(f"The instalment day must be from 1 to 28 (every month has it), not {day}.")
    return day


def check_instalment_count(count: int) -> int:
    if count not in (10, 12):
        raise InstalmentError(f"The instalment scheme is 10 or 12 monthly instalments, not {count}.")
    return count


def _whole_months_after(issued_on: date, year: int) -> int:
    """Whole calendar months left in financial year `year` after the month of `issued_on`."""
    if issued_on < date(year, 4, 1):
        return 12
    months_into = (issued_on.year - year) * 12 + issued_on.month - 4  # April = 0
    return max(0, 11 - months_into)


def instalments_allowed(issued_on: date, year: int, requested: int, policy: InstalmentPolicy) -> int:
    """Sch 1 para 1 / reg 21(1A)-(1D): the number of instalments a notice issued on `issued_on` may give."""
    check_instalment_count(requested)
    if policy.single_after_december and issued_on > date(year, 12, 31):
        return 1
    months_left = _whole_months_after(issued_on, year)
    if requested == 12:
        full = issued_on <= date(year, *policy.twelve_full_by)
        return 12 if full else max(1, months_left)
    full = issued_on <= date(year, *policy.ten_full_by)
    return 10 if full else max(1, months_left - 1)


def first_due_date(issued_on: date, year: int, day: int, policy: InstalmentPolicy) -> date:
    """The first instalment day at least `notice_days` after issue, and not before the year starts."""
    earliest = max(issued_on + timedelta(days=policy.notice_days), date(year, 4, 1))
    candidate = date(earliest.year, earliest.month, day)
    return candidate if candidate >= earliest else add_months(candidate, 1)


def _months_until_year_end(first: date, year: int) -> int:
    return max(0, (year + 1 - first.year) * 12 + 3 - first.month + 1)


def bill_schedule(
    aggregate_pence: int, issued_on: date, year: int, requested: int, day: int, policy: InstalmentPolicy
) -> list[DueInstalment]:
    """The plan on a (first) demand notice for `year` issued on `issued_on`.

    The number of instalments is fixed by Sch 1 para 2(3) and (3A) (`instalments_allowed`),
    not by the instalment day: "where the notice is issued before the beginning of the
    relevant year or ... ending on 15th April ..., shall be 12". When the first instalment
    day at least `notice_days` after the notice (reg 21(2)) leaves too few months in the
    year — 12 asked for on a notice of 20 March with the instalment day the 1st: 3 April is
    the earliest, so 1 May, and only 11 months remain — the first instalment moves to the
    earliest lawful day (3 April) and the rest stay on the instalment day, so the number
    the statute fixes is kept. (Refusing would leave the account unbilled in an annual run;
    silently giving 11 broke para 2(3A).)
    """
    check_instalment_day(day)
    count = instalments_allowed(issued_on, year, requested, policy)
    first = first_due_date(issued_on, year, day, policy)
    if _months_until_year_end(first, year) < count:
        earliest = max(issued_on + timedelta(days=policy.notice_days), date(year, 4, 1))
        if earliest < first and _months_until_year_end(earliest, year) >= count:
            amounts = split_amounts(aggregate_pence, count)
            dates = [earliest] + [add_months(date(earliest.year, earliest.month, day), k) for k in range(1, len(amounts))]
            return [DueInstalment(d, a) for d, a in zip(dates, amounts, strict=True)]
    count = max(1, min(count, _months_until_year_end(first, year)))
    return schedule(aggregate_pence, count, first)


def reprofile(
    net_pence: int,
    paid_pence: int,
    previous: list[DueInstalment],
    issued_on: date,
    year: int,
    day: int,
    policy: InstalmentPolicy,
    requested: int = 10,
) -> list[DueInstalment]:
    """The plan on an amended notice after the charge changed (Sch 1 Part I para 10, as
    amended by SI 1995/22).

    Only the *remaining* instalments are adjusted. SI 1995/22's note: "where a billing
    authority revises its estimate of a person's council tax liability, it shall, in
    adjusting the remaining instalments, take into account any amounts paid before the day
    on which the adjustment takes effect which were due to be paid after that day."

    * Instalments falling due before the adjustment takes effect (issue + `notice_days`)
      **stay due in full, paid or not**: arrears and any reminder on them survive the
      change (never more in all than the new charge: then the earliest stand, up to it).
    * The remaining dates share what is left of the charge after those instalments and
      after anything paid in advance of later ones, by the para 2 rounding.
    * The plan still adds up to the charge, so recovery can compare what has fallen due
      with what has been paid: a payment in advance sits on the first remaining date, on
      top of its share (that date then shows as partly paid).
    * With nothing left to pay (a credit) there are no further instalments; with no dates
      left, the rest is due in one instalment after the notice period.

    Example (the audit's): 10 x £150 from April, only April paid, charge revised to
    £1,200 on 10 July: April-July (£600) stand, May-July (£450) stay in arrears; August to
    January share £1,200 - £600 = £600.
    """
    check_instalment_day(day)
    earliest = issued_on + timedelta(days=policy.notice_days)
    past = [i for i in previous if i.due < earliest]
    standing = allocate_paid([i.amount_pence for i in past], max(net_pence, 0))
    kept = [DueInstalment(i.due, amount) for i, amount in zip(past, standing, strict=True) if amount > 0]
    due_before = sum(standing)
    advance = max(0, paid_pence - due_before)  # paid towards instalments not yet due
    to_pay = net_pence - due_before - advance
    if to_pay <= 0:
        return kept
    if not previous:
        rest = bill_schedule(to_pay, issued_on, year, requested, day, policy)
    else:
        future_dates = [i.due for i in previous if i.due >= earliest]
        if not future_dates:
            future_dates = [first_due_date(issued_on, year, day, policy) if issued_on < date(year + 1, 3, 1) else earliest]
        amounts = split_amounts(to_pay, len(future_dates))
        rest = [DueInstalment(d, a) for d, a in zip(future_dates, amounts, strict=False)]
    if advance:
        rest[0] = DueInstalment(rest[0].due, rest[0].amount_pence + advance)
    return kept + rest
