"""Recovery safeguards (app.rules.safeguards) and what the engine does with them.

Source: the fair-collection guidance, ../shared/domain/README.md §8 (government good-practice
guidance, August 2021: engage early, hold recovery while a debtor's circumstances are looked
into, enforcement agents as a last resort) and §7 (no enforcement fees from a vulnerable
debtor not given a chance to get advice). AER 1992 reg 23(3)-(4) and 33-34 for what falls
due: after an unpaid reminder or a final notice the whole balance is payable.
"""

from datetime import UTC, date, datetime

from app.rules.instalments import DueInstalment
from app.rules.recovery_policy import (
    AccountState,
    EnforcementInPlace,
    RecoveryPolicy,
    StageEvent,
    YearState,
    due_now,
    next_actions,
)
from app.rules.safeguards import SAFEGUARD_KINDS, Release, Safeguard, held_back, holding, refusal

POLICY = RecoveryPolicy(summons_costs_pence=8000, hearing_dates=(date(2025, 7, 15),))
PLAN = tuple(DueInstalment(date(2025, m, 1), 12000) for m in range(4, 14) if m <= 12)
OPENED = datetime(2025, 5, 10, 9, 30, tzinfo=UTC)
TRACE = Safeguard("gone_away", OPENED, "Post returned")


def unpaid_reminder() -> YearState:
    # reminder 8 May not paid: summons from 22 May (the policy's 14 days), whole balance due
    return YearState(2025, 108000, 0, PLAN[:9], (StageEvent("reminder_1", date(2025, 5, 8)),))


def test_open_casework_holds_back_only_the_statutory_steps() -> None:
    for step in ("summons", "liability_order", "enforcement_agent", "attachment_of_earnings", "benefit_deduction"):
        assert held_back(step, [TRACE]) == "open gone-away trace since 10/05/2025 (Post returned)"
    for step in ("reminder_1", "reminder_2", "final_notice"):  # engagement, which the guidance asks for
        assert held_back(step, [TRACE]) is None
    assert held_back("summons", []) is None
    assert refusal("enforcement_agent", "70000003", [TRACE]) == (
        "Account 70000003 is held back from a referral to an enforcement agent: open gone-away trace since 10/05/2025 "
        "(Post returned). Close the casework, or ask a team leader to release it.")


def test_a_release_covers_casework_opened_before_it_not_after() -> None:
    release = Release("gone_away", datetime(2025, 5, 12, tzinfo=UTC), "tom", "New address confirmed")
    later = Safeguard("gone_away", datetime(2025, 6, 1, tzinfo=UTC))
    review = Safeguard("vulnerability", OPENED)
    assert holding([TRACE], [release], SAFEGUARD_KINDS) == ()
    assert holding([TRACE, later, review], [release], SAFEGUARD_KINDS) == (review, later)  # oldest first
    # a release of one kind does not release another
    assert holding([review], [release], SAFEGUARD_KINDS) == (review,)


def test_the_council_chooses_which_safeguards_apply() -> None:
    escalation = Safeguard("escalation", OPENED, "complex")
    assert holding([TRACE, escalation], [], ("gone_away",)) == (TRACE,)
    assert holding([TRACE, escalation], [], ()) == ()


def test_the_engine_holds_the_summons_back_but_still_sends_reminders() -> None:
    summons_due = next_actions(AccountState("70000005", (unpaid_reminder(),), safeguards=(TRACE,)), POLICY,
                               date(2025, 5, 22))
    assert summons_due.actions == () and summons_due.safeguarded == (TRACE,)
    assert summons_due.advice[0].next_step == ("summons due, but held back: open gone-away trace since 10/05/2025 "
                                               "(Post returned); a team leader may release it")
    released = next_actions(AccountState("70000005", (unpaid_reminder(),)), POLICY, date(2025, 5, 22))
    assert [a.stage for a in released.actions] == ["summons"] and released.safeguarded == ()
    # a first reminder is not a statutory step the safeguards hold back
    missed = YearState(2025, 120000, 0, PLAN)
    reminder = next_actions(AccountState("70000005", (missed,), safeguards=(TRACE,)), POLICY, date(2025, 4, 8))
    assert [a.stage for a in reminder.actions] == ["reminder_1"] and reminder.safeguarded == ()


def test_amount_due_now_is_the_arrears_until_the_whole_balance_is_payable() -> None:
    missed = YearState(2025, 120000, 0, PLAN)
    assert due_now(missed, POLICY, date(2025, 5, 2)) == 24000  # April and May instalments
    # reg 23(3): a reminder unpaid after its seven days (issue day included) makes the whole balance payable
    assert due_now(unpaid_reminder(), POLICY, date(2025, 5, 14)) == 24000
    assert due_now(unpaid_reminder(), POLICY, date(2025, 5, 15)) == 108000
    final = YearState(2025, 120000, 0, PLAN, (StageEvent("final_notice", date(2025, 9, 8)),))
    assert due_now(final, POLICY, date(2025, 9, 9)) == 120000
    advice = next_actions(AccountState("70000005", (unpaid_reminder(),)), POLICY, date(2025, 5, 16)).advice
    assert advice[0].due_pence == 108000


def test_after_a_liability_order_the_next_step_names_the_enforcement_in_place() -> None:
    order = (StageEvent("liability_order", date(2025, 7, 15), date(2025, 7, 15)),)
    bare = YearState(2025, 120000, 0, PLAN, order)
    assert next_actions(AccountState("1", (bare,)), POLICY, date(2025, 8, 1)).advice[0].next_step == (
        "liability order made: choose a recovery route")
    aoe = EnforcementInPlace("attachment_of_earnings", date(2025, 7, 20), "AOE-1-2025-1")
    with_order = YearState(2025, 120000, 0, PLAN, order, enforcement=(aoe,))
    advice = next_actions(AccountState("1", (with_order,)), POLICY, date(2025, 8, 1)).advice[0]
    assert advice.next_step == "attachment of earnings order in place since 20/07/2025 (AOE-1-2025-1): monitor the payments"
    assert advice.due_pence == 120000
