"""Write-offs: proposed within what the year owes and the council's reasons, decided by a
second person within their limit, approval posting a `write_off` ledger row and stopping
recovery for the year, a write-back reversing it by a new row; each step audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.application import Application
from app.bootstrap import AppContext
from app.errors import Conflict, NotAllowed, ValidationError
from app.models import AuditEvent, LedgerTransaction, WriteOff
from app.recovery.account_recovery import account_recovery
from app.users.roles import Actor, Role
from app.writeoffs import deciding, proposing, writing_back
from app.writeoffs.views import WriteOffView, approval_queue, list_writeoffs
from tests.conftest import as_owner
from tests.services.helpers import load_examples
from tests.services.money_helpers import LEADER, LEADER_2, OFFICER, balance, count_rows, post_charge

AS_OF = date(2025, 6, 30)
ACCOUNT = "70000005"  # Jordan Price: nothing paid
MANAGER = Actor("mina", Role.MANAGER)
S151 = Actor("fiona", Role.ADMIN)  # stands in for the section 151 officer


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    post_charge(ctx, ACCOUNT, 2025, 150_000)  # £1,500.00 owed for 2025/26
    post_charge(ctx, ACCOUNT, 2018, 50_000)  # £500.00 owed for 2018/19: statute barred by 2025
    return ctx


def propose(ctx: AppContext, amount: int, actor: Actor = OFFICER, **kw: object) -> WriteOffView:
    values: dict[str, object] = {
        "account_ref": ACCOUNT, "financial_year": 2025, "reason": "uneconomical", "note": "", "evidence": "",
        "as_of": AS_OF, **kw,
    }
    with ctx.db.uow() as uow:
        return proposing.propose_write_off(uow, actor, ctx.settings, amount_pence=amount, **values)  # type: ignore[arg-type]


def decide(ctx: AppContext, view: WriteOffView, actor: Actor, approve: bool = True, note: str = "Checked",
           **kw: object) -> WriteOffView:
    with ctx.db.uow() as uow:
        return deciding.decide_write_off(uow, actor, ctx.settings, writeoff_id=view.writeoff_id, approve=approve,
                                         note=note, as_of=date(2025, 7, 2), **kw)  # type: ignore[arg-type]


def write_back(ctx: AppContext, view: WriteOffView, actor: Actor = LEADER, reason: str = "Debtor traced") -> WriteOffView:
    with ctx.db.uow() as uow:
        return writing_back.write_back(uow, actor, ctx.settings, writeoff_id=view.writeoff_id, reason=reason,
                                       as_of=date(2025, 8, 1))


def audits(ctx: AppContext, action: str) -> list[AuditEvent]:
    with ctx.db.uow() as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        uow.session.expunge_all()
        return list(rows)


def recovery_years(ctx: AppContext, as_of: date) -> set[int]:
    """The years the recovery engine advises on for the account."""
    with ctx.db.uow() as uow:
        view = account_recovery(uow, ctx.settings, ACCOUNT, as_of)
    return {advice.year for advice in view.years}


# --- proposing ----------------------------------------------------------------------------


def test_a_proposal_is_recorded_and_audited_without_touching_the_ledger(loaded: AppContext) -> None:
    ledger = count_rows(loaded, LedgerTransaction)
    view = propose(loaded, 40_000, note="Small balance, gone abroad")
    assert (view.status, view.amount_pence, view.financial_year, view.reason) == ("proposed", 40_000, 2025, "uneconomical")
    assert (view.proposed_by, view.proposed_on, view.name) == ("olivia", AS_OF, "Jordan Price")
    assert view.reason_label == "Uneconomical to pursue"
    assert count_rows(loaded, LedgerTransaction) == ledger
    [event] = audits(loaded, "writeoff.proposed")
    assert event.username == "olivia" and event.after is not None and event.after["amount_pence"] == 40_000
    assert event.after["note"] == "Small balance, gone abroad"


@pytest.mark.parametrize(("amount", "change", "field", "message"), [
    (150_001, {}, "amount", r"£1,500\.01 is more than account 70000005 has outstanding for 2025/26, £1,500\.00"),
    (0, {}, "amount", r"more than £0\.00"),
    (100, {"financial_year": 2024}, "year", r"owes nothing for 2024/25"),
    (100, {"financial_year": 2026}, "year", r"2026/27 has not started"),
    (100, {"reason": "bored"}, "reason", r"'bored' is not a write-off reason \(use one of insolvency, deceased"),
    (100, {"reason": "other"}, "note", r"A note saying why the debt is written off is required"),
    (100, {"reason": "insolvency"}, "evidence", r"The evidence \(the bankruptcy order, debt relief order or IVA"),
    (100, {"reason": "statute_barred"}, "reason", r"2025/26 is not statute barred: its last sum fell due on 31/03/2026"),
    (100, {"note": "x" * 1001}, "note", r"longer than 1000"),
])
def test_bad_proposals_name_the_field_and_write_nothing(
    loaded: AppContext, amount: int, change: dict[str, object], field: str, message: str,
) -> None:
    before = count_rows(loaded, AuditEvent)
    with pytest.raises(ValidationError, match=message) as err:
        propose(loaded, amount, **change)
    assert err.value.field == field
    assert count_rows(loaded, WriteOff) == 0 and count_rows(loaded, AuditEvent) == before


def test_proposals_waiting_use_up_what_the_year_owes(loaded: AppContext) -> None:
    propose(loaded, 100_000)
    waiting = r"£500\.00: the year owes £1,500\.00 \(£1,000\.00 of it is already in other"
    with pytest.raises(ValidationError, match=waiting) as err:
        propose(loaded, 50_001)
    assert err.value.field == "amount"
    propose(loaded, 50_000)  # exactly what is left


def test_statute_barred_needs_six_years_since_the_sum_fell_due(loaded: AppContext) -> None:
    # 2018/19's last sum fell due on 31/03/2019: a summons could be issued up to 30/03/2025
    with pytest.raises(ValidationError, match=r"2018/19 is not statute barred: its last sum fell due on 31/03/2019"):
        propose(loaded, 100, financial_year=2018, reason="statute_barred", as_of=date(2025, 3, 30))
    view = propose(loaded, 50_000, financial_year=2018, reason="statute_barred", as_of=date(2025, 3, 31))
    assert view.reason_label == "Statute barred (six years)"


def test_evidence_and_notes_the_reasons_need_are_kept(loaded: AppContext) -> None:
    view = propose(loaded, 1000, reason="insolvency", evidence="DRO 123456 made 01/05/2025")
    other = propose(loaded, 1000, reason="other", note="Remitted by the court")
    assert view.evidence == "DRO 123456 made 01/05/2025" and other.note == "Remitted by the court"


# --- deciding ----------------------------------------------------------------------------


def test_approval_posts_a_write_off_to_the_year_and_is_audited(loaded: AppContext) -> None:
    owed = balance(loaded, ACCOUNT)
    view = decide(loaded, propose(loaded, 40_000), LEADER, note="Agreed")
    assert (view.status, view.approved_by, view.approved_on, view.decision_note) == (
        "approved", "tom", date(2025, 7, 2), "Agreed")
    assert balance(loaded, ACCOUNT) == owed - 40_000
    with loaded.db.uow() as uow:
        txn = uow.session.scalars(select(LedgerTransaction).where(LedgerTransaction.kind == "write_off")).one()
        assert (txn.financial_year, txn.amount_pence, txn.created_by, txn.posted_on) == (2025, -40_000, "tom",
                                                                                         date(2025, 7, 2))
        stored = uow.session.get(WriteOff, view.writeoff_id)
        assert stored is not None and stored.ledger_transaction_id == txn.id
    [event] = audits(loaded, "writeoff.approved")
    assert event.before is not None and event.before["status"] == "proposed"
    assert event.after is not None and event.after["status"] == "approved"


def test_the_proposer_can_never_decide_their_own(loaded: AppContext) -> None:
    view = propose(loaded, 500, actor=LEADER)
    for approve in (True, False):
        with pytest.raises(NotAllowed, match="tom proposed this write-off and so cannot decide it"):
            decide(loaded, view, LEADER, approve=approve)
    assert decide(loaded, view, LEADER_2).status == "approved"


@pytest.mark.parametrize(("amount", "actor", "allowed"), [
    (100_000, LEADER, True),  # a team leader approves up to £1,000 inclusive
    (100_001, LEADER, False),
    (100_001, MANAGER, True),
    (150_000, S151, True),
    (100, OFFICER, False),  # an officer proposes only
])
def test_the_scheme_of_delegation_limits_who_approves(loaded: AppContext, amount: int, actor: Actor, allowed: bool) -> None:
    view = propose(loaded, amount, actor=Actor("zoe", Role.OFFICER))
    if allowed:
        assert decide(loaded, view, actor).status == "approved"
    else:
        with pytest.raises(NotAllowed, match=r"above tom's limit as a team leader|olivia is an officer and may propose"):
            decide(loaded, view, actor)
        assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "write_off") == 0


def test_rejection_needs_a_note_and_frees_the_amount(loaded: AppContext) -> None:
    view = propose(loaded, 150_000)
    with pytest.raises(ValidationError, match="A note saying why the write-off is rejected is required") as err:
        decide(loaded, view, MANAGER, approve=False, note=" ")
    assert err.value.field == "note"
    rejected = decide(loaded, view, MANAGER, approve=False, note="Trace first")
    assert (rejected.status, rejected.rejected_by, rejected.decision_note) == ("rejected", "mina", "Trace first")
    assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "write_off") == 0
    assert propose(loaded, 150_000).status == "proposed"  # the year's debt is free to propose again
    assert len(audits(loaded, "writeoff.rejected")) == 1


def test_a_decision_is_made_once_and_a_stale_screen_is_told(loaded: AppContext) -> None:
    view = propose(loaded, 500)
    decide(loaded, view, LEADER)
    with pytest.raises(Conflict, match=r"is approved \(by tom on 02/07/2025\), not proposed"):
        decide(loaded, view, LEADER_2)
    other = propose(loaded, 500)
    with pytest.raises(Conflict, match="changed by someone else"):
        decide(loaded, other, LEADER, expected_version=other.version + 1)


def test_approval_rechecks_what_the_year_owes(loaded: AppContext) -> None:
    view = propose(loaded, 150_000)
    with loaded.db.uow() as uow:  # a payment arrives before the decision
        from app.accounts.summary import get_account_id

        uow.session.add(LedgerTransaction(
            account_id=get_account_id(uow, ACCOUNT), financial_year=2025, kind="payment", amount_pence=-10_000,
            posted_on=date(2025, 7, 1), reference="CARD-1", description="Card payment", created_by="test",
        ))
        uow.commit()
    with pytest.raises(ValidationError, match=r"more than account 70000005 has outstanding for 2025/26, £1,400\.00"):
        decide(loaded, view, MANAGER)


# --- recovery and write-back ---------------------------------------------------------------


def test_approval_stops_recovery_for_the_year_and_a_write_back_resumes_it(loaded: AppContext) -> None:
    day = date(2025, 9, 1)
    assert {2018, 2025} <= recovery_years(loaded, day)
    view = decide(loaded, propose(loaded, 10_000, financial_year=2018), LEADER)  # part of 2018/19's £500
    assert 2018 not in recovery_years(loaded, day) and 2025 in recovery_years(loaded, day)
    owed = balance(loaded, ACCOUNT)
    back = write_back(loaded, view, reason="Debtor traced to a new address")
    assert (back.status, back.written_back_by, back.writeback_reason) == ("written_back", "tom",
                                                                          "Debtor traced to a new address")
    assert balance(loaded, ACCOUNT) == owed + 10_000
    assert 2018 in recovery_years(loaded, day)
    with loaded.db.uow() as uow:
        stored = uow.session.get(WriteOff, view.writeoff_id)
        assert stored is not None
        reversal = uow.session.get(LedgerTransaction, stored.writeback_transaction_id)
        assert reversal is not None
        assert (reversal.kind, reversal.amount_pence, reversal.reverses_id, reversal.financial_year) == (
            "reversal", 10_000, stored.ledger_transaction_id, 2018)
    assert len(audits(loaded, "writeoff.written_back")) == 1


def test_write_back_needs_an_approved_write_off_a_reason_and_a_team_leader(loaded: AppContext) -> None:
    view = propose(loaded, 500)
    with pytest.raises(Conflict, match="is proposed, not approved"):
        write_back(loaded, view)
    approved = decide(loaded, view, LEADER)
    with pytest.raises(ValidationError, match="The reason for the write-back is required"):
        write_back(loaded, approved, reason="")
    with pytest.raises(NotAllowed, match="cannot write back write-offs"):
        write_back(loaded, approved, actor=OFFICER)
    write_back(loaded, approved)
    with pytest.raises(Conflict, match=r"is written back \(by tom on 01/08/2025\)"):
        write_back(loaded, approved, actor=LEADER_2)


# --- reading -------------------------------------------------------------------------------------


def test_the_approvals_queue_is_oldest_first_within_the_viewers_limit_and_not_their_own(loaded: AppContext) -> None:
    small = propose(loaded, 20_000, as_of=date(2025, 6, 2))
    large = propose(loaded, 120_000, as_of=date(2025, 6, 1))
    mine = propose(loaded, 1_000, actor=LEADER)
    with loaded.db.uow() as uow:
        leader = approval_queue(uow, loaded.settings, LEADER)
        manager = approval_queue(uow, loaded.settings, MANAGER)
        listed = list_writeoffs(uow, loaded.settings, status="proposed")
    assert [w.writeoff_id for w in leader.items] == [small.writeoff_id]
    assert (leader.limit_pence, leader.above_limit, leader.own) == (100_000, 1, 1)
    assert [w.writeoff_id for w in manager.items] == [large.writeoff_id, small.writeoff_id, mine.writeoff_id]
    assert [w.writeoff_id for w in listed] == [large.writeoff_id, small.writeoff_id, mine.writeoff_id]
    with loaded.db.uow() as uow, pytest.raises(ValidationError, match="'done' is not a write-off status"):
        list_writeoffs(uow, loaded.settings, status="done")


def test_the_application_runs_the_requests_with_the_acting_users_role(loaded: AppContext) -> None:
    from app.writeoffs.requests import DecideWriteOff, ProposeWriteOff

    app = Application(loaded)  # acting user: admin
    view = app.execute(ProposeWriteOff(account_ref=ACCOUNT, financial_year=2025, amount_pence=1000,
                                       reason="uneconomical", note="", as_of=AS_OF))
    assert app.writeoff_available(ACCOUNT, 2025, AS_OF) == 149_000
    with pytest.raises(NotAllowed, match=f"{loaded.actor.username} proposed this write-off"):
        app.execute(DecideWriteOff(writeoff_id=view.writeoff_id, approve=True, note="", as_of=AS_OF))
    assert app.writeoff(view.writeoff_id).status == "proposed"
    assert next(iter(app.writeoff_reasons)) == "insolvency" and app.writeoff_reason("other").note_required  # type: ignore[union-attr]


def test_migration_0014_refuses_to_drop_write_offs_it_cannot_carry(loaded: AppContext) -> None:
    """0014 recreates `write_off` (it had no writer before); going back down with rows in it
    is refused before anything changes, and the rows are still there."""
    from alembic import command

    from app.db import alembic_config

    propose(loaded, 500)
    loaded.db.engine.dispose()
    # as the owner: migrations after 0014 (a new table's triggers) are undone first, which only the owner may do
    with as_owner(loaded.db) as owner, pytest.raises(
        RuntimeError, match=r"write_off table holds 1 row\(s\), which migration 0014 cannot carry over",
    ):
        command.downgrade(alembic_config(owner), "0013")
    assert count_rows(loaded, WriteOff) == 1


def test_the_recovery_run_leaves_written_off_years_alone(loaded: AppContext) -> None:
    from app.recovery.run import run_recovery

    def actions() -> int:
        summary = run_recovery(loaded.db, LEADER, loaded.settings, as_of=date(2025, 9, 1), dry_run=True)
        return sum(summary.actions.values())

    assert actions() > 0  # 70000005 owes for 2018/19 and 2025/26; no other example account is billed
    old = decide(loaded, propose(loaded, 10_000, financial_year=2018), LEADER)
    decide(loaded, propose(loaded, 10_000, financial_year=2025), LEADER)
    assert actions() == 0  # a part written off stops recovery for the whole year
    write_back(loaded, old)
    assert actions() > 0


def test_a_year_with_a_liability_order_is_not_statute_barred(loaded: AppContext) -> None:
    from app.accounts.summary import get_account_id
    from app.models import RecoveryEvent

    with loaded.db.uow() as uow:
        uow.session.add(RecoveryEvent(account_id=get_account_id(uow, ACCOUNT), financial_year=2018,
                                      stage="liability_order", event_date=date(2018, 9, 1), created_by="test"))
        uow.commit()
    with pytest.raises(ValidationError, match="2018/19 is not statute barred: a liability order was made for it") as err:
        propose(loaded, 100, financial_year=2018, reason="statute_barred")
    assert err.value.field == "reason"


def test_enforcement_leaves_a_written_off_year_alone_until_it_is_written_back(loaded: AppContext) -> None:
    """Recovery stops for a year whose debt was written off, after a liability order too:
    the bankruptcy and charging order lists (and the account's routes) leave the year out,
    even where only part of it was written off; a write-back brings it back."""
    from app.recovery.enforcement.candidates import bankruptcy_candidates, charging_order_candidates
    from tests.services.court_helpers import liability_order

    liability_order(loaded, ACCOUNT, 2024, 400_000, made=date(2025, 2, 1))
    after = date(2025, 8, 2)

    def listed() -> tuple[list[tuple[int, list[int]]], list[tuple[int, list[int]]]]:
        with loaded.db.uow() as uow:
            return ([(c.outstanding_pence, c.liability_order_years)
                     for c in bankruptcy_candidates(uow, loaded.settings, after).candidates],
                    [(c.outstanding_pence, c.liability_order_years)
                     for c in charging_order_candidates(uow, loaded.settings, after).candidates])

    before = listed()
    assert before[0] == [] and [years for _, years in before[1]] == [[2024]]
    view = propose(loaded, 10_000, financial_year=2024)  # £100 of the 2024/25 order's debt
    approved = decide(loaded, view, LEADER)
    assert listed() == ([], [])
    write_back(loaded, approved)
    assert listed() == before
