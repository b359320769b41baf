"""Rebilling one account after a liability change, and the trial calculation the desktop previews.

From the change's year to today (and any later year already billed) the account's years
are decided afresh; rebilling posts the differences, supersedes the instalment plans with
re-profiled ones and issues amended demand notices, rendered at once (a notice issued
singly keeps its file). It is part of the caller's unit of work, so a liability change
and its rebill commit together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from app.billing.applying import Applied, apply, template_versions
from app.billing.decisions import BillingDecision, decide, precept_table, year_policy
from app.billing.facts import AccountFacts, load_facts
from app.billing.settings_snapshots import capture_year_settings
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.errors import ValidationError
from app.letters.council import council_fields
from app.models import Document
from app.rules.apportionment import financial_year_of, year_label
from app.rules.instalments import DueInstalment
from app.users.roles import Actor


@dataclass(frozen=True)
class ChargeLineView:
    start: date
    end: date
    days: int
    description: str
    amount_pence: int
    reduction_pence: int


@dataclass(frozen=True)
class RebillResult:
    """One year of a (trial or real) rebill, as an officer reads it."""

    year: int
    charge_pence: int
    reduction_pence: int
    net_pence: int
    charge_before_pence: int
    reduction_before_pence: int
    difference_pence: int
    paid_pence: int
    balance_pence: int
    lines: tuple[ChargeLineView, ...]
    instalments: tuple[DueInstalment, ...]
    previous_instalments: tuple[DueInstalment, ...]
    notice: str | None
    document_id: uuid.UUID | None = None


def result_view(d: BillingDecision, document_id: uuid.UUID | None = None) -> RebillResult:
    before = d.charged_before_pence - d.reduced_before_pence
    previous = (d.superseded_plan.instalments or ()) if d.superseded_plan else ()
    return RebillResult(
        year=d.year, charge_pence=d.charge.charge_pence, reduction_pence=d.charge.reduction_pence, net_pence=d.net_pence,
        charge_before_pence=d.charged_before_pence, reduction_before_pence=d.reduced_before_pence,
        difference_pence=d.net_pence - before, paid_pence=d.paid_pence, balance_pence=d.balance_pence,
        lines=tuple(ChargeLineView(li.start, li.end, li.days, li.description, li.amount_pence, li.reduction_pence)
                    for li in d.charge.lines),
        instalments=d.plan if d.plan is not None else previous, previous_instalments=previous, notice=d.notice,
        document_id=document_id,
    )


def years_to_rebill(settings: AuthoritySettings, facts: AccountFacts, from_day: date, as_of: date) -> list[int]:
    """Every year from the change to today, and any later year already billed, that the settings cover."""
    first = financial_year_of(from_day)
    last = max([financial_year_of(as_of), *facts.plans.keys(), *facts.charged_pence.keys()])
    wanted = list(range(first, last + 1))
    missing = [y for y in wanted if y not in settings.years]
    if missing and missing[0] < min(settings.years, default=first):
        raise ValidationError(
            f"The change goes back to {from_day:%d/%m/%Y}, before the first year the settings hold "
            f"({year_label(min(settings.years))}).", field="effective_date"
        )
    return [y for y in wanted if y in settings.years]


def decide_account(
    uow: UnitOfWork, settings: AuthoritySettings, account_id: uuid.UUID, from_day: date, as_of: date, reason: str,
) -> list[BillingDecision]:
    """The decisions for one account from `from_day`'s year onwards (reads the session's current, flushed state)."""
    # One load over every year that could need it (up to the last year the settings hold),
    # which is also how a later year already billed (next year's bills, sent in March) is seen.
    first = financial_year_of(from_day)
    last = max(financial_year_of(as_of), max(settings.years, default=first))
    loaded = load_facts(uow, [account_id], list(range(first, max(first, last) + 1)))
    all_years = years_to_rebill(settings, loaded[0], from_day, as_of) if loaded else []
    if not all_years:
        return []
    facts = loaded[0]
    instalments = settings.instalment_policy()
    return [decide(facts, y, year_policy(settings, y), instalments, as_of, council_fields(settings), reason,
                   precepts=precept_table(settings, y)) for y in all_years]


def rebill_account(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, account_id: uuid.UUID, *, from_day: date,
    as_of: date, reason: str,
) -> list[RebillResult]:
    """Recalculate the account from `from_day` on, post the differences and issue amended notices.

    Part of the caller's unit of work (the liability change and its rebill commit together).
    """
    decisions = decide_account(uow, settings, account_id, from_day, as_of, reason)
    changed = [d for d in decisions if d.changed]
    if not changed:
        return [result_view(d) for d in decisions]
    capture_year_settings(uow, settings, [d.year for d in changed])
    applied = apply(uow, actor, changed, as_of, template_versions(uow, settings.letters.folder), reason=reason)
    _render_single_notices(uow, applied)
    return [result_view(d, applied.documents.get((d.account_id, d.year))) for d in decisions]


def _render_single_notices(uow: UnitOfWork, applied: Applied) -> None:
    """A notice issued singly keeps its rendered file (a mass run keeps the merge data only)."""
    from app.letters import documents

    for document_id in applied.documents.values():
        _, content = documents.document_bytes(uow, document_id)
        uow.session.execute(
            update(Document).where(Document.id == document_id).values(content=documents.packed(content))
            .execution_options(synchronize_session=False)
        )
