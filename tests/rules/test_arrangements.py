"""Payment arrangements: schedules, affordability (Standard Financial Statement) and default
detection. Arrangements are council practice, not statute (../shared/domain/README.md §8:
affordable arrangements assessed with the Standard Financial Statement, recovery held
meanwhile); the monthly dates follow the statutory instalments' "same day each month"
(§2, AER 1992 Sch 1 para 1) with the same clamping as app.rules.instalments.add_months."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from app.rules.arrangements import (
    ArrangementError,
    ArrangementPolicy,
    assess,
    check_payments,
    clears_by,
    make_schedule,
    monthly,
    per_period,
    schedule_by_amount,
    schedule_to_end,
    warnings_for,
)
from app.rules.instalments import DueInstalment


def amounts(schedule: list[DueInstalment]) -> list[int]:
    return [i.amount_pence for i in schedule]


# --- schedules ------------------------------------------------------------------------------


def test_equal_monthly_payments_to_an_end_date() -> None:
    # £1,000.00 from 1 June 2025 to 1 March 2026: 10 monthly payments of £100.00.
    plan = schedule_to_end(100000, "monthly", date(2025, 6, 1), date(2026, 3, 1))
    assert amounts(plan) == [10000] * 10
    assert plan[0].due == date(2025, 6, 1) and clears_by(plan) == date(2026, 3, 1)


def test_the_remainder_goes_on_the_last_payment() -> None:
    # £1,234.56 over 10 months: 1,234.56 / 10 = 123.456 -> nine of £123.45 and the last
    # £123.45 + 6p = £123.51 (the documented choice: the LAST payment carries the difference,
    # unlike Schedule 1's statutory instalments where it is the first).
    plan = schedule_to_end(123456, "monthly", date(2025, 6, 1), date(2026, 3, 20))
    assert amounts(plan) == [12345] * 9 + [12351]
    assert sum(amounts(plan)) == 123456


def test_an_offered_amount_takes_as_many_payments_as_needed() -> None:
    # £250.00 at £30 a week from Monday 2 June 2025: eight of £30 and a last of £10.
    plan = schedule_by_amount(25000, "weekly", date(2025, 6, 2), 3000)
    assert amounts(plan) == [3000] * 8 + [1000]
    assert [i.due for i in plan[:3]] == [date(2025, 6, 2), date(2025, 6, 9), date(2025, 6, 16)]
    assert clears_by(plan) == date(2025, 7, 28)
    # exactly divisible: no odd last payment
    assert amounts(schedule_by_amount(9000, "fortnightly", date(2025, 6, 2), 3000)) == [3000] * 3


def test_fortnightly_and_four_weekly_dates() -> None:
    plan = schedule_to_end(10000, "fortnightly", date(2025, 6, 6), date(2025, 7, 18))
    assert [i.due for i in plan] == [date(2025, 6, 6), date(2025, 6, 20), date(2025, 7, 4), date(2025, 7, 18)]
    assert amounts(plan) == [2500] * 4
    plan = schedule_to_end(10000, "four-weekly", date(2025, 6, 6), date(2025, 8, 28))
    assert [i.due for i in plan] == [date(2025, 6, 6), date(2025, 7, 4), date(2025, 8, 1)]
    assert amounts(plan) == [3333, 3333, 3334]


def test_monthly_dates_keep_the_day_and_clamp_short_months() -> None:
    # 31 January -> 28 February -> 31 March: each date from the first, so the clamp never drifts.
    plan = schedule_to_end(40000, "monthly", date(2026, 1, 31), date(2026, 4, 30))
    assert [i.due for i in plan] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"balance_pence": 0, "frequency": "monthly", "start": date(2025, 6, 1), "end": date(2025, 9, 1)}, "balance"),
    ({"balance_pence": 100, "frequency": "daily", "start": date(2025, 6, 1), "end": date(2025, 9, 1)}, "frequency"),
    ({"balance_pence": 100, "frequency": "monthly", "start": date(2025, 6, 1), "end": date(2025, 5, 1)}, "end"),
    ({"balance_pence": 100, "frequency": "monthly", "start": date(2025, 6, 1)}, "end"),
    ({"balance_pence": 100, "frequency": "monthly", "start": date(2025, 6, 1), "amount_pence": 0}, "amount"),
    ({"balance_pence": 10**7, "frequency": "weekly", "start": date(2025, 6, 1), "amount_pence": 100}, "amount"),
])
def test_bad_schedules_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ArrangementError) as err:
        make_schedule(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


# --- affordability (Standard Financial Statement) ------------------------------------------


def test_weekly_and_monthly_convert_exactly_with_52_over_12() -> None:
    assert monthly(30000, "weekly") == 130000  # £300 a week = £1,300 a month (x 52/12)
    assert monthly(10000, "fortnightly") == Fraction(65000, 3)  # x 26/12
    assert monthly(12000, "four-weekly") == 13000  # x 13/12
    assert per_period(Fraction(130000), "weekly") == 30000
    assert per_period(monthly(777, "weekly"), "weekly") == 777  # round trip is exact


def test_surplus_from_an_income_and_expenditure_statement() -> None:
    # SFS sections: income; fixed costs; flexible costs. Earnings £300 a week (= £1,300.00 a
    # month), benefits £100 a fortnight (= £216.66 2/3); housing £650, council tax £120,
    # utilities £150 a month; food and housekeeping £70 a week (= £303.33 1/3), communications
    # £40 a month. Left over: 1,516.66 2/3 - 920 - 343.33 1/3 = £253.33 1/3 a month -> £253.33
    # (rounded down), and 253.33 1/3 x 12/52 = £58.4615... a week -> £58.46.
    statement = {
        "income": {"earnings": {"amount_pence": 30000, "period": "weekly"},
                   "benefits": {"amount_pence": 10000, "period": "fortnightly"}},
        "fixed_costs": {"housing": 65000, "council_tax": 12000, "utilities": 15000},
        "flexible_costs": {"food_and_housekeeping": {"amount_pence": 7000, "period": "weekly"},
                           "communications_and_leisure": 4000},
    }
    result = assess(statement, "weekly")
    assert result.income_pence == 151666 and result.fixed_costs_pence == 92000 and result.flexible_costs_pence == 34333
    assert result.surplus_monthly_pence == 25333
    assert result.surplus_per_payment_pence == 5846
    assert assess(statement, "monthly").surplus_per_payment_pence == 25333
    assert result.lines["income"]["earnings"] == 130000


def test_a_deficit_is_negative_and_unknown_categories_are_refused() -> None:
    result = assess({"income": {"benefits": 40000}, "fixed_costs": {"housing": 50000}}, "monthly")
    assert result.surplus_monthly_pence == -10000 and result.surplus_per_payment_pence == -10000
    with pytest.raises(ArrangementError) as err:
        assess({"income": {"lottery": 100}}, "monthly")
    assert err.value.field == "income_expenditure"
    with pytest.raises(ArrangementError):
        assess({"fixed_costs": {"housing": -5}}, "monthly")


# --- warnings ---------------------------------------------------------------------------------


def codes(*args: object, **kwargs: object) -> list[str]:
    return [w.code for w in warnings_for(*args, **kwargs)]  # type: ignore[arg-type]


def test_warnings() -> None:
    policy = ArrangementPolicy(minimum_instalment_pence=500, clear_by_year_end=True)
    plan = schedule_to_end(100000, "monthly", date(2025, 6, 1), date(2026, 3, 1))
    base = {"balance_pence": 100000, "frequency": "monthly", "start": date(2025, 6, 1), "as_of": date(2025, 5, 20),
            "policy": policy}
    assert codes(plan, **base) == []
    # starts before today
    assert codes(plan, **{**base, "as_of": date(2025, 6, 2)}) == ["starts_in_past"]
    # £40 a month clears £1,000 in 25 months: after the target and after 31 March 2026
    slow = schedule_by_amount(100000, "monthly", date(2025, 6, 1), 4000)
    assert codes(slow, **base, target_end=date(2026, 3, 1)) == ["not_cleared_by_target", "not_cleared_by_year_end"]
    assert codes(slow, **{**base, "policy": ArrangementPolicy(clear_by_year_end=False)}) == []
    # offer above what is left over on the statement
    statement = assess({"income": {"earnings": 150000}, "fixed_costs": {"housing": 145000}}, "monthly")
    assert codes(plan, **base, affordability=statement) == ["exceeds_surplus"]
    # £3 a week is below the £5 minimum
    tiny = schedule_by_amount(3000, "weekly", date(2025, 6, 2), 300)
    assert codes(tiny, **{**base, "frequency": "weekly"}) == ["below_minimum"]


# --- default detection ----------------------------------------------------------------------

PLAN = [DueInstalment(date(2025, 6, 1), 10000), DueInstalment(date(2025, 7, 1), 10000),
        DueInstalment(date(2025, 8, 1), 10000)]


def test_kept_while_within_the_grace_days_then_broken() -> None:
    paid = [(date(2025, 6, 1), 10000)]
    # payment 2 due 1 July; 3 days' grace: still kept on 4 July, broken on 5 July
    kept = check_payments(PLAN, paid, date(2025, 7, 4), grace_days=3)
    assert kept.status == "kept" and kept.first_short_seq == 2 and kept.arrears_pence == 10000
    broken = check_payments(PLAN, paid, date(2025, 7, 5), grace_days=3)
    assert broken.status == "broken" and broken.broken_on == date(2025, 7, 5)
    assert broken.first_short == PLAN[1] and "Payment 2" in broken.reason


def test_a_short_payment_within_the_tolerance_is_kept() -> None:
    paid = [(date(2025, 6, 1), 9950)]  # 50p short, tolerance £1
    assert check_payments(PLAN, paid, date(2025, 6, 30), grace_days=3, tolerance_pence=100).status == "kept"
    assert check_payments(PLAN, paid, date(2025, 6, 30), grace_days=3, tolerance_pence=0).status == "broken"


def test_late_payments_within_grace_and_catch_up_before_the_check() -> None:
    # paid 3 July, within the grace days of the 1 July payment
    assert check_payments(PLAN, [(date(2025, 6, 1), 10000), (date(2025, 7, 3), 10000)], date(2025, 7, 20),
                          grace_days=3).status == "kept"
    # paid two months in one go on 1 June: the cumulative test covers payment 2 too
    assert check_payments(PLAN, [(date(2025, 6, 1), 20000)], date(2025, 7, 20), grace_days=0).status == "kept"
    # missed 1 July, caught up on 10 July before the check on 20 July: not broken
    assert check_payments(PLAN, [(date(2025, 6, 1), 10000), (date(2025, 7, 10), 10000)], date(2025, 7, 20),
                          grace_days=3).status == "kept"


def test_completed_when_paid_in_full_and_future_payments_ignored() -> None:
    done = check_payments(PLAN, [(date(2025, 6, 1), 30000)], date(2025, 6, 2))
    assert done.status == "completed" and done.arrears_pence == 0
    # a payment dated after as_of does not count yet
    assert check_payments(PLAN, [(date(2025, 6, 10), 30000)], date(2025, 6, 5), grace_days=3).status == "broken"
