"""Instalment schemes: AER 1992 (SI 1992/613) Schedule 1 Part I, worked examples from
../shared/domain/README.md §2."""

from datetime import date

from app.rules.instalments import add_months, allocate_paid, schedule, split_amounts


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
