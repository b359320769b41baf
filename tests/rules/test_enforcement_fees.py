"""Enforcement agent fees: Taking Control of Goods (Fees) Regulations 2014 (SI 2014/1),
reg 4-5 (stages, cumulative), reg 7 (7.5% of the sum to be recovered above £1,500),
reg 12 (vulnerable debtor: enforcement stage fee not recoverable without an adequate
opportunity of advice), Schedule Table 1 (£75 / £235 / £110). Worked figures follow
../shared/domain/README.md §4."""

from datetime import date

import pytest

from app.rules.enforcement_fees import (
    SCALE_2014,
    FeeError,
    FeeScale,
    Instruction,
    breakdown,
    fees_pence,
    joint_allowances,
    percentage_fee_pence,
)


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


# --- several liability orders against one debtor: Taking Control of Goods (Fees) Regulations
# 2014 reg 11 (legislation.gov.uk/uksi/2014/1/regulation/11): a compliance fee per enforcement
# power (11(3)); each later stage's fixed fee once (11(4)(a)); the percentage on the total of
# the sums (11(4)(b)).


@pytest.mark.parametrize(("debts", "stage", "expected"), [
    # The worked example: 2 x £75 + £235 + 7.5% of (£2,000 - £1,500) = £422.50.
    ((100_000, 100_000), "enforcement", 2 * 7_500 + 23_500 + 3_750),
    # Below the threshold together: no percentage at all (not one £1,500 per order either way).
    ((50_000, 60_000, 30_000), "compliance", 3 * 7_500),
    ((50_000, 60_000, 30_000), "enforcement", 3 * 7_500 + 23_500),
    # Sale: fixed fees once each, both percentages on the £3,000 total: 7.5% x £1,500 = £112.50 each.
    ((100_000, 200_000), "sale", 2 * 7_500 + 23_500 + 11_250 + 11_000 + 11_250),
])
def test_several_orders_share_the_later_fees_and_one_threshold(debts: tuple[int, ...], stage: str, expected: int) -> None:
    assert fees_pence(debts, stage) == expected


def test_one_order_given_as_a_list_is_the_same_as_given_alone() -> None:
    for stage in ("compliance", "enforcement", "sale"):
        assert fees_pence([234_567], stage) == fees_pence(234_567, stage)


def test_reg_12_waives_the_single_enforcement_fee_for_several_orders() -> None:
    lines = breakdown((100_000, 100_000), "enforcement", vulnerable_without_advice=True)
    assert [(l.stage, l.total_pence) for l in lines] == [("compliance", 15_000), ("enforcement", 0)]


@pytest.mark.parametrize("debts", [(), (100_000, -1), (100_000, True)])
def test_sums_that_cannot_be_priced_are_refused(debts: tuple[int, ...]) -> None:
    with pytest.raises(FeeError):
        fees_pence(debts, "enforcement")


# --- reg 11 applied to an agent's instructions as the agent reports them: those reaching a
# stage on the same day share that stage's fixed fee and one threshold; compliance per order.

D1, D2, D3 = date(2025, 7, 20), date(2025, 7, 21), date(2025, 7, 28)


def test_two_orders_at_enforcement_the_same_day_share_the_fee_carried_by_the_first() -> None:
    # SI 2014/1 reg 11(3), (4): 2 x £75 + £235 + 7.5% x (£2,000 - £1,500) = £422.50.
    first, second = joint_allowances([
        Instruction("EA-2", 100_000, {"compliance": D1, "enforcement": D2}),
        Instruction("EA-1", 100_000, {"compliance": D1, "enforcement": D2}),
    ])
    assert (first.key, first.fees_pence, second.key, second.fees_pence) == ("EA-1", 34_750, "EA-2", 7_500)
    assert first.fees_pence + second.fees_pence == 42_250 == fees_pence((100_000, 100_000), "enforcement")
    assert first.group == second.group == ("EA-1", "EA-2") and first.fee_stage == second.fee_stage == "enforcement"
    assert [(l.stage, l.total_pence) for l in second.lines] == [("compliance", 7_500), ("enforcement", 0)]
    assert first.shared[0].carried_by == "EA-1" and first.shared[0].on == D2


def test_orders_reaching_a_stage_on_different_days_are_priced_apart() -> None:
    a, b = joint_allowances([
        Instruction("EA-1", 100_000, {"compliance": D1, "enforcement": D2}),
        Instruction("EA-2", 100_000, {"compliance": D1, "enforcement": D3}),
    ])
    assert (a.fees_pence, b.fees_pence, a.group, b.group) == (31_000, 31_000, ("EA-1",), ("EA-2",))


def test_sale_shared_only_by_those_sold_together() -> None:
    # Enforcement together on D2 (£3,000: 7.5% x £1,500 = £112.50); only EA-1 goes to sale (£1,000 alone: no percentage).
    a, b = joint_allowances([
        Instruction("EA-1", 100_000, {"compliance": D1, "enforcement": D2, "sale": D3}),
        Instruction("EA-2", 200_000, {"compliance": D1, "enforcement": D2}),
    ])
    assert (a.fee_stage, a.fees_pence) == ("sale", 7_500 + 23_500 + 11_250 + 11_000)
    assert (b.fee_stage, b.fees_pence, b.group) == ("enforcement", 7_500, ("EA-1", "EA-2"))


def test_straight_to_sale_passes_through_enforcement_the_same_day() -> None:
    (only,) = joint_allowances([Instruction("EA-1", 100_000, {"compliance": D1, "sale": D3})])
    assert only.fees_pence == fees_pence(100_000, "sale") and [s.stage for s in only.shared] == ["enforcement", "sale"]


def test_one_instruction_is_priced_as_breakdown_and_reg_12_waives_a_shared_enforcement_fee() -> None:
    for stages in ({"compliance": D1}, {"compliance": D1, "enforcement": D2}, {"compliance": D1, "enforcement": D2, "sale": D3}):
        (only,) = joint_allowances([Instruction("EA-1", 234_567, stages)])
        assert only.fees_pence == fees_pence(234_567, only.fee_stage)
    a, b = joint_allowances([
        Instruction("EA-1", 100_000, {"compliance": D1, "enforcement": D2}, vulnerable_without_advice=True),
        Instruction("EA-2", 100_000, {"compliance": D1, "enforcement": D2}),
    ])
    assert a.fees_pence + b.fees_pence == fees_pence((100_000, 100_000), "enforcement", vulnerable_without_advice=True) == 15_000


def test_instructions_that_cannot_be_priced_are_refused() -> None:
    with pytest.raises(FeeError):
        joint_allowances([Instruction("EA-1", 1, {"compliance": D1}), Instruction("EA-1", 1, {"compliance": D1})])
    with pytest.raises(FeeError):
        joint_allowances([Instruction("EA-1", 1, {"enforcement": D1})])
    with pytest.raises(FeeError):
        joint_allowances([Instruction("EA-1", 1, {"compliance": D1, "removal": D2})])
    with pytest.raises(FeeError):
        joint_allowances([Instruction("EA-1", -1, {"compliance": D1})])
