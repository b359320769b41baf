"""Where recovery stands on one account: what the Recovery tab and the header's "next
action" show, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.config import AuthoritySettings
from app.db import UnitOfWork
from app.enums import RecoveryStage
from app.recovery.account_recovery import RecoveryView, account_recovery
from app.recovery.enforcement.cases import CaseView, list_cases
from app.recovery.enforcement.routes import RouteAdvice, recovery_routes
from app.recovery.safeguards import SafeguardRow, account_safeguards


@dataclass(frozen=True)
class AccountRecovery:
    """History and each year's next step and why, holds, the routes open after a liability
    order, the enforcement cases in place, and the safeguarding casework holding the next
    statutory step back (or released by a team leader)."""

    view: RecoveryView
    routes: list[RouteAdvice]
    cases: list[CaseView]
    liability_order_years: list[int] = field(default_factory=list)
    safeguards: list[SafeguardRow] = field(default_factory=list)  # open trace, vulnerability review, escalation

    def route(self, name: str) -> RouteAdvice | None:
        return next((r for r in self.routes if r.route == name), None)


def account_recovery_view(uow: UnitOfWork, settings: AuthoritySettings, account_ref: str, as_of: date) -> AccountRecovery:
    view = account_recovery(uow, settings, account_ref, as_of)
    routes = recovery_routes(uow, settings, account_ref, as_of)
    cases = list_cases(uow, account_ref=account_ref)
    years = sorted({h.year for h in view.history if h.stage == RecoveryStage.LIABILITY_ORDER})
    return AccountRecovery(view=view, routes=routes, cases=cases, liability_order_years=years,
                           safeguards=account_safeguards(uow, settings, account_ref))
