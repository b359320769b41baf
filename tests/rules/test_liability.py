"""A year's charge day by day: LGFA 1992 s2 (daily basis), s5 (bands), s11 (discounts),
s11B/s11C (premiums), SI 1992/558 (exemptions), SI 1992/554 (disabled reduction), with the
worked figures of ../shared/domain/README.md §1 and §6."""

from datetime import date

import pytest

from app.rules.discounts import PremiumPolicy
from app.rules.liability import ChargeError, Dated, PeriodFacts, YearPolicy, year_charge

POLICY = YearPolicy(2025, {"": 210000, "Abbey Parish": 215250}, PremiumPolicy({1: 100, 5: 200, 10: 300}, 100))


def period(start: date, end: date | None = None, band: str = "D", **kw) -> PeriodFacts:  # type: ignore[no-untyped-def]
    return PeriodFacts(start=start, end=end, band=band, parish=kw.pop("parish", ""), **kw)


def test_full_year_band_d_is_the_band_d_figure() -> None:
    charge = year_charge([period(date(2020, 1, 1))], [], POLICY)
    assert charge.charge_pence == 210000 and charge.days == 365 and len(charge.lines) == 1


def test_band_ratio_uses_the_parish_band_d() -> None:
    # s5(1): band B = 7/9 of Band D; Abbey Parish Band D £2,152.50 -> £1,674.17 (1,674.1666 rounded)
    charge = year_charge([period(date(2020, 1, 1), band="B", parish="Abbey Parish")], [], POLICY)
    assert charge.charge_pence == 167417


def test_move_in_on_the_17th_is_charged_for_the_days_liable() -> None:
    # s2: liability from 17 June 2025 to 31 March 2026 = 288 of 365 days: 2100 x 288/365 = £1,656.99
    charge = year_charge([period(date(2025, 6, 17))], [], POLICY)
    assert charge.days == 288 and charge.charge_pence == 165699


def test_leap_year_has_366_days() -> None:
    # 2027/28 contains 29 February 2028: half of it is 183 days of 366
    policy = YearPolicy(2027, {"": 183000})
    charge = year_charge([period(date(2027, 4, 1), date(2027, 9, 30))], [], policy)
    assert charge.days == 183 and charge.charge_pence == 91500


def test_single_person_discount_from_a_date_splits_the_year() -> None:
    # s11(1)(b): 25% discount from 1 October 2025 (182 days): base 104712.33 -> 104712, discount 26178
    charge = year_charge(
        [period(date(2020, 1, 1), adjustments=(Dated("SPD", date(2025, 10, 1), None),))], [], POLICY
    )
    first, second = charge.lines
    assert (first.days, first.amount_pence) == (183, 105288)
    assert (second.days, second.base_pence, second.discount_pence) == (182, 104712, 26178)
    assert charge.charge_pence == 105288 + 104712 - 26178
    assert "single person discount" in second.description


def test_larger_discount_wins_when_two_overlap() -> None:
    adjustments = (Dated("SPD", date(2025, 4, 1), None), Dated("ALL_DISREGARDED", date(2025, 4, 1), None))
    charge = year_charge([period(date(2020, 1, 1), adjustments=adjustments)], [], POLICY)
    assert charge.charge_pence == 105000


def test_exempt_while_empty_and_unfurnished_costs_nothing_for_those_days() -> None:
    # SI 1992/558 class F (after a death) from 1 April to 30 June 2025 (91 days)
    charge = year_charge(
        [period(date(2020, 1, 1), exemptions=(Dated("F", date(2025, 4, 1), date(2025, 6, 30)),))], [], POLICY
    )
    exempt, liable = charge.lines
    assert exempt.amount_pence == 0 and exempt.exempt_class == "F" and exempt.days == 91
    assert liable.amount_pence == 210000 * 274 // 365 + 1  # 157643.83 -> 157644


def test_disabled_reduction_charges_the_band_below_and_band_a_five_ninths() -> None:
    # SI 1992/554: band C charged as B (7/9); band A charged at 5/9 of Band D
    assert year_charge([period(date(2020, 1, 1), band="C", disabled_reduction=True)], [], POLICY).charge_pence == 163333
    band_a = year_charge([period(date(2020, 1, 1), band="A", disabled_reduction=True)], [], POLICY)
    assert band_a.charge_pence == 116667 and "5/9" in band_a.lines[0].description


def test_long_term_empty_premium_steps_up_on_the_anniversary() -> None:
    # empty since 1 October 2020: 4 whole years until 30 Sept 2025 (+100%), 5 from 1 Oct 2025 (+200%)
    lte = Dated("LONG_TERM_EMPTY", date(2025, 4, 1), None, empty_since=date(2020, 10, 1))
    charge = year_charge([period(date(2020, 1, 1), adjustments=(lte,))], [], POLICY)
    first, second = charge.lines
    assert first.premium_pence == first.base_pence and second.premium_pence == 2 * second.base_pence
    assert charge.charge_pence == 2 * first.base_pence + 3 * second.base_pence


def test_second_home_premium_is_the_councils_percentage() -> None:
    charge = year_charge([period(date(2020, 1, 1), adjustments=(Dated("SECOND_HOME", date(2025, 4, 1), None),))], [], POLICY)
    assert charge.charge_pence == 420000


def test_a_premium_replaces_the_discount_on_the_same_days() -> None:
    # LGFA 1992 s11B(1): with a premium "the discount under section 11(2)(a) shall not apply":
    # an empty home (no resident: 50% discount) with a +100% premium pays twice Band D, £4,200,
    # not £2,100 x (1 - 50% + 100%) = £3,150
    both = (Dated("ALL_DISREGARDED", date(2025, 4, 1), None),
            Dated("LONG_TERM_EMPTY", date(2025, 4, 1), None, empty_since=date(2023, 1, 1)))
    charge = year_charge([period(date(2020, 1, 1), adjustments=both)], [], POLICY)
    assert charge.charge_pence == 420000 and charge.lines[0].discount_pence == 0
    assert "all residents disregarded" not in charge.lines[0].description


def test_council_tax_reduction_is_a_credit_for_its_days() -> None:
    # a 100% CTR award for the whole year leaves nothing to pay; 25% from 1 January 2026
    full = year_charge([period(date(2020, 1, 1))], [Dated("ctr", date(2025, 4, 1), None, percent_bp=10000)], POLICY)
    assert full.charge_pence == 210000 and full.reduction_pence == 210000 and full.net_pence == 0
    part = year_charge([period(date(2020, 1, 1))], [Dated("ctr", date(2026, 1, 1), None, percent_bp=2500)], POLICY)
    assert part.lines[1].days == 90 and part.reduction_pence == 12945  # 51781 x 25% = 12945.25


def test_periods_outside_the_year_are_ignored_and_missing_band_d_is_an_error() -> None:
    assert year_charge([period(date(2020, 1, 1), date(2024, 3, 31))], [], POLICY).lines == ()
    with pytest.raises(ChargeError, match="Fenby"):
        year_charge([period(date(2020, 1, 1), parish="Fenby")], [], POLICY)


def test_a_period_cut_where_nothing_changes_is_charged_as_one_run() -> None:
    """s2 charges day by day; the notice rounds each run of days on the same facts. Cutting a
    period where nothing changes (a split before something changes later, two periods on the
    same terms back to back) must not change the charge: band B with SPD, split on 1 Oct,
    would be 61417 + 61082 = 122499 rounded half by half, against 122500 for the year."""
    spd = (Dated("SPD", date(2020, 1, 1), None),)
    policy = YearPolicy(2025, {"": 210000})
    whole = year_charge([period(date(2020, 1, 1), band="B", adjustments=spd)], [], policy)
    halves = year_charge([period(date(2020, 1, 1), date(2025, 9, 30), band="B", adjustments=spd),
                          period(date(2025, 10, 1), band="B", adjustments=spd)], [], policy)
    assert halves.charge_pence == whole.charge_pence == 122500 and len(halves.lines) == 1


def test_periods_on_different_terms_stay_separate_runs() -> None:
    """A disabled band reduction from 1 Oct changes the facts: two runs, each rounded."""
    policy = YearPolicy(2025, {"": 210000})
    charge = year_charge([period(date(2020, 1, 1), date(2025, 9, 30), band="B"),
                          period(date(2025, 10, 1), band="B", disabled_reduction=True)], [], policy)
    assert len(charge.lines) == 2 and charge.lines[1].charged_as_band == "A"
