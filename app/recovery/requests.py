"""What an officer may ask of recovery: the recovery run, and holds that stop it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from app.requests import Request, request

if TYPE_CHECKING:  # the results, named in each request's type (imported only for type checkers: no cycle)
    from app.recovery.holds import HoldView  # noqa: F401
    from app.recovery.run import RecoveryRunSummary  # noqa: F401
    from app.recovery.safeguards import SafeguardReleaseView  # noqa: F401



@request("recovery.run_recovery")
class RunRecovery(Request["RecoveryRunSummary"]):
    """The daily recovery run (a team leader), or with `dry_run` its preview (writes nothing)."""

    as_of: date
    dry_run: bool = False


@request("recovery.add_hold")
class AddHold(Request["HoldView"]):
    """Stop recovery on an account (breathing space, dispute, ...): a breathing space with no
    end date lasts the settings' `[recovery] breathing_space_days`."""

    account_ref: str
    kind: str
    reason: str
    start_date: date
    as_of: date
    end_date: date | None = None


@request("recovery.lift_hold")
class LiftHold(Request["HoldView"]):
    hold_id: uuid.UUID
    end_date: date
    reason: str
    as_of: date


@request("recovery.release_safeguard")
class ReleaseSafeguard(Request["SafeguardReleaseView"]):
    """A team leader releases an account from one kind of safeguard (gone_away, vulnerability,
    escalation): its open casework of that kind no longer holds back the next statutory step."""

    account_ref: str
    kind: str
    reason: str
    as_of: date
