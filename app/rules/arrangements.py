"""Payment arrangements: schedules, affordability and default detection (pure: no DB, no I/O).

An arrangement is an agreement with the taxpayer to clear what they owe by regular
payments while recovery is held (../shared/domain/README.md §8: councils should agree
affordable arrangements, assessed with the **Standard Financial Statement**, and hold
recovery meanwhile). None of this is statute: the frequencies, the minimum payment, the
grace days and whether the debt should be cleared by the end of the financial year are
council policy, passed in (`ArrangementPolicy`, from `[arrangements]` in the settings).

Schedules
- Frequencies: weekly (every 7 days), fortnightly (14), four-weekly (28) and monthly (the
  same day each month, clamped to the month's last day like the statutory instalments:
  31 January -> 28/29 February -> 31 March, see `app.rules.instalments.add_months`; each
  date is worked out from the first date, so a clamp never drifts into later months).
- Either a **target end date** (every payment date from the first up to and including the
  end; the balance split equally) or an **offered amount** (as many payments of that
  amount as it takes).
- Integer pence; **the difference goes on the LAST payment**. Equal split: every payment
  is balance // n and the last also carries the remainder (at most n - 1 pence more), so
  the taxpayer sets up one standing order for the regular figure. Offered amount: every
  payment is the offer and the last is what is left (never more than the offer). Unlike
  the statutory Schedule 1 rounding (which puts the difference on the first instalment),
  an arrangement is usually set up after arrears have built up and a short or odd first
  payment would be confusing: the choice is documented here and tested.

Affordability (Standard Financial Statement categories; figures per month)
- income: earnings, benefits, pensions, other income;
- fixed costs: housing (rent, mortgage, service charges), council tax, utilities, care and
  health, transport and travel, school costs, pensions and insurance, professional
  costs, other essential costs, priority debt payments;
- flexible costs: communications and leisure, food and housekeeping, personal costs,
  savings.
  (The SFS lists transport and travel among fixed costs; it is a fixed cost here.)
Each line may be given per week, fortnight, four weeks or month. Conversions are exact
fractions: a week is 12/52 of a month (52 weeks = 12 months), a fortnight 12/26, four
weeks 12/13; the surplus (income - fixed - flexible) per month is rounded DOWN to a penny,
and so is the surplus per payment at the chosen frequency, so what is "left over" is
never overstated.

Default detection
An instalment is late when, counting every payment made so far, less than the
instalments due to that date (cumulatively) has been paid, by more than the tolerance.
The arrangement is **broken** when an instalment was still short `grace_days` after its
due date and is still short on `as_of` (a catch-up payment made before the check keeps
it); `broken_on` is the first day after the grace days. It is **completed** when the
payments reach the arrangement's total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from app.enums import ArrangementFrequency
from app.money import fmt
from app.rules.apportionment import financial_year_of, year_end
from app.rules.instalments import DueInstalment, add_months

FREQUENCIES: tuple[str, ...] = tuple(f.value for f in ArrangementFrequency)  # plain text: command-line choices
FREQUENCY_LABELS = {"weekly": "weekly", "fortnightly": "fortnightly", "four-weekly": "every four weeks",
                    "monthly": "monthly"}
DAYS = {"weekly": 7, "fortnightly": 14, "four-weekly": 28}
# One period as a fraction of a month: 52 weeks = 26 fortnights = 13 four-week periods = 12 months.
PER_MONTH = {"weekly": Fraction(12, 52), "fortnightly": Fraction(12, 26), "four-weekly": Fraction(12, 13),
             "monthly": Fraction(1)}
MAX_INSTALMENTS = 520  # ten years of weekly payments: an offer that needs more is refused

INCOME = ("earnings", "benefits", "pensions", "other_income")
FIXED_COSTS = ("housing", "council_tax", "utilities", "care_and_health", "transport_and_travel", "school_costs",
               "pensions_and_insurance", "professional_costs", "other_essential_costs", "priority_debts")
FLEXIBLE_COSTS = ("communications_and_leisure", "food_and_housekeeping", "personal_costs", "savings")
SECTIONS = {"income": INCOME, "fixed_costs": FIXED_COSTS, "flexible_costs": FLEXIBLE_COSTS}


class ArrangementError(ValueError):
    """Input a schedule cannot be made from; `field` names the option at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ArrangementPolicy:
    """`[arrangements]` settings (council policy, not law)."""

    grace_days: int = 3  # days after a due date before a missed payment breaks the arrangement
    tolerance_pence: int = 0  # a shortfall up to this much is ignored
    minimum_instalment_pence: int = 500  # smaller regular payments draw a warning
    clear_by_year_end: bool = True  # warn when the debt is not cleared by 31 March of the start's year
    diary_code: str = "ARRCHK"  # diary entry raised when an arrangement breaks
    letter_template: str = "arrangement_confirmation"


# --- schedules ----------------------------------------------------------------------------


def check_frequency(frequency: str) -> ArrangementFrequency:
    value = frequency.strip().lower().replace("_", "-")
    if value not in FREQUENCIES:
        raise ArrangementError(f"'{frequency}' is not a frequency (use {', '.join(FREQUENCIES)}).", field="frequency")
    return ArrangementFrequency(value)


def payment_date(frequency: str, start: date, index: int) -> date:
    """The `index`-th payment date (0 = `start`)."""
    if frequency == ArrangementFrequency.MONTHLY:
        return add_months(start, index)
    return start + timedelta(days=DAYS[frequency] * index)


def dates_until(frequency: str, start: date, end: date) -> list[date]:
    """Every payment date from `start` up to and including `end`."""
    result: list[date] = []
    while True:
        day = payment_date(frequency, start, len(result))
        if day > end:
            return result
        result.append(day)
        if len(result) > MAX_INSTALMENTS:
            raise ArrangementError(f"More than {MAX_INSTALMENTS} payments would be needed to reach {end:%d/%m/%Y}.",
                                   field="end")


def schedule_to_end(balance_pence: int, frequency: str, start: date, end: date) -> list[DueInstalment]:
    """Equal payments on every date from `start` to `end`; the last also carries the remainder."""
    frequency = check_frequency(frequency)
    _check_balance(balance_pence)
    if end < start:
        raise ArrangementError(f"The end date {end:%d/%m/%Y} is before the first payment {start:%d/%m/%Y}.",
                               field="end")
    dates = dates_until(frequency, start, end)
    count = len(dates)
    base = balance_pence // count
    amounts = [base] * (count - 1) + [balance_pence - base * (count - 1)]
    return [DueInstalment(d, a) for d, a in zip(dates, amounts, strict=True)]


def schedule_by_amount(balance_pence: int, frequency: str, start: date, amount_pence: int) -> list[DueInstalment]:
    """Payments of `amount_pence` until the balance is cleared; the last is what is left."""
    frequency = check_frequency(frequency)
    _check_balance(balance_pence)
    if amount_pence <= 0:
        raise ArrangementError("The amount offered must be more than £0.00.", field="amount")
    count = -(-balance_pence // amount_pence)
    if count > MAX_INSTALMENTS:
        raise ArrangementError(
            f"{fmt(amount_pence)} {FREQUENCY_LABELS[frequency]} would take {count} payments to clear "
            f"{fmt(balance_pence)}; the most allowed is {MAX_INSTALMENTS}.", field="amount")
    amounts = [amount_pence] * (count - 1) + [balance_pence - amount_pence * (count - 1)]
    return [DueInstalment(payment_date(frequency, start, i), a) for i, a in enumerate(amounts)]


def make_schedule(
    balance_pence: int, frequency: str, start: date, *, end: date | None = None, amount_pence: int | None = None,
) -> list[DueInstalment]:
    """By the offered amount when there is one (then `end` is only a target), else equal payments to `end`."""
    if amount_pence is not None:
        return schedule_by_amount(balance_pence, frequency, start, amount_pence)
    if end is None:
        raise ArrangementError("Give either an end date or an amount per payment.", field="end")
    return schedule_to_end(balance_pence, frequency, start, end)


def clears_by(schedule: Sequence[DueInstalment]) -> date | None:
    """The date of the last payment (None for an empty schedule)."""
    return schedule[-1].due if schedule else None


def _check_balance(balance_pence: int) -> None:
    if balance_pence <= 0:
        raise ArrangementError(f"Nothing is owed (balance {fmt(balance_pence)}): there is nothing to arrange.",
                               field="balance")


# --- affordability -------------------------------------------------------------------------


@dataclass(frozen=True)
class Affordability:
    """An income and expenditure statement reduced to monthly figures (pence; exact, rounded down at the end)."""

    income_pence: int
    fixed_costs_pence: int
    flexible_costs_pence: int
    surplus_monthly_pence: int  # income - fixed - flexible per month, rounded down (may be negative)
    frequency: str
    surplus_per_payment_pence: int  # the same at the chosen frequency, rounded down
    lines: dict[str, dict[str, int]] = field(default_factory=dict)  # section -> category -> monthly pence

    def to_json(self) -> dict[str, Any]:
        return {"income_pence": self.income_pence, "fixed_costs_pence": self.fixed_costs_pence,
                "flexible_costs_pence": self.flexible_costs_pence, "surplus_monthly_pence": self.surplus_monthly_pence,
                "frequency": self.frequency, "surplus_per_payment_pence": self.surplus_per_payment_pence,
                "lines": {k: dict(v) for k, v in self.lines.items()}}


def monthly(amount_pence: int | Fraction, period: str) -> Fraction:
    """An amount per `period` as an exact amount per month (weekly x 52/12, fortnightly x 26/12, four-weekly x 13/12)."""
    return Fraction(amount_pence) / PER_MONTH[check_frequency(period)]


def per_period(monthly_pence: Fraction, period: str) -> Fraction:
    """An exact monthly amount as an amount per `period` (monthly x 12/52 for a week, ...)."""
    return monthly_pence * PER_MONTH[check_frequency(period)]


def _floor(value: Fraction) -> int:
    return value.numerator // value.denominator


def assess(statement: Mapping[str, Any], frequency: str) -> Affordability:
    """What is left over from an income and expenditure statement, per month and per payment.

    `statement`: `{"income": {...}, "fixed_costs": {...}, "flexible_costs": {...}}`, each
    category (see the module docstring) an amount in pence per month, or
    `{"amount_pence": N, "period": "weekly"}`; optional `"period"` at the top sets the
    default period for plain numbers. Unknown sections or categories are refused.
    """
    frequency = check_frequency(frequency)
    default_period = check_frequency(str(statement.get("period", "monthly")))
    for key in statement:
        if key not in SECTIONS and key != "period":
            raise ArrangementError(f"'{key}' is not a part of an income and expenditure statement "
                                   f"(use {', '.join(SECTIONS)}).", field="income_expenditure")
    totals: dict[str, Fraction] = {}
    lines: dict[str, dict[str, int]] = {}
    for section, categories in SECTIONS.items():
        body = statement.get(section, {}) or {}
        if not isinstance(body, Mapping):
            raise ArrangementError(f"'{section}' must map categories to amounts.", field="income_expenditure")
        total = Fraction(0)
        lines[section] = {}
        for category, value in body.items():
            if category not in categories:
                raise ArrangementError(f"'{category}' is not a Standard Financial Statement category under {section} "
                                       f"(use {', '.join(categories)}).", field="income_expenditure")
            amount, period = _line(value, default_period, f"{section}.{category}")
            month = monthly(amount, period)
            lines[section][category] = _floor(month)
            total += month
        totals[section] = total
    surplus = totals["income"] - totals["fixed_costs"] - totals["flexible_costs"]
    return Affordability(
        income_pence=_floor(totals["income"]), fixed_costs_pence=_floor(totals["fixed_costs"]),
        flexible_costs_pence=_floor(totals["flexible_costs"]), surplus_monthly_pence=_floor(surplus),
        frequency=frequency, surplus_per_payment_pence=_floor(per_period(surplus, frequency)), lines=lines,
    )


def _line(value: Any, default_period: str, where: str) -> tuple[int, str]:
    period = default_period
    if isinstance(value, Mapping):
        period = check_frequency(str(value.get("period", default_period)))
        value = value.get("amount_pence")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ArrangementError(f"{where} must be a whole number of pence, 0 or more.", field="income_expenditure")
    return value, period


# --- warnings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanWarning:
    """Something the officer must look at (and confirm) before the arrangement is agreed."""

    code: str  # not_cleared_by_target | not_cleared_by_year_end | exceeds_surplus | starts_in_past | below_minimum
    message: str
    field: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


def warnings_for(
    schedule: Sequence[DueInstalment], *, balance_pence: int, frequency: str, start: date, as_of: date,
    policy: ArrangementPolicy, target_end: date | None = None, affordability: Affordability | None = None,
) -> list[PlanWarning]:
    """The warnings for a proposed schedule, in a fixed order."""
    found: list[PlanWarning] = []
    last = clears_by(schedule)
    if start < as_of:
        found.append(PlanWarning("starts_in_past", f"The first payment {start:%d/%m/%Y} is before today "
                                                f"({as_of:%d/%m/%Y}).", "start"))
    if last is not None and target_end is not None and last > target_end:
        found.append(PlanWarning("not_cleared_by_target", f"The offer does not clear {fmt(balance_pence)} by "
                                                       f"{target_end:%d/%m/%Y}: the last payment is {last:%d/%m/%Y}.",
                              "amount"))
    if policy.clear_by_year_end and last is not None:
        year_last = year_end(financial_year_of(start))
        if last > year_last:
            found.append(PlanWarning("not_cleared_by_year_end",
                                  f"The debt is not cleared by the end of the financial year ({year_last:%d/%m/%Y}): "
                                  f"the last payment is {last:%d/%m/%Y}.",
                                  "end" if target_end is not None and target_end > year_last else "amount"))
    regular = schedule[0].amount_pence if schedule else 0
    if affordability is not None and regular > affordability.surplus_per_payment_pence:
        left = affordability.surplus_per_payment_pence
        found.append(PlanWarning("exceeds_surplus",
                              f"{fmt(regular)} {FREQUENCY_LABELS[frequency]} is more than is left over "
                              f"({fmt(max(left, 0)) if left >= 0 else '-' + fmt(-left)} per payment) on the income "
                              f"and expenditure statement.", "amount"))
    if schedule and len(schedule) > 1 and regular < policy.minimum_instalment_pence:
        found.append(PlanWarning("below_minimum", f"Payments of {fmt(regular)} are below the minimum of "
                                               f"{fmt(policy.minimum_instalment_pence)}.", "amount"))
    return found


# --- default detection ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentCheck:
    status: str  # kept | broken | completed
    due_pence: int  # instalments due on or before as_of
    paid_pence: int  # payments on or before as_of
    arrears_pence: int  # due - paid, never below 0
    first_short: DueInstalment | None  # the earliest due instalment not covered (within tolerance)
    first_short_seq: int | None  # 1-based
    broken_on: date | None
    reason: str


def check_payments(
    schedule: Sequence[DueInstalment], payments: Iterable[tuple[date, int]], as_of: date, *,
    tolerance_pence: int = 0, grace_days: int = 0, total_pence: int | None = None,
) -> PaymentCheck:
    """Kept, broken or completed on `as_of` (see the module docstring). `payments`: (date, pence paid).

    `schedule` may hold only the instalments due by `as_of` when `total_pence` (the whole
    arrangement) is given, as the monitoring run does.
    """
    dated = sorted((d, a) for d, a in payments if d <= as_of)
    paid = sum(a for _, a in dated)
    total = sum(i.amount_pence for i in schedule) if total_pence is None else total_pence
    due_now = sum(i.amount_pence for i in schedule if i.due <= as_of)
    arrears = max(due_now - paid, 0)
    if paid >= total:
        return PaymentCheck("completed", due_now, paid, 0, None, None, None, f"Paid in full ({fmt(paid)}).")
    cumulative = 0
    first: tuple[int, DueInstalment] | None = None
    for seq, instalment in enumerate(schedule, start=1):
        if instalment.due > as_of:
            break
        cumulative += instalment.amount_pence
        if paid >= cumulative - tolerance_pence:
            continue
        if first is None:
            first = (seq, instalment)
        deadline = instalment.due + timedelta(days=grace_days)
        if deadline >= as_of:
            continue
        by_deadline = sum(a for d, a in dated if d <= deadline)
        if by_deadline < cumulative - tolerance_pence:
            short = cumulative - paid
            reason = (f"Payment {seq} of {fmt(instalment.amount_pence)} due {instalment.due:%d/%m/%Y} was not paid "
                      f"within {grace_days} days: {fmt(short)} short (paid {fmt(paid)} of {fmt(cumulative)} due).")
            return PaymentCheck("broken", due_now, paid, arrears, first[1], first[0], deadline + timedelta(days=1),
                                reason)
    if first is not None:
        seq, instalment = first
        return PaymentCheck("kept", due_now, paid, arrears, instalment, seq, None,
                            f"Payment {seq} due {instalment.due:%d/%m/%Y} is {fmt(arrears)} short; within the "
                            f"{grace_days} days' grace.")
    return PaymentCheck("kept", due_now, paid, arrears, None, None, None, "Up to date.")

