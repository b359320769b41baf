"""Discounts, premiums and exemption classes.

- Discounts (LGFA 1992 s11): 25% when only one resident adult counts (`SPD`); 50% when
  none counts (`ALL_DISREGARDED`). Only one discount applies on a day: the larger.
- Exemption classes (Council Tax (Exempt Dwellings) Order 1992, SI 1992/558): a letter
  removes the charge for the days it applies. Classes A and C were abolished in England
  from April 2013 and remain in Wales.
- Premiums (LGFA 1992 s11B, s11C as amended by the Levelling-up and Regeneration Act 2023):
  a council's choice of percentage per year, so the rates come from settings. A long-term
  empty premium's rate depends on how many whole years the home has been empty, counted
  from when it was last occupied (a change of owner does not reset it).
- A premium replaces the discount: s11B(1) and s11C(1) let a council determine that for
  such a dwelling "the discount under section 11(2)(a) shall not apply, and the amount of
  council tax payable ... is to be increased by such percentage ... as it may determine".
  Not modelled (decided, issue 15): the classes of dwelling *excepted* from premiums
  (England: the prescribed classes made under s11B/s11C as amended, in force from April
  2025, e.g. homes for sale or let, annexes, job-related homes; Wales: the Council Tax
  (Exceptions to Higher Amounts) (Wales) Regulations 2015) *(check the instruments'
  numbers and classes before modelling them)* — an officer records an exception by not
  entering the premium and noting why; and the *time limits* of exemption classes —
  an officer enters the exemption's end date. Both need case facts the system does not
  hold yet.
  On a day with a premium there is no s11 discount: +100% is twice the charge, never
  (1 - 50%) + 100% (`adjusted_amounts`, the one formula). An officer entering a discount
  and a premium for the same days is refused (app/billing/liability_changes.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from app.enums import DiscountKind, member
from app.rules.bands import round_pence

DISCOUNT_RATES: dict[str, Fraction] = {DiscountKind.SPD: Fraction(1, 4), DiscountKind.ALL_DISREGARDED: Fraction(1, 2)}
PREMIUM_KINDS: tuple[DiscountKind, ...] = (DiscountKind.LONG_TERM_EMPTY, DiscountKind.SECOND_HOME)
ADJUSTMENT_KINDS: tuple[str, ...] = (*DISCOUNT_RATES, *PREMIUM_KINDS)
assert set(ADJUSTMENT_KINDS) == set(DiscountKind), "every discount kind is a discount or a premium"
DESCRIPTIONS: dict[str, str] = {
    DiscountKind.SPD: "single person discount 25%",
    DiscountKind.ALL_DISREGARDED: "all residents disregarded 50%",
    DiscountKind.LONG_TERM_EMPTY: "long-term empty premium",
    DiscountKind.SECOND_HOME: "second home premium",
}

EXEMPTION_CLASSES_ENGLAND = tuple("BDEFGHIJKLMNOPQRSTUVW")
EXEMPTION_CLASSES_WALES = tuple("ABCDEFGHIJKLMNOPQRSTUVW")


class AdjustmentError(ValueError):
    pass


def check_exemption_class(code: str, country: str = "england") -> str:
    letter = code.strip().upper()
    classes = EXEMPTION_CLASSES_WALES if country == "wales" else EXEMPTION_CLASSES_ENGLAND
    if letter not in classes:
        raise AdjustmentError(f"'{code}' is not an exemption class in {country.title()}.")
    return letter


def check_adjustment_kind(kind: str) -> DiscountKind:
    code = member(DiscountKind, kind.strip().upper())
    if code is None:
        raise AdjustmentError(f"'{kind}' is not a discount or premium (use one of {', '.join(ADJUSTMENT_KINDS)}).")
    return code


@dataclass(frozen=True)
class PremiumPolicy:
    """One year's premium percentages. `long_term_empty` maps whole years empty -> percent.

    e.g. {1: 100, 5: 200, 10: 300}: from one year empty +100%, from five +200%, from ten +300%.
    """

    long_term_empty: Mapping[int, int] = field(default_factory=dict)
    second_home: int = 0


@dataclass(frozen=True)
class PremiumLimits:
    """What the law lets a council levy in one financial year (LGFA 1992, as amended):

    England: s11B long-term empty — up to +50% (April 2013), +100% (April 2019), +200% from 5 years empty
    (April 2020), +300% from 10 years (April 2021); a home counts as long-term empty after
    2 years, 1 year from 1 April 2024 (Levelling-up and Regeneration Act 2023 s79). s11C
    second homes — up to +100%, from 1 April 2025 only (LURA 2023 s80).
    Wales: s12A long-term empty (after 1 year) and s12B second homes — up to +100% from
    April 2017, up to +300% from 1 April 2023.
    """

    earliest_years_empty: int  # the shortest whole years empty a long-term empty rate may start at
    tier_maxima: tuple[tuple[int, int], ...]  # (from whole years empty, maximum percent), ascending
    second_home_max: int

    def long_term_empty_max(self, years_empty: int) -> int:
        return max((pc for years, pc in self.tier_maxima if years_empty >= years), default=0)


def premium_limits(country: str, year: int) -> PremiumLimits:
    """The premiums allowed in financial `year` (starting 1 April) in `country` (see PremiumLimits)."""
    if country == "wales":
        most = 300 if year >= 2023 else 100
        return PremiumLimits(1, ((1, most),), most)
    first = 100 if year >= 2019 else 50 if year >= 2013 else 0  # +50% from April 2013 (LGFA 2012)
    tiers = ((0, first),) + (((5, 200),) if year >= 2020 else ()) + (((10, 300),) if year >= 2021 else ())
    return PremiumLimits(1 if year >= 2024 else 2, tiers, 100 if year >= 2025 else 0)


def whole_years_between(start: date, day: date) -> int:
    years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
    return max(0, years)


def premium_percent(kind: str, policy: PremiumPolicy, day: date, empty_since: date | None) -> int:
    """The premium percentage on `day` (0 when the council levies none or the threshold is not met)."""
    if kind == DiscountKind.SECOND_HOME:
        return policy.second_home
    if kind == DiscountKind.LONG_TERM_EMPTY:
        if empty_since is None:
            return 0
        years = whole_years_between(empty_since, day)
        rate = 0
        for threshold in sorted(policy.long_term_empty):
            if years >= threshold:
                rate = policy.long_term_empty[threshold]
        return rate
    return 0


def premium_thresholds(policy: PremiumPolicy, empty_since: date) -> list[date]:
    """The anniversaries of `empty_since` on which the long-term empty rate may change."""
    result = []
    for years in sorted(policy.long_term_empty):
        try:
            result.append(empty_since.replace(year=empty_since.year + years))
        except ValueError:  # 29 February
            result.append(date(empty_since.year + years, 3, 1))
    return result


def adjusted_amounts(base_pence: int, discounts: list[str], premium_percent_total: int) -> tuple[int, int]:
    """(discount, premium) in pence on `base_pence` for days with these discounts and
    premiums: the larger discount only (s11), and none at all where a premium is levied
    (s11B(1), s11C(1)); the premium is its percentage of the base. Each rounded to the penny."""
    if premium_percent_total > 0:
        return 0, round_pence(Fraction(base_pence * premium_percent_total, 100))
    rate = max((DISCOUNT_RATES[d] for d in discounts if d in DISCOUNT_RATES), default=Fraction(0))
    return round_pence(Fraction(base_pence) * rate), 0
