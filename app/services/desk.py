"""One command layer for the desktop: each method opens its own unit of work, calls the
use case and returns DTOs, so widgets (and their worker threads) never hold a session.

Methods are safe to call from worker threads: every call has its own session.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.bootstrap import AppContext
from app.db import describe
from app.models import Account
from app.services.accounts import AccountSummary, account_summary
from app.services.demo import Cancelled, DemoResult, Progress, generate_demo
from app.services.search import SearchResult, search_accounts
from app.services.users import Actor


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

    def close(self) -> None:
        self._ctx.db.dispose()
