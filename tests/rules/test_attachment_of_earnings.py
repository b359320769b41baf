"""Attachment of earnings: AER 1992 (SI 1992/613) reg 38 and Schedule 4.

Sources: England from 1 April 2007, SI 2006/3395 reg 5(2) (legislation.gov.uk revised
Schedule 4 for England, weekly 12% band to £355); Wales from 1 April 2007, SI 2007/582
(W.54); Wales from 1 April 2022, WSI 2022/107 (W.38) Tables A and B (Table C first band
only); before April 2007, SI 1998/295 Schedule. Worked examples from
../shared/domain/README.md §4; the daily-rate method from Exeter City Council's employer
guidance ("deductions from earnings paid irregularly": £90 over 9 days -> 9 x 30p = £2.70).
Every band edge is checked on both sides ("exceeding £75" = more than £75.00).
"""

from datetime import date

import pytest

from app.rules.attachment_of_earnings import (
    EMPLOYER_ADMIN_FEE_PENCE,
    MAX_ORDERS_IN_FORCE,
    AttachmentError,
    deduction_pence,
    explain,
    may_make_another_order,
    schedule_for,
    total_with_admin_fee_pence,
)

WALES_2022 = date(2022, 4, 1)


def test_domain_worked_examples() -> None:
    assert deduction_pence(100_000, "monthly") == 12_000  # 12% of £1,000
    assert deduction_pence(60_000, "weekly") == 13_335  # 17% x 505 + 50% x 95 = 85.85 + 47.50


# (net pence, deduction pence): each edge, then one penny over it.
ENGLAND_WEEKLY = [
    (7500, 0), (7501, 225), (13500, 405), (13501, 675), (18500, 925), (18501, 1295), (22500, 1575), (22501, 2700),
    (35500, 4260), (35501, 6035), (50500, 8585), (50501, 8585),
]
ENGLAND_MONTHLY = [
    (30000, 0), (30001, 900), (55000, 1650), (55001, 2750), (74000, 3700), (74001, 5180), (90000, 6300),
    (90001, 10800), (142000, 17040), (142001, 24140), (202000, 34340), (202001, 34340),
]
ENGLAND_DAILY = [
    (1100, 0), (1101, 33), (2000, 60), (2001, 100), (2700, 135), (2701, 189), (3300, 231), (3301, 396), (5200, 624),
    (5201, 884), (7200, 1224), (7201, 1224),
]
WALES_WEEKLY = [
    (10500, 0), (10501, 315), (19000, 570), (19001, 950), (26000, 1300), (26001, 1820), (32000, 2240), (32001, 3840),
    (50500, 6060), (50501, 8585), (71500, 12155), (71501, 12155),
]
WALES_MONTHLY = [
    (43000, 0), (43001, 1290), (78000, 2340), (78001, 3900), (105000, 5250), (105001, 7350), (128000, 8960),
    (128001, 15360), (201000, 24120), (201001, 34170), (286000, 48620), (286001, 48620),
]


@pytest.mark.parametrize(("net", "expected"), ENGLAND_WEEKLY)
def test_england_weekly_edges(net: int, expected: int) -> None:
    assert deduction_pence(net, "weekly") == expected


@pytest.mark.parametrize(("net", "expected"), ENGLAND_MONTHLY)
def test_england_monthly_edges(net: int, expected: int) -> None:
    assert deduction_pence(net, "monthly") == expected


@pytest.mark.parametrize(("net", "expected"), ENGLAND_DAILY)
def test_england_daily_edges(net: int, expected: int) -> None:
    assert deduction_pence(net, "daily") == expected


@pytest.mark.parametrize(("net", "expected"), ENGLAND_WEEKLY + ENGLAND_MONTHLY + ENGLAND_DAILY)
def test_wales_2007_tables_are_englands(net: int, expected: int) -> None:
    # SI 2007/582 set out the same sums for Wales; a Welsh order made 2007-2022 keeps them.
    for period in ("weekly", "monthly", "daily"):
        assert deduction_pence(net, period, country="wales", order_made=date(2021, 6, 1)) == deduction_pence(net, period)


@pytest.mark.parametrize(("net", "expected"), WALES_WEEKLY)
def test_wales_2022_weekly_edges(net: int, expected: int) -> None:
    assert deduction_pence(net, "weekly", country="wales", order_made=WALES_2022) == expected


@pytest.mark.parametrize(("net", "expected"), WALES_MONTHLY)
def test_wales_2022_monthly_edges(net: int, expected: int) -> None:
    assert deduction_pence(net, "monthly", country="wales", order_made=WALES_2022) == expected


def test_wales_2022_daily_first_band_only() -> None:
    # WSI 2022/107 Table C: "Not exceeding £16: 0" is verified; the rest is not held yet.
    assert deduction_pence(1600, "daily", country="wales", order_made=WALES_2022) == 0
    with pytest.raises(AttachmentError, match="not held"):
        deduction_pence(1601, "daily", country="wales", order_made=WALES_2022)


def test_top_band_is_17_percent_of_band_edge_plus_half_the_rest() -> None:
    # weekly £600: 85.85 + 47.50; an exact half penny is rounded down (505.01 -> 85.855 -> 85.85)
    assert deduction_pence(60_000, "weekly") == 13_335
    assert deduction_pence(50_501, "weekly") == 8_585
    assert deduction_pence(50_502, "weekly") == 8_586
    # monthly £3,000: 17% x 2,020 + 50% x 980 = 343.40 + 490.00
    assert deduction_pence(300_000, "monthly") == 83_340


def test_percentage_applies_to_whole_earnings_not_marginally() -> None:
    # monthly £1,000 is in the 12% band: 12% of the whole £1,000, not of the part above £900
    assert deduction_pence(100_000, "monthly") == 12_000


def test_nothing_from_nothing() -> None:
    assert deduction_pence(0, "weekly") == 0


def test_pre_2007_orders_keep_the_1998_tables() -> None:
    # SI 1998/295: weekly £100 is in "exceeding £55 but not exceeding £100" -> 3%
    made = date(2006, 9, 1)
    assert deduction_pence(10_000, "weekly", order_made=made) == 300
    assert deduction_pence(10_001, "weekly", order_made=made) == 500
    assert deduction_pence(148_000, "monthly", order_made=made) == 25_160  # 17% of £1,480
    assert deduction_pence(5_300, "daily", order_made=made) == 901  # 17% of £53
    assert deduction_pence(6_300, "daily", order_made=made) == 1_401  # 9.01 + 50% of £10
    with pytest.raises(AttachmentError, match="No deduction table"):
        deduction_pence(10_000, "weekly", order_made=date(1997, 1, 1))


def test_order_date_picks_the_table() -> None:
    assert schedule_for("england", date(2007, 3, 31)).source.startswith("SI 1998/295")
    assert schedule_for("england", date(2007, 4, 1)).source.startswith("SI 2006/3395")
    assert schedule_for("Wales", date(2022, 3, 31)).source.startswith("SI 2007/582")
    assert schedule_for("wales", date(2022, 4, 1)).source.startswith("WSI 2022/107")


def test_pay_every_n_days_uses_the_daily_rate_times_days() -> None:
    # Exeter's worked examples: £90 over 9 days -> £10/day at 3% -> 9 x 30p = £2.70 (1998 tables)
    made = date(2006, 9, 1)
    assert deduction_pence(9_000, "daily", periods=9, order_made=made) == 270
    assert deduction_pence(12_000, "daily", periods=10, order_made=made) == 360
    assert deduction_pence(17_600, "daily", periods=11, order_made=made) == 880
    # 2007 tables: £300 over 10 days = £30/day -> 7% of £300 = £21.00
    assert deduction_pence(30_000, "daily", periods=10) == 2_100
    # top band over 4 days: £400 -> £100/day -> 4 x (17% x 72 + 50% x 28) = 4 x 26.24
    assert deduction_pence(40_000, "daily", periods=4) == 10_496


def test_fortnightly_pay_is_two_weeks() -> None:
    # £500 a fortnight -> £250 a week, 12% band -> 12% of £500
    assert deduction_pence(50_000, "weekly", periods=2) == 6_000
    # £1,200 a fortnight -> £600 a week -> 2 x £133.35
    assert deduction_pence(120_000, "weekly", periods=2) == 26_670


def test_explanation_names_the_band() -> None:
    d = explain(100_000, "monthly")
    assert d.deduction_pence == 12_000
    assert d.band.percent == 12 and d.band.above_pence == 90_000 and d.band.up_to_pence == 142_000
    assert d.band_description == "over £900 and not over £1,420: 12% of the whole"
    assert "Table B" in d.explanation() and "SI 2006/3395" in d.explanation()
    assert explain(60_000, "weekly").band_description == "over £505: 17% of the first £505 and 50% of the rest"
    assert explain(5_000, "weekly").band_description == "not over £75: 0%"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"net_pence": -1, "period": "weekly"}, "negative"),
        ({"net_pence": 100, "period": "fortnightly"}, "weekly, monthly or daily"),
        ({"net_pence": 100, "period": "weekly", "country": "scotland"}, "England or Wales"),
        ({"net_pence": 100, "period": "weekly", "periods": 0}, "at least one"),
    ],
)
def test_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(AttachmentError, match=message):
        deduction_pence(**kwargs)


def test_orders_in_force_and_admin_fee() -> None:
    # Not more than two orders in force (SI 1998/295 reg 4); £1 per deduction to the employer.
    assert MAX_ORDERS_IN_FORCE == 2
    assert may_make_another_order(1) and not may_make_another_order(2)
    assert EMPLOYER_ADMIN_FEE_PENCE == 100
    assert total_with_admin_fee_pence(12_000) == 12_100
    assert total_with_admin_fee_pence(0) == 0
