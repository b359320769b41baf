"""Instalment schemes: AER 1992 (SI 1992/613) Schedule 1 Part I, worked examples from
../shared/domain/README.md §2."""

from datetime import date

import pytest

from app.rules.instalments import (
    DueInstalment,
    InstalmentError,
    InstalmentPolicy,
    add_months,
    allocate_paid,
    bill_schedule,
    check_instalment_day,
    first_due_date,
    instalments_allowed,
    reprofile,
    schedule,
    split_amounts,
)


def test_whole_pounds_are_equal() -> None:
    # Sch 1 para 2(5): £1,500.00 / 10 -> 10 x £150
    assert split_amounts(150000, 10) == [15000] * 10


def test_rounding_difference_in_first_instalment() -> None:
    # Sch 1 para 2(6): £1,234.56 / 10 = 123.456 -> A = £123, first = 1,234.56 - 9 x 123 = £127.56
    assert split_amounts(123456, 10) == [12756] + [12300] * 9


def test_first_instalment_may_be_smaller() -> None:
    # £1,195.00 / 10 = 119.50 -> A = £120 (nearest pound), first = 1,195 - 1,080 = £115
    amounts = split_amounts(119500, 10)
    assert amounts == [11500] + [12000] * 9
    assert sum(amounts) == 119500


def test_small_totals() -> None:
    # Sch 1 para 3: under £10 in all -> one instalment; otherwise instalments of at least £5
    assert split_amounts(950, 10) == [950]
    amounts = split_amounts(2000, 10)
    assert amounts == [500] * 4
    assert all(a >= 500 for a in split_amounts(2730, 10))


def test_dates_are_consecutive_months_same_day() -> None:
    plan = schedule(123456, 10, date(2025, 4, 1))
    assert [i.due for i in plan][:3] == [date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)]
    assert plan[-1].due == date(2026, 1, 1)
    assert sum(i.amount_pence for i in plan) == 123456


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_allocate_paid_earliest_first() -> None:
    assert allocate_paid([12756, 12300, 12300], 20000) == [12756, 7244, 0]
    assert allocate_paid([100, 100], -50) == [0, 0]


# --- number of instalments and first date: Sch 1 para 1, reg 21(1A)-(1D), reg 21(2) ---------------

POLICY = InstalmentPolicy()


def test_annual_bill_before_the_year_gets_ten_or_twelve_on_request() -> None:
    # Sch 1 para 1(1): notice issued before the year -> 10; reg 21(1B): 12 on request by 15 April
    assert instalments_allowed(date(2026, 3, 10), 2026, 10, POLICY) == 10
    assert instalments_allowed(date(2026, 3, 10), 2026, 12, POLICY) == 12
    assert instalments_allowed(date(2026, 4, 30), 2026, 10, POLICY) == 10


def test_mid_year_notice_gets_one_less_than_the_whole_months_left() -> None:
    # issued 17 June 2026: July..March = 9 whole months left -> 8 (10-scheme) or 9 (12-scheme)
    assert instalments_allowed(date(2026, 6, 17), 2026, 10, POLICY) == 8
    assert instalments_allowed(date(2026, 6, 17), 2026, 12, POLICY) == 9
    # a request for 12 after 15 April: by whole months left (May..March = 11)
    assert instalments_allowed(date(2026, 4, 20), 2026, 12, POLICY) == 11
    # late in the year there is at least one
    assert instalments_allowed(date(2027, 3, 5), 2026, 10, POLICY) == 1


def test_single_instalment_after_december_when_the_council_asks() -> None:
    policy = InstalmentPolicy(single_after_december=True)
    assert instalments_allowed(date(2027, 1, 4), 2026, 10, policy) == 1


def test_first_instalment_at_least_fourteen_days_after_the_notice() -> None:
    # reg 21(2): issued 17 June -> 1 July is exactly 14 days later; issued 20 June -> 1 August
    assert first_due_date(date(2026, 6, 17), 2026, 1, POLICY) == date(2026, 7, 1)
    assert first_due_date(date(2026, 6, 20), 2026, 1, POLICY) == date(2026, 8, 1)
    assert first_due_date(date(2026, 3, 10), 2026, 15, POLICY) == date(2026, 4, 15)


def test_bill_schedule_mid_year() -> None:
    plan = bill_schedule(165699, date(2026, 6, 17), 2026, 10, 1, POLICY)
    assert plan[0].due == date(2026, 7, 1) and len(plan) == 8
    assert plan[-1].due == date(2027, 2, 1)
    assert sum(i.amount_pence for i in plan) == 165699
    assert plan[1].amount_pence == 20700  # 1656.99 / 8 = 207.12 -> £207, first carries the rest


def test_instalment_day_31_is_refused() -> None:
    with pytest.raises(InstalmentError, match="1 to 28"):
        check_instalment_day(31)


def test_reprofile_spreads_the_new_balance_over_the_instalments_left() -> None:
    # Sch 1 para 2 (as amended 1995): £1,200 in 10 x £120 from 1 April; two paid (£240);
    # on 20 June the charge falls to £1,000: instalments from 1 July on share 1,000 - 240 = £760.
    previous = [DueInstalment(d.due, 12000) for d in bill_schedule(120000, date(2026, 3, 10), 2026, 10, 1, POLICY)]
    plan = reprofile(100000, 24000, previous, date(2026, 6, 15), 2026, 1, POLICY)
    assert [(i.due, i.amount_pence) for i in plan[:2]] == [(date(2026, 4, 1), 12000), (date(2026, 5, 1), 12000)]
    # the June instalment was missed: it falls away; July..January (7) share £760: A = £109, first £106
    rest = plan[2:]
    assert rest[0].due == date(2026, 7, 1) and len(rest) == 7
    assert [i.amount_pence for i in rest] == [10600] + [10900] * 6
    assert sum(i.amount_pence for i in plan) == 100000


def test_reprofile_with_a_credit_leaves_no_further_instalments() -> None:
    previous = [DueInstalment(date(2026, 4, 1), 60000), DueInstalment(date(2026, 5, 1), 60000)]
    plan = reprofile(50000, 60000, previous, date(2026, 4, 20), 2026, 1, POLICY)
    assert plan == [DueInstalment(date(2026, 4, 1), 60000)]


def test_reprofile_when_no_dates_are_left_asks_for_one_payment() -> None:
    previous = [DueInstalment(date(2026, 4, 1), 60000)]
    plan = reprofile(90000, 60000, previous, date(2026, 11, 23), 2026, 1, POLICY)
    assert plan[-1] == DueInstalment(date(2027, 1, 1), 30000)
