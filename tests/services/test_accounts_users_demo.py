"""Account summary, users/roles/audit and demo data on both databases."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.search import search_accounts
from app.accounts.summary import account_summary
from app.bootstrap import AppContext, bootstrap
from app.config import AuthoritySettings
from app.court.hearings import hearing_list, upcoming_hearings
from app.demo.generate import generate_demo
from app.errors import NotFound, ValidationError
from app.models import (
    Account,
    AuditEvent,
    Escalation,
    LedgerTransaction,
    Note,
    RecoveryEvent,
    RefundRequest,
    WriteOff,
)
from app.users.roles import Role
from tests.services.helpers import load_examples

AS_OF = date(2026, 11, 23)


def test_account_summary_contract_keys(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        data = account_summary(uow, "70000001", date(2025, 5, 20)).to_json()
    for key in ("account_ref", "name", "joint_names", "address", "postcode", "band", "parish", "liable_from",
                "liable_to", "balance_pence", "years", "transactions", "recovery", "arrangement", "diary"):
        assert key in data
    assert data["band"] == "B" and data["parish"] == "" and data["liable_from"] == "2025-04-01"
    assert data["balance_pence"] == -24600
    assert [t["amount_pence"] for t in data["transactions"]] == [-12300, -12300]
    assert data["recovery"] == {"stage": "none", "stage_date": None, "holds": []}


def test_as_of_hides_later_transactions(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        assert account_summary(uow, "70000001", date(2025, 4, 15)).balance_pence == -12300


def test_unknown_account(ctx: AppContext) -> None:
    with ctx.db.uow() as uow, pytest.raises(NotFound, match="99999999"):
        account_summary(uow, "99999999", AS_OF)


def test_bad_role_name() -> None:
    with pytest.raises(ValidationError, match="not a role"):
        Role.parse("boss")


def test_demo_is_deterministic_and_realistic(
    ctx: AppContext, demo_settings: AuthoritySettings, db_url: str, tmp_path: Path
) -> None:
    result = generate_demo(ctx.db, ctx.actor, demo_settings, accounts=400, seed=7, as_of=AS_OF)
    assert result.accounts == 400 and result.years == [2024, 2025, 2026]
    with ctx.db.uow() as uow:
        s = uow.session
        refs = list(s.scalars(select(Account.account_ref).order_by(Account.account_ref).limit(5)))
        stages = set(s.scalars(select(RecoveryEvent.stage).distinct()))
        total = s.scalar(select(func.sum(LedgerTransaction.amount_pence)))
        balances = dict(s.execute(
            select(LedgerTransaction.account_id, func.sum(LedgerTransaction.amount_pence)).group_by(LedgerTransaction.account_id)
        ).all())
        sample = search_accounts(uow, refs[0], 1, as_of=AS_OF)[0]
        summary = account_summary(uow, sample.account_ref, AS_OF)
    assert {"reminder_1", "final_notice", "summons", "liability_order"} <= stages
    assert sum(1 for b in balances.values() if b > 0) > 40  # arrears
    assert sum(1 for b in balances.values() if b < 0) > 0  # credits
    assert summary.balance_pence == sample.balance_pence
    assert summary.years[0].year == 2026 and summary.years[0].instalments
    # The same seed gives the same data in another database.
    other = bootstrap(f"sqlite:///{tmp_path / 'again.db'}", None, "admin")
    try:
        generate_demo(other.db, other.actor, demo_settings, accounts=400, seed=7, as_of=AS_OF)
        with other.db.uow() as uow:
            assert list(uow.session.scalars(select(Account.account_ref).order_by(Account.account_ref).limit(5))) == refs
            assert uow.session.scalar(select(func.sum(LedgerTransaction.amount_pence))) == total
    finally:
        other.db.dispose()


def test_demo_has_work_waiting_from_the_start(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    """Issue 16 part 7: a newcomer finds a hearing list with cases (summons costs on the
    accounts), escalations, refund requests, write-off proposals and notes, all made through
    the ordinary use cases (so audited)."""
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=1000, seed=3, as_of=AS_OF)
    next_hearing = upcoming_hearings(demo_settings, AS_OF)[0]
    with ctx.db.uow() as uow:
        listed = hearing_list(uow, next_hearing, AS_OF)
        count = {model.__name__: uow.session.scalar(select(func.count()).select_from(model))
                 for model in (Escalation, RefundRequest, WriteOff, Note)}
        audited = set(uow.session.scalars(select(AuditEvent.action).distinct()))
        ordered = uow.session.scalars(select(RecoveryEvent).where(RecoveryEvent.stage == "liability_order")).first()
    assert listed.entries and all(e.costs_pence == demo_settings.costs.summons_pence for e in listed.entries)
    assert ordered is not None and ordered.hearing_date == ordered.event_date in demo_settings.recovery.hearing_dates
    assert count["Escalation"] >= 3 and count["RefundRequest"] >= 2 and count["WriteOff"] >= 2 and count["Note"] >= 5
    assert {"escalation.raised", "refund.requested", "writeoff.proposed"} <= audited


def test_demo_refuses_a_database_with_accounts(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=5, seed=1, as_of=AS_OF)
    with pytest.raises(ValidationError, match="already has 5 accounts"):
        generate_demo(ctx.db, ctx.actor, demo_settings, accounts=5, seed=1, as_of=AS_OF)


def test_demo_needs_settings_for_the_year(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    with pytest.raises(ValidationError, match="2030/31"):
        generate_demo(ctx.db, ctx.actor, demo_settings, accounts=5, seed=1, as_of=date(2030, 6, 1))


def test_demo_can_be_cancelled(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    calls: list[int] = []
    result = generate_demo(
        ctx.db, ctx.actor, demo_settings, accounts=12000, seed=1, as_of=AS_OF,
        progress=lambda done, total: calls.append(done), cancelled=lambda: len(calls) >= 1,
    )
    assert result.accounts == calls[0] < 12000


def test_demo_snapshots_the_years_it_charged(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    from app.billing.settings_snapshots import capture_year_settings, year_settings

    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=3, seed=1, as_of=AS_OF)
    with ctx.db.uow() as uow:
        snap = year_settings(uow, 2026)
        assert snap is not None and snap["band_d_pence"] == dict(demo_settings.years[2026].band_d_pence)
        assert year_settings(uow, 2023) is None
        assert capture_year_settings(uow, demo_settings, [2025, 2026]) == []  # never overwritten


def test_demo_json_is_stored_as_objects(ctx: AppContext, demo_settings: AuthoritySettings) -> None:
    generate_demo(ctx.db, ctx.actor, demo_settings, accounts=200, seed=2, as_of=AS_OF)
    with ctx.db.uow() as uow:
        details = list(uow.session.scalars(select(RecoveryEvent.details).limit(5)))
    assert details and all(d == {} for d in details)
