"""Recovery holds: breathing space, insolvency, deceased, dispute, vulnerability review, arrangement.

A hold is **in force on day d** when `start_date <= d` and (`end_date` is None or
`d <= end_date`). While one is in force the recovery run takes no step on the account and
the court and enforcement services refuse new enforcement (an attachment of earnings
already in place may continue during a breathing space).

Breathing space (Debt Respite Scheme, SI 2020/1311; domain notes §7):
- `breathing_space` (standard): 60 days unless an end is given. "60 days beginning with
  the day it starts", so the last day in force is start + 59 days. The length is the
  `[recovery] breathing_space_days` setting (default 60).
- `breathing_space_mental_health`: open-ended: it lasts for the crisis treatment plus 30
  days, which is not known in advance, so it stays in force until lifted.
Other kinds are open-ended unless an end date is given.

Decisions on doubtful points (issue 15), each the side that protects the debtor:
- **Current-year reminders stop too.** SI 2020/1311 protects "moratorium debts": qualifying
  debts owed when the application was made (reg 6); domain notes §7 read council tax as
  protected only for a year where a reminder was served or all instalments fell due, so a
  reminder for this year's newly missed instalment could lawfully be sent. We send
  nothing while a breathing space is in force: a reminder is "contact requesting payment"
  the debt adviser's client would reasonably take as creditor action, and the run resumes
  the day after it ends, so nothing is lost but a few days.
- **Benefit deductions already applied for are not stopped here.** They are made by DWP,
  not the council; whether they must be paused under SI 2020/1311 reg 7 is not settled in
  the sources we have: the hold stops *new* applications (the enforcement services refuse
  them) and the officer decides on one already in payment. Flagged for legal review.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.summary import get_account_id
from app.adapters.conflicts import saving
from app.audit import audit
from app.config import AuthoritySettings
from app.db import UnitOfWork, in_batches
from app.dto import JsonView, clean_text
from app.enums import HoldKind, member
from app.errors import Conflict, NotFound, ValidationError
from app.models import Account, Hold
from app.recovery.requests import AddHold, LiftHold
from app.requests import handles
from app.rules.apportionment import periods_overlap
from app.users.roles import Actor, Role

HOLD_LABELS: dict[str, str] = {
    HoldKind.BREATHING_SPACE: "Breathing space (standard)",
    HoldKind.BREATHING_SPACE_MENTAL_HEALTH: "Breathing space (mental health crisis)",
    HoldKind.BANKRUPTCY: "Bankruptcy",
    HoldKind.DRO: "Debt relief order",
    HoldKind.IVA: "Individual voluntary arrangement",
    HoldKind.DECEASED: "Deceased",
    HoldKind.DISPUTE: "Dispute",
    HoldKind.VULNERABILITY_REVIEW: "Vulnerability review",
    HoldKind.ARRANGEMENT: "Arrangement",
}
assert set(HOLD_LABELS) == set(HoldKind), "every kind of hold has its label"
BREATHING_SPACE_KINDS = (HoldKind.BREATHING_SPACE, HoldKind.BREATHING_SPACE_MENTAL_HEALTH)


@dataclass(frozen=True)
class HoldView(JsonView):
    hold_id: uuid.UUID
    account_ref: str
    kind: str
    label: str
    reason: str
    start_date: date
    end_date: date | None  # None: until lifted
    created_by: str
    lifted_by: str | None

    def in_force_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def describe(self) -> str:
        until = f" to {self.end_date:%d/%m/%Y}" if self.end_date else " until lifted"
        return f"{self.label} from {self.start_date:%d/%m/%Y}{until}" + (f": {self.reason}" if self.reason else "")


def in_force(hold: Hold, day: date) -> bool:
    return hold.start_date <= day and (hold.end_date is None or day <= hold.end_date)


def _view(hold: Hold, account_ref: str) -> HoldView:
    return HoldView(
        hold_id=hold.id, account_ref=account_ref, kind=hold.kind, label=HOLD_LABELS.get(hold.kind, hold.kind),
        reason=hold.reason, start_date=hold.start_date, end_date=hold.end_date, created_by=hold.created_by,
        lifted_by=hold.lifted_by,
    )


def _details(hold: Hold, account_ref: str) -> dict[str, object]:
    return {
        "account_ref": account_ref, "kind": hold.kind, "reason": hold.reason, "start_date": hold.start_date.isoformat(),
        "end_date": hold.end_date.isoformat() if hold.end_date else None,
    }


@handles(AddHold, role=Role.OFFICER, action="put accounts on hold")
def add_hold(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, kind: str, reason: str,
    start_date: date, end_date: date | None = None, as_of: date,
) -> HoldView:
    """Put an account on hold from `start_date` (see the module docstring for default ends)."""
    hold_kind = member(HoldKind, kind.strip().lower())
    if hold_kind is None:
        raise ValidationError(
            f"'{kind.strip().lower()}' is not a kind of hold (use one of {', '.join(HoldKind)}).", field="kind"
        )
    text = clean_text(reason, field="reason", label="the reason for the hold", max_length=500, multiline=True)
    if start_date > as_of + timedelta(days=366):
        raise ValidationError(f"The hold's start date {start_date:%d/%m/%Y} is more than a year ahead.", field="start_date")
    if end_date is None and hold_kind == HoldKind.BREATHING_SPACE:
        end_date = start_date + timedelta(days=settings.recovery.breathing_space_days - 1)
    if end_date is not None and end_date < start_date:
        raise ValidationError(
            f"The hold's end date {end_date:%d/%m/%Y} is before its start date {start_date:%d/%m/%Y}.", field="end_date"
        )
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    for other in uow.session.scalars(select(Hold).where(Hold.account_id == account_id, Hold.kind == hold_kind)):
        overlaps = periods_overlap(other.start_date, other.end_date, start_date, end_date)
        if overlaps:
            raise Conflict(f"Account {ref} already has a hold of that kind: {_view(other, ref).describe()}.")
    hold = Hold(
        account_id=account_id, kind=hold_kind, reason=text, start_date=start_date, end_date=end_date, created_by=actor.username,
    )
    uow.session.add(hold)
    with saving(uow, f"The hold on {ref}"):
        uow.session.flush()
    audit(uow, actor.username, "hold.added", "hold", hold.id, account_id=account_id,
          after={**_details(hold, ref), "as_of": as_of.isoformat()})
    view = _view(hold, ref)
    with saving(uow, f"The hold on {ref}"):
        uow.commit()
    return view


@handles(LiftHold, role=Role.OFFICER, action="lift holds")
def lift_hold(uow: UnitOfWork, actor: Actor, *, hold_id: uuid.UUID, end_date: date, reason: str, as_of: date) -> HoldView:
    """End a hold on `end_date` (its last day in force). A hold already ended earlier is refused."""
    text = clean_text(reason, field="reason", label="the reason for lifting the hold", max_length=500, multiline=True)
    hold = uow.session.get(Hold, hold_id)
    if hold is None:
        raise NotFound(f"There is no hold {hold_id}.")
    ref = uow.session.scalar(select(Account.account_ref).where(Account.id == hold.account_id)) or ""
    if end_date < hold.start_date:
        raise ValidationError(
            f"The end date {end_date:%d/%m/%Y} is before the hold started ({hold.start_date:%d/%m/%Y}).", field="end_date"
        )
    if hold.end_date is not None and hold.end_date <= end_date and hold.lifted_by is not None:
        raise Conflict(f"The hold on {ref} was already lifted by {hold.lifted_by} (last day {hold.end_date:%d/%m/%Y}).")
    if hold.end_date is not None and hold.end_date < end_date:
        raise ValidationError(
            f"The hold on {ref} already ends on {hold.end_date:%d/%m/%Y}; it cannot be lifted later than that.",
            field="end_date",
        )
    before = _details(hold, ref)
    hold.end_date = end_date
    hold.lifted_by = actor.username
    audit(uow, actor.username, "hold.lifted", "hold", hold.id, account_id=hold.account_id, before=before,
          after={**_details(hold, ref), "lift_reason": text, "as_of": as_of.isoformat()})
    with saving(uow, f"The hold on {ref}"):
        uow.session.flush()
        view = _view(hold, ref)
        uow.commit()
    return view


def active_holds(uow: UnitOfWork, account_id: uuid.UUID, as_of: date) -> list[HoldView]:
    """The account's holds in force on `as_of`, earliest first."""
    ref = uow.session.scalar(select(Account.account_ref).where(Account.id == account_id)) or ""
    rows = uow.session.scalars(
        select(Hold).where(Hold.account_id == account_id, Hold.start_date <= as_of)
        .where(Hold.end_date.is_(None) | (Hold.end_date >= as_of))
        .order_by(Hold.start_date, Hold.created_at)
    ).all()
    return [_view(h, ref) for h in rows]


def holds_in_force(uow: UnitOfWork, account_ids: list[uuid.UUID], as_of: date) -> dict[uuid.UUID, list[HoldView]]:
    """Holds in force on `as_of` for many accounts at once (accounts without one are left out)."""
    result: dict[uuid.UUID, list[HoldView]] = {}
    for batch in in_batches(account_ids):
        rows = uow.session.execute(
            select(Hold, Account.account_ref).join(Account, Account.id == Hold.account_id)
            .where(Hold.account_id.in_(batch), Hold.start_date <= as_of)
            .where(Hold.end_date.is_(None) | (Hold.end_date >= as_of))
            .order_by(Hold.start_date, Hold.created_at)
        ).all()
        for hold, ref in rows:
            result.setdefault(hold.account_id, []).append(_view(hold, ref))
    return result


def list_holds(uow: UnitOfWork, *, account_ref: str | None = None, active_on: date | None = None) -> list[HoldView]:
    """Holds, optionally for one account and/or only those in force on a day; by account then start."""
    query = select(Hold, Account.account_ref).join(Account, Account.id == Hold.account_id)
    if account_ref is not None:
        query = query.where(Hold.account_id == get_account_id(uow, account_ref))
    if active_on is not None:
        query = query.where(Hold.start_date <= active_on).where(Hold.end_date.is_(None) | (Hold.end_date >= active_on))
    rows = uow.session.execute(query.order_by(Account.account_ref, Hold.start_date, Hold.created_at)).all()
    return [_view(h, ref) for h, ref in rows]
