"""Charging orders: the £1,000 condition of the Council Tax (Administration and Enforcement)
Regulations 1992 (SI 1992/613), regulation 50.

Regulation 50(1) (as made, legislation.gov.uk/uksi/1992/613/regulation/50/made):

    "An application to the appropriate court may be made under this regulation where—
    (a) a magistrates' court has made a liability order pursuant to regulation 34(6),
    (b) the amount mentioned in regulation 34(7)(a) in respect of which the liability order
        was made is an amount the debtor is liable to pay under Part V, and
    (c) at the time that the application under this regulation is made at least £1000 of
        the amount in respect of which the liability order was made remains outstanding."

and reg 50(3): "(b) the relevant dwelling is the dwelling in respect of which, at the time
the application for the liability order was made, the debtor was liable to pay council
tax, (c) the due amount is the aggregate of— (i) an amount equal to any outstanding sum
which is or forms part of the amount in respect of which the liability order was made, and
(ii) a sum of an amount equal to the costs reasonably incurred by the applicant in
obtaining the charging order".

Amendments checked: the Council Tax (Administration and Enforcement) (Amendment)
Regulations 1998 (SI 1998/295) amend regs 35 (14 days after service of the summons), 37
and 42 (attachment of earnings), Schedule 4, and distress (certificated bailiffs, reg
45A notice, fees); they do not touch reg 50. The revised (current) text of reg 50 could
not be read from the sources available here: check it on legislation.gov.uk before
relying on the reading below.

What the condition is measured against (the decision taken here):
- the amount outstanding **under the order or orders the application relies on**, not
  everything the debtor owes: reg 50(1)(c) speaks of "the amount in respect of which the
  liability order was made", and reg 50(3)(c) secures only that amount (plus the costs of
  the charging order). Sums that were never in an order (a later increase of the year's
  charge, another year without an order) do not count;
- an application may rely on one order or on several against the same debtor: words in
  the singular include the plural unless the contrary intention appears (Interpretation
  Act 1978 s6(c), applied to subordinate legislation by s23(1)), so the orders relied on
  are added together. Orders relied on together must concern the dwelling to be charged
  (reg 50(3)(b)); that is for the officer to check, as is ownership;
- the officer chooses which orders to rely on, so each order's own figure is listed, with
  those that reach £1,000 alone; the account qualifies when the orders with something
  outstanding reach £1,000 together (the largest combination there is), and when even all
  of them together fall short, no combination can reach it.

Worked example: orders for 2023/24 with £700 and 2024/25 with £500 outstanding: neither
reaches £1,000 alone; relied on together, £1,200 does. With £700 and £250: £950, no
combination reaches £1,000 and no application may be made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.money import fmt

MINIMUM_PENCE = 100_000  # reg 50(1)(c): "at least £1000"


@dataclass(frozen=True)
class ThresholdTest:
    """Reg 50(1)(c) against the orders an application could rely on (label -> pence outstanding under it)."""

    orders: tuple[tuple[str, int], ...]  # every order with something outstanding, in the order given
    alone: tuple[str, ...]  # orders that reach the minimum on their own
    together_pence: int  # all of them relied on together: the largest combination

    @property
    def met(self) -> bool:
        """Some choice of orders reaches the minimum (all of them together do)."""
        return self.together_pence >= MINIMUM_PENCE

    def explain(self) -> str:
        """Each order's own figure, and which orders an application could rely on (a sentence for an officer)."""
        if not self.orders:
            return "Nothing is outstanding under any liability order: no charging order application may be made (reg 50)."
        figures = "; ".join(f"{label} {fmt(pence)}" for label, pence in self.orders)
        if not self.met:
            many = "all the orders together come" if len(self.orders) > 1 else "the order comes"
            return (f"Outstanding under each liability order: {figures}. No order, and no combination of orders, "
                    f"reaches £1,000 ({many} to {fmt(self.together_pence)}): no charging order application may be "
                    "made (AER 1992 reg 50(1)(c)).")
        if len(self.orders) == 1:
            return f"Outstanding under the liability order: {figures}: at least £1,000 (AER 1992 reg 50(1)(c))."
        if self.alone:
            which = (f"{self.alone[0]} reaches £1,000 alone" if len(self.alone) == 1
                     else f"each of {', '.join(self.alone)} reaches £1,000 alone")
        else:
            which = "no one order reaches £1,000 alone: the application must rely on orders together"
        return (f"Outstanding under each liability order: {figures} ({fmt(self.together_pence)} together); {which} "
                "(AER 1992 reg 50(1)(c)).")


def threshold_test(outstanding: Mapping[str, int]) -> ThresholdTest:
    """Reg 50(1)(c) for orders keyed by a label (e.g. "2024/25 (order of 15/07/2025)"), each with the pence
    still outstanding of the amount it was made for. Orders with nothing outstanding cannot be relied on."""
    orders = tuple((label, pence) for label, pence in outstanding.items() if pence > 0)
    return ThresholdTest(
        orders=orders,
        alone=tuple(label for label, pence in orders if pence >= MINIMUM_PENCE),
        together_pence=sum(pence for _, pence in orders),
    )


def outstanding_under_order(year_balance_pence: int, order_amount_pence: int) -> int:
    """What is still outstanding of an order's amount: the year's balance, but never more than the order was
    made for (reg 50(1)(c): "of the amount in respect of which the liability order was made"); an order
    recorded without its amount (0) is taken at the year's balance."""
    owed = max(0, year_balance_pence)
    return min(owed, order_amount_pence) if order_amount_pence > 0 else owed
