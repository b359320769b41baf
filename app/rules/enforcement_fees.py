"""Enforcement agent fees: the Taking Control of Goods (Fees) Regulations 2014 (SI 2014/1).

For enforcement other than under a High Court writ (council tax), reg 5 divides the work
into stages and the Schedule (Table 1) fixes a fee for each:

| stage | begins (reg 5) | fixed fee | percentage fee (reg 7) |
|---|---|---|---|
| compliance | the agent receives the instructions | £75 | - |
| enforcement | the first attendance at the premises | £235 | 7.5% of the sum to be recovered above £1,500 |
| sale or disposal | the first attendance to remove goods for sale | £110 | 7.5% of the sum to be recovered above £1,500 |

Fees accumulate: a case at the sale stage carries compliance + enforcement + sale
(reg 4(1), (3): the whole fee for a stage is due once it has begun). A compliance fee is
due for each liability order passed to the agent.

Rounding: reg 7 says only "multiplying the amount of the sum to be recovered which
exceeds £1500 by the percentage". It is silent on pennies, so each percentage fee is
rounded to the nearest penny, an exact half penny rounded **down** (in the debtor's
favour; 7.5% of a whole number of pence ends in a half penny when the excess ends in
20p, 60p, ...).

Vulnerable debtors (reg 12): where the debtor is a vulnerable person, the fee for the
**enforcement stage** (and disbursements related to it) is not recoverable unless the
agent gave the debtor an adequate opportunity to get assistance and advice before
removing goods. The compliance and sale fees are not affected by reg 12, so the flag
here zeroes the enforcement stage fee only.

The fee figures are a `FeeScale` (data), so the uplift announced in 2025 (5%, with a
14-day compliance period) can be configured per year in the authority settings once it is
made law; `SCALE_2014` is the scale in force since 6 April 2014.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

Stage = Literal["compliance", "enforcement", "sale"]
STAGES: tuple[Stage, ...] = ("compliance", "enforcement", "sale")


class FeeError(ValueError):
    """Input that cannot be priced (a message for an officer)."""


@dataclass(frozen=True)
class FeeScale:
    """One fee scale (SI 2014/1 Schedule, Table 1). Percentages are in basis points (750 = 7.5%)."""

    in_force_from: date
    compliance_pence: int = 7_500
    enforcement_pence: int = 23_500
    sale_pence: int = 11_000
    threshold_pence: int = 150_000
    enforcement_percent_bp: int = 750
    sale_percent_bp: int = 750
    source: str = "Taking Control of Goods (Fees) Regulations 2014 (SI 2014/1), Schedule Table 1"


SCALE_2014 = FeeScale(in_force_from=date(2014, 4, 6))
DEFAULT = SCALE_2014


@dataclass(frozen=True)
class FeeLine:
    stage: str
    fixed_pence: int
    percentage_pence: int
    waived: bool = False  # reg 12: not recoverable from a vulnerable debtor not given the chance of advice

    @property
    def total_pence(self) -> int:
        return 0 if self.waived else self.fixed_pence + self.percentage_pence


def _round_half_down(value: Fraction) -> int:
    whole, rem = divmod(value.numerator, value.denominator)
    return whole + 1 if 2 * rem > value.denominator else whole


def percentage_fee_pence(debt_pence: int, percent_bp: int, threshold_pence: int) -> int:
    """Reg 7: the percentage of the sum to be recovered above the threshold (nearest penny, halves down)."""
    excess = max(0, debt_pence - threshold_pence)
    return _round_half_down(Fraction(excess * percent_bp, 10_000))


def breakdown(
    debt_pence: int, stage: str, scale: FeeScale = DEFAULT, *, vulnerable_without_advice: bool = False
) -> tuple[FeeLine, ...]:
    """The fee for each stage reached, compliance first (cumulative to `stage`).

    `debt_pence` is the "sum to be recovered" (defined in reg 2; taken here as what is
    unpaid under the liability order, before the agent's own fees *(check the definition)*).
    """
    if debt_pence < 0:
        raise FeeError("The sum to be recovered cannot be negative.")
    if stage not in STAGES:
        raise FeeError(f"The stage must be compliance, enforcement or sale, not '{stage}'.")
    lines = [FeeLine("compliance", scale.compliance_pence, 0)]
    if stage in ("enforcement", "sale"):
        pct = percentage_fee_pence(debt_pence, scale.enforcement_percent_bp, scale.threshold_pence)
        lines.append(FeeLine("enforcement", scale.enforcement_pence, pct, waived=vulnerable_without_advice))
    if stage == "sale":
        pct = percentage_fee_pence(debt_pence, scale.sale_percent_bp, scale.threshold_pence)
        lines.append(FeeLine("sale", scale.sale_pence, pct))
    return tuple(lines)


def fees_pence(debt_pence: int, stage: str, scale: FeeScale = DEFAULT, *, vulnerable_without_advice: bool = False) -> int:
    """All the fees recoverable once `stage` has begun (compliance + enforcement + sale, as reached)."""
    return sum(line.total_pence for line in breakdown(debt_pence, stage, scale, vulnerable_without_advice=vulnerable_without_advice))
