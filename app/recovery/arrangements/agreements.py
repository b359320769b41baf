"""Payment arrangements: plan, create, amend, cancel, show, and the daily monitoring run.

An arrangement covers the account's whole outstanding balance (every year, everything in
the ledger up to `as_of`). Agreeing one puts the account on hold from recovery (a `Hold`
of kind "arrangement" from the first payment, until lifted) and sends a confirmation
letter (`arrangement_confirmation.docx`, built by scripts/make_casework_letters.py).
Schedules, affordability, warnings and default detection are the pure rules in
`app.rules.arrangements`; the policy (grace days, tolerance, minimum payment, clear by
the end of the financial year, diary code, letter) is `[arrangements]` in the settings.

Payments counted towards an arrangement are the account's cash movements (payments less
refunds and reversals) dated from its first payment date to `as_of`.

Monitoring (`monitor_arrangements`, daily, team leader): every live arrangement not yet
checked to `as_of`, in committed chunks with a `BatchRun` record (kind
"arrangement_monitor"), is checked against its payments:
- broken (an instalment still short, beyond the tolerance, `grace_days` after it fell
  due): status "broken", `broken_on`, `status_reason`; the arrangement hold is lifted so
  the next recovery run picks the account up again; a diary entry (code from the
  settings, default ARRCHK, team from the diary code) is raised for an officer;
- completed (paid in full, or nothing is owed on the account any more): status
  "completed" and the hold lifted;
- otherwise kept. Each one's `checked_to` becomes `as_of`, so a second run for the same
  date changes nothing, and a run cancelled or killed part way resumes with what is left.
Every status change is audited. A hold is "lifted" by ending it the day before `as_of`
(the day recovery may act again); a hold that had not started yet ends the day before it
would have started, so it is never in force.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update

from app.clock import now
from app.config import AuthoritySettings
from app.db import Database, UnitOfWork, batch_reading, in_batches
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import balance_pence
from app.ledger.kinds import CASH_KINDS
from app.models import (
    Account,
    Arrangement,
    ArrangementInstalment,
    AuditEvent,
    BatchRun,
    DiaryCode,
    DiaryEntry,
    Hold,
    LedgerTransaction,
    LiabilityPeriod,
)
from app.money import fmt
from app.rules.arrangements import (
    FREQUENCY_LABELS,
    Affordability,
    ArrangementError,
    ArrangementPolicy,
    PlanWarning,
    assess,
    check_frequency,
    check_payments,
    clears_by,
    make_schedule,
    warnings_for,
)
from app.rules.instalments import DueInstalment, allocate_paid
from app.accounts.summary import get_account_id
from app.adapters.bulk import AUDIT_COLUMNS, BulkWriter, NativeValues
from app.adapters.conflicts import saving
from app.dto import JsonView, clean_text
from app.adapters.sql_keys import raw_key
from app.users.roles import Actor, Role
from app.audit import audit
from app.requests import Cancelled, Progress, handles
from app.recovery.arrangements.requests import AmendArrangement, CancelArrangement, CreateArrangement, MonitorArrangements

DEFAULT_DIARY = ("Check arrangement", 14, "Recovery")  # used when the code is in neither the database nor settings



# --- DTOs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPayment(JsonView):
    due: date
    amount_pence: int


@dataclass(frozen=True)
class ArrangementPlan(JsonView):
    """A proposed schedule; nothing saved. `warnings`: PlanWarning(code, message, field)."""

    account_ref: str
    balance_pence: int
    frequency: str
    start: date
    instalments: list[PlannedPayment]
    clears_by: date | None
    warnings: list[PlanWarning]
    affordability: Affordability | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "account_ref": self.account_ref, "balance_pence": self.balance_pence, "frequency": self.frequency,
            "start": self.start.isoformat(),
            "instalments": [{"due": i.due.isoformat(), "amount_pence": i.amount_pence} for i in self.instalments],
            "clears_by": self.clears_by.isoformat() if self.clears_by else None,
            "warnings": [w.to_json() for w in self.warnings],
            "affordability": self.affordability.to_json() if self.affordability else None,
        }


@dataclass(frozen=True)
class ArrangementLine(JsonView):
    seq: int
    due: date
    amount_pence: int
    paid_pence: int  # payments so far allocated to the instalments in date order


@dataclass(frozen=True)
class ArrangementView(JsonView):
    arrangement_id: uuid.UUID
    account_ref: str
    status: str  # live | broken | completed | cancelled
    frequency: str
    start: date
    end: date  # the last payment date (clears by)
    total_pence: int
    paid_pence: int  # counted towards the arrangement as of `as_of`
    arrears_pence: int  # due by `as_of` and not paid
    instalments: list[ArrangementLine]
    grace_days: int
    tolerance_pence: int
    checked_to: date | None
    broken_on: date | None
    status_reason: str
    income_expenditure: dict[str, Any] | None
    created_by: str
    as_of: date
    next_due: date | None = None
    hold_id: uuid.UUID | None = None  # the arrangement hold (open while live)
    letter_document_id: uuid.UUID | None = None  # the confirmation letter just issued (create / amend)
    warnings: list[dict[str, str]] = field(default_factory=list)  # confirmed when it was agreed


@dataclass(frozen=True)
class MonitoringSummary(JsonView):
    run_id: uuid.UUID | None
    as_of: date
    status: str  # completed | cancelled
    checked: int
    kept: int
    broken: int
    completed: int
    diary_entries: int
    holds_lifted: int
    resumed: bool = False


# --- planning ---------------------------------------------------------------------------------


def _build(
    balance: int, policy: ArrangementPolicy, *, account_ref: str, frequency: str, start: date, end: date | None,
    amount_pence: int | None, as_of: date, income_expenditure: Mapping[str, Any] | None,
) -> ArrangementPlan:
    try:
        frequency = check_frequency(frequency)
        schedule = make_schedule(balance, frequency, start, end=end, amount_pence=amount_pence)
        affordability = assess(income_expenditure, frequency) if income_expenditure else None
    except ArrangementError as exc:
        raise ValidationError(str(exc), field=exc.field) from None
    warnings = warnings_for(schedule, balance_pence=balance, frequency=frequency, start=start, as_of=as_of,
                            policy=policy, target_end=end, affordability=affordability)
    return ArrangementPlan(
        account_ref=account_ref, balance_pence=balance, frequency=frequency, start=start,
        instalments=[PlannedPayment(i.due, i.amount_pence) for i in schedule], clears_by=clears_by(schedule),
        warnings=warnings, affordability=affordability,
    )


def plan_arrangement(
    uow: UnitOfWork, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None,
) -> ArrangementPlan:
    """The proposed schedule for the account's outstanding balance (all years) on `as_of`; nothing saved.

    With `amount_pence` the schedule is that amount per payment (and `end`, if given, is a
    target the warnings check); without it, equal payments up to `end`.
    """
    account_id = get_account_id(uow, account_ref)
    return _build(balance_pence(uow, account_id, as_of), settings.arrangements, account_ref=account_ref.strip(),
                  frequency=frequency, start=start, end=end, amount_pence=amount_pence, as_of=as_of,
                  income_expenditure=income_expenditure)


def _refuse(plan: ArrangementPlan, as_of: date, confirm_warnings: bool) -> None:
    if plan.start < as_of:
        raise ValidationError(f"The first payment {plan.start:%d/%m/%Y} is in the past (today is {as_of:%d/%m/%Y}).",
                              field="start")
    pending = [w for w in plan.warnings if w.code != "starts_in_past"]
    if pending and not confirm_warnings:
        raise ValidationError(
            " ".join(w.message for w in pending) + " Confirm the warning to agree it anyway.", field=pending[0].field)


def _check_overlap(uow: UnitOfWork, account_id: uuid.UUID, ref: str, start: date, end: date,
                   exclude: uuid.UUID | None = None) -> None:
    query = select(Arrangement).where(Arrangement.account_id == account_id, Arrangement.status == "live",
                                      Arrangement.start_date <= end, Arrangement.end_date >= start)
    if exclude is not None:
        query = query.where(Arrangement.id != exclude)
    other = uow.session.scalars(query.limit(1)).one_or_none()
    if other is not None:
        raise Conflict(f"Account {ref} already has a live arrangement ({FREQUENCY_LABELS.get(other.frequency, other.frequency)} "
                       f"from {other.start_date:%d/%m/%Y} to {other.end_date:%d/%m/%Y}): amend or cancel it instead.")


def _statement(plan: ArrangementPlan, income_expenditure: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not income_expenditure:
        return None
    return {"statement": dict(income_expenditure),
            "assessed": plan.affordability.to_json() if plan.affordability else None}


# --- create / amend / cancel ------------------------------------------------------------------


@handles(CreateArrangement, role=Role.OFFICER, action="agree arrangements")
def create_arrangement(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None, confirm_warnings: bool = False,
) -> ArrangementView:
    """Agree an arrangement: saved with its schedule, the account on hold, a confirmation letter, audited.

    Refused (ValidationError naming the field): a first payment in the past; any other
    warning (not clearing by the target or the end of the financial year, more than is
    left over, below the minimum) unless `confirm_warnings`. Refused (Conflict): a live
    arrangement on the account overlapping these dates.
    """
    policy = settings.arrangements
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    plan = _build(balance_pence(uow, account_id, as_of), policy, account_ref=ref, frequency=frequency, start=start, end=end,
                  amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure)
    _refuse(plan, as_of, confirm_warnings)
    assert plan.clears_by is not None
    _check_overlap(uow, account_id, ref, start, plan.clears_by)
    arrangement = Arrangement(
        account_id=account_id, frequency=plan.frequency, start_date=start, end_date=plan.clears_by,
        total_pence=plan.balance_pence, status="live", grace_days=policy.grace_days,
        tolerance_pence=policy.tolerance_pence, checked_to=None, broken_on=None, status_reason="",
        income_expenditure=_statement(plan, income_expenditure), created_by=actor.username,
        instalments=[ArrangementInstalment(seq=n, due_on=i.due, amount_pence=i.amount_pence)
                     for n, i in enumerate(plan.instalments, start=1)],
    )
    uow.session.add(arrangement)
    hold = _open_hold(uow, actor, account_id, ref, plan, as_of)
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    warnings = [w.to_json() for w in plan.warnings]
    audit(uow, actor.username, "arrangement.created", "arrangement", arrangement.id, account_id=account_id,
          after={**_details(arrangement, ref), "as_of": as_of.isoformat(), "confirmed_warnings": warnings})
    letter = _confirmation_letter(uow, actor, settings, policy, arrangement, ref, as_of)
    view = _view(uow, arrangement, ref, as_of, hold_id=hold.id, letter_id=letter, warnings=warnings)
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


@handles(AmendArrangement, role=Role.OFFICER, action="amend arrangements")
def amend_arrangement(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, frequency: str, start: date,
    end: date | None = None, amount_pence: int | None = None, as_of: date,
    income_expenditure: Mapping[str, Any] | None = None, confirm_warnings: bool = False, reason: str,
    expected_version: int | None = None,
) -> ArrangementView:
    """Replace a live arrangement's schedule with a new one for what is owed now (same rules as
    create); payments are counted from the new first payment date; a new letter is sent."""
    text = clean_text(reason, field="reason", label="the reason for the change", max_length=300)
    policy = settings.arrangements
    arrangement, ref = _live(uow, account_ref)
    if expected_version is not None and arrangement.version != expected_version:
        raise Conflict(f"The arrangement on {ref} was changed by someone else since you opened it; reload it and try again.")
    plan = _build(balance_pence(uow, arrangement.account_id, as_of), policy, account_ref=ref, frequency=frequency,
                  start=start, end=end, amount_pence=amount_pence, as_of=as_of, income_expenditure=income_expenditure)
    _refuse(plan, as_of, confirm_warnings)
    assert plan.clears_by is not None
    _check_overlap(uow, arrangement.account_id, ref, start, plan.clears_by, exclude=arrangement.id)
    before = _details(arrangement, ref)
    arrangement.frequency, arrangement.start_date, arrangement.end_date = plan.frequency, start, plan.clears_by
    arrangement.total_pence, arrangement.checked_to, arrangement.status_reason = plan.balance_pence, None, text
    if income_expenditure:
        arrangement.income_expenditure = _statement(plan, income_expenditure)
    arrangement.instalments.clear()
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    arrangement.instalments.extend(ArrangementInstalment(seq=n, due_on=i.due, amount_pence=i.amount_pence)
                                   for n, i in enumerate(plan.instalments, start=1))
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    warnings = [w.to_json() for w in plan.warnings]
    audit(uow, actor.username, "arrangement.amended", "arrangement", arrangement.id, account_id=arrangement.account_id,
          before=before, after={**_details(arrangement, ref), "reason": text, "as_of": as_of.isoformat(),
                                "confirmed_warnings": warnings})
    letter = _confirmation_letter(uow, actor, settings, policy, arrangement, ref, as_of)
    view = _view(uow, arrangement, ref, as_of, hold_id=_hold_id(uow, arrangement.account_id), letter_id=letter,
                 warnings=warnings)
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


@handles(CancelArrangement, role=Role.OFFICER, action="cancel arrangements")
def cancel_arrangement(uow: UnitOfWork, actor: Actor, *, account_ref: str, reason: str, as_of: date) -> ArrangementView:
    """End the account's live arrangement: status cancelled, the hold lifted (recovery resumes), audited."""
    text = clean_text(reason, field="reason", label="the reason for cancelling", max_length=300)
    arrangement, ref = _live(uow, account_ref)
    before = _details(arrangement, ref)
    arrangement.status, arrangement.status_reason = "cancelled", text
    _lift_holds(uow, actor, [arrangement.account_id], as_of, f"Arrangement cancelled: {text}")
    with saving(uow, f"The arrangement on {ref}"):
        uow.session.flush()
    audit(uow, actor.username, "arrangement.cancelled", "arrangement", arrangement.id, account_id=arrangement.account_id,
          before=before, after={**_details(arrangement, ref), "reason": text, "as_of": as_of.isoformat()})
    view = _view(uow, arrangement, ref, as_of)
    with saving(uow, f"The arrangement on {ref}"):
        uow.commit()
    return view


def show_arrangement(uow: UnitOfWork, *, account_ref: str, as_of: date) -> ArrangementView:
    """The account's current arrangement (the live one, else the latest), with what has been paid."""
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    arrangement = uow.session.scalars(
        select(Arrangement).where(Arrangement.account_id == account_id)
        .order_by((Arrangement.status == "live").desc(), Arrangement.created_at.desc()).limit(1)
    ).one_or_none()
    if arrangement is None:
        raise NotFound(f"Account {ref} has no arrangement.")
    return _view(uow, arrangement, ref, as_of, hold_id=_hold_id(uow, account_id))


def list_arrangements(uow: UnitOfWork, *, account_ref: str, as_of: date) -> list[ArrangementView]:
    """Every arrangement on the account, newest first."""
    account_id = get_account_id(uow, account_ref)
    rows = uow.session.scalars(select(Arrangement).where(Arrangement.account_id == account_id)
                               .order_by(Arrangement.created_at.desc())).all()
    return [_view(uow, a, account_ref.strip(), as_of) for a in rows]


def _live(uow: UnitOfWork, account_ref: str) -> tuple[Arrangement, str]:
    account_id = get_account_id(uow, account_ref)
    ref = account_ref.strip()
    arrangement = uow.session.scalars(
        select(Arrangement).where(Arrangement.account_id == account_id, Arrangement.status == "live")
        .order_by(Arrangement.created_at.desc()).limit(1)
    ).one_or_none()
    if arrangement is None:
        raise NotFound(f"Account {ref} has no live arrangement.")
    return arrangement, ref


def _details(arrangement: Arrangement, ref: str) -> dict[str, Any]:
    return {
        "account_ref": ref, "status": arrangement.status, "frequency": arrangement.frequency,
        "start": arrangement.start_date.isoformat(), "end": arrangement.end_date.isoformat(),
        "total_pence": arrangement.total_pence, "instalments": len(arrangement.instalments),
        "broken_on": arrangement.broken_on.isoformat() if arrangement.broken_on else None,
        "status_reason": arrangement.status_reason,
    }


def _payments(uow: UnitOfWork, account_id: uuid.UUID, start: date, as_of: date) -> list[tuple[date, int]]:
    rows = uow.session.execute(
        select(LedgerTransaction.posted_on, func.sum(-LedgerTransaction.amount_pence))
        .where(LedgerTransaction.account_id == account_id, LedgerTransaction.kind.in_(CASH_KINDS),
               LedgerTransaction.posted_on >= start, LedgerTransaction.posted_on <= as_of)
        .group_by(LedgerTransaction.posted_on)
    ).all()
    return [(d, int(a)) for d, a in rows]


def _view(uow: UnitOfWork, arrangement: Arrangement, ref: str, as_of: date, *, hold_id: uuid.UUID | None = None,
          letter_id: uuid.UUID | None = None, warnings: list[dict[str, str]] | None = None) -> ArrangementView:
    schedule = [DueInstalment(i.due_on, i.amount_pence) for i in arrangement.instalments]
    paid = _payments(uow, arrangement.account_id, arrangement.start_date, as_of)
    check = check_payments(schedule, paid, as_of, tolerance_pence=arrangement.tolerance_pence,
                           grace_days=arrangement.grace_days, total_pence=arrangement.total_pence)
    allocated = allocate_paid([i.amount_pence for i in schedule], check.paid_pence)
    upcoming = [i.due for i, p in zip(schedule, allocated, strict=True) if p < i.amount_pence and i.due >= as_of]
    return ArrangementView(
        arrangement_id=arrangement.id, account_ref=ref, status=arrangement.status, frequency=arrangement.frequency,
        start=arrangement.start_date, end=arrangement.end_date, total_pence=arrangement.total_pence,
        paid_pence=check.paid_pence, arrears_pence=check.arrears_pence,
        instalments=[ArrangementLine(i.seq, i.due_on, i.amount_pence, p)
                     for i, p in zip(arrangement.instalments, allocated, strict=True)],
        grace_days=arrangement.grace_days, tolerance_pence=arrangement.tolerance_pence,
        checked_to=arrangement.checked_to, broken_on=arrangement.broken_on, status_reason=arrangement.status_reason,
        income_expenditure=arrangement.income_expenditure, created_by=arrangement.created_by, as_of=as_of,
        next_due=upcoming[0] if upcoming else None, hold_id=hold_id, letter_document_id=letter_id,
        warnings=warnings or [],
    )


# --- holds and letters ------------------------------------------------------------------------


def _open_hold(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID, ref: str, plan: ArrangementPlan,
               as_of: date) -> Hold:
    """The arrangement hold, in the caller's transaction (app.recovery.holds.add_hold commits on
    its own, and the arrangement, its hold and its letter must be saved together)."""
    existing = uow.session.scalars(
        select(Hold).where(Hold.account_id == account_id, Hold.kind == "arrangement")
        .where(or_(Hold.end_date.is_(None), Hold.end_date >= plan.start))
    ).first()
    if existing is not None:
        raise Conflict(f"Account {ref} is already on hold for an arrangement from {existing.start_date:%d/%m/%Y}: "
                       "lift that hold first.")
    assert plan.clears_by is not None
    hold = Hold(account_id=account_id, kind="arrangement", start_date=plan.start, end_date=None,
                reason=f"Arrangement: {fmt(plan.balance_pence)} {FREQUENCY_LABELS[plan.frequency]} from "
                       f"{plan.start:%d/%m/%Y} to {plan.clears_by:%d/%m/%Y}",
                created_by=actor.username)
    uow.session.add(hold)
    uow.session.flush()
    audit(uow, actor.username, "hold.added", "hold", hold.id, account_id=account_id,
          after={"account_ref": ref, "kind": "arrangement", "reason": hold.reason, "start_date": plan.start.isoformat(),
                 "end_date": None, "as_of": as_of.isoformat()})
    return hold


def _hold_id(uow: UnitOfWork, account_id: uuid.UUID) -> uuid.UUID | None:
    return uow.session.scalar(
        select(Hold.id).where(Hold.account_id == account_id, Hold.kind == "arrangement", Hold.end_date.is_(None))
        .order_by(Hold.start_date.desc()).limit(1)
    )


def _lift_end(start: date, as_of: date) -> date:
    """Recovery may act again on `as_of`: the hold's last day is the day before (or, for a hold
    that has not started, the day before it would have started: never in force)."""
    return max(as_of, start) - timedelta(days=1)


def _lift_holds(uow: UnitOfWork, actor: Actor, account_ids: Sequence[uuid.UUID], as_of: date, reason: str) -> int:
    """End the open arrangement holds on these accounts; audited like app.recovery.holds.lift_hold."""
    lifted = 0
    for batch in in_batches(account_ids):
        holds = uow.session.scalars(
            select(Hold).where(Hold.account_id.in_(batch), Hold.kind == "arrangement")
            .where(or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
        ).all()
        for hold in holds:
            before = {"end_date": hold.end_date.isoformat() if hold.end_date else None, "lifted_by": hold.lifted_by}
            hold.end_date, hold.lifted_by = _lift_end(hold.start_date, as_of), actor.username
            audit(uow, actor.username, "hold.lifted", "hold", hold.id, account_id=hold.account_id, before=before,
                  after={"kind": "arrangement", "end_date": hold.end_date.isoformat(), "lift_reason": reason,
                         "as_of": as_of.isoformat()})
            lifted += 1
    return lifted


def _letter_facts(uow: UnitOfWork, account_id: uuid.UUID) -> tuple[list[str], str, str]:
    account = uow.session.get_one(Account, account_id)
    names = [p.person.full_name() for p in sorted(account.parties, key=lambda p: p.ordinal)]
    period = uow.session.scalars(select(LiabilityPeriod).where(LiabilityPeriod.account_id == account_id)
                                 .order_by(LiabilityPeriod.start_date.desc()).limit(1)).one_or_none()
    if period is None:
        return names, "", ""
    return names, period.property.address(), period.property.postcode


def _confirmation_letter(uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, policy: ArrangementPolicy,
                         arrangement: Arrangement, ref: str, as_of: date) -> uuid.UUID:
    from app.letters.letters import issue_letter

    names, address, postcode = _letter_facts(uow, arrangement.account_id)
    lines = arrangement.instalments
    data = {
        "authority": settings.name, "issued_on": as_of.isoformat(), "account_ref": ref, "names": names,
        "address_lines": [p.strip() for p in address.split(",") if p.strip()], "postcode": postcode,
        "property_address": f"{address}, {postcode}" if postcode else address,
        "total_pence": arrangement.total_pence, "frequency": arrangement.frequency,
        "frequency_label": FREQUENCY_LABELS[arrangement.frequency], "count": len(lines),
        "regular_pence": lines[0].amount_pence, "last_pence": lines[-1].amount_pence,
        "first_due": arrangement.start_date.isoformat(), "clears_by": arrangement.end_date.isoformat(),
        "grace_days": arrangement.grace_days,
        "instalments": [{"due": i.due_on.isoformat(), "amount_pence": i.amount_pence} for i in lines],
    }
    info = issue_letter(uow, actor, account_id=arrangement.account_id, kind="arrangement_confirmation",
                        template=policy.letter_template, data=data, issued_on=as_of)
    return info.document_id


# --- monitoring -------------------------------------------------------------------------------


@dataclass
class _Tally:
    checked: int = 0
    kept: int = 0
    broken: int = 0
    completed: int = 0
    diary: int = 0
    lifted: int = 0
    cursor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> _Tally:
        tally = cls()
        for key in ("checked", "kept", "broken", "completed", "diary", "lifted"):
            setattr(tally, key, int(data.get(key, 0)))
        tally.cursor = data.get("cursor")
        return tally


def _diary_code(uow: UnitOfWork, settings: AuthoritySettings, code: str) -> tuple[str, int]:
    """The diary code's team and default days, recorded in `diary_code` if it is not there yet
    (from the settings' `[diary_codes]`, else the built-in ARRCHK)."""
    row = uow.session.get(DiaryCode, code)
    if row is not None:
        return row.team, row.default_days
    configured = settings.diary_codes.get(code)
    description, days, team = (
        (configured.description, configured.default_days, configured.team) if configured else DEFAULT_DIARY
    )
    uow.session.add(DiaryCode(code=code, description=description, default_days=days, team=team, active=True))
    uow.session.flush()
    return team, days


def _fetch(uow: UnitOfWork, statement: Any) -> list[Any]:
    return uow.session.connection().execute(statement).fetchall()  # type: ignore[no-any-return]


@handles(MonitorArrangements, role=Role.TEAM_LEADER, action="run arrangement monitoring")
def monitor_arrangements(
    db: Database, actor: Actor, settings: AuthoritySettings, *, as_of: date, progress: Progress | None = None,
    cancelled: Cancelled | None = None, chunk: int | None = None,
) -> MonitoringSummary:
    """The daily monitoring run for `as_of` (see the module docstring), `chunk` arrangements
    (default: the settings' `[batch] arrangement_chunk`) per committed chunk. Team leader."""
    chunk = chunk or settings.batch.arrangement_chunk
    policy = settings.arrangements
    todo = (Arrangement.status == "live") & or_(Arrangement.checked_to.is_(None), Arrangement.checked_to < as_of)
    with db.uow() as uow:
        total = int(uow.session.scalar(select(func.count()).select_from(Arrangement).where(todo)) or 0)
        unfinished = uow.session.scalars(
            select(BatchRun).where(BatchRun.kind == "arrangement_monitor", BatchRun.as_of == as_of,
                                   BatchRun.status.in_(("running", "cancelled")))
            .order_by(BatchRun.started_at.desc()).limit(1)
        ).one_or_none()
        resumed = unfinished is not None
        if unfinished is not None:
            run, tally = unfinished, _Tally.from_dict(unfinished.summary)
            total += tally.checked
        else:
            count = uow.session.scalar(select(func.count()).select_from(BatchRun).where(
                BatchRun.kind == "arrangement_monitor", BatchRun.as_of == as_of)) or 0
            tally = _Tally()
            run = BatchRun(kind="arrangement_monitor", run_key=f"arrangement_monitor:{as_of.isoformat()}:{count + 1}",
                           as_of=as_of, parameters={}, total=total, created_by=actor.username, summary=tally.to_dict())
            uow.session.add(run)
        run.status, run.total = "running", total
        team, _days = _diary_code(uow, settings, policy.diary_code)
        uow.commit()
        run_id = run.id
    status = "completed"
    # Every chunk takes the next live arrangements not yet checked to `as_of`, in key order
    # from the cursor; what a chunk checks it marks, so a rerun or resume finds only the rest.
    cursor: Any = None
    while True:
        if cancelled is not None and cancelled():
            status = "cancelled"
            break
        with db.uow() as uow:
            query = (select(raw_key(Arrangement.id), raw_key(Arrangement.account_id), Arrangement.start_date,
                            Arrangement.total_pence, Arrangement.grace_days, Arrangement.tolerance_pence)
                     .where(todo).order_by(Arrangement.id).limit(chunk))
            if cursor is not None:
                query = query.where(raw_key(Arrangement.id) > cursor)
            with batch_reading(uow):
                rows = _fetch(uow, query)
                if not rows:
                    break
                cursor = rows[-1][0]
                outcomes = _check_chunk(uow, rows, as_of)
            _apply(uow, actor, settings, policy, team, as_of, rows, outcomes, tally)
            tally.cursor = cursor.hex() if isinstance(cursor, bytes) else str(cursor)
            uow.session.execute(update(BatchRun).where(BatchRun.id == run_id)
                                .values(done=tally.checked, summary=tally.to_dict())
                                .execution_options(synchronize_session=False))
            uow.commit()
        if progress is not None:
            progress(tally.checked, total)
    with db.uow() as uow:
        run = uow.session.get_one(BatchRun, run_id)
        run.status = status
        if status == "completed":
            run.finished_at = now()
        uow.commit()
    return MonitoringSummary(run_id=run_id, as_of=as_of, status=status, checked=tally.checked, kept=tally.kept,
                             broken=tally.broken, completed=tally.completed, diary_entries=tally.diary,
                             holds_lifted=tally.lifted, resumed=resumed)


def _check_chunk(uow: UnitOfWork, rows: Sequence[Any], as_of: date) -> dict[Any, Any]:
    """Each arrangement's PaymentCheck (or "cleared" when nothing is owed on the account), by raw key."""
    lo, hi = rows[0][0], rows[-1][0]
    due: dict[Any, list[DueInstalment]] = {row[0]: [] for row in rows}
    shared: dict[tuple[date, int], DueInstalment] = {}
    for arrangement, on, amount in _fetch(uow, (
        select(raw_key(ArrangementInstalment.arrangement_id), ArrangementInstalment.due_on,
               ArrangementInstalment.amount_pence)
        .where(raw_key(ArrangementInstalment.arrangement_id).between(lo, hi), ArrangementInstalment.due_on <= as_of)
        .order_by(ArrangementInstalment.arrangement_id, ArrangementInstalment.seq)
    )):
        bucket = due.get(arrangement)
        if bucket is not None:
            key = (on, amount)
            instalment = shared.get(key)
            if instalment is None:
                instalment = shared[key] = DueInstalment(on, amount)
            bucket.append(instalment)
    accounts = list({row[1] for row in rows})
    earliest = min(row[2] for row in rows)
    paid: dict[Any, list[tuple[date, int]]] = {}
    balances: dict[Any, int] = {}
    for ids in in_batches(accounts):
        for account, on, amount in _fetch(uow, (
            select(raw_key(LedgerTransaction.account_id), LedgerTransaction.posted_on, LedgerTransaction.amount_pence)
            .where(raw_key(LedgerTransaction.account_id).in_(ids), LedgerTransaction.kind.in_(CASH_KINDS),
                   LedgerTransaction.posted_on >= earliest, LedgerTransaction.posted_on <= as_of)
        )):
            paid.setdefault(account, []).append((on, -amount))
        balances.update(_fetch(uow, (
            select(raw_key(LedgerTransaction.account_id), func.sum(LedgerTransaction.amount_pence))
            .where(raw_key(LedgerTransaction.account_id).in_(ids), LedgerTransaction.posted_on <= as_of)
            .group_by(LedgerTransaction.account_id)
        )))
    outcomes: dict[Any, Any] = {}
    for arrangement, account, start, total, grace, tolerance in rows:
        if int(balances.get(account, 0) or 0) <= 0:
            outcomes[arrangement] = "cleared"
            continue
        payments = [(d, a) for d, a in paid.get(account, ()) if d >= start]
        outcomes[arrangement] = check_payments(due[arrangement], payments, as_of, tolerance_pence=tolerance,
                                               grace_days=grace, total_pence=total)
    return outcomes


DIARY_COLUMNS = ("id", "account_id", "code", "due_on", "team", "owner", "note", "status", "claimed_by", "claimed_at",
                 "completed_by", "completed_at", "completion_note", "created_by", "created_at", "version")


def _apply(uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, policy: ArrangementPolicy, team: str,
           as_of: date, rows: Sequence[Any], outcomes: Mapping[Any, Any], tally: _Tally) -> None:
    """Write a chunk's outcomes in bulk: `checked_to` for the kept; status, holds lifted, diary
    entries and audit events for the broken and completed (Core statements, not one ORM
    object per row: a day after a bank holiday can break thousands at once)."""
    kept = [a for a, o in outcomes.items() if o != "cleared" and o.status == "kept"]
    kept_set = set(kept)
    changed = [row for row in rows if row[0] not in kept_set]
    tally.checked += len(rows)
    tally.kept += len(kept)
    table = Arrangement.__table__
    connection = uow.session.connection()
    for batch in in_batches(kept):
        connection.execute(update(table).where(raw_key(table.c.id).in_(batch))
                           .values(checked_to=as_of))
    if not changed:
        return
    v = NativeValues(uow.dialect)
    stamp = v.timestamp(now())
    accounts = [row[1] for row in changed]
    refs: dict[Any, str] = {}
    for batch in in_batches(accounts):
        refs.update(_fetch(uow, select(raw_key(Account.id), Account.account_ref)
                           .where(raw_key(Account.id).in_(batch))))
    updates: list[dict[str, Any]] = []
    diary: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    for arrangement, account, *_ in changed:
        outcome = outcomes[arrangement]
        if outcome == "cleared" or outcome.status == "completed":
            status, broken_on = "completed", None
            reason = "Nothing is owed on the account any more." if outcome == "cleared" else outcome.reason
            tally.completed += 1
        else:
            status, broken_on, reason = "broken", outcome.broken_on, outcome.reason
            tally.broken += 1
            diary.append((v.new_id(), account, policy.diary_code, v.date(as_of), team, None,
                          f"Arrangement broken on {broken_on:%d/%m/%Y}: {reason}", "open", None, None, None, None, "",
                          actor.username, stamp, 1))
            tally.diary += 1
        updates.append({"k": arrangement, "s": status, "b": broken_on, "r": reason[:300]})
        audits.append((v.new_id(), stamp, actor.username, f"arrangement.{status}", "arrangement", arrangement, account,
                       v.json({"status": "live"}),
                       v.json({"account_ref": refs.get(account, ""), "status": status,
                               "broken_on": broken_on.isoformat() if broken_on else None, "status_reason": reason,
                               "as_of": as_of.isoformat(), "run": "arrangement_monitor"})))
    connection.execute(
        update(table).where(raw_key(table.c.id) == bindparam("k"))
        .values(status=bindparam("s"), broken_on=bindparam("b"), status_reason=bindparam("r"), checked_to=as_of,
                version=table.c.version + 1),
        updates,
    )
    holds: list[dict[str, Any]] = []
    hold_table = Hold.__table__
    for batch in in_batches(accounts):
        for hold, account, start in _fetch(uow, (
            select(raw_key(Hold.id), raw_key(Hold.account_id), Hold.start_date)
            .where(raw_key(Hold.account_id).in_(batch), Hold.kind == "arrangement")
            .where(or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
        )):
            end = _lift_end(start, as_of)
            holds.append({"k": hold, "e": end})
            audits.append((v.new_id(), stamp, actor.username, "hold.lifted", "hold", hold, account,
                           v.json({"end_date": None}),
                           v.json({"kind": "arrangement", "end_date": end.isoformat(),
                                   "lift_reason": "Arrangement ended by the monitoring run",
                                   "as_of": as_of.isoformat()})))
    if holds:
        connection.execute(
            update(hold_table).where(raw_key(hold_table.c.id) == bindparam("k"))
            .values(end_date=bindparam("e"), lifted_by=actor.username, version=hold_table.c.version + 1),
            holds,
        )
    tally.lifted += len(holds)
    writer = BulkWriter(connection)
    writer.write(DiaryEntry.__table__, DIARY_COLUMNS, diary)
    writer.write(AuditEvent.__table__, AUDIT_COLUMNS, audits)
