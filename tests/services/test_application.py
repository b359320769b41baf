"""The one command layer on a real database (SQLite and PostgreSQL): requests in, typed
results out, the acting user's role checked, batch options only where a run takes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.application import Application
from app.billing.liability_changes import LiabilityChange
from app.billing.requests import MoveOut, RunAnnualBilling
from app.bootstrap import AppContext
from app.errors import NotAllowed, ValidationError
from app.models import AuditEvent, LedgerTransaction
from app.payments.posting import PaymentResult
from app.payments.requests import PostPayment
from app.users.roles import Actor, Role
from tests.services.helpers import load_examples

ISSUE = date(2025, 3, 10)
AS_OF = date(2025, 6, 20)


def _totals(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.db.uow() as uow:
        rows = uow.session.scalar(select(func.count()).select_from(LedgerTransaction)) or 0
        total = uow.session.scalar(select(func.coalesce(func.sum(LedgerTransaction.amount_pence), 0))) or 0
        audits = uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return int(rows), int(total), int(audits)


@pytest.fixture
def billed(ctx: AppContext, examples: Path) -> Application:
    load_examples(ctx, examples)
    app = Application(ctx)
    summary = app.execute(RunAnnualBilling(year=2025, as_of=ISSUE))
    assert summary.status == "completed"
    return app


def test_preview_writes_nothing_and_execute_saves_the_same_change(ctx: AppContext, billed: Application) -> None:
    period_id = billed.account("70000001", AS_OF).periods[0].period_id
    request = MoveOut(period_id=period_id, end_date=date(2025, 6, 16), as_of=AS_OF)
    before = _totals(ctx)
    trial = billed.preview(request)
    assert isinstance(trial, LiabilityChange) and trial.preview
    assert _totals(ctx) == before
    saved = billed.execute(request)
    assert not saved.preview and saved.difference_pence == trial.difference_pence == 25843 - 122500
    rows, total, audits = _totals(ctx)
    assert (rows, total) == (before[0] + 1, before[1] + saved.difference_pence)
    assert audits > before[2]


def test_execute_returns_the_use_case_result(billed: Application) -> None:
    result = billed.execute(PostPayment(account_ref="70000001", amount_pence=5_000, received_on=AS_OF, method="cash",
                                        reference="APP-TEST-1", as_of=AS_OF))
    assert isinstance(result, PaymentResult) and result.amount_pence == 5_000


def test_options_a_use_case_does_not_take_are_refused(billed: Application) -> None:
    payment = PostPayment(account_ref="70000001", amount_pence=5_000, received_on=AS_OF, method="cash",
                          reference="APP-TEST-2", as_of=AS_OF)
    with pytest.raises(ValidationError, match="cannot be run with preview"):
        billed.preview(payment)
    with pytest.raises(ValidationError, match="cannot be run with chunk"):
        billed.execute(payment, chunk=10)


def test_the_acting_users_role_is_checked(ctx: AppContext, billed: Application) -> None:
    officer = Actor("officer1", Role.OFFICER)
    as_officer = Application(AppContext(settings=ctx.settings, db=ctx.db, actor=officer))
    with pytest.raises(NotAllowed, match="officer1 is an officer and cannot run annual billing"):
        as_officer.execute(RunAnnualBilling(year=2025, as_of=ISSUE))
