"""The recovery engine, stage by stage: Council Tax (Administration and Enforcement)
Regulations 1992 reg 23 (reminders, loss of instalments, second and third failures),
reg 33-34 (final notice, summons, 6-year limit), reg 35(2A) (14 days before a hearing);
../shared/domain/README.md §3 and §7."""

from datetime import date

from app.rules.instalments import DueInstalment
from app.rules.recovery_policy import (
    AccountState,
    HoldState,
    RecoveryPolicy,
    StageEvent,
    YearState,
    next_actions,
)

POLICY = RecoveryPolicy(
    summons_costs_pence=8000, hearing_dates=(date(2025, 7, 15), date(2025, 8, 19), date(2025, 9, 23)),
)
PLAN = (*(DueInstalment(date(2025, m, 1), 12000) for m in range(4, 13)), DueInstalment(date(2026, 1, 1), 12000))


def year(paid: int, events: tuple[StageEvent, ...] = (), balance: int | None = None) -> YearState:
    return YearState(2025, balance if balance is not None else 120000 - paid, paid, PLAN, events)


def act(state: YearState, on: date, holds: tuple[HoldState, ...] = (), policy: RecoveryPolicy = POLICY):  # type: ignore[no-untyped-def]
    return next_actions(AccountState("70000001", (state,), holds), policy, on)


def test_nothing_while_paid_up() -> None:
    decision = act(year(24000), date(2025, 5, 20))
    assert decision.actions == () and decision.advice[0].next_step == "up to date"


def test_first_reminder_seven_days_after_a_miss_asks_for_what_falls_due_within_seven_days() -> None:
    # reg 23(1): 1 May instalment unpaid; not yet 7 days on 7 May, reminder on 8 May
    assert act(year(12000), date(2025, 5, 7)).actions == ()
    (action,) = act(year(12000), date(2025, 5, 8)).actions
    assert (action.stage, action.amount_pence) == ("reminder_1", 12000)
    # on 26 May the 1 June instalment falls due within 7 days of the reminder: it is included
    (action,) = act(year(12000), date(2025, 5, 26)).actions
    assert action.amount_pence == 24000


def test_reminder_not_paid_within_seven_days_leads_to_summons_for_the_whole_balance() -> None:
    # reg 23(3): whole balance due; summons after the policy's 14 days, for the first hearing 14+ days ahead
    events = (StageEvent("reminder_1", date(2025, 5, 8)),)
    assert act(year(12000, events), date(2025, 5, 14)).actions == ()  # still within the 7 days
    assert act(year(12000, events), date(2025, 5, 21)).actions == ()  # not yet 14 days
    (action,) = act(year(12000, events), date(2025, 5, 22)).actions
    assert action.stage == "summons" and action.hearing_date == date(2025, 7, 15)
    assert action.amount_pence == 108000 + 8000 and action.costs_pence == 8000


def test_hearing_must_be_at_least_fourteen_days_after_the_summons() -> None:
    # reg 35(2A): summons on 2 July cannot go to 15 July (13 days): the next hearing is 19 August
    events = (StageEvent("reminder_1", date(2025, 5, 8)),)
    (action,) = act(year(12000, events), date(2025, 7, 2)).actions
    assert action.hearing_date == date(2025, 8, 19)
    late = RecoveryPolicy(hearing_dates=(date(2025, 7, 15),))
    assert act(year(12000, events), date(2025, 7, 2), policy=late).actions == ()


def test_second_failure_after_a_paid_reminder_draws_the_second_reminder() -> None:
    # reminder 1 sent 8 May and paid (May + June instalments paid by 15 May); July missed
    events = (StageEvent("reminder_1", date(2025, 5, 8)),)
    assert act(year(36000, events), date(2025, 7, 5)).actions == ()
    (action,) = act(year(36000, events), date(2025, 7, 8)).actions
    assert action.stage == "reminder_2" and action.amount_pence == 12000


def test_third_failure_draws_a_final_notice_for_the_whole_balance() -> None:
    # reg 23(4): two reminders paid (May and June); July missed: the whole balance is due, no reminder
    events = (StageEvent("reminder_1", date(2025, 5, 8)), StageEvent("reminder_2", date(2025, 6, 8)))
    (action,) = act(year(36000, events), date(2025, 7, 8)).actions
    assert action.stage == "final_notice" and action.amount_pence == 84000
    # final notice unpaid 14 days later: summons to the first hearing at least 14 days ahead
    events += (StageEvent("final_notice", date(2025, 7, 8)),)
    assert act(year(36000, events), date(2025, 7, 21)).actions == ()
    (action,) = act(year(36000, events), date(2025, 7, 22)).actions
    assert action.stage == "summons" and action.hearing_date == date(2025, 8, 19)


def test_summons_awaits_the_hearing_and_liability_order_stops_the_engine() -> None:
    summonsed = (StageEvent("reminder_1", date(2025, 5, 8)), StageEvent("summons", date(2025, 5, 22), date(2025, 7, 15)))
    decision = act(year(12000, summonsed), date(2025, 6, 1))
    assert decision.actions == () and "15/07/2025" in decision.advice[0].next_step
    ordered = (*summonsed, StageEvent("liability_order", date(2025, 7, 15)))
    decision = act(year(12000, ordered), date(2025, 8, 1))
    assert decision.actions == () and "recovery route" in decision.advice[0].next_step


def test_withdrawn_at_court_starts_again_but_keeps_the_reminder_count() -> None:
    events = (StageEvent("reminder_1", date(2025, 5, 8)), StageEvent("reminder_2", date(2025, 6, 8)),
              StageEvent("summons", date(2025, 6, 22), date(2025, 7, 15)), StageEvent("withdrawn", date(2025, 7, 15)))
    (action,) = act(year(36000, events), date(2025, 8, 1)).actions
    assert action.stage == "final_notice"


def test_six_year_limit_for_a_summons() -> None:
    # reg 34(3): a sum that fell due over 6 years ago cannot be summonsed
    old = YearState(2018, 50000, 0, (), (StageEvent("final_notice", date(2024, 3, 1)),), due_without_plan=date(2018, 4, 1))
    decision = next_actions(AccountState("X", (old,)), POLICY, date(2024, 4, 2))
    assert decision.actions == () and "6 years" in decision.advice[0].next_step


def test_minimum_balance_and_holds_stop_the_engine_with_the_reason() -> None:
    small = YearState(2025, 400, 119600, PLAN)
    assert act(small, date(2025, 12, 20)).actions == ()
    hold = HoldState("breathing_space", "debt adviser", date(2025, 5, 1), date(2025, 6, 29))
    decision = act(year(12000), date(2025, 5, 20), holds=(hold,))
    assert decision.actions == () and decision.on_hold == hold
    assert "breathing space" in decision.advice[0].next_step
    # when the breathing space ends, recovery resumes from where it stopped
    (action,) = act(year(12000), date(2025, 6, 30), holds=(hold,)).actions
    assert action.stage == "reminder_1"


def test_a_returned_direct_debit_does_not_change_the_stage() -> None:
    events = (StageEvent("dd_returned", date(2025, 5, 3)),)
    (action,) = act(year(12000, events), date(2025, 5, 8)).actions
    assert action.stage == "reminder_1"
