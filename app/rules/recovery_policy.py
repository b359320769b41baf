"""The recovery engine: given an account's years and holds, what to do next, and why.

Council Tax (Administration and Enforcement) Regulations 1992 (SI 1992/613):
- reg 23(1)-(3): when an instalment is missed, a **reminder** asks for the overdue amount
  (plus anything falling due within 7 days); if that is not paid within 7 days, the
  right to instalments is lost and the whole year's balance becomes payable.
- reg 23(4): after a second reminder in the year has been complied with, a further miss
  makes the whole balance payable with no more reminders: councils send a **final notice**.
- reg 33-34: a summons needs a reminder or final notice for the amount, unpaid 7 days
  after it was issued; no summons once **6 years** have passed since the sum fell due
  (reg 34(3)).
- reg 35(2A): the summons must be served at least 14 days before the hearing.
The timings (days after a miss, after a notice, lead time for a hearing), the number of
reminders, the minimum balance and the hearing dates are council policy and the law may
change them: they are data (`RecoveryPolicy`, from the authority settings).

A liability order is made by the court (recorded as an outcome), never by this engine;
after it the engine explains which routes are open but takes none itself.
Nothing happens while a hold is in force (breathing space, insolvency, deceased,
dispute, vulnerability review, arrangement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.enums import RecoveryStage
from app.money import fmt
from app.rules.apportionment import year_label
from app.rules.instalments import DueInstalment, add_months

STATUTORY_STAGES = (
    RecoveryStage.REMINDER_1, RecoveryStage.REMINDER_2, RecoveryStage.FINAL_NOTICE, RecoveryStage.SUMMONS,
    RecoveryStage.LIABILITY_ORDER,
)
RESET_STAGES = (RecoveryStage.WITHDRAWN, RecoveryStage.PAID_BEFORE_HEARING)  # the year starts again from the instalments
INFORMATION_STAGES = (RecoveryStage.DD_RETURNED, RecoveryStage.ADJOURNED)
assert set(STATUTORY_STAGES + RESET_STAGES + INFORMATION_STAGES) == set(RecoveryStage), "the engine knows every stage"
REMINDERS = (RecoveryStage.REMINDER_1, RecoveryStage.REMINDER_2)
NOTICES = (*REMINDERS, RecoveryStage.FINAL_NOTICE)  # what a summons needs first (reg 33-34)


@dataclass(frozen=True)
class RecoveryPolicy:
    reminder_days: int = 7  # days after an instalment falls due before a reminder is due
    pay_within_days: int = 7  # reg 23(3): days the taxpayer has to pay a reminder
    max_reminders: int = 2  # per year (reg 23(4))
    summons_after_days: int = 14  # days after the reminder/final notice before a summons
    hearing_lead_days: int = 14  # reg 35(2A): summons issue to hearing
    minimum_balance_pence: int = 500
    summons_limit_years: int = 6  # reg 34(3)
    summons_costs_pence: int = 0
    liability_order_costs_pence: int = 0
    hearing_dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class StageEvent:
    stage: str
    on: date
    hearing_date: date | None = None


@dataclass(frozen=True)
class YearState:
    """One financial year of an account, as recovery sees it.

    `instalments`: the active plan (empty when the year has none: the balance is then
    treated as due from `due_without_plan`). `paid_pence`: cash credited to the year.
    `balance_pence`: everything the year still owes (charge - reductions - paid + costs).
    """

    year: int
    balance_pence: int
    paid_pence: int
    instalments: tuple[DueInstalment, ...] = ()
    events: tuple[StageEvent, ...] = ()
    due_without_plan: date | None = None


@dataclass(frozen=True)
class HoldState:
    kind: str
    reason: str
    start: date
    end: date | None

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class AccountState:
    account_ref: str
    years: tuple[YearState, ...]
    holds: tuple[HoldState, ...] = ()


@dataclass(frozen=True)
class Action:
    year: int
    stage: str
    amount_pence: int  # what the notice asks for
    costs_pence: int = 0  # costs to post with it (summons)
    hearing_date: date | None = None
    why: str = ""


@dataclass(frozen=True)
class YearAdvice:
    """Where a year stands and why nothing (or something) happens next."""

    year: int
    stage: str
    stage_date: date | None
    next_step: str


@dataclass(frozen=True)
class Decision:
    actions: tuple[Action, ...]
    on_hold: HoldState | None = None
    advice: tuple[YearAdvice, ...] = field(default_factory=tuple)


def _due_by(state: YearState, day: date) -> int:
    """What had fallen due for the year by `day`."""
    if not state.instalments:
        return max(state.balance_pence + state.paid_pence, 0) if state.due_without_plan and state.due_without_plan <= day else 0
    return sum(i.amount_pence for i in state.instalments if i.due <= day)


def _arrears_at(state: YearState, day: date) -> int:
    """Due by `day` and not paid (payments made since count: they are in `paid_pence`)."""
    return max(0, min(_due_by(state, day) - state.paid_pence, state.balance_pence))


def _first_unpaid_due(state: YearState) -> date | None:
    if not state.instalments:
        return state.due_without_plan
    covered = state.paid_pence
    for inst in state.instalments:
        if covered < inst.amount_pence:
            return inst.due
        covered -= inst.amount_pence
    return None


def _hearing_for(policy: RecoveryPolicy, as_of: date) -> date | None:
    earliest = as_of + timedelta(days=policy.hearing_lead_days)
    return next((h for h in sorted(policy.hearing_dates) if h >= earliest), None)


def next_actions(state: AccountState, policy: RecoveryPolicy, as_of: date) -> Decision:
    """The recovery steps due on `as_of` for each year of the account, with the reason for each."""
    hold = next((h for h in state.holds if h.in_force(as_of)), None)
    actions: list[Action] = []
    advice: list[YearAdvice] = []
    for year in sorted(state.years, key=lambda y: y.year):
        action, step = _year(year, policy, as_of)
        statutory = [e for e in year.events if e.stage in STATUTORY_STAGES + RESET_STAGES]
        last = statutory[-1] if statutory else None
        if hold is not None and action is not None:
            step = f"{action.stage.replace('_', ' ')} due, but on hold: {hold.kind.replace('_', ' ')}"
            action = None
        if action is not None:
            actions.append(action)
        advice.append(YearAdvice(year.year, last.stage if last else "none", last.on if last else None, step))
    return Decision(tuple(actions), hold, tuple(advice))


def _year(y: YearState, policy: RecoveryPolicy, as_of: date) -> tuple[Action | None, str]:
    label = year_label(y.year)
    if y.balance_pence < policy.minimum_balance_pence:
        return None, ("paid" if y.balance_pence <= 0 else f"balance below the {fmt(policy.minimum_balance_pence)} minimum")
    events = [e for e in y.events if e.stage not in INFORMATION_STAGES]
    if events and events[-1].stage in RESET_STAGES:
        # Paid or withdrawn at court: start again from the instalments, keeping the reminder count.
        events = [e for e in events if e.stage in REMINDERS]
    last = events[-1] if events else None
    reminders = sum(1 for e in events if e.stage in REMINDERS)
    missed_by = as_of - timedelta(days=policy.reminder_days)
    overdue = _arrears_at(y, missed_by)

    if last is not None and last.stage == RecoveryStage.LIABILITY_ORDER:
        return None, "liability order made: choose a recovery route"
    if last is not None and last.stage == RecoveryStage.SUMMONS:
        hearing = f" on {last.hearing_date:%d/%m/%Y}" if last.hearing_date else ""
        return None, f"summonsed: awaiting the hearing{hearing}"
    if last is not None and last.stage in NOTICES:
        notice_day = last.on
        pay_by = notice_day + timedelta(days=policy.pay_within_days)
        complied = last.stage != RecoveryStage.FINAL_NOTICE and _arrears_at(y, pay_by) == 0
        if not complied:
            if as_of < pay_by:
                return None, (f"{last.stage.replace('_', ' ')} sent {notice_day:%d/%m/%Y}: "
                              f"waiting for payment by {pay_by:%d/%m/%Y}")
            summons_day = notice_day + timedelta(days=policy.summons_after_days)
            if as_of < summons_day:
                return None, f"not paid: summons from {summons_day:%d/%m/%Y} (whole {label} balance now due, reg 23(3))"
            return _summons(y, policy, as_of)
        # Complied with a reminder: a later miss draws the next reminder, or a final notice (reg 23(4)).
        later_miss = _arrears_at(y, missed_by) > 0 and missed_by > notice_day
        if not later_miss:
            return None, f"{last.stage.replace('_', ' ')} paid: instalments continue"
        if reminders < policy.max_reminders:
            return _notice(y, RecoveryStage.REMINDER_2 if reminders == 1 else RecoveryStage.REMINDER_1, overdue, as_of, policy,
                           "instalment missed again after a reminder was paid (reg 23(1))")
        return _notice(y, RecoveryStage.FINAL_NOTICE, y.balance_pence, as_of, policy,
                       f"third missed instalment in {label}: the whole balance is due (reg 23(4))")
    if overdue <= 0:
        return None, "up to date"
    if reminders >= policy.max_reminders:
        return _notice(y, RecoveryStage.FINAL_NOTICE, y.balance_pence, as_of, policy,
                       f"{policy.max_reminders} reminders already sent for {label}: final notice (reg 23(4), reg 33)")
    stage = RecoveryStage.REMINDER_1 if reminders == 0 else RecoveryStage.REMINDER_2
    return _notice(y, stage, overdue, as_of, policy,
                   f"{fmt(overdue)} unpaid {policy.reminder_days} days after falling due (reg 23(1))")


def _notice(y: YearState, stage: RecoveryStage, amount: int, as_of: date, policy: RecoveryPolicy, why: str) -> tuple[Action, str]:
    if stage in REMINDERS:
        soon = as_of + timedelta(days=policy.pay_within_days)
        amount = max(amount, _arrears_at(y, soon))  # plus anything falling due within the 7 days
    return Action(y.year, stage, amount, why=why), f"send {stage.replace('_', ' ')}"


def _summons(y: YearState, policy: RecoveryPolicy, as_of: date) -> tuple[Action | None, str]:
    first_unpaid = _first_unpaid_due(y)
    if first_unpaid is not None and as_of >= add_months(first_unpaid, 12 * policy.summons_limit_years):
        return None, f"over {policy.summons_limit_years} years since the sum fell due: no summons (reg 34(3)); consider write-off"
    hearing = _hearing_for(policy, as_of)
    if hearing is None:
        return None, f"summons due, but no hearing date at least {policy.hearing_lead_days} days ahead in the settings"
    return (
        Action(y.year, RecoveryStage.SUMMONS, y.balance_pence + policy.summons_costs_pence, policy.summons_costs_pence, hearing,
               why=f"notice not paid: summons for the hearing on {hearing:%d/%m/%Y} (regs 34-35)"),
        "issue summons",
    )
