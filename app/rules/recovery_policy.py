"""The recovery engine: given an account's years and holds, what to do next, and why.

Council Tax (Administration and Enforcement) Regulations 1992 (SI 1992/613):
- reg 23(1)(i): when an instalment is missed, a **reminder** asks for "the instalments
  which are due ... and which are unpaid and the instalments that will become due within
  the period of seven days beginning with the day on which the reminder notice is issued":
  the issue day and the six days after it (a reminder issued on 25 May asks for what is
  due by 31 May, not the 1 June instalment).
- reg 23(3): "If, within the period of 7 days beginning with the day on which a reminder
  notice is issued, the liable person fails to pay any instalments which are or will
  become due before the expiry of that period", the right to instalments is lost and the
  whole year's balance becomes payable. The same seven days, issue day included: the
  last day to pay a reminder issued on 8 May is 14 May (`reminder_pay_by`).
- reg 23(4): after a second reminder in the year has been complied with, a further miss
  makes the whole balance payable with no more reminders: councils send a **final notice**.
- reg 33-34: a summons needs a reminder or final notice for the amount, unpaid 7 days
  after it was issued; no summons once **6 years** have passed since the sum fell due
  (reg 34(3)).
- reg 35(2A): no liability order until 14 days have elapsed since the day the summons was
  **served** (a posted summons is served days after it is issued: `app.rules.service`).
The timings (days after a miss, after a notice, lead time for a hearing), the number of
reminders, the minimum balance and the hearing dates are council policy and the law may
change them: they are data (`RecoveryPolicy`, from the authority settings).

A liability order is made by the court (recorded as an outcome), never by this engine;
after it the engine explains which routes are open but takes none itself.
Nothing happens while a hold is in force (breathing space, insolvency, deceased,
dispute, vulnerability review, arrangement). A summons is also held back while casework is
open that the council's safeguards name (a gone-away trace, a vulnerability review, an
escalation: `app.rules.safeguards`) until a team leader releases the account.
After a liability order, the next step names the enforcement already in place (an
attachment of earnings order, a deduction from benefit, an agent) rather than asking for
a route to be chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.enums import RecoveryStage
from app.money import fmt
from app.rules.apportionment import year_label
from app.rules.instalments import DueInstalment, add_months
from app.rules.safeguards import SAFEGUARD_KINDS, Safeguard, held_back
from app.rules.service import STATUTORY_HEARING_LEAD_DAYS, earliest_hearing

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
    pay_within_days: int = 7  # reg 23(1),(3): the period, beginning with the issue day, to pay a reminder
    max_reminders: int = 2  # per year (reg 23(4))
    summons_after_days: int = 14  # days after the reminder/final notice before a summons
    hearing_lead_days: int = STATUTORY_HEARING_LEAD_DAYS  # reg 35(2A): whole days from service to hearing
    service_days: int = 2  # business days from posting a summons to its deemed service (Interpretation Act s7)
    minimum_balance_pence: int = 500
    summons_limit_years: int = 6  # reg 34(3)
    summons_costs_pence: int = 0
    liability_order_costs_pence: int = 0
    hearing_dates: tuple[date, ...] = ()
    bank_holidays: tuple[date, ...] = ()  # not business days (reg 1(2)): service is counted in business days
    safeguards: tuple[str, ...] = SAFEGUARD_KINDS  # open casework that holds back a statutory step (app.rules.safeguards)


@dataclass(frozen=True)
class StageEvent:
    stage: str
    on: date
    hearing_date: date | None = None


ROUTE_NAMES = {
    "attachment_of_earnings": "attachment of earnings order",
    "benefit_deduction": "deduction from benefit",
    "enforcement_agent": "enforcement agent referral",
}


@dataclass(frozen=True)
class EnforcementInPlace:
    """An open enforcement case under a year's liability order."""

    kind: str  # EnforcementKind
    opened_on: date
    reference: str = ""

    def describe(self) -> str:
        ref = f" ({self.reference})" if self.reference else ""
        return f"{ROUTE_NAMES.get(self.kind, self.kind.replace('_', ' '))} in place since {self.opened_on:%d/%m/%Y}{ref}"


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
    enforcement: tuple[EnforcementInPlace, ...] = ()  # open cases under the year's liability order


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
    safeguards: tuple[Safeguard, ...] = ()  # those holding the account back (released ones left out)


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
    due_pence: int = 0  # what the year owes now: the arrears, or the whole balance once it is payable


@dataclass(frozen=True)
class Decision:
    actions: tuple[Action, ...]
    on_hold: HoldState | None = None
    advice: tuple[YearAdvice, ...] = field(default_factory=tuple)
    safeguarded: tuple[Safeguard, ...] = ()  # what held a step back (empty when nothing was held back by them)


def _due_by(state: YearState, day: date) -> int:
    """What had fallen due for the year by `day`."""
    if not state.instalments:
        return max(state.balance_pence + state.paid_pence, 0) if state.due_without_plan and state.due_without_plan <= day else 0
    return sum(i.amount_pence for i in state.instalments if i.due <= day)


def _arrears_at(state: YearState, day: date) -> int:
    """Due by `day` and not paid (payments made since count: they are in `paid_pence`)."""
    return max(0, min(_due_by(state, day) - state.paid_pence, state.balance_pence))


def out_of_time(fell_due: date, as_of: date, limit_years: int = 6) -> bool:
    """A sum that fell due on `fell_due` can no longer be summonsed on `as_of`: reg 34(3)
    allows a summons only within "the period of six years beginning with the day on which
    the amount fell due", so the last day is the day before the sixth anniversary (a sum
    due 31 March 2019 may be summonsed up to 30 March 2025, not on 31 March 2025)."""
    return as_of >= add_months(fell_due, 12 * limit_years)


def _out_of_time(state: YearState, policy: RecoveryPolicy, as_of: date) -> int:
    """What of the year's unpaid balance fell due too long ago to summons (reg 34(3): "A
    summons shall not be issued ... after the period of six years beginning with the day on
    which the amount fell due"), judged **sum by sum**: payments cover the earliest
    instalments first; each unpaid part fell due on its instalment's date, or on the day of
    the notice that made the whole balance payable if that was earlier (reg 23(3)-(4): taking
    the notice day itself, a few days before the law's date, so a sum is never summonsed
    late). Without instalments the whole balance fell due on `due_without_plan`."""
    def stale(fell_due: date) -> bool:
        return out_of_time(fell_due, as_of, policy.summons_limit_years)

    if not state.instalments:
        return state.balance_pence if state.due_without_plan and stale(state.due_without_plan) else 0
    notices = [e.on for e in state.events if e.stage in NOTICES]
    accelerated = min(notices) if notices else None
    covered, old = state.paid_pence, 0
    for inst in state.instalments:
        unpaid = max(0, inst.amount_pence - covered)
        covered = max(0, covered - inst.amount_pence)
        fell_due = min(inst.due, accelerated) if accelerated else inst.due
        if unpaid and stale(fell_due):
            old += unpaid
    return min(old, max(state.balance_pence, 0))


def reminder_pay_by(issued: date, policy: RecoveryPolicy) -> date:
    """The last day of the period to pay a reminder issued on `issued` (reg 23(1),(3)): the
    period of `pay_within_days` (7) days *beginning with* the issue day."""
    return issued + timedelta(days=policy.pay_within_days - 1)


def summons_hearing(policy: RecoveryPolicy, issued: date) -> date | None:
    """The first of the council's hearing dates a summons issued (posted) on `issued` may be
    listed for: at least `hearing_lead_days` whole days after its deemed service (reg 35(2A))."""
    earliest = earliest_hearing(issued, policy.service_days, policy.hearing_lead_days, policy.bank_holidays)
    return next((h for h in sorted(policy.hearing_dates) if h >= earliest), None)


def next_actions(state: AccountState, policy: RecoveryPolicy, as_of: date) -> Decision:
    """The recovery steps due on `as_of` for each year of the account, with the reason for each."""
    hold = next((h for h in state.holds if h.in_force(as_of)), None)
    actions: list[Action] = []
    advice: list[YearAdvice] = []
    safeguarded = False
    for year in sorted(state.years, key=lambda y: y.year):
        action, step = _year(year, policy, as_of)
        statutory = [e for e in year.events if e.stage in STATUTORY_STAGES + RESET_STAGES]
        last = statutory[-1] if statutory else None
        if hold is not None and action is not None:
            step = f"{action.stage.replace('_', ' ')} due, but on hold: {hold.kind.replace('_', ' ')}"
            action = None
        elif action is not None and (reasons := held_back(action.stage, state.safeguards)) is not None:
            step = f"{action.stage.replace('_', ' ')} due, but held back: {reasons}; a team leader may release it"
            action, safeguarded = None, True
        if action is not None:
            actions.append(action)
        advice.append(YearAdvice(year.year, last.stage if last else "none", last.on if last else None, step,
                                 due_now(year, policy, as_of)))
    return Decision(tuple(actions), hold, tuple(advice), state.safeguards if safeguarded else ())


WHOLE_BALANCE_STAGES = (RecoveryStage.FINAL_NOTICE, RecoveryStage.SUMMONS, RecoveryStage.LIABILITY_ORDER)


def due_now(y: YearState, policy: RecoveryPolicy, as_of: date) -> int:
    """What the year owes on `as_of`: its whole balance once that is payable (a final notice,
    summons or liability order; or a reminder not complied with in its seven days, reg
    23(3)), otherwise the instalments fallen due and unpaid."""
    balance = max(y.balance_pence, 0)
    events = [e for e in y.events if e.stage not in INFORMATION_STAGES and e.on <= as_of]
    if events and events[-1].stage in RESET_STAGES:
        events = []
    last = events[-1] if events else None
    if last is not None and last.stage in WHOLE_BALANCE_STAGES:
        return balance
    if last is not None and last.stage in REMINDERS:
        pay_by = reminder_pay_by(last.on, policy)
        if as_of > pay_by and _arrears_at(y, pay_by) > 0:
            return balance
    return _arrears_at(y, as_of)


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
        in_place = [e for e in y.enforcement if e.opened_on <= as_of]
        if in_place:
            return None, "; ".join(e.describe() for e in in_place) + ": monitor the payments"
        return None, "liability order made: choose a recovery route"
    if last is not None and last.stage == RecoveryStage.SUMMONS:
        hearing = f" on {last.hearing_date:%d/%m/%Y}" if last.hearing_date else ""
        return None, f"summonsed: awaiting the hearing{hearing}"
    if last is not None and last.stage in NOTICES:
        notice_day = last.on
        pay_by = reminder_pay_by(notice_day, policy)
        complied = last.stage != RecoveryStage.FINAL_NOTICE and _arrears_at(y, pay_by) == 0
        if not complied:
            if as_of <= pay_by:
                sent = f"{last.stage.replace('_', ' ')} sent {notice_day:%d/%m/%Y}"
                return None, f"{sent}: waiting for payment by {pay_by:%d/%m/%Y}"
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
        # plus what falls due within the seven days beginning with the issue day (reg 23(1)(i))
        amount = max(amount, _arrears_at(y, reminder_pay_by(as_of, policy)))
    return Action(y.year, stage, amount, why=why), f"send {stage.replace('_', ' ')}"


def _summons(y: YearState, policy: RecoveryPolicy, as_of: date) -> tuple[Action | None, str]:
    stale = _out_of_time(y, policy, as_of)
    in_time = y.balance_pence - stale
    limit = f"over {policy.summons_limit_years} years since"
    if in_time < max(policy.minimum_balance_pence, 1):
        return None, f"{limit} the sum fell due: no summons (reg 34(3)); consider write-off"
    hearing = summons_hearing(policy, as_of)
    if hearing is None:
        return None, (f"summons due, but no hearing date in the settings at least {policy.hearing_lead_days} days "
                      f"after the summons would be served")
    left_out = f"; {fmt(stale)} {limit} it fell due left out (reg 34(3))" if stale else ""
    return (
        Action(y.year, RecoveryStage.SUMMONS, in_time + policy.summons_costs_pence, policy.summons_costs_pence, hearing,
               why=f"notice not paid: summons for the hearing on {hearing:%d/%m/%Y} (regs 34-35){left_out}"),
        "issue summons",
    )
