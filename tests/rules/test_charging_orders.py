"""Charging orders: AER 1992 (SI 1992/613) reg 50(1)(c), "at least £1000 of the amount in respect of
which the liability order was made remains outstanding" (legislation.gov.uk/uksi/1992/613/regulation/50/made),
measured on the orders the application relies on (several together: Interpretation Act 1978 s6(c))."""

from app.rules.charging_orders import MINIMUM_PENCE, outstanding_under_order, threshold_test

Y23, Y24, Y25 = "2023/24 (order of 01/02/2024)", "2024/25 (order of 15/07/2025)", "2025/26 (order of 20/11/2025)"


def test_neither_order_alone_but_together_they_reach_1000() -> None:
    # Worked example: £700 and £500 outstanding; neither alone, £1,200 together.
    test = threshold_test({Y23: 70_000, Y24: 50_000})
    assert (test.met, test.alone, test.together_pence) == (True, (), 120_000)
    assert test.explain() == (
        "Outstanding under each liability order: 2023/24 (order of 01/02/2024) £700.00; 2024/25 (order of 15/07/2025) "
        "£500.00 (£1,200.00 together); no one order reaches £1,000 alone: the application must rely on orders "
        "together (AER 1992 reg 50(1)(c)).")


def test_no_combination_reaches_1000() -> None:
    # £700 + £250 = £950: no choice of orders reaches the minimum.
    test = threshold_test({Y23: 70_000, Y24: 25_000, Y25: 0})
    assert (test.met, test.together_pence, [label for label, _ in test.orders]) == (False, 95_000, [Y23, Y24])
    assert "No order, and no combination of orders, reaches £1,000 (all the orders together come to £950.00)" in test.explain()


def test_one_order_alone_and_exactly_the_minimum() -> None:
    test = threshold_test({Y23: MINIMUM_PENCE, Y24: 10_000})
    assert (test.met, test.alone) == (True, (Y23,)) and f"{Y23} reaches £1,000 alone" in test.explain()
    assert threshold_test({Y24: MINIMUM_PENCE - 1}).met is False
    assert threshold_test({Y24: MINIMUM_PENCE}).explain() == (
        "Outstanding under the liability order: 2024/25 (order of 15/07/2025) £1,000.00: at least £1,000 "
        "(AER 1992 reg 50(1)(c)).")
    assert threshold_test({}).met is False and "Nothing is outstanding" in threshold_test({}).explain()


def test_outstanding_under_an_order_is_never_more_than_it_was_made_for() -> None:
    # The year's charge rose by £400 after an order for £900: £1,300 owed for the year, £900 under the order.
    assert outstanding_under_order(130_000, 90_000) == 90_000
    assert outstanding_under_order(50_000, 90_000) == 50_000  # part paid
    assert outstanding_under_order(-2_000, 90_000) == 0  # in credit
    assert outstanding_under_order(50_000, 0) == 50_000  # an order recorded without its amount
