"""The daily recovery run on SQLite and PostgreSQL: reminders, summons with costs, holds,
idempotence per date, dry run, resume after a cancel (AER 1992 regs 23, 33-35;
../shared/domain/README.md §3, §7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.summary import account_summary, get_account_id
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext
from app.errors import NotAllowed
from app.models import Document, Hold, LedgerTransaction, RecoveryEvent
from app.recovery.account_recovery import account_recovery
from app.recovery.run import recovery_runs, run_recovery
from app.recovery.stats import recovery_stats
from app.users.roles import Actor, Role
from tests.services.court_venues import with_venues
from tests.services.helpers import load_examples


@pytest.fixture
def billed(ctx: AppContext, examples: Path) -> AppContext:
    """The examples billed for 2025/26 (issued 10/03/2025) with their April/May payments."""
    load_examples(ctx, examples)
    run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=date(2025, 3, 10))
    return ctx


def _events(ctx: AppContext, ref: str) -> list[tuple[str, date]]:
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, ref)
        return [(s, d) for s, d in uow.session.execute(
            select(RecoveryEvent.stage, RecoveryEvent.event_date).where(RecoveryEvent.account_id == account_id)
            .order_by(RecoveryEvent.event_date)
        )]


def _count(ctx: AppContext, model: type, **where: object) -> int:
    with ctx.db.uow() as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(uow.session.scalar(query) or 0)


def test_reminders_then_summons_with_costs_and_letters(billed: AppContext) -> None:
    ctx = billed
    # 4 May: nobody is 7 days late yet. 8 May: 70000002 has paid £90 of the £71.92 + £70 due by
    # 1 May; 70000005 nothing of its 28 April instalment (late since 5 May); 70000001 (Direct
    # Debit) and 70000004 (paid £1,000) are up to date.
    assert sum(run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 4)).actions.values()) == 0
    first = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    assert first.actions["reminder_1"] == 2
    assert _events(ctx, "70000005") == [("reminder_1", date(2025, 5, 8))]
    assert _events(ctx, "70000002") == [("reminder_1", date(2025, 5, 8))]
    assert _events(ctx, "70000001") == []
    # not paid within 7 days + the policy's 14 days: summons on 22 May for the first hearing 14+ days on
    second = run_recovery(ctx.db, ctx.actor, with_venues(ctx.settings), as_of=date(2025, 5, 22))
    assert second.actions["summons"] == 2 and second.costs_pence == 2 * 8000
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, "70000005")
        summons = uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.account_id == account_id,
                                                                  RecoveryEvent.stage == "summons")).one()
        assert summons.hearing_date == date(2025, 7, 15)
        costs = uow.session.scalar(select(func.sum(LedgerTransaction.amount_pence)).where(
            LedgerTransaction.account_id == account_id, LedgerTransaction.kind == "costs"))
        assert costs == 8000
        letters = uow.session.scalars(select(Document.kind).where(Document.account_id == account_id)).all()
        assert sorted(letters) == ["demand_notice", "reminder_1", "summons"]
        summons_data = uow.session.scalars(select(Document.data).where(Document.account_id == account_id,
                                                                       Document.kind == "summons")).one()
    # the summons says where and when to attend ([court] venues; issue 16 part 4)
    assert summons_data["hearing_date"] == "2025-07-15"
    assert summons_data["court"] == {"name": "Exampleton Magistrates' Court", "time": "10:00am",
                                     "address_lines": ["The Court House", "Castle Street", "Exampleton", "EX1 2BB"]}
    with ctx.db.uow() as uow:
        summary = account_summary(uow, "70000005", date(2025, 5, 22))
    assert summary.recovery.stage == "summons"


def test_a_second_run_for_the_same_date_adds_nothing_and_dry_run_matches(billed: AppContext) -> None:
    ctx = billed
    preview = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8), dry_run=True)
    assert _count(ctx, RecoveryEvent) == 0 and preview.run_id is None and preview.actions["reminder_1"] == 2
    real = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    assert real.actions == preview.actions and real.letters == preview.letters
    again = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    assert sum(again.actions.values()) == 0 and again.letters == 0 and again.accounts_examined == 5
    assert _count(ctx, RecoveryEvent) == sum(real.actions.values())
    with ctx.db.uow() as uow:
        listed = recovery_runs(uow)
    assert [r.run_id for r in listed] == [again.run_id, real.run_id] and listed[1].actions == real.actions


def test_holds_stop_the_engine_and_lifting_resumes(billed: AppContext) -> None:
    ctx = billed
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, "70000005")
        uow.session.add(Hold(account_id=account_id, kind="breathing_space", reason="StepChange referral",
                             start_date=date(2025, 5, 5), end_date=date(2025, 7, 3), created_by="admin"))
        uow.commit()
    held = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    assert held.skipped_on_hold == 1 and _events(ctx, "70000005") == []
    with ctx.db.uow() as uow:
        view = account_recovery(uow, ctx.settings, "70000005", date(2025, 5, 8))
    assert view.on_hold == "breathing_space" and "on hold" in view.years[0].next_step
    resumed = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 7, 4))
    assert resumed.skipped_on_hold == 0 and _events(ctx, "70000005") == [("reminder_1", date(2025, 7, 4))]


def test_cancelled_run_resumes_and_officers_may_only_preview(billed: AppContext) -> None:
    ctx = billed
    calls = {"n": 0}

    def after_first_chunk() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    part = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8), chunk=2, cancelled=after_first_chunk)
    assert part.status == "cancelled" and part.accounts_examined == 2
    rest = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8), chunk=2)
    assert rest.resumed and rest.status == "completed" and rest.accounts_examined == 5
    assert rest.actions["reminder_1"] == 2 and _count(ctx, RecoveryEvent) == 2
    officer = Actor("officer1", Role.OFFICER)
    assert run_recovery(ctx.db, officer, ctx.settings, as_of=date(2025, 4, 9), dry_run=True).dry_run
    with pytest.raises(NotAllowed, match="run recovery"):
        run_recovery(ctx.db, officer, ctx.settings, as_of=date(2025, 4, 9))


def test_statistics_per_stage_and_day(billed: AppContext) -> None:
    ctx = billed
    run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 22))
    with ctx.db.uow() as uow:
        days = recovery_stats(uow, from_date=date(2025, 5, 1), to_date=date(2025, 5, 31))
    assert [(d.day, d.stage, d.count) for d in days] == [
        (date(2025, 5, 8), "reminder_1", 2), (date(2025, 5, 22), "summons", 2),
    ]
    assert days[1].amount_pence > days[0].amount_pence


def test_one_letter_per_person_and_step_covers_every_year_in_arrears(ctx: AppContext, demo_settings) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 part 4: a person in arrears for several years gets one reminder (one final
    notice, one summons) listing the years, not one letter per year on the same day; the
    recovery events, costs and audit stay per year."""
    from app.demo.generate import generate_demo

    as_of = date(2026, 11, 23)
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=300, seed=5, as_of=as_of)
    summary = run_recovery(ctx.db, ctx.actor, demo_settings, as_of=as_of)
    with ctx.db.uow() as uow:
        letters = uow.session.execute(select(Document.account_id, Document.template, Document.data, Document.financial_year)
                                      .where(Document.batch_run_id == summary.run_id)).all()
        events = uow.session.execute(select(RecoveryEvent.account_id, RecoveryEvent.financial_year, RecoveryEvent.stage)
                                     .where(RecoveryEvent.batch_run_id == summary.run_id)).all()
    assert summary.letters == len(letters) < len(events) == sum(summary.actions.values())
    per_template = [(a, t) for a, t, _, _ in letters]
    assert len(per_template) == len(set(per_template))  # never two letters of one kind to one account in a run
    several = [data for _, _, data, year in letters if len(data["years"]) > 1]
    assert several, "the demo has people in arrears for more than one year"
    for data in several:
        assert data["amount_pence"] == sum(y["amount_pence"] for y in data["years"])
        assert [y["year"] for y in data["years"]] == sorted(y["year"] for y in data["years"])
    by_account: dict[object, set[int]] = {}
    for account, year, _stage in events:
        by_account.setdefault(account, set()).add(year)
    for account, _template, data, year in letters:
        covered = {y["year"] for y in data["years"]}
        assert covered <= by_account[account] and (year is None) == (len(covered) > 1)


def test_a_moved_out_taxpayers_reminder_goes_to_the_forwarding_address(billed: AppContext) -> None:
    from app.billing import liability_changes as liability

    ctx = billed
    as_of = date(2025, 5, 1)
    with ctx.db.uow() as uow:
        period_id = account_summary(uow, "70000005", as_of).periods[0].period_id
    with ctx.db.uow() as uow:
        liability.move_out(uow, ctx.actor, ctx.settings, period_id=period_id, end_date=date(2025, 6, 30), as_of=as_of,
                           forwarding_address="9 Mill Lane, Fenby, EX7 1ZZ")
    run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=date(2025, 5, 8))
    with ctx.db.uow() as uow:
        data = uow.session.scalars(select(Document.data).where(
            Document.account_id == get_account_id(uow, "70000005"), Document.kind == "reminder_1")).one()
    assert (data["address_lines"], data["postcode"]) == (["9 Mill Lane", "Fenby"], "EX7 1ZZ")
    assert not data["property_address"].startswith("9 Mill Lane")  # the tax is still for the property left
