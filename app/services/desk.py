"""One command layer for the desktop: each method opens its own unit of work, calls the
use case and returns DTOs, so widgets (and their worker threads) never hold a session.

Methods are safe to call from worker threads: every call has its own session.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Callable

from sqlalchemy import func, select

from app.bootstrap import AppContext
from app.db import describe
from app.errors import ValidationError
from app.models import Account
from app.rules.discounts import ADJUSTMENT_KINDS, EXEMPTION_CLASSES_ENGLAND, EXEMPTION_CLASSES_WALES
from app.services import billing, liability, payments, refunds
from app.services.accounts import AccountSummary, account_summary, get_account_id
from app.services.billing import BillingRunSummary
from app.services.demo import Cancelled, DemoResult, Progress, generate_demo
from app.services.liability import LiabilityChange
from app.services.payments import PaymentAllocation, PaymentResult
from app.services.refunds import RefundView
from app.services.search import SearchResult, search_accounts
from app.services.users import Actor

# The liability changes the desktop's editor may make, by name (each takes the same
# uow/actor/settings plus keyword fields, `as_of` and `preview`).
LIABILITY_CHANGES: dict[str, Callable[..., LiabilityChange]] = {
    "move_in": liability.move_in,
    "move_out": liability.move_out,
    "split_period": liability.split_period,
    "set_disabled_reduction": liability.set_disabled_reduction,
    "add_joint_party": liability.add_joint_party,
    "end_joint_party": liability.end_joint_party,
    "set_discount": liability.set_discount,
    "end_discount": liability.end_discount,
    "set_exemption": liability.set_exemption,
    "end_exemption": liability.end_exemption,
    "set_reduction": liability.set_reduction,
    "end_reduction": liability.end_reduction,
}


class Desk:
    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    @property
    def actor(self) -> Actor:
        return self._ctx.actor

    @property
    def authority_name(self) -> str:
        return self._ctx.settings.name

    @property
    def database_description(self) -> str:
        return describe(self._ctx.db.url)

    @property
    def is_embedded(self) -> bool:
        return self._ctx.db.dialect == "sqlite"

    def search(self, text: str, limit: int = 50) -> list[SearchResult]:
        with self._ctx.db.uow() as uow:
            return search_accounts(uow, text, limit)

    def account(self, account_ref: str, as_of: date) -> AccountSummary:
        with self._ctx.db.uow() as uow:
            return account_summary(uow, account_ref, as_of)

    def account_count(self) -> int:
        with self._ctx.db.uow() as uow:
            return int(uow.session.scalar(select(func.count()).select_from(Account)) or 0)

    def has_accounts(self) -> bool:
        with self._ctx.db.uow() as uow:
            return uow.session.scalar(select(Account.id).limit(1)) is not None

    def generate_demo(
        self, accounts: int, seed: int, as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> DemoResult:
        return generate_demo(
            self._ctx.db, self._ctx.actor, self._ctx.settings,
            accounts=accounts, seed=seed, as_of=as_of, progress=progress, cancelled=cancelled,
        )

    # --- settings the forms offer ------------------------------------------------------

    @property
    def billing_years(self) -> list[int]:
        """Financial years the settings hold Band D figures for, newest first."""
        return sorted(self._ctx.settings.years, reverse=True)

    @property
    def exemption_classes(self) -> tuple[str, ...]:
        return EXEMPTION_CLASSES_WALES if self._ctx.settings.country == "wales" else EXEMPTION_CLASSES_ENGLAND

    @property
    def adjustment_kinds(self) -> tuple[str, ...]:
        return ADJUSTMENT_KINDS

    @property
    def payment_methods(self) -> tuple[str, ...]:
        return payments.PAYMENT_METHODS

    @property
    def refund_methods(self) -> tuple[str, ...]:
        return refunds.REFUND_METHODS

    # --- liability ------------------------------------------------------------------------

    def change_liability(self, change: str, *, as_of: date, preview: bool = False, **fields: Any) -> LiabilityChange:
        """One liability change (or, with `preview`, its trial calculation: nothing is saved)."""
        try:
            action = LIABILITY_CHANGES[change]
        except KeyError:
            raise ValidationError(f"'{change}' is not a liability change.", field="change") from None
        with self._ctx.db.uow() as uow:
            return action(uow, self._ctx.actor, self._ctx.settings, as_of=as_of, preview=preview, **fields)

    # --- payments and refunds ---------------------------------------------------------

    def take_payment(
        self, account_ref: str, *, amount_pence: int, received_on: date, method: str, reference: str, as_of: date
    ) -> PaymentResult:
        with self._ctx.db.uow() as uow:
            return payments.post_payment(
                uow, self._ctx.actor, account_ref=account_ref, amount_pence=amount_pence, received_on=received_on,
                method=method, reference=reference, as_of=as_of,
            )

    def payment_allocations(self, account_ref: str) -> list[PaymentAllocation]:
        with self._ctx.db.uow() as uow:
            return payments.payment_allocations(uow, get_account_id(uow, account_ref))

    def refundable_credit(self, account_ref: str) -> int:
        """Credit on the account less refunds already requested (pence, never below 0)."""
        with self._ctx.db.uow() as uow:
            return refunds.refundable_credit_pence(uow, get_account_id(uow, account_ref))

    def request_refund(
        self, account_ref: str, *, amount_pence: int, payee: str, method: str, reason: str, as_of: date
    ) -> RefundView:
        with self._ctx.db.uow() as uow:
            return refunds.request_refund(
                uow, self._ctx.actor, account_ref=account_ref, amount_pence=amount_pence, payee=payee, method=method,
                reason=reason, as_of=as_of,
            )

    def refunds(self, status: str | None = None, account_ref: str | None = None) -> list[RefundView]:
        with self._ctx.db.uow() as uow:
            return refunds.list_refunds(uow, status=status, account_ref=account_ref)

    def decide_refund(
        self, refund_id: uuid.UUID, *, approve: bool, note: str, as_of: date, expected_version: int | None = None
    ) -> RefundView:
        with self._ctx.db.uow() as uow:
            return refunds.decide_refund(
                uow, self._ctx.actor, refund_id=refund_id, approve=approve, note=note, as_of=as_of,
                expected_version=expected_version,
            )

    # --- runs ---------------------------------------------------------------------------

    def run_annual_billing(
        self, year: int, as_of: date, progress: Progress | None = None, cancelled: Cancelled | None = None,
        chunk: int | None = None,
    ) -> BillingRunSummary:
        """Annual billing in committed chunks (resumable: run it again to carry on after a cancel)."""
        return billing.run_annual_billing(
            self._ctx.db, self._ctx.actor, self._ctx.settings, year=year, as_of=as_of, progress=progress,
            cancelled=cancelled, chunk=chunk or billing.CHUNK,
        )

    def billing_runs(self) -> list[BillingRunSummary]:
        with self._ctx.db.uow() as uow:
            return billing.billing_runs(uow)

    def close(self) -> None:
        self._ctx.db.dispose()
