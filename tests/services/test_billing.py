"""Annual billing, rebilling after liability changes and trial calculations, on SQLite and PostgreSQL.

Figures: LGFA 1992 s2 (daily basis), s5 (band ratios), s11 (discounts); AER 1992 Sch 1
(instalments) and reg 21(2) (14 days' notice); ../shared/domain/README.md §1-2.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.summary import account_summary, get_account_id
from app.billing import liability_changes as liability
from app.billing.annual_run import run_annual_billing
from app.bootstrap import AppContext
from app.errors import NotAllowed, ValidationError
from app.letters.documents import unpacked
from app.models import AuditEvent, BatchRun, Document, InstalmentPlan, LedgerTransaction
from app.users.roles import Actor, Role
from tests.services.helpers import load_examples
from tests.services.test_letters import text_of

ISSUE = date(2025, 3, 10)


def _bill(ctx: AppContext, examples: Path, **kw) -> None:  # type: ignore[no-untyped-def]
    load_examples(ctx, examples)
    run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE, **kw)


def _ledger(ctx: AppContext, ref: str) -> list[tuple[str, int]]:
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, ref)
        rows = uow.session.execute(
            select(LedgerTransaction.kind, LedgerTransaction.amount_pence)
            .where(LedgerTransaction.account_id == account_id, LedgerTransaction.kind.in_(("charge", "adjustment", "reduction")))
            .order_by(LedgerTransaction.created_at)
        ).all()
    return [(k, a) for k, a in rows]


def _count(ctx: AppContext, model: type, **where: object) -> int:
    with ctx.db.uow() as uow:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(uow.session.scalar(query) or 0)


def _period_id(ctx: AppContext, ref: str, as_of: date) -> uuid.UUID:
    with ctx.db.uow() as uow:
        return account_summary(uow, ref, as_of).periods[-1].period_id


def test_annual_billing_charges_plans_and_notifies_every_liable_account(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    summary = run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE)
    assert (summary.status, summary.accounts_examined, summary.charges, summary.notices) == ("completed", 5, 5, 5)
    # Band B, single person discount: 2100 x 7/9 = 1633.33; less 25% (408.33) = £1,225.00.
    # Sch 1 para 2(6): 122.50 is not whole pounds -> A = £123 (nearest pound, half up), first = 1225 - 9 x 123 = £118
    assert _ledger(ctx, "70000001") == [("charge", 122500)]
    with ctx.db.uow() as uow:
        account = account_summary(uow, "70000001", date(2025, 12, 1))
    year = account.years[0]
    assert [i.amount_pence for i in year.instalments] == [11800] + [12300] * 9
    assert year.instalments[0].due == date(2025, 4, 1) and year.instalments[-1].due == date(2026, 1, 1)
    # Band E in Abbey Parish with a disabled reduction is charged as band D there: £2,152.50, 12 instalments
    # 2152.50 / 12 = 179.375 -> A = £179, first = 2152.50 - 11 x 179 = £183.50
    assert _ledger(ctx, "70000004") == [("charge", 215250)]
    with ctx.db.uow() as uow:
        plan = account_summary(uow, "70000004", date(2025, 12, 1)).years[0].instalments
    assert [i.amount_pence for i in plan] == [18350] + [17900] * 11
    # Moved in 1 October 2025 (182 of 365 days of band A): instalments start once liable (15th, 14 days on)
    assert _ledger(ctx, "70000003") == [("charge", 69808)]
    with ctx.db.uow() as uow:
        late = account_summary(uow, "70000003", date(2025, 12, 1)).years[0].instalments
    assert late[0].due == date(2025, 10, 15) and len(late) == 4
    assert _count(ctx, Document, kind="demand_notice") == 5


def test_rerunning_billing_adds_nothing(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    first_run = _count(ctx, BatchRun, kind="billing")
    again = run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE)
    assert again.resumed and again.status == "completed" and _count(ctx, BatchRun, kind="billing") == first_run
    later = run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=date(2025, 3, 12))
    assert (later.accounts_examined, later.charges, later.adjustments, later.notices) == (5, 0, 0, 0)
    assert _count(ctx, LedgerTransaction, kind="charge") == 5
    assert _count(ctx, Document, kind="demand_notice") == 5


def test_an_interrupted_run_resumes_without_duplicates(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    calls = {"n": 0}

    def cancel_after_first_chunk() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    first = run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE, chunk=3,
                               cancelled=cancel_after_first_chunk)
    assert first.status == "cancelled" and first.accounts_examined == 3 and first.charges == 3
    resumed = run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2025, as_of=ISSUE, chunk=3)
    assert resumed.status == "completed" and resumed.resumed and resumed.charges == 5 and resumed.accounts_examined == 5
    assert _count(ctx, LedgerTransaction, kind="charge") == 5
    assert _count(ctx, Document, kind="demand_notice") == 5
    assert _count(ctx, BatchRun, kind="billing") == 1


def test_annual_billing_needs_a_team_leader_and_the_years_figures(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    officer = Actor("officer1", Role.OFFICER)
    with pytest.raises(NotAllowed, match="run annual billing"):
        run_annual_billing(ctx.db, officer, ctx.settings, year=2025, as_of=ISSUE)
    with pytest.raises(ValidationError, match=r"2026/27") as err:
        run_annual_billing(ctx.db, ctx.actor, ctx.settings, year=2026, as_of=ISSUE)
    assert err.value.field == "year"


def test_move_out_posts_an_adjustment_reprofiles_and_issues_an_amended_notice(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 6, 20)
    period_id = _period_id(ctx, "70000001", as_of)
    with ctx.db.uow() as uow:
        change = liability.move_out(uow, ctx.actor, ctx.settings, period_id=period_id, end_date=date(2025, 6, 16), as_of=as_of)
    # 1 April - 16 June = 77 days: 163333 x 77/365 = 34456.62 -> 34457; SPD 25% = 8614.25 -> 8614; charge 25843
    result = change.results[0]
    assert (result.charge_pence, result.difference_pence) == (25843, 25843 - 122500)
    assert _ledger(ctx, "70000001") == [("charge", 122500), ("adjustment", 25843 - 122500)]
    with ctx.db.uow() as uow:
        summary = account_summary(uow, "70000001", as_of)
        plans = uow.session.scalars(select(InstalmentPlan.status).where(InstalmentPlan.account_id == summary.account_id)).all()
        notice = uow.session.scalars(select(Document).where(Document.account_id == summary.account_id,
                                                             Document.kind == "amended_demand_notice")).one()
        assert notice.content and unpacked(notice.content)[:2] == b"PK"  # a real .docx, kept as issued (compressed)
    assert sorted(plans) == ["active", "superseded"]
    # Example payments: £123 on 1 April and 1 May = £246 paid. Instalments due before the amended
    # notice takes effect (20 June + 14 days) stay due, paid or not (Sch 1 para 10 as amended by
    # SI 1995/22), up to the new charge of £258.43: April £118, May £123, June £17.43. Nothing is
    # left for later dates: the £12.43 unpaid fell due on 1 June and stays in arrears.
    assert [(i.due, i.amount_pence) for i in summary.years[0].instalments] == [
        (date(2025, 4, 1), 11800), (date(2025, 5, 1), 12300), (date(2025, 6, 1), 1743),
    ]
    assert summary.liable_to == date(2025, 6, 16)


def test_move_out_with_a_forwarding_address_into_credit(ctx: AppContext, examples: Path) -> None:
    """After a move out the amended notice goes to the forwarding address, and an account
    now in credit is told so and how it will be refunded, never asked to pay a negative sum."""
    _bill(ctx, examples)
    as_of = date(2025, 6, 20)
    period_id = _period_id(ctx, "70000001", as_of)
    with ctx.db.uow() as uow:
        liability.move_out(uow, ctx.actor, ctx.settings, period_id=period_id, end_date=date(2025, 4, 30), as_of=as_of,
                           forwarding_address="4 New Road\nOtherton\not1 2ab")
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, "70000001")
        notice = uow.session.scalars(select(Document).where(Document.account_id == account_id,
                                                             Document.kind == "amended_demand_notice")).one()
        audit = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "liability.move_out",
                                                             AuditEvent.account_id == account_id)).one()
        data, content = notice.data, unpacked(bytes(notice.content))
    assert (data["address_lines"], data["postcode"], data["moved_out"]) == (["4 New Road", "Otherton"], "OT1 2AB", True)
    assert data["property_address"] == "12 Station Road, Exampleton, EX1 4QT"  # what the tax is for stays the property
    assert data["balance_pence"] < 0  # £246 paid against 30 days' charge
    assert audit.after["forwarding_address"] == "4 New Road\nOtherton\not1 2ab"
    text = text_of(content)
    assert "4 New Road / Otherton / OT1 2AB" in text and "we will refund the credit to you" in text
    assert "Please pay" not in text and "-£" not in text.split("Your credit")[1]


def test_direct_debit_wording_only_under_a_live_mandate(ctx: AppContext, examples: Path) -> None:
    """70000001 is recorded as paying by Direct Debit but has no mandate: its notice must not
    promise a collection. With a live mandate, the amended notice says it will be collected."""
    from app.payments.direct_debit import set_up_mandate

    _bill(ctx, examples)
    with ctx.db.uow() as uow:
        account_id = get_account_id(uow, "70000001")
        first = uow.session.scalars(select(Document.data).where(Document.account_id == account_id)).one()
    assert (first["payment_method"], first["direct_debit"]) == ("dd", False)
    with ctx.db.uow() as uow:
        set_up_mandate(uow, ctx.actor, account_ref="70000001", account_holder="Daniel Hughes", sort_code="40-11-22",
                       bank_account_number="12345678", start_date=date(2025, 6, 1))
    as_of = date(2025, 6, 20)
    with ctx.db.uow() as uow:
        liability.move_out(uow, ctx.actor, ctx.settings, period_id=_period_id(ctx, "70000001", as_of),
                           end_date=date(2025, 6, 16), as_of=as_of)
    with ctx.db.uow() as uow:
        amended = uow.session.scalars(select(Document).where(Document.account_id == account_id,
                                                              Document.kind == "amended_demand_notice")).one()
        data, text = amended.data, text_of(unpacked(bytes(amended.content)))
    assert data["direct_debit"] is True and "You pay by Direct Debit" in text


def test_preview_shows_the_change_and_writes_nothing(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 6, 20)
    period_id = _period_id(ctx, "70000001", as_of)
    audits = _count(ctx, AuditEvent)
    with ctx.db.uow() as uow:
        trial = liability.move_out(uow, ctx.actor, ctx.settings, period_id=period_id, end_date=date(2025, 6, 16),
                                   as_of=as_of, preview=True)
    assert trial.preview and trial.results[0].charge_pence == 25843 and trial.results[0].notice == "amended_demand_notice"
    assert _ledger(ctx, "70000001") == [("charge", 122500)]
    assert _count(ctx, AuditEvent) == audits
    with ctx.db.uow() as uow:
        assert account_summary(uow, "70000001", as_of).liable_to is None


def test_discount_exemption_and_reduction_from_dates(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 7, 1)
    period_id = _period_id(ctx, "70000004", as_of)  # band E Abbey, disabled reduction: 215250 a year
    with ctx.db.uow() as uow:
        change = liability.set_discount(uow, ctx.actor, ctx.settings, period_id=period_id, kind="SPD",
                                        start_date=date(2025, 10, 1), end_date=None, as_of=as_of)
    # 1 Oct - 31 Mar = 182 days: 215250 x 182/365 = 107330.14 -> 107330; 25% = 26832.50 -> 26833
    assert change.results[0].difference_pence == -26833
    with ctx.db.uow() as uow:
        change = liability.set_exemption(uow, ctx.actor, ctx.settings, period_id=period_id, exemption_class="e",
                                         start_date=date(2026, 1, 1), end_date=date(2026, 3, 31), as_of=as_of)
    assert change.results[0].lines[-1].amount_pence == 0 and "class E" in change.results[0].lines[-1].description
    with ctx.db.uow() as uow:
        change = liability.set_reduction(uow, ctx.actor, ctx.settings, account_ref="70000004", kind="ctr",
                                         percent_bp=10000, start_date=date(2025, 4, 1), end_date=None, as_of=as_of)
    assert change.results[0].net_pence == 0 and change.results[0].reduction_pence == change.results[0].charge_pence
    kinds = [k for k, _ in _ledger(ctx, "70000004")]
    assert kinds == ["charge", "adjustment", "adjustment", "reduction"]
    with ctx.db.uow() as uow:
        year = account_summary(uow, "70000004", as_of).years[0]
    assert year.balance_pence == -year.paid_pence  # fully reduced: whatever was paid is now a credit


def test_joint_party_and_warning_about_single_person_discount(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 7, 1)
    period_id = _period_id(ctx, "70000001", as_of)
    with ctx.db.uow() as uow:
        change = liability.add_joint_party(uow, ctx.actor, ctx.settings, period_id=period_id,
                                           person=liability.NewTaxpayer(surname="Hughes", forenames="Amy"),
                                           start_date=date(2025, 6, 1), as_of=as_of)
    assert change.results[0].difference_pence == 0 and change.results[0].notice is None
    assert any("single person discount" in w for w in change.warnings)
    with ctx.db.uow() as uow:
        summary = account_summary(uow, "70000001", as_of)
    assert summary.joint_names == ["Amy Hughes"]


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("move_out_before_move_in", "end_date"),
        ("discount_outside_period", "start_date"),
        ("joint_on_ended_period", "period"),
        ("instalment_day_31", "instalment_day"),
    ],
)
def test_bad_changes_name_the_field_and_write_nothing(ctx: AppContext, examples: Path, action: str, field: str) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 11, 1)
    audits = _count(ctx, AuditEvent)
    with ctx.db.uow() as uow, pytest.raises(ValidationError) as err:
        if action == "move_out_before_move_in":
            liability.move_out(uow, ctx.actor, ctx.settings, period_id=_period_id(ctx, "70000001", as_of),
                               end_date=date(2025, 3, 1), as_of=as_of)
        elif action == "discount_outside_period":
            liability.set_discount(uow, ctx.actor, ctx.settings, period_id=_period_id(ctx, "70000003", as_of),
                                   kind="SPD", start_date=date(2025, 9, 1), end_date=None, as_of=as_of)
        elif action == "joint_on_ended_period":
            liability.add_joint_party(uow, ctx.actor, ctx.settings, period_id=_period_id(ctx, "70000002", as_of),
                                      person=liability.NewTaxpayer(surname="Reid"), start_date=date(2025, 5, 1), as_of=as_of)
        else:
            liability.move_in(uow, ctx.actor, ctx.settings, uprn="200001000004",
                              taxpayer=liability.NewTaxpayer(surname="Okafor"), start_date=date(2025, 10, 17),
                              as_of=as_of, instalment_day=31)
    assert err.value.field == field
    assert _count(ctx, AuditEvent) == audits


def test_move_in_creates_a_checked_reference_and_bills_to_the_day(ctx: AppContext, examples: Path) -> None:
    _bill(ctx, examples)
    as_of = date(2025, 10, 20)
    with ctx.db.uow() as uow:  # Jordan Price leaves 4 Fen Lane on 16 October ...
        liability.move_out(uow, ctx.actor, ctx.settings, period_id=_period_id(ctx, "70000005", as_of),
                           end_date=date(2025, 10, 16), as_of=as_of)
    with ctx.db.uow() as uow:  # ... and Grace Okafor moves in on the 17th
        change = liability.move_in(uow, ctx.actor, ctx.settings, uprn="200001000004",
                                   taxpayer=liability.NewTaxpayer(surname="Okafor", forenames="Grace", title="Ms"),
                                   start_date=date(2025, 10, 17), as_of=as_of)
    from app.accounts.search import search_accounts
    from app.rules.references import check_digit

    assert len(change.account_ref) == 9 and check_digit(change.account_ref[:8]) == change.account_ref[8]
    with ctx.db.uow() as uow:  # found by the new name, its result row names her at the address
        (found,) = [r for r in search_accounts(uow, "grace okafor", as_of=as_of) if r.account_ref == change.account_ref]
        (old,) = search_accounts(uow, "jordan price", as_of=as_of)
    assert (found.name, found.postcode, found.balance_pence) == ("Ms Grace Okafor", old.postcode, 85897)
    assert found.address == old.address and "Fen Lane" in found.address
    # Band C in Fenby: 212480 x 8/9 = 188871.11 -> 188871; 17 Oct - 31 Mar = 166 days -> 85897.50 (.496) -> 85897
    result = change.results[0]
    assert result.charge_pence == 85897 and result.notice == "demand_notice"
    # issued 20 Oct: first instalment 1 December? No: 3 November is 14 days on, so the 1st of December
    # is the first instalment day at least 14 days later; 10-scheme: Nov..Mar = 5 months left -> 4 instalments
    assert [i.due for i in result.instalments] == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    with ctx.db.uow() as uow, pytest.raises(ValidationError, match="already liable"):
        liability.move_in(uow, ctx.actor, ctx.settings, uprn="200001000004",
                          taxpayer=liability.NewTaxpayer(surname="Other"), start_date=date(2025, 11, 1), as_of=as_of)


def test_demo_years_agree_with_the_rules_and_next_year_bills_everyone(ctx: AppContext, demo_settings) -> None:  # type: ignore[no-untyped-def]
    """The demo generator charges each year its own way; billing those years again must find
    nothing to change (the generator and the rules agree to the penny), and the next year's
    annual run must bill every liable account exactly once."""
    from app.demo.generate import generate_demo

    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=300, seed=5, as_of=date(2026, 11, 23))
    for year in (2024, 2025, 2026):
        again = run_annual_billing(ctx.db, ctx.actor, demo_settings, year=year, as_of=date(2026, 11, 23))
        assert (again.charges, again.adjustments, again.notices) == (0, 0, 0), year
    nxt = run_annual_billing(ctx.db, ctx.actor, demo_settings, year=2027, as_of=date(2027, 3, 10))
    assert nxt.notices == nxt.accounts_examined > 200
    assert _count(ctx, Document, kind="demand_notice") == nxt.notices
    # each notice names every authority's part of its band's charge, adding up to it (SI 2011/3038 Sch 1)
    with ctx.db.uow() as uow:
        notices = uow.session.scalars(select(Document.data).where(Document.kind == "demand_notice").limit(50)).all()
    for data in notices:
        names = [share["authority"] for share in data["precepts"]]
        assert names[:2] == ["Example District Council", "Exampleshire County Council"], names
        assert sum(share["band_pence"] for share in data["precepts"]) == data["annual_charge_pence"]
        assert sum(share["band_d_pence"] for share in data["precepts"]) == data["band_d_pence"]
        assert data["band_d_change"] and all(share["change"] for share in data["precepts"])
    # every open Direct Debit account of the demo has a live mandate, and only those notices say so
    from app.enums import MandateStatus
    from app.models import Account, DirectDebitMandate
    with ctx.db.uow() as uow:
        open_dd = set(uow.session.scalars(select(Account.id).where(Account.payment_method == "dd", Account.status == "open")))
        live = set(uow.session.scalars(select(DirectDebitMandate.account_id)
                                       .where(DirectDebitMandate.status == MandateStatus.ACTIVE)))
        told = uow.session.execute(select(Document.account_id, Document.data).where(Document.kind == "demand_notice")).all()
    assert open_dd and open_dd <= live
    assert all(data["direct_debit"] == (account in live) for account, data in told)


def test_a_change_late_in_the_year_also_rebills_next_year_already_billed(ctx: AppContext, demo_settings) -> None:  # type: ignore[no-untyped-def]
    """Next year's bills go out in March: a change effective in March must correct both years."""
    from app.demo.generate import generate_demo
    from app.models import LiabilityPeriod

    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=60, seed=5, as_of=date(2026, 11, 23))
    run_annual_billing(ctx.db, ctx.actor, demo_settings, year=2027, as_of=date(2027, 3, 10))
    with ctx.db.uow() as uow:
        period_id = uow.session.scalars(
            select(LiabilityPeriod.id).where(LiabilityPeriod.end_date.is_(None), ~LiabilityPeriod.discounts.any())
            .order_by(LiabilityPeriod.id).limit(1)
        ).one()
    with ctx.db.uow() as uow:
        change = liability.set_discount(uow, ctx.actor, demo_settings, period_id=period_id, kind="SPD",
                                        start_date=date(2027, 3, 1), end_date=None, as_of=date(2027, 3, 15))
    by_year = {r.year: r for r in change.results}
    assert set(by_year) == {2026, 2027}
    assert by_year[2026].difference_pence < 0 and by_year[2027].difference_pence < 0
    assert by_year[2027].notice == "amended_demand_notice"
