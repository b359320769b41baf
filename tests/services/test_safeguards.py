"""Recovery safeguards on SQLite and PostgreSQL (issue 16 part 6): an open gone-away trace,
vulnerability review (VULN) or undecided escalation holds an account back from its summons,
a liability order, an agent referral, an attachment or a benefit deduction, with the reason,
until a team leader records a release; `[recovery] safeguards` chooses which apply.
Source: the fair-collection guidance (../shared/domain/README.md §8; app/rules/safeguards.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from app.accounts.summary import get_account_id
from app.application import Application
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext
from app.casework.requests import AddDiaryEntry, RaiseEscalation, RecordGoneAway
from app.court.requests import RecordOutcome
from app.errors import Conflict, NotAllowed, ValidationError
from app.models import AuditEvent, Note, SafeguardRelease
from app.recovery.account_recovery import account_recovery
from app.recovery.enforcement.agents import refer_to_agent
from app.recovery.requests import ReleaseSafeguard
from app.recovery.run import recovery_runs, run_recovery
from app.recovery.safeguards import account_safeguards, release_safeguard
from tests.services.casework_helpers import set_up
from tests.services.court_helpers import HEARING, liability_order, summons
from tests.services.money_helpers import OFFICER

REMINDERS, SUMMONSES = date(2025, 5, 8), date(2025, 5, 22)  # 70000005 and 70000002: reminders, then summonses


@pytest.fixture
def billed(ctx: AppContext, examples: Path) -> AppContext:
    set_up(ctx, examples)
    run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=date(2025, 3, 10))
    run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=REMINDERS)
    return ctx


def gone_away(app: Application, ref: str) -> None:
    app.execute(RecordGoneAway(account_ref=ref, as_of=REMINDERS, note="Post returned"))


def vulnerability_review(app: Application, ref: str) -> None:
    app.execute(AddDiaryEntry(account_ref=ref, code="VULN", as_of=REMINDERS, note="Carer says recently bereaved"))


def escalation(app: Application, ref: str) -> None:
    app.execute(RaiseEscalation(account_ref=ref, reason="complex", note="Disputes the liability start date",
                                team="Recovery"))


OPEN_CASEWORK: dict[str, Callable[[Application, str], None]] = {
    "gone_away": gone_away, "vulnerability": vulnerability_review, "escalation": escalation,
}


@pytest.mark.parametrize("kind", sorted(OPEN_CASEWORK))
def test_open_casework_holds_the_summons_back_with_the_reason(billed: AppContext, kind: str) -> None:
    ctx, app = billed, Application(billed)
    OPEN_CASEWORK[kind](app, "70000005")
    preview = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=SUMMONSES, dry_run=True)
    assert preview.actions["summons"] == 1 and preview.held_back == 1
    held = [i for i in preview.items if i.action == "held_back"]
    assert [i.account_ref for i in held] == ["70000005"] and "held back" in held[0].why
    assert {i.account_ref for i in preview.items if i.action == "summons"} == {"70000002"}

    run = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=SUMMONSES)
    assert run.actions["summons"] == 1 and run.held_back == 1
    with ctx.db.uow() as uow:
        view = account_recovery(uow, ctx.settings, "70000005", SUMMONSES)
        rows = account_safeguards(uow, ctx.settings, "70000005")
    assert not view.next_actions
    assert "summons due, but held back" in view.years[0].next_step and "a team leader may release it" in view.years[0].next_step
    assert view.years[0].due_pence > 0  # the whole balance is payable after the unpaid reminder
    assert [(r.kind, r.holding) for r in rows] == [(kind, True)]
    assert recovery_runs_of(ctx)[0].held_back == 1


def recovery_runs_of(ctx: AppContext) -> list:  # type: ignore[type-arg]
    with ctx.db.uow() as uow:
        return recovery_runs(uow)


def test_a_team_leaders_release_lets_the_summons_go_and_is_recorded(billed: AppContext) -> None:
    ctx, app = billed, Application(billed)
    gone_away(app, "70000005")
    assert run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=SUMMONSES).held_back == 1
    with ctx.db.uow() as uow, pytest.raises(NotAllowed):
        release_safeguard(uow, OFFICER, account_ref="70000005", kind="gone_away", reason="x", as_of=SUMMONSES)
    with pytest.raises(ValidationError):
        app.execute(ReleaseSafeguard(account_ref="70000005", kind="gone_away", reason="  ", as_of=SUMMONSES))
    with pytest.raises(Conflict, match="no open escalation"):
        app.execute(ReleaseSafeguard(account_ref="70000005", kind="escalation", reason="x", as_of=SUMMONSES))
    released = app.execute(ReleaseSafeguard(account_ref="70000005", kind="gone_away",
                                            reason="New address confirmed by phone", as_of=SUMMONSES))
    assert released.released_by == ctx.actor.username and released.kind == "gone_away"

    again = run_recovery(ctx.db, ctx.actor, ctx.settings, as_of=SUMMONSES)  # same date: only what was held back
    assert again.actions["summons"] == 1 and again.held_back == 0
    with ctx.db.uow() as uow:
        rows = account_safeguards(uow, ctx.settings, "70000005")
        account_id = get_account_id(uow, "70000005")
        audited = uow.session.scalars(select(AuditEvent.action).where(AuditEvent.account_id == account_id)).all()
        notes = uow.session.scalars(select(Note.text).where(Note.account_id == account_id)).all()
    assert rows[0].holding is False and rows[0].why_not.startswith(f"released by {ctx.actor.username}")
    assert "safeguard.released" in audited and any("New address confirmed by phone" in n for n in notes)

    # casework opened after the release holds the account back again
    escalation(app, "70000005")
    with ctx.db.uow() as uow:
        assert [(r.kind, r.holding) for r in account_safeguards(uow, ctx.settings, "70000005")] == [
            ("gone_away", False), ("escalation", True)]


def test_a_release_is_never_changed(billed: AppContext) -> None:
    ctx, app = billed, Application(billed)
    gone_away(app, "70000005")
    app.execute(ReleaseSafeguard(account_ref="70000005", kind="gone_away", reason="Confirmed", as_of=SUMMONSES))
    with ctx.db.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(update(SafeguardRelease).values(reason="edited"))
        uow.session.flush()
    with ctx.db.uow() as uow, pytest.raises(DBAPIError):
        uow.session.execute(text("DELETE FROM safeguard_release"))


def test_the_council_chooses_which_safeguards_apply(billed: AppContext) -> None:
    ctx, app = billed, Application(billed)
    escalation(app, "70000005")
    only_traces = dataclasses.replace(
        ctx.settings, recovery=dataclasses.replace(ctx.settings.recovery, safeguards=("gone_away",)))
    preview = run_recovery(ctx.db, ctx.actor, only_traces, as_of=SUMMONSES, dry_run=True)
    assert preview.actions["summons"] == 2 and preview.held_back == 0
    with ctx.db.uow() as uow:
        rows = account_safeguards(uow, only_traces, "70000005")
    assert rows[0].holding is False and "not applied by this council" in rows[0].why_not


def test_enforcement_and_the_liability_order_are_refused_with_the_reason(ctx: AppContext, examples: Path) -> None:
    set_up(ctx, examples)
    app = Application(ctx)
    liability_order(ctx, "70000003", 2025, 110000)
    escalation(app, "70000003")
    with ctx.db.uow() as uow, pytest.raises(Conflict, match=r"held back from a referral to an enforcement agent: "
                                                           r"open escalation to a team leader since"):
        refer_to_agent(uow, ctx.actor, ctx.settings, account_ref="70000003", agent="Marston",
                       referred_on=date(2025, 7, 20), as_of=date(2025, 8, 1))
    summons(ctx, "70000004", 2024, 50000)
    vulnerability_review(app, "70000004")
    listed = {e.account_ref: e for e in app.hearing_list(HEARING, HEARING).entries}
    assert listed["70000004"].held_back[0].startswith("open vulnerability review since")  # seen before court
    with pytest.raises(Conflict, match="held back from a liability order application: open vulnerability review"):
        app.execute(RecordOutcome(account_ref="70000004", hearing_date=HEARING, outcome="granted", as_of=HEARING))
    app.execute(ReleaseSafeguard(account_ref="70000004", kind="vulnerability", reason="Welfare team content",
                                 as_of=HEARING))
    assert app.hearing_list(HEARING, HEARING).entries[0].held_back == []
    assert app.execute(RecordOutcome(account_ref="70000004", hearing_date=HEARING, outcome="granted", as_of=HEARING)).recorded


def test_the_next_step_names_the_enforcement_in_place(ctx: AppContext, examples: Path) -> None:
    set_up(ctx, examples)
    liability_order(ctx, "70000003", 2025, 110000)
    with ctx.db.uow() as uow:
        before = account_recovery(uow, ctx.settings, "70000003", date(2025, 8, 1)).years
    assert before[0].next_step == "liability order made: choose a recovery route" and before[0].due_pence == 110000
    with ctx.db.uow() as uow:
        case = refer_to_agent(uow, ctx.actor, ctx.settings, account_ref="70000003", agent="Marston",
                              referred_on=date(2025, 7, 20), as_of=date(2025, 8, 1))
    with ctx.db.uow() as uow:
        after = account_recovery(uow, ctx.settings, "70000003", date(2025, 8, 1)).years
    assert after[0].next_step == (f"enforcement agent referral in place since 20/07/2025 ({case.case_ref}): "
                                  "monitor the payments")
