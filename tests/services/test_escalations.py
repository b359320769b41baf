"""Escalations: raised by officers, a team leader's queue oldest first, decisions with a
note (role checked in the service, recorded on the account and audited), refer up to a
manager, stale screens and second decisions refused, refund escalations settled through
the refund's own rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.bootstrap import AppContext
from app.casework import escalations
from app.casework.escalations import EscalationView
from app.errors import Conflict, NotAllowed, ValidationError
from app.models import AuditEvent, Escalation, LedgerTransaction, Note, RefundRequest
from app.payments import refunds
from app.users.roles import Actor
from tests.services.casework_helpers import (
    AS_OF,
    LEADER,
    LEADER_2,
    MANAGER,
    OFFICER,
    OFFICER_2,
    set_up,
)
from tests.services.money_helpers import count_rows


@pytest.fixture
def loaded(ctx: AppContext, examples: Path) -> AppContext:
    return set_up(ctx, examples)


def raise_(
    ctx: AppContext, actor: Actor = OFFICER, ref: str = "70000001", reason: str = "vulnerable", **kw: object
) -> EscalationView:
    note = str(kw.pop("note", "Carer says he is in hospital"))
    with ctx.db.uow() as uow:
        return escalations.raise_escalation(uow, actor, account_ref=ref, reason=reason, note=note, **kw)  # type: ignore[arg-type]


def decide(
    ctx: AppContext, view: EscalationView, actor: Actor = LEADER, decision: str = "approve", **kw: object
) -> EscalationView:
    with ctx.db.uow() as uow:
        return escalations.decide_escalation(
            uow, actor, escalation_id=view.escalation_id, decision=decision, note=str(kw.pop("note", "Agreed: hold recovery")),
            as_of=AS_OF, **kw,  # type: ignore[arg-type]
        )


def queue(ctx: AppContext, actor: Actor = LEADER, **kw: object):  # type: ignore[no-untyped-def]
    with ctx.db.uow() as uow:
        return escalations.escalation_queue(uow, actor, **kw)  # type: ignore[arg-type]


def test_raise_validates_and_goes_to_the_officers_team(loaded: AppContext) -> None:
    view = raise_(loaded, amount_pence=12345, reason="write_off")
    assert (view.reason, view.team, view.status, view.raised_by, view.amount_pence) == (
        "write_off", "Recovery", "open", "olivia", 12345,
    )
    with pytest.raises(ValidationError, match="not an escalation reason") as err:
        raise_(loaded, reason="bored")
    assert err.value.field == "reason"
    with pytest.raises(ValidationError, match="note saying what the team leader should decide"):
        raise_(loaded, note=" ")
    with pytest.raises(ValidationError, match=r"more than £0\.00"):
        raise_(loaded, amount_pence=0)
    with loaded.db.uow() as uow:
        notes = list(uow.session.scalars(select(Note.text)))
    assert notes == ["Escalated to a team leader (write off, £123.45): Carer says he is in hospital"]


def test_queue_oldest_first_with_counts_and_officers_see_their_own(loaded: AppContext) -> None:
    first = raise_(loaded, reason="vulnerable")
    second = raise_(loaded, OFFICER_2, ref="70000002", reason="complex")
    third = raise_(loaded, ref="70000003", reason="vulnerable", team="Billing")
    leader = queue(loaded)
    assert [v.escalation_id for v in leader.escalations] == [first.escalation_id, second.escalation_id, third.escalation_id]
    assert (leader.total, leader.by_reason) == (3, {"complex": 1, "vulnerable": 2})
    assert [v.escalation_id for v in queue(loaded, team="Recovery").escalations] == [first.escalation_id, second.escalation_id]
    assert [v.escalation_id for v in queue(loaded, OFFICER_2).escalations] == [second.escalation_id]
    decide(loaded, first)
    assert queue(loaded).total == 2
    assert [v.status for v in queue(loaded, status="all").escalations] == ["approved", "open", "open"]


def test_an_officer_cannot_decide_and_is_told_the_role_needed(loaded: AppContext) -> None:
    view = raise_(loaded)
    with pytest.raises(NotAllowed, match="oscar is an officer and cannot decide escalations: that needs the team leader role"):
        decide(loaded, view, OFFICER_2)
    with pytest.raises(NotAllowed, match="raised this escalation"):
        decide(loaded, raise_(loaded, LEADER_2), LEADER_2)
    assert queue(loaded).total == 2


def test_a_decision_is_recorded_on_the_account_audited_and_cannot_be_made_twice(loaded: AppContext) -> None:
    view = raise_(loaded)
    with pytest.raises(ValidationError, match="reason for the decision"):
        decide(loaded, view, note="")
    with pytest.raises(ValidationError, match="not a decision"):
        decide(loaded, view, decision="maybe")
    done = decide(loaded, view, decision="reject", note="Not vulnerable: letter from GP says fit")
    assert (done.status, done.decided_by, done.decision_note) == ("rejected", "tom", "Not vulnerable: letter from GP says fit")
    with loaded.db.uow() as uow:
        notes = list(uow.session.scalars(select(Note.text).order_by(Note.created_at)))
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "escalation.rejected")).one()
    assert notes[-1] == "Escalation (vulnerable) rejected by tom: Not vulnerable: letter from GP says fit"
    assert event.username == "tom" and event.before["status"] == "open" and event.after["status"] == "rejected"  # type: ignore[index]
    with pytest.raises(Conflict, match=r"already rejected by tom on \d\d/\d\d/\d{4}"):
        decide(loaded, view, LEADER_2)


def test_a_stale_screen_gets_changed_by_someone_else(loaded: AppContext) -> None:
    view = raise_(loaded)
    decide(loaded, view, decision="refer", note="Needs the manager")
    with pytest.raises(Conflict, match="changed by someone else"):
        decide(loaded, view, LEADER_2, expected_version=view.version)


def test_refer_sends_it_up_to_a_manager(loaded: AppContext) -> None:
    view = raise_(loaded, reason="complex")
    referred = decide(loaded, view, decision="refer", note="Complex: three years of arrears, disputed liability")
    assert referred.status == "referred"
    assert queue(loaded).total == 0 and queue(loaded, MANAGER).total == 1
    with pytest.raises(NotAllowed, match="needs the manager role"):
        decide(loaded, view, LEADER_2)
    with pytest.raises(ValidationError, match="already been referred"):
        decide(loaded, view, MANAGER, decision="refer")
    final = decide(loaded, view, MANAGER, decision="approve", note="Agreed to the write-off")
    assert (final.status, final.decided_by) == ("approved", "mona")


def _refund_escalation(ctx: AppContext) -> tuple[EscalationView, object]:
    with ctx.db.uow() as uow:  # 70000004 is £1,000 in credit
        refund = refunds.request_refund(uow, OFFICER, account_ref="70000004", amount_pence=80000, payee="Margaret Doyle",
                                        method="bank", reason="Overpaid by card", as_of=AS_OF)
    return raise_(ctx, ref="70000004", reason="refund", note="Over my £500 limit", subject_id=refund.refund_id), refund


def test_approving_a_refund_escalation_approves_the_refund(loaded: AppContext) -> None:
    view, refund = _refund_escalation(loaded)
    assert view.amount_pence == 80000  # taken from the refund request
    done = decide(loaded, view, note="Bank statement checked")
    assert done.status == "approved"
    with loaded.db.uow() as uow:
        request = uow.session.get(RefundRequest, refund.refund_id)  # type: ignore[attr-defined]
        assert request is not None and (request.status, request.decided_by) == ("approved", "tom")
        ledger = uow.session.scalars(select(LedgerTransaction).where(LedgerTransaction.kind == "refund")).one()
        assert ledger.amount_pence == 80000
        assert uow.session.get(Escalation, view.escalation_id).status == "approved"  # type: ignore[union-attr]


def test_rejecting_a_refund_escalation_rejects_the_refund_and_a_bad_subject_is_refused(loaded: AppContext) -> None:
    view, refund = _refund_escalation(loaded)
    decide(loaded, view, decision="reject", note="Payee is not the taxpayer")
    with loaded.db.uow() as uow:
        assert uow.session.get(RefundRequest, refund.refund_id).status == "rejected"  # type: ignore[attr-defined,union-attr]
    assert count_rows(loaded, LedgerTransaction, LedgerTransaction.kind == "refund") == 0
    with pytest.raises(ValidationError, match="no refund request"):
        raise_(loaded, ref="70000001", reason="refund", subject_id=refund.refund_id)  # type: ignore[attr-defined]


def test_a_refund_escalation_keeps_the_refunds_second_person_rule(loaded: AppContext) -> None:
    with loaded.db.uow() as uow:
        refund = refunds.request_refund(uow, LEADER, account_ref="70000004", amount_pence=1000, payee="M Doyle",
                                        method="bank", reason="Overpaid", as_of=AS_OF)
    view = raise_(loaded, OFFICER, ref="70000004", reason="refund", subject_id=refund.refund_id)
    with pytest.raises(NotAllowed, match="requested this refund"):
        decide(loaded, view, LEADER)
    with loaded.db.uow() as uow:
        assert uow.session.get(Escalation, view.escalation_id).status == "open"  # type: ignore[union-attr]
    assert decide(loaded, view, LEADER_2).status == "approved"
    with loaded.db.uow() as uow:
        ledger = uow.session.scalars(select(LedgerTransaction).where(LedgerTransaction.kind == "refund")).one()
    assert ledger.posted_on == AS_OF
