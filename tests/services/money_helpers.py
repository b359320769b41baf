"""Set-up shared by the payment, refund and Direct Debit tests: charges and instalment plans
posted straight into the ledger (billing is another service's job)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.accounts.summary import get_account_id
from app.bootstrap import AppContext
from app.ledger.balances import balance_pence
from app.models import Instalment, InstalmentPlan, LedgerTransaction
from app.rules.instalments import schedule
from app.users.roles import Actor, Role

OFFICER = Actor("olivia", Role.OFFICER)
LEADER = Actor("tom", Role.TEAM_LEADER)
LEADER_2 = Actor("priya", Role.TEAM_LEADER)


def post_charge(ctx: AppContext, account_ref: str, year: int, pence: int) -> None:
    with ctx.db.uow() as uow:
        uow.session.add(LedgerTransaction(
            account_id=get_account_id(uow, account_ref), financial_year=year, kind="charge", amount_pence=pence,
            posted_on=date(year, 3, 10), reference=f"BILL-{year}", description="Annual charge", created_by="test",
        ))
        uow.commit()


def add_plan(ctx: AppContext, account_ref: str, year: int, pence: int, first_due: date, count: int = 10) -> list[Instalment]:
    """A charge for the year and its active statutory instalment plan."""
    post_charge(ctx, account_ref, year, pence)
    with ctx.db.uow() as uow:
        instalments = [
            Instalment(seq=i + 1, due_on=d.due, amount_pence=d.amount_pence)
            for i, d in enumerate(schedule(pence, count, first_due))
        ]
        uow.session.add(InstalmentPlan(
            account_id=get_account_id(uow, account_ref), financial_year=year, issued_on=date(year, 3, 10),
            net_charge_pence=pence, instalments=instalments,
        ))
        uow.commit()
        return instalments


def count_rows(ctx: AppContext, model: type, *where: object) -> int:
    with ctx.db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def balance(ctx: AppContext, account_ref: str) -> int:
    with ctx.db.uow() as uow:
        return balance_pence(uow, get_account_id(uow, account_ref))
