"""Enforcement agent fees: Taking Control of Goods (Fees) Regulations 2014 (SI 2014/1),
reg 4-5 (stages, cumulative), reg 7 (7.5% of the sum to be recovered above £1,500),
reg 12 (vulnerable debtor: enforcement stage fee not recoverable without an adequate
opportunity of advice), Schedule Table 1 (£75 / £235 / £110). Worked figures follow
../shared/domain/README.md §4."""

from datetime import date

import pytest

from app.rules.enforcement_fees import SCALE_2014, FeeError, FeeScale, breakdown, fees_pence, percentage_fee_pence


@pytest.mark.parametrize(
    ("debt", "stage", "expected"),
    [
        # below £1,500: fixed fees only
        (100_000, "compliance", 7_500),
        (100_000, "enforcement", 7_500 + 23_500),
        (100_000, "sale", 7_500 + 23_500 + 11_000),
        # exactly £1,500: nothing above the threshold
        (150_000, "enforcement", 31_000),
        (150_000, "sale", 42_000),
        # £1,500.01: 7.5% of 1p = 0.075p -> 0
        (150_001, "enforcement", 31_000),
        # £2,000: 7.5% of £500 = £37.50 at each of enforcement and sale
        (200_000, "compliance", 7_500),
        (200_000, "enforcement", 7_500 + 23_500 + 3_750),
        (200_000, "sale", 7_500 + 23_500 + 3_750 + 11_000 + 3_750),
        # £10,000: 7.5% of £8,500 = £637.50
        (1_000_000, "sale", 7_500 + 23_500 + 63_750 + 11_000 + 63_750),
    ],
)
def test_cumulative_fees(debt: int, stage: str, expected: int) -> None:
    assert fees_pence(debt, stage) == expected


def test_percentage_fee_rounding_nearest_penny_halves_down() -> None:
    # £1,500.20 -> 7.5% of 20p = 1.5p -> 1p; £1,500.30 -> 2.25p -> 2p; £1,500.40 -> 3p exactly
    assert percentage_fee_pence(150_020, 750, 150_000) == 1
    assert percentage_fee_pence(150_030, 750, 150_000) == 2
    assert percentage_fee_pence(150_040, 750, 150_000) == 3
    # £1,500.60 -> 4.5p -> 4p; £1,500.70 -> 5.25p -> 5p
    assert percentage_fee_pence(150_060, 750, 150_000) == 4
    assert percentage_fee_pence(150_070, 750, 150_000) == 5


def test_breakdown_lines() -> None:
    lines = breakdown(200_000, "sale")
    assert [(l.stage, l.fixed_pence, l.percentage_pence, l.total_pence) for l in lines] == [
        ("compliance", 7_500, 0, 7_500), ("enforcement", 23_500, 3_750, 27_250), ("sale", 11_000, 3_750, 14_750),
    ]
    assert sum(l.total_pence for l in lines) == fees_pence(200_000, "sale")


def test_vulnerable_debtor_without_advice_pays_no_enforcement_fee() -> None:
    # reg 12 names the enforcement stage only: compliance and sale fees stay recoverable
    assert fees_pence(200_000, "enforcement", vulnerable_without_advice=True) == 7_500
    assert fees_pence(200_000, "sale", vulnerable_without_advice=True) == 7_500 + 14_750
    assert fees_pence(200_000, "compliance", vulnerable_without_advice=True) == 7_500


def test_scale_is_data() -> None:
    # a configured scale (e.g. the announced uplift, once made) replaces every figure
    uplifted = FeeScale(date(2026, 4, 1), compliance_pence=7_875, enforcement_pence=24_675, sale_pence=11_550)
    assert fees_pence(200_000, "enforcement", uplifted) == 7_875 + 24_675 + 3_750
    assert SCALE_2014.in_force_from == date(2014, 4, 6)


def test_bad_input() -> None:
    with pytest.raises(FeeError, match="negative"):
        fees_pence(-1, "compliance")
    with pytest.raises(FeeError, match="compliance, enforcement or sale"):
        fees_pence(100, "removal")
