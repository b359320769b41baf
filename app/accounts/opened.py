"""Everything the desktop shows when an officer opens an account, read in one transaction.

The summary (header, liability, transactions, instalments), how each payment was
allocated, where recovery stands, the case work, the arrangement, the timeline and the letters all come from the
same snapshot of the database, so the tabs never disagree with each other. Recovery,
case work or the arrangement that cannot be read (a rule refusing the data as it stands)
are handed back as their error, one sentence for the officer, and the account still
opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from app.accounts.summary import AccountSummary, account_summary
from app.accounts.timeline import TimelineEntry, account_timeline
from app.casework.account_view import AccountCasework, account_casework
from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.errors import NotFound, ServiceError
from app.letters.documents import DocumentInfo, list_documents
from app.payments.posting import PaymentAllocation, payment_allocations
from app.recovery.account_view import AccountRecovery, account_recovery_view
from app.recovery.arrangements.agreements import show_arrangement
from app.recovery.arrangements.views import ArrangementView

T = TypeVar("T")


@dataclass(frozen=True)
class OpenedAccount:
    summary: AccountSummary
    allocations: list[PaymentAllocation]
    recovery: AccountRecovery | ServiceError
    casework: AccountCasework | ServiceError
    arrangement: ArrangementView | ServiceError | None  # the live arrangement, else the latest; None if never
    timeline: list[TimelineEntry] = field(default_factory=list)  # oldest first
    documents: list[DocumentInfo] = field(default_factory=list)  # every letter on the account, newest first


def open_account(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str, as_of: date) -> OpenedAccount:
    summary = account_summary(uow, account_ref, as_of)
    return OpenedAccount(
        summary=summary,
        allocations=payment_allocations(uow, summary.account_id),
        recovery=_or_error(lambda: account_recovery_view(uow, settings, account_ref, as_of)),
        casework=_or_error(lambda: account_casework(uow, account_ref)),
        arrangement=_or_error(lambda: _arrangement(uow, account_ref, as_of)),
        timeline=account_timeline(uow, account_ref),
        documents=list_documents(uow, summary.account_id),
    )


def _arrangement(uow: UnitOfWork, account_ref: str, as_of: date) -> ArrangementView | None:
    try:
        return show_arrangement(uow, account_ref=account_ref, as_of=as_of)
    except NotFound:
        return None


def _or_error(read: Callable[[], T]) -> T | ServiceError:
    try:
        return read()
    except ServiceError as exc:
        return exc
