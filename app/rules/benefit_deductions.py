"""Council tax deductions from benefit after a liability order.

The Council Tax (Deductions from Income Support) Regulations 1993 (SI 1993/494) let the
authority ask the DWP to pay part of the debtor's benefit to it:

- **Universal Credit**: a fixed 5% of the claimant's UC standard allowance for each
  monthly assessment period. "5% of the standard allowance" is defined in the UC, PIP,
  JSA and ESA (Claims and Payments) Regulations 2013 (SI 2013/380) Schedule 6 para 1 as
  5% rounded **up** to the next multiple of 5p. If the whole amount cannot be taken
  because of the overall limit on deductions (15% of the standard allowance from 30 April
  2025, per the domain notes *(check)*), nothing is taken: there is no part deduction.
- **Legacy income-related benefits** (income support, income-based JSA, income-related
  ESA, pension credit): each week, 5% of the personal allowance for a single claimant
  aged 25 or over (SI 1993/494 reg 1(2) definition, as amended by SI 2002/3019 reg 33),
  rounded up to the next 5p (SI 1993/494 reg 5, per the domain notes; the regulation text
  itself was not seen, but CPAG's £4.55 a week for 2024/25 = 5% of £90.50 rounded up). The weekly allowance changes every April,
  so it is an input; `LEGACY_SINGLE_25_WEEKLY_PENCE` holds known years as defaults.

Figures *(check against the year's uprating order before relying on them)*: 2025/26 UC
standard allowances and the 2024/25 and 2025/26 legacy personal allowance were checked
against CPAG's published rate tables (askcpag.org.uk "Universal credit rates 2025/26",
"Means-tested benefit rates 2025/26"), not against the uprating orders themselves.
2026/27 UC standard allowances are those set by the Universal Credit Act 2025 (above
inflation), as the DWP's "Proposed benefit and pension rates 2026 to 2027" lists them;
the 2026/27 legacy personal allowance is 2025/26's £92.05 uprated by September 2025's
CPI, 3.8%, to £95.55. A council adds a later year in its settings
(`[benefit_deductions] uc_standard_allowance_pence` and `legacy_single_25_weekly_pence`)
without waiting for a release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from app.rules.apportionment import year_label

UC_DEDUCTION_PERCENT = 5
UC_OVERALL_CAP_PERCENT = 15  # of the standard allowance, from 30 April 2025 (check)
LEGACY_DEDUCTION_PERCENT = 5

# Monthly UC standard allowance, pence, by financial year (year = the April it starts).
UC_STANDARD_ALLOWANCE_PENCE: Mapping[int, Mapping[str, int]] = {
    2024: {"single_under_25": 31_168, "single_25_plus": 39_345, "couple_under_25": 48_923, "couple_25_plus": 61_760},
    2025: {"single_under_25": 31_698, "single_25_plus": 40_014, "couple_under_25": 49_755, "couple_25_plus": 62_810},
    2026: {"single_under_25": 33_858, "single_25_plus": 42_490, "couple_under_25": 52_834, "couple_25_plus": 66_697},
}
UC_CATEGORIES = ("single_under_25", "single_25_plus", "couple_under_25", "couple_25_plus")

# Weekly personal allowance for a single claimant aged 25 or over, pence.
LEGACY_SINGLE_25_WEEKLY_PENCE: Mapping[int, int] = {2024: 9_050, 2025: 9_205, 2026: 9_555}


class BenefitDeductionError(ValueError):
    pass


def round_up_to_5p(value: Fraction) -> int:
    """Up to the next whole multiple of 5p (an exact multiple stays as it is)."""
    fives = -(-value.numerator // (5 * value.denominator))
    return fives * 5


def uc_standard_allowance_pence(
    year: int, kind: str, allowances: Mapping[int, Mapping[str, int]] = UC_STANDARD_ALLOWANCE_PENCE,
) -> int:
    """The monthly standard allowance for `kind` in financial year `year`, from the table held (or given)."""
    if kind not in UC_CATEGORIES:
        raise BenefitDeductionError(f"'{kind}' is not a UC standard allowance category (use {', '.join(UC_CATEGORIES)}).")
    try:
        return allowances[year][kind]
    except KeyError:
        raise BenefitDeductionError(
            f"No UC standard allowance is held for {kind.replace('_', ' ')} in {year_label(year)}; a council adds "
            f"the year's figures in its settings: [benefit_deductions] uc_standard_allowance_pence = "
            f"{{ \"{year}\" = {{ single_under_25 = …, single_25_plus = …, couple_under_25 = …, couple_25_plus = … }} }}."
        ) from None


def uc_five_percent_pence(standard_allowance_pence: int) -> int:
    """5% of the standard allowance, rounded up to the next 5p (SI 2013/380 Sch 6 para 1)."""
    if standard_allowance_pence < 0:
        raise BenefitDeductionError("The standard allowance cannot be negative.")
    return round_up_to_5p(Fraction(standard_allowance_pence * UC_DEDUCTION_PERCENT, 100))


def uc_cap_pence(standard_allowance_pence: int, cap_percent: int = UC_OVERALL_CAP_PERCENT) -> Fraction:
    """The overall limit on deductions for an assessment period (exact, not rounded)."""
    return Fraction(standard_allowance_pence * cap_percent, 100)


def uc_deduction_pence(
    standard_allowance_pence: int, other_deductions_pence: Iterable[int] = (), *, cap_percent: int = UC_OVERALL_CAP_PERCENT
) -> int:
    """The council tax deduction for one UC assessment period: the full 5%, or nothing.

    `other_deductions_pence` are the deductions already being taken in that period (the DWP
    decides their priority); if adding the 5% would take the total over the cap, 0.
    """
    amount = uc_five_percent_pence(standard_allowance_pence)
    others = sum(other_deductions_pence)
    if others < 0:
        raise BenefitDeductionError("Other deductions cannot be negative.")
    return amount if others + amount <= uc_cap_pence(standard_allowance_pence, cap_percent) else 0


def legacy_weekly_deduction_pence(single_25_personal_allowance_pence: int) -> int:
    """Weekly deduction from IS / income-based JSA / income-related ESA / pension credit (SI 1993/494 reg 5)."""
    if single_25_personal_allowance_pence < 0:
        raise BenefitDeductionError("The personal allowance cannot be negative.")
    return round_up_to_5p(Fraction(single_25_personal_allowance_pence * LEGACY_DEDUCTION_PERCENT, 100))


def legacy_weekly_deduction_for_year(year: int, allowances: Mapping[int, int] = LEGACY_SINGLE_25_WEEKLY_PENCE) -> int:
    """The weekly legacy-benefit deduction for financial year `year` from the allowances held (or given)."""
    if year not in allowances:
        raise BenefitDeductionError(
            f"No single 25+ personal allowance is held for {year_label(year)}; a council adds the year's figure in its "
            f"settings: [benefit_deductions] legacy_single_25_weekly_pence = {{ \"{year}\" = … }} (pence a week)."
        )
    return legacy_weekly_deduction_pence(allowances[year])
