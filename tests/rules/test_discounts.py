"""Discount, premium and exemption rules: LGFA 1992 s11 (discounts), s11B/s11C (premiums,
as amended by the Levelling-up and Regeneration Act 2023), SI 1992/558 (exempt classes);
../shared/domain/README.md §6."""

from datetime import date

import pytest

from app.rules.discounts import (
    AdjustmentError,
    PremiumPolicy,
    adjusted_amounts,
    check_adjustment_kind,
    check_exemption_class,
    premium_limits,
    premium_percent,
    whole_years_between,
)


def test_discount_rates() -> None:
    # s11(1), s11(2)(a): 25% with one resident counted, 50% with none; only the larger applies
    assert adjusted_amounts(10000, ["SPD"], 0) == (2500, 0)
    assert adjusted_amounts(10000, ["ALL_DISREGARDED"], 0) == (5000, 0)
    assert adjusted_amounts(10000, ["SPD", "ALL_DISREGARDED"], 0) == (5000, 0)


def test_a_premium_replaces_the_discount() -> None:
    # LGFA 1992 s11B(1)/s11C(1): "the discount under section 11(2)(a) shall not apply, and the
    # amount ... is to be increased by such percentage": +100% on £100 is £200, not £150
    assert adjusted_amounts(10000, ["ALL_DISREGARDED"], 100) == (0, 10000)
    assert adjusted_amounts(10001, [], 50) == (0, 5001)  # £50.005 to the penny, halves up


def test_classes_a_and_c_abolished_in_england_but_not_wales() -> None:
    with pytest.raises(AdjustmentError):
        check_exemption_class("C", "england")
    assert check_exemption_class("c", "wales") == "C"
    assert check_exemption_class("f") == "F"


def test_long_term_empty_rate_by_whole_years_empty() -> None:
    # from April 2024: 1 year +100%; 5 years +200%; 10 years +300% (council's choice)
    policy = PremiumPolicy({1: 100, 5: 200, 10: 300})
    since = date(2015, 6, 1)
    assert premium_percent("LONG_TERM_EMPTY", policy, date(2016, 5, 31), since) == 0
    assert premium_percent("LONG_TERM_EMPTY", policy, date(2016, 6, 1), since) == 100
    assert premium_percent("LONG_TERM_EMPTY", policy, date(2020, 6, 1), since) == 200
    assert premium_percent("LONG_TERM_EMPTY", policy, date(2025, 6, 1), since) == 300
    assert whole_years_between(date(2020, 2, 29), date(2021, 2, 28)) == 0


def test_unknown_kinds_refused() -> None:
    with pytest.raises(AdjustmentError):
        check_adjustment_kind("STUDENT")
    assert check_adjustment_kind("spd") == "SPD"


def test_premium_limits_follow_the_act_year_by_year() -> None:
    # England, LGFA 1992 s11B/s11C as amended (LURA 2023 ss79-80): one year empty from
    # 2024/25 (two before); +100% / +200% from 5 years / +300% from 10; second homes from 2025/26
    england_2024 = premium_limits("england", 2024)
    assert england_2024.earliest_years_empty == 1 and england_2024.second_home_max == 0
    assert [england_2024.long_term_empty_max(y) for y in (1, 4, 5, 9, 10, 30)] == [100, 100, 200, 200, 300, 300]
    assert premium_limits("england", 2023).earliest_years_empty == 2
    assert premium_limits("england", 2025).second_home_max == 100
    # Wales, s12A/s12B: up to +300% from 2023/24 (+100% before), after one year empty
    wales = premium_limits("wales", 2023)
    assert (wales.earliest_years_empty, wales.long_term_empty_max(1), wales.second_home_max) == (1, 300, 300)
    assert premium_limits("wales", 2022).second_home_max == 100
