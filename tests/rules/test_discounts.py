"""Discount, premium and exemption rules: LGFA 1992 s11 (discounts), s11B/s11C (premiums,
as amended by the Levelling-up and Regeneration Act 2023), SI 1992/558 (exempt classes);
../shared/domain/README.md §6."""

from datetime import date
from fractions import Fraction

import pytest

from app.rules.discounts import (
    AdjustmentError,
    PremiumPolicy,
    check_adjustment_kind,
    check_exemption_class,
    day_factor,
    premium_percent,
    whole_years_between,
)


def test_discount_rates() -> None:
    assert day_factor(["SPD"], [], False) == Fraction(3, 4)
    assert day_factor(["ALL_DISREGARDED"], [], False) == Fraction(1, 2)
    assert day_factor(["SPD"], [], True) == 0


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
