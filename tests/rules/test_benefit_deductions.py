"""Deductions from benefit: Council Tax (Deductions from Income Support) Regulations 1993
(SI 1993/494); "5% of the standard allowance" rounded up to the next 5p per the UC, PIP,
JSA & ESA (Claims and Payments) Regulations 2013 (SI 2013/380) Sch 6 para 1; the
all-or-nothing rule and 15% cap per ../shared/domain/README.md §4. Allowance figures
from CPAG's 2024/25 and 2025/26 rate tables (to be checked against the uprating orders),
2026/27 UC from the Universal Credit Act 2025 as DWP's proposed 2026/27 rates list them;
CPAG's council tax arrears deduction of £4.55 a week matches 5% of £90.50 rounded up."""

from fractions import Fraction

import pytest

from app.rules.benefit_deductions import (
    BenefitDeductionError,
    legacy_weekly_deduction_for_year,
    legacy_weekly_deduction_pence,
    round_up_to_5p,
    uc_deduction_pence,
    uc_five_percent_pence,
    uc_standard_allowance_pence,
)


def test_round_up_to_5p() -> None:
    assert round_up_to_5p(Fraction(2000)) == 2000
    assert round_up_to_5p(Fraction(20007, 1000)) == 25
    assert round_up_to_5p(Fraction(46025, 100)) == 465


@pytest.mark.parametrize(
    ("kind", "allowance", "deduction"),
    [
        ("single_under_25", 31_698, 1_585),  # 5% of £316.98 = £15.849 -> £15.85
        ("single_25_plus", 40_014, 2_005),  # 5% of £400.14 = £20.007 -> £20.05
        ("couple_under_25", 49_755, 2_490),  # 5% of £497.55 = £24.8775 -> £24.90
        ("couple_25_plus", 62_810, 3_145),  # 5% of £628.10 = £31.405 -> £31.45
    ],
)
def test_uc_five_percent_2025(kind: str, allowance: int, deduction: int) -> None:
    assert uc_standard_allowance_pence(2025, kind) == allowance
    assert uc_five_percent_pence(allowance) == deduction


@pytest.mark.parametrize(
    ("kind", "allowance", "deduction"),
    [  # Universal Credit Act 2025 rates, as DWP's "Proposed benefit and pension rates 2026 to 2027" lists them
        ("single_under_25", 33_858, 1_695),  # 5% of £338.58 = £16.929 -> £16.95
        ("single_25_plus", 42_490, 2_125),  # 5% of £424.90 = £21.245 -> £21.25
        ("couple_under_25", 52_834, 2_645),  # 5% of £528.34 = £26.417 -> £26.45
        ("couple_25_plus", 66_697, 3_335),  # 5% of £666.97 = £33.3485 -> £33.35
    ],
)
def test_uc_five_percent_2026(kind: str, allowance: int, deduction: int) -> None:
    assert uc_standard_allowance_pence(2026, kind) == allowance
    assert uc_five_percent_pence(allowance) == deduction


def test_a_later_year_comes_from_the_settings_table() -> None:
    table = {2027: {"single_under_25": 1, "single_25_plus": 44_000, "couple_under_25": 1, "couple_25_plus": 1}}
    assert uc_standard_allowance_pence(2027, "single_25_plus", table) == 44_000
    with pytest.raises(BenefitDeductionError, match=r"uc_standard_allowance_pence = \{ \"2027\""):
        uc_standard_allowance_pence(2027, "single_25_plus")
    with pytest.raises(BenefitDeductionError, match="not a UC standard allowance category"):
        uc_standard_allowance_pence(2026, "single")


def test_uc_all_or_nothing_under_the_cap() -> None:
    allowance = 40_014  # cap 15% = £60.021; our deduction £20.05
    assert uc_deduction_pence(allowance) == 2_005
    assert uc_deduction_pence(allowance, [2_000, 1_997]) == 2_005  # 40.02 + 20.05 = 60.02 <= 60.021
    assert uc_deduction_pence(allowance, [2_000, 1_998]) == 0  # 60.03 > 60.021: nothing, not a part
    assert uc_deduction_pence(allowance, [6_000]) == 0


def test_uc_cap_is_a_setting() -> None:
    assert uc_deduction_pence(40_014, [7_000], cap_percent=25) == 2_005  # 70.00 + 20.05 <= 100.035
    assert uc_deduction_pence(40_014, [7_000]) == 0


def test_legacy_weekly_deduction() -> None:
    assert legacy_weekly_deduction_pence(9_205) == 465  # 2025/26: 5% of £92.05 = £4.6025 -> £4.65
    assert legacy_weekly_deduction_pence(9_050) == 455  # 2024/25: 5% of £90.50 = £4.525 -> £4.55
    assert legacy_weekly_deduction_pence(9_000) == 450  # exact multiple stays
    assert legacy_weekly_deduction_for_year(2025) == 465
    assert legacy_weekly_deduction_for_year(2026) == 480  # 2026/27: £92.05 + 3.8% CPI = £95.55; 5% = £4.7775 -> £4.80
    assert legacy_weekly_deduction_for_year(2030, {2030: 10_010}) == 505


def test_unknown_years_and_bad_input() -> None:
    with pytest.raises(BenefitDeductionError, match="2019/20"):
        uc_standard_allowance_pence(2019, "single_25_plus")
    with pytest.raises(BenefitDeductionError, match=r"legacy_single_25_weekly_pence = \{ \"2019\" = … \}"):
        legacy_weekly_deduction_for_year(2019)
    with pytest.raises(BenefitDeductionError):
        uc_deduction_pence(40_014, [-1])
