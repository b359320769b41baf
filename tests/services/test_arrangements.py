"""Payment arrangements on SQLite and PostgreSQL: plan, create (hold + confirmation letter),
refusals, and the daily monitoring run (kept / broken after the grace days with a diary entry
and recovery resumed / completed; a second run for the same date changes nothing).
Arrangements and holding recovery meanwhile: ../shared/domain/README.md §8 and §3;
affordability on the Standard Financial Statement (app/rules/arrangements.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.summary import account_summary, get_account_id
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext
from app.errors import Conflict, NotAllowed, ValidationError
from app.ledger.balances import balance_pence
from app.models import Arrangement, AuditEvent, BatchRun, DiaryEntry, Document, Hold, LedgerTransaction, RecoveryEvent
from app.recovery.arrangements import agreements, monitoring, planning, views
from app.recovery.run import run_recovery
from tests.services.helpers import load_examples
from tests.services.money_helpers import LEADER, OFFICER

AS_OF = date(2025, 5, 20)
REF = "70000005"  # billed 2025/26, nothing paid


@pytest.fixture
def billed(ctx: AppContext, examples: Path) -> AppContext:
    load_examples(ctx, examples)
    run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=date(2025, 3, 10))
    return ctx


def owed(ctx: AppContext, ref: str = REF) -> int:
    with ctx.db.uow() as uow:
        return balance_pence(uow, get_account_id(uow, ref))


def create(ctx: AppContext, **kw: object) -> views.ArrangementView:
    values: dict[str, object] = {"account_ref": REF, "frequency": "monthly", "start": date(2025, 6, 1),
                                 "end": date(2026, 3, 1), "as_of": AS_OF}
    values.update(kw)
    with ctx.db.uow() as uow:
        return agreements.create_arrangement(uow, OFFICER, ctx.settings, **values)  # type: ignore[arg-type]


def pay(ctx: AppContext, ref: str, on: date, pence: int) -> None:
    with ctx.db.uow() as uow:
        uow.session.add(LedgerTransaction(
            account_id=get_account_id(uow, ref), financial_year=2025, kind="payment", amount_pence=-pence,
            posted_on=on, reference=f"T-{ref}-{on.isoformat()}-{pence}", description="Payment", created_by="test",
        ))
        uow.commit()


def monitor(ctx: AppContext, on: date) -> monitoring.MonitoringSummary:
    return monitoring.monitor_arrangements(ctx.db, LEADER, ctx.settings, as_of=on)


def test_plan_spreads_the_whole_balance_and_saves_nothing(billed: AppContext) -> None:
    balance = owed(billed)
    with billed.db.uow() as uow:
        plan = planning.plan_arrangement(uow, billed.settings, account_ref=REF, frequency="monthly", start=date(2025, 6, 1),
                                         end=date(2026, 3, 1), as_of=AS_OF)
    assert plan.balance_pence == balance > 0
    assert len(plan.instalments) == 10 and sum(i.amount_pence for i in plan.instalments) == balance
    regular = balance // 10
    assert [i.amount_pence for i in plan.instalments] == [regular] * 9 + [balance - 9 * regular]  # remainder last
    assert plan.clears_by == date(2026, 3, 1) and plan.warnings == []
    data = plan.to_json()
    assert set(data) >= {"balance_pence", "instalments", "clears_by", "warnings"}
    assert data["instalments"][0] == {"due": "2025-06-01", "amount_pence": regular}
    with billed.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Arrangement)) == 0


def test_plan_with_an_income_and_expenditure_statement(billed: AppContext) -> None:
    statement = {"income": {"earnings": 120000}, "fixed_costs": {"housing": 80000, "utilities": 15000},
                 "flexible_costs": {"food_and_housekeeping": 20000}}
    with billed.db.uow() as uow:
        plan = planning.plan_arrangement(uow, billed.settings, account_ref=REF, frequency="monthly", start=date(2025, 6, 1),
                                         end=date(2026, 3, 1), as_of=AS_OF, income_expenditure=statement)
    assert plan.affordability is not None and plan.affordability.surplus_monthly_pence == 5000
    assert [w.code for w in plan.warnings] == ["exceeds_surplus"]  # £50 left over, payments of more than that


def test_create_puts_the_account_on_hold_and_sends_a_letter(billed: AppContext) -> None:
    view = create(billed)
    assert view.status == "live" and view.total_pence == owed(billed) and len(view.instalments) == 10
    assert view.letter_document_id is not None and view.hold_id is not None
    with billed.db.uow() as uow:
        account_id = get_account_id(uow, REF)
        hold = uow.session.get_one(Hold, view.hold_id)
        assert (hold.kind, hold.start_date, hold.end_date) == ("arrangement", date(2025, 6, 1), None)
        doc = uow.session.get_one(Document, view.letter_document_id)
        assert doc.kind == "arrangement_confirmation" and doc.account_id == account_id and doc.content
        actions = set(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.account_id == account_id)))
        assert {"arrangement.created", "hold.added", "document.issued"} <= actions
        summary = account_summary(uow, REF, AS_OF)
    assert summary.arrangement is not None and summary.arrangement.arrangement_id == str(view.arrangement_id)
    # the recovery run holds off while the arrangement is in force
    run = run_recovery(billed.db, billed.actor, billed.settings, as_of=date(2025, 6, 10))
    assert run.skipped_on_hold >= 1
    with billed.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(RecoveryEvent).where(
            RecoveryEvent.account_id == get_account_id(uow, REF))) == 0


def test_the_letter_merges_the_schedule(billed: AppContext, tmp_path: Path) -> None:
    import io

    from docx import Document as Docx

    from app.letters.documents import document_bytes

    view = create(billed)
    assert view.letter_document_id is not None
    with billed.db.uow() as uow:
        _name, content = document_bytes(uow, view.letter_document_id)
    doc = Docx(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert "Jordan Price" in text and "01/06/2025" in text and "01/03/2026" in text


def test_not_clearing_the_debt_is_refused_unless_confirmed(billed: AppContext) -> None:
    with pytest.raises(ValidationError) as err:
        create(billed, end=None, amount_pence=2000)  # £20 a month does not clear it by 31 March 2026
    assert err.value.field == "amount" and "31/03/2026" in str(err.value)
    view = create(billed, end=None, amount_pence=2000, confirm_warnings=True)
    assert view.end > date(2026, 3, 31) and [w.code for w in view.warnings] == ["not_cleared_by_year_end"]


def test_a_start_in_the_past_is_refused_even_when_confirmed(billed: AppContext) -> None:
    with pytest.raises(ValidationError) as err:
        create(billed, start=date(2025, 5, 1), confirm_warnings=True)
    assert err.value.field == "start"


def test_an_overlapping_live_arrangement_is_refused(billed: AppContext) -> None:
    create(billed)
    with pytest.raises(Conflict, match="already has a live arrangement"):
        create(billed, start=date(2025, 7, 1))


def test_cancel_lifts_the_hold(billed: AppContext) -> None:
    view = create(billed)
    with billed.db.uow() as uow:
        cancelled = agreements.cancel_arrangement(uow, OFFICER, account_ref=REF, reason="Paying by Direct Debit instead",
                                                  as_of=date(2025, 6, 15))
    assert cancelled.status == "cancelled"
    with billed.db.uow() as uow:
        hold = uow.session.get_one(Hold, view.hold_id)
        assert hold.end_date == date(2025, 6, 14) and hold.lifted_by == OFFICER.username
    create(billed, start=date(2025, 7, 1), as_of=date(2025, 6, 15))  # a new one may now be agreed


def test_amend_replaces_the_schedule(billed: AppContext) -> None:
    create(billed)
    with billed.db.uow() as uow:
        view = agreements.amend_arrangement(uow, OFFICER, billed.settings, account_ref=REF, frequency="fortnightly",
                                            start=date(2025, 6, 6), end=date(2025, 12, 19), as_of=AS_OF,
                                            reason="Paid fortnightly now")
    assert view.frequency == "fortnightly" and view.instalments[0].due == date(2025, 6, 6)
    assert sum(i.amount_pence for i in view.instalments) == owed(billed)
    with billed.db.uow() as uow:
        assert agreements.show_arrangement(uow, account_ref=REF, as_of=AS_OF).arrangement_id == view.arrangement_id


def test_monitoring_kept_then_broken_after_the_grace_days(billed: AppContext) -> None:
    view = create(billed)
    regular = view.instalments[0].amount_pence
    pay(billed, REF, date(2025, 6, 1), regular)
    kept = monitor(billed, date(2025, 6, 3))
    assert (kept.checked, kept.kept, kept.broken) == (1, 1, 0)
    # the 1 July payment is missed: still within the 3 days' grace on 4 July, broken on 5 July
    assert monitor(billed, date(2025, 7, 4)).broken == 0
    broken = monitor(billed, date(2025, 7, 5))
    assert (broken.broken, broken.diary_entries, broken.holds_lifted) == (1, 1, 1)
    with billed.db.uow() as uow:
        account_id = get_account_id(uow, REF)
        arrangement = uow.session.get_one(Arrangement, view.arrangement_id)
        assert (arrangement.status, arrangement.broken_on) == ("broken", date(2025, 7, 5))
        assert "Payment 2" in arrangement.status_reason
        entry = uow.session.scalars(select(DiaryEntry).where(DiaryEntry.account_id == account_id)).one()
        assert (entry.code, entry.team, entry.due_on, entry.status) == ("ARRCHK", "Recovery", date(2025, 7, 5), "open")
        hold = uow.session.get_one(Hold, view.hold_id)
        assert hold.end_date == date(2025, 7, 4)
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "arrangement.broken")) == 1
    # recovery resumes: the run for the same day takes the account's next step
    run_recovery(billed.db, billed.actor, billed.settings, as_of=date(2025, 7, 5))
    with billed.db.uow() as uow:
        stages = uow.session.scalars(select(RecoveryEvent.stage).where(
            RecoveryEvent.account_id == get_account_id(uow, REF))).all()
    assert stages
    # a second run for the same date changes nothing
    again = monitor(billed, date(2025, 7, 5))
    assert (again.checked, again.broken, again.diary_entries) == (0, 0, 0)
    with billed.db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DiaryEntry)) == 1


def test_monitoring_completed_when_paid_in_full(billed: AppContext) -> None:
    view = create(billed)
    pay(billed, REF, date(2025, 6, 1), view.total_pence)
    summary = monitor(billed, date(2025, 6, 2))
    assert (summary.completed, summary.broken, summary.holds_lifted) == (1, 0, 1)
    with billed.db.uow() as uow:
        assert uow.session.get_one(Arrangement, view.arrangement_id).status == "completed"
        assert uow.session.get_one(Hold, view.hold_id).end_date == date(2025, 6, 1)
        assert uow.session.scalar(select(func.count()).select_from(DiaryEntry)) == 0
        runs = uow.session.scalars(select(BatchRun).where(BatchRun.kind == "arrangement_monitor")).all()
    assert [r.status for r in runs] == ["completed"]


def test_monitoring_resumes_after_a_cancel_in_chunks(billed: AppContext) -> None:
    for ref in ("70000002", "70000003", REF):
        create(billed, account_ref=ref, end=date(2026, 3, 1), confirm_warnings=True)
    calls = {"n": 0}

    def stop_after_first() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    first = monitoring.monitor_arrangements(billed.db, LEADER, billed.settings, as_of=date(2025, 6, 2), chunk=2,
                                            cancelled=stop_after_first)
    assert (first.status, first.checked) == ("cancelled", 2)
    second = monitoring.monitor_arrangements(billed.db, LEADER, billed.settings, as_of=date(2025, 6, 2), chunk=2)
    assert (second.status, second.checked, second.resumed) == ("completed", 3, True)


def test_roles(billed: AppContext) -> None:
    with pytest.raises(NotAllowed):
        monitoring.monitor_arrangements(billed.db, OFFICER, billed.settings, as_of=AS_OF)
