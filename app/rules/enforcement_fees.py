"""Enforcement agent fees: the Taking Control of Goods (Fees) Regulations 2014 (SI 2014/1).

For enforcement other than under a High Court writ (council tax), reg 5 divides the work
into stages and the Schedule (Table 1) fixes a fee for each:

| stage | begins (reg 5) | fixed fee | percentage fee (reg 7) |
|---|---|---|---|
| compliance | the agent receives the instructions | £75 | - |
| enforcement | the first attendance at the premises | £235 | 7.5% of the sum to be recovered above £1,500 |
| sale or disposal | the first attendance to remove goods for sale | £110 | 7.5% of the sum to be recovered above £1,500 |

Fees accumulate: a case at the sale stage carries compliance + enforcement + sale
(reg 4(1), (3): the whole fee for a stage is due once it has begun).

Several liability orders against one debtor (reg 11): where the agent is instructed on
more than one enforcement power against the same debtor and they "can reasonably be
exercised at the same time" (taking control of goods for all on the same occasion, and
selling them together, unless impracticable: reg 11(2)),
- "the enforcement agent may recover the compliance stage fee in respect of each
  enforcement power" (reg 11(3));
- "the fixed fee for each stage may be recovered only once regardless of the number of
  enforcement powers" (reg 11(4)(a)); and
- the percentage fee is calculated on "the total amount of the sums to be recovered under
  all enforcement powers" (reg 11(4)(b)), so there is one £1,500 threshold, not one per
  order.
Two orders of £1,000 at the enforcement stage: 2 x £75 + £235 + 7.5% x (£2,000 - £1,500)
= £422.50 (not 2 x (£75 + £235) = £620).

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

Which instructions count as "exercised at the same time" (reg 11(2)) is a question of fact
for the agent's visit; `joint_allowances` takes the records the agent returns: instructions
against one debtor, held by one agent, whose later stage (enforcement or sale) was reached on
the same day were acted on together, so that stage's fixed fee is due once for them and its
percentage on the total of their sums. Instructions that reached a stage on different days are
priced apart for that stage (the agent attended for each separately).

The fee figures are a `FeeScale` (data), so the uplift announced in 2025 (5%, with a
14-day compliance period) can be configured per year in the authority settings once it is
made law; `SCALE_2014` is the scale in force since 6 April 2014.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


Debts = int | Sequence[int]


def _sums(debts: Debts) -> tuple[int, ...]:
    sums = (debts,) if isinstance(debts, int) else tuple(debts)
    if not sums:
        raise FeeError("At least one sum to be recovered is needed.")
    if any(isinstance(d, bool) or not isinstance(d, int) for d in sums):
        raise FeeError("Each sum to be recovered is a whole number of pence.")
    if any(d < 0 for d in sums):
        raise FeeError("The sum to be recovered cannot be negative.")
    return sums


def breakdown(
    debts: Debts, stage: str, scale: FeeScale = DEFAULT, *, vulnerable_without_advice: bool = False
) -> tuple[FeeLine, ...]:
    """The fee for each stage reached, compliance first (cumulative to `stage`).

    `debts`: the "sum to be recovered" (defined in reg 2; taken here as what is unpaid
    under the liability order, before the agent's own fees *(check the definition)*), or
    one such sum per liability order when the agent holds several against the same
    debtor that can be enforced together (reg 11, see the module docstring): a compliance
    fee for each, the later stages' fixed fees once, the percentage on their total.
    """
    sums = _sums(debts)
    if stage not in STAGES:
        raise FeeError(f"The stage must be compliance, enforcement or sale, not '{stage}'.")
    total = sum(sums)
    lines = [FeeLine("compliance", scale.compliance_pence * len(sums), 0)]
    if stage in ("enforcement", "sale"):
        pct = percentage_fee_pence(total, scale.enforcement_percent_bp, scale.threshold_pence)
        lines.append(FeeLine("enforcement", scale.enforcement_pence, pct, waived=vulnerable_without_advice))
    if stage == "sale":
        pct = percentage_fee_pence(total, scale.sale_percent_bp, scale.threshold_pence)
        lines.append(FeeLine("sale", scale.sale_pence, pct))
    return tuple(lines)


def fees_pence(debts: Debts, stage: str, scale: FeeScale = DEFAULT, *, vulnerable_without_advice: bool = False) -> int:
    """All the fees recoverable once `stage` has begun (compliance + enforcement + sale, as reached)."""
    return sum(line.total_pence for line in breakdown(debts, stage, scale, vulnerable_without_advice=vulnerable_without_advice))


@dataclass(frozen=True)
class Instruction:
    """One instruction (liability order) held by an agent against a debtor, as the agent reported it.

    `stages`: the date each stage was reached (compliance: the instructions were received).
    A later stage reported without the one before it (straight to sale) is taken as having
    passed through the earlier stage the same day (reg 4: the fees accumulate).
    """

    key: str  # the case reference
    debt_pence: int
    stages: Mapping[str, date]
    vulnerable_without_advice: bool = False


@dataclass(frozen=True)
class SharedStage:
    """One stage's fee for the instructions that reached it together (reg 11(4)): fixed once, percentage on their total."""

    stage: str
    on: date
    keys: tuple[str, ...]  # sorted; the first carries the fee
    line: FeeLine

    @property
    def carried_by(self) -> str:
        return self.keys[0]


@dataclass(frozen=True)
class InstructionAllowance:
    """What one instruction carries of the fees allowed: its own compliance fee (reg 11(3)) and
    each later stage's whole fee where it is the first (by key) of those that reached that stage together."""

    key: str
    fee_stage: str  # the furthest stage reached
    lines: tuple[FeeLine, ...]  # compliance, then each later stage reached (0 where another instruction carries it)
    shared: tuple[SharedStage, ...]  # the later stages reached, with whom
    group: tuple[str, ...]  # every instruction priced together with this one (itself included), sorted

    @property
    def fees_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)


def _reached(instruction: Instruction) -> dict[str, date]:
    unknown = set(instruction.stages) - set(STAGES)
    if unknown:
        raise FeeError(f"The stage must be compliance, enforcement or sale, not '{sorted(unknown)[0]}'.")
    if "compliance" not in instruction.stages:
        raise FeeError(f"Instruction {instruction.key} has no date for the compliance stage.")
    reached: dict[str, date] = {}
    later: date | None = None
    for stage in reversed(STAGES):
        on = instruction.stages.get(stage, later)
        if on is not None:
            reached[stage] = on
            later = on
    return reached


def joint_allowances(instructions: Sequence[Instruction], scale: FeeScale = DEFAULT) -> tuple[InstructionAllowance, ...]:
    """The fees allowed for one agent's instructions against one debtor (reg 11), shared out per instruction.

    Compliance: one fee per instruction (reg 11(3)). Enforcement and sale: the instructions
    that reached the stage on the same day share one fixed fee and one percentage on the
    total of their sums above one threshold (reg 11(4)); the first of them by key carries
    it, the others carry 0 for that stage. Reg 12 (vulnerable debtor, no chance of advice)
    waives a shared enforcement fee if it applies to any of the instructions (the debtor
    is the same person). The allowances returned add up to the fees recoverable; in key order.

    Worked example (reg 11(4)): two orders of £1,000, enforcement stage reached on the same
    day: EA-1 carries £75 + £235 + 7.5% x (£2,000 - £1,500) = £347.50, EA-2 carries £75;
    £422.50 in all.
    """
    keys = [i.key for i in instructions]
    if len(set(keys)) != len(keys):
        raise FeeError("Each instruction must have its own key.")
    reached = {i.key: _reached(i) for i in instructions}
    by_key = {i.key: i for i in instructions}
    for i in instructions:
        _sums(i.debt_pence)
    shared: list[SharedStage] = []
    for stage in STAGES[1:]:
        together: dict[date, list[str]] = {}
        for key in sorted(keys):
            if stage in reached[key]:
                together.setdefault(reached[key][stage], []).append(key)
        for on, members in sorted(together.items()):
            total = sum(by_key[k].debt_pence for k in members)
            if stage == "enforcement":
                line = FeeLine(stage, scale.enforcement_pence,
                               percentage_fee_pence(total, scale.enforcement_percent_bp, scale.threshold_pence),
                               waived=any(by_key[k].vulnerable_without_advice for k in members))
            else:
                line = FeeLine(stage, scale.sale_pence, percentage_fee_pence(total, scale.sale_percent_bp, scale.threshold_pence))
            shared.append(SharedStage(stage, on, tuple(members), line))
    parent = {k: k for k in keys}  # instructions priced together, directly or through another

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for s in shared:
        for k in s.keys[1:]:
            parent[root(k)] = root(s.keys[0])
    result: list[InstructionAllowance] = []
    for key in sorted(keys):
        mine = tuple(s for s in shared if key in s.keys)
        lines = [FeeLine("compliance", scale.compliance_pence, 0)]
        for s in mine:
            lines.append(s.line if s.carried_by == key else FeeLine(s.stage, 0, 0, waived=s.line.waived))
        stage = STAGES[len(reached[key]) - 1]
        group = tuple(sorted(k for k in keys if root(k) == root(key)))
        result.append(InstructionAllowance(key, stage, tuple(lines), mine, group))
    return tuple(result)
