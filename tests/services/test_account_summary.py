"""The account summary reads exactly the rows the model holds, on both databases.

`account_summary` reads with a handful of Core statements (the recovery stage and live
arrangement joined to the account row, discounts, exemptions and joint parties of every
period in one UNION) instead of ORM relationships, for speed. This test is the check that
the shortcut is faithful: on demo accounts with the rarer casework added (exemptions,
joint parties who left or have not yet arrived, a superseded instalment plan, broken and
live arrangements, lifted holds, diary entries, reduction awards, future-dated recovery
events), every figure and list must equal what the ORM relationships say.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.summary import AccountSummary, LiveArrangement, account_summary
from app.bootstrap import AppContext
from app.config import AuthoritySettings
from app.demo.generate import generate_demo
from app.models import (
    Account,
    Arrangement,
    DiaryCode,
    DiaryEntry,
    Exemption,
    Hold,
    Instalment,
    InstalmentPlan,
    LedgerTransaction,
    LiabilityParty,
    Person,
    RecoveryEvent,
    ReductionAward,
)

AS_OF = date(2026, 11, 23)


def _add_casework(ctx: AppContext) -> None:
    """Rarer things on every third account, varied by position so the shapes mix."""
    with ctx.db.uow() as uow:
        s = uow.session
        code = s.scalars(select(DiaryCode.code).limit(1)).first()
        if code is None:
            s.add(DiaryCode(code="CHECK", description="Check the account", default_days=14, team="Recovery"))
            code = "CHECK"
        accounts = s.scalars(select(Account).order_by(Account.account_ref)).all()
        for i, account in enumerate(accounts[::3]):
            period = account.periods[-1]
            start = period.start_date
            if i % 2 == 0:
                period.exemptions.append(Exemption(exemption_class="C", start_date=start, end_date=start + timedelta(days=30)))
            if i % 3 == 0:  # one partner who left, one who arrives after as_of, one current
                spans = ((start, AS_OF - timedelta(days=10)), (AS_OF + timedelta(days=5), None), (start, None))
                for j, (begin, end) in enumerate(spans):
                    person = Person(title="", forenames=f"Partner{j}", surname=f"Case{i}")
                    period.joint_parties.append(LiabilityParty(person=person, start_date=begin, end_date=end))
            if i % 4 == 1:  # a superseded plan for a year, beside the active one
                plan = InstalmentPlan(account_id=account.id, financial_year=2026, status="superseded", issued_on=date(2026, 3, 1))
                plan.instalments = [Instalment(seq=1, due_on=date(2026, 4, 1), amount_pence=999)]
                s.add(plan)
            if i % 5 < 2:
                s.add(Arrangement(account_id=account.id, frequency="monthly", start_date=date(2026, 1, 1),
                                  end_date=date(2026, 12, 1), total_pence=10_000 + i, status="live", created_by="t"))
                s.add(Arrangement(account_id=account.id, frequency="weekly", start_date=date(2026, 2, 1),
                                  end_date=date(2026, 6, 1), total_pence=5_000 + i, status="broken", created_by="t"))
            if i % 3 == 1:
                s.add(Hold(account_id=account.id, kind="dispute", reason="now", start_date=AS_OF - timedelta(days=3),
                           created_by="t"))
                s.add(Hold(account_id=account.id, kind="vulnerability_review", reason="lifted", start_date=date(2026, 1, 1),
                           end_date=date(2026, 2, 1), created_by="t"))
            if i % 2 == 1:
                for days in (-20, 40):
                    s.add(DiaryEntry(account_id=account.id, code=code, due_on=AS_OF + timedelta(days=days), created_by="t"))
                s.add(ReductionAward(account_id=account.id, kind="ctr", percent_bp=2500 + i, start_date=date(2026, 4, 1),
                                     end_date=None, created_by="t"))
            if i % 4 == 2:  # a recovery event dated after as_of must not show
                s.add(RecoveryEvent(account_id=account.id, financial_year=2026, stage="summons",
                                    event_date=AS_OF + timedelta(days=7), created_by="t"))
        uow.commit()


def _by_start(items: list) -> list:  # type: ignore[type-arg]
    return sorted(items, key=lambda x: (x.start_date, x.id))


def _expected_names(account: Account) -> list[str]:
    names = [p.person.full_name() for p in account.parties]
    for period in account.periods:
        for party in _by_start(period.joint_parties):
            current = party.start_date <= AS_OF and (party.end_date is None or party.end_date >= AS_OF)
            if current and party.person.full_name() not in names:
                names.append(party.person.full_name())
    return names


def _check_periods(account: Account, summary: AccountSummary) -> None:
    """Names and periods, against the ORM relationships."""
    names = _expected_names(account)
    assert [summary.name, *summary.joint_names] == names
    assert [p.period_id for p in summary.periods] == [p.id for p in account.periods]
    for view, period in zip(summary.periods, account.periods, strict=True):
        assert view.property_uprn == period.property.uprn and view.address == period.property.address()
        assert view.band == period.property.band
        assert view.parish == (period.property.parish.name if period.property.parish else "")
        assert [d.id for d in view.discounts] == [d.id for d in _by_start(period.discounts)]
        assert [(d.kind, d.empty_since) for d in view.discounts] == [
            (d.kind, d.empty_since) for d in _by_start(period.discounts)
        ]
        assert [(e.id, e.class_, e.to) for e in view.exemptions] == [
            (e.id, e.exemption_class, e.end_date) for e in _by_start(period.exemptions)
        ]
        assert [(j.id, j.name, j.from_) for j in view.joint] == [
            (j.id, j.person.full_name(), j.start_date) for j in _by_start(period.joint_parties)
        ]
        assert view.liable == names


def test_summary_reads_what_the_model_holds(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=90, seed=11, as_of=AS_OF)
    _add_casework(ctx)
    with ctx.db.uow() as uow:
        s = uow.session
        accounts = s.scalars(select(Account).order_by(Account.account_ref)).all()
        shown = {"exemptions": 0, "joint": 0, "arrangements": 0, "holds": 0, "diary": 0, "reductions": 0, "recovery": 0}
        for account in accounts:
            summary = account_summary(uow, account.account_ref, AS_OF)
            _check_periods(account, summary)

            ledger = sorted(
                (t for t in s.scalars(select(LedgerTransaction).where(LedgerTransaction.account_id == account.id))
                 if t.posted_on <= AS_OF),
                key=lambda t: (t.posted_on, t.created_at),
            )
            assert [(t.date, t.kind, t.amount_pence) for t in summary.transactions] == [
                (t.posted_on, t.kind, t.amount_pence) for t in ledger
            ]
            assert summary.balance_pence == sum(t.amount_pence for t in ledger)

            plans = s.scalars(select(InstalmentPlan).where(InstalmentPlan.account_id == account.id,
                                                           InstalmentPlan.status == "active")).all()
            years = {y.year: y for y in summary.years}
            for plan in plans:
                assert [(i.due, i.amount_pence) for i in years[plan.financial_year].instalments] == [
                    (i.due_on, i.amount_pence) for i in plan.instalments
                ]

            events = [e for e in s.scalars(select(RecoveryEvent).where(RecoveryEvent.account_id == account.id))
                      if e.event_date <= AS_OF]
            last = max(events, key=lambda e: (e.event_date, e.created_at), default=None)
            assert (summary.recovery.stage, summary.recovery.stage_date) == (
                (last.stage, last.event_date) if last else ("none", None)
            )
            holds = [h for h in s.scalars(select(Hold).where(Hold.account_id == account.id))
                     if h.start_date <= AS_OF and (h.end_date is None or h.end_date >= AS_OF)]
            assert [(h.kind, h.reason) for h in summary.recovery.holds] == [
                (h.kind, h.reason) for h in sorted(holds, key=lambda h: h.start_date)
            ]
            live = [a for a in s.scalars(select(Arrangement).where(Arrangement.account_id == account.id)) if a.status == "live"]
            newest = max(live, key=lambda a: a.created_at, default=None)
            assert summary.arrangement == (None if newest is None else LiveArrangement(
                arrangement_id=str(newest.id), frequency=newest.frequency, start=newest.start_date,
                end=newest.end_date, total_pence=newest.total_pence, status="live",
            ))
            diary = s.scalars(select(DiaryEntry).where(DiaryEntry.account_id == account.id)).all()
            assert [d.diary_id for d in summary.diary] == [
                str(d.id) for d in sorted(diary, key=lambda d: d.due_on, reverse=True)
            ]
            awards = s.scalars(select(ReductionAward).where(ReductionAward.account_id == account.id)).all()
            assert [(r.id, r.percent_bp) for r in summary.reductions] == [(r.id, r.percent_bp) for r in awards]

            shown["exemptions"] += sum(len(p.exemptions) for p in summary.periods)
            shown["joint"] += len(summary.joint_names)
            shown["arrangements"] += summary.arrangement is not None
            shown["holds"] += len(summary.recovery.holds)
            shown["diary"] += len(summary.diary)
            shown["reductions"] += len(summary.reductions)
            shown["recovery"] += summary.recovery.stage != "none"
    # The comparison above covered every kind of row, not only empty lists.
    assert all(count > 0 for count in shown.values()), shown
