"""Magistrates' court: the hearing list and the outcomes recorded from it (AER 1992 regs 34-35).

The recovery run issues summonses: a `summons` RecoveryEvent per account and financial
year, with the `hearing_date` it is listed for and the summons costs in the ledger (kind
`costs`, reference `SUMMONS-{year}`). An account and year is **on the list for a hearing
date D** when its latest court event for that year (summons, adjourned, or an outcome) is
a `summons` or an `adjourned` whose `hearing_date` is D.

Outcomes (one per account and hearing, applied to every year it is listed for):
- `granted`: a `liability_order` event (hearing_date D, amount = unpaid tax + costs,
  including the liability order costs) and the liability order costs posted to the ledger
  (kind `costs`, reference `LO-{year}`, `[costs] liability_order_pence`). Refused while a
  hold is in force (a breathing space forbids enforcement steps) or nothing is owed.
- `withdrawn`: a `withdrawn` event; with `withdraw_costs` the summons costs are reversed
  by a negative `costs` row (reference `SUMMONS-{year}-WD`): costs are corrected by new
  rows, never edited.
- `adjourned`: an `adjourned` event whose hearing_date is the new date (`adjourned_to`),
  with `adjourned_from` = D in its details: the account is then on the new date's list.
- `paid`: `paid_before_hearing` (refused if the year is still owed).
Recording the same outcome again does nothing and says so (`recorded=False`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from app.accounts.debtors import debtors
from app.adapters.conflicts import saving
from app.audit import audit
from app.config import AuthoritySettings
from app.court.requests import RecordOutcome, RecordOutcomes
from app.db import Database, UnitOfWork, in_batches
from app.dto import JsonView
from app.enums import RecoveryStage
from app.errors import Conflict, NotFound, ValidationError
from app.ledger.balances import year_balance_pence
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import CASH_KINDS, LedgerKind
from app.ledger.posting import post
from app.models import Account, LedgerTransaction, RecoveryEvent
from app.money import fmt
from app.recovery.holds import HoldView, holds_in_force
from app.recovery.safeguards import refuse_if_held_back, safeguards_holding
from app.requests import Cancelled, Progress, handles
from app.rules.apportionment import year_label
from app.rules.safeguards import SAFEGUARD_KINDS
from app.settings import CourtVenue
from app.users.roles import Actor, Role

# An outcome the court records -> the recovery stage it writes.
OUTCOMES = {
    "granted": RecoveryStage.LIABILITY_ORDER, "withdrawn": RecoveryStage.WITHDRAWN,
    "adjourned": RecoveryStage.ADJOURNED, "paid": RecoveryStage.PAID_BEFORE_HEARING,
}
LISTING_STAGES = (RecoveryStage.SUMMONS, RecoveryStage.ADJOURNED)  # a year waiting for its hearing_date
DECIDED_STAGES = (RecoveryStage.LIABILITY_ORDER, RecoveryStage.WITHDRAWN, RecoveryStage.PAID_BEFORE_HEARING)
COURT_STAGES = (*LISTING_STAGES, *DECIDED_STAGES)
OUTCOME_CHUNK = 25  # accounts per committed chunk when recording outcomes in bulk (progress, cancel)


@dataclass(frozen=True)
class HearingEntry(JsonView):
    account_id: uuid.UUID
    account_ref: str
    name: str
    joint_names: list[str]
    address: str
    postcode: str
    year: int
    summons_date: date
    summons_amount_pence: int  # the amount on the summons (the recovery run's figure)
    costs_pence: int  # court costs now in the ledger for the year
    paid_since_summons_pence: int
    balance_pence: int  # what is owed for the year now (tax + costs - payments)
    adjourned_from: date | None
    holds: list[HoldView]
    held_back: list[str] = field(default_factory=list)  # open casework holding a liability order back (safeguards)


@dataclass(frozen=True)
class HearingList(JsonView):
    hearing_date: date
    as_of: date
    entries: list[HearingEntry]
    accounts: int
    total_balance_pence: int
    court: str = ""  # the venue's name ([court] settings; empty when none is set up)
    court_address: list[str] = field(default_factory=list)
    hearing_time: str = ""  # "10:00am"

    @property
    def venue_text(self) -> str:
        """"Exampleton Magistrates' Court, 10:00am" (empty when no venue is set up)."""
        return ", ".join(part for part in (self.court, self.hearing_time) if part)


@dataclass(frozen=True)
class OutcomeResult(JsonView):
    account_ref: str
    hearing_date: date
    outcome: str
    recorded: bool  # False: the same outcome was already recorded, nothing was done
    message: str
    years: list[int]
    amount_pence: int  # granted: the liability order amount (all years); else what is owed
    costs_posted_pence: int  # liability order costs posted, or (negative) summons costs withdrawn
    adjourned_to: date | None = None
    event_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class BulkError(JsonView):
    account_ref: str
    message: str


@dataclass(frozen=True)
class BulkOutcome(JsonView):
    hearing_date: date
    outcome: str
    recorded: int
    skipped: int  # already recorded
    errors: list[BulkError]
    results: list[OutcomeResult]


def upcoming_hearings(settings: AuthoritySettings, as_of: date) -> list[date]:
    """Hearing dates from the settings' `[recovery] hearing_dates`, on or after `as_of`, in order."""
    return [day for day in settings.recovery.hearing_dates if day >= as_of]


# --- who is listed -------------------------------------------------------------------------

def _latest_court_events(
    uow: UnitOfWork, account_ids: Iterable[uuid.UUID] | None = None, hearing_date: date | None = None,
) -> dict[tuple[uuid.UUID, int], RecoveryEvent]:
    """The latest court event per (account, year), for accounts with one on `hearing_date` (or the given accounts)."""
    query = select(RecoveryEvent).where(RecoveryEvent.stage.in_(COURT_STAGES))
    if hearing_date is not None:
        listed = select(RecoveryEvent.account_id).where(
            RecoveryEvent.hearing_date == hearing_date, RecoveryEvent.stage.in_(LISTING_STAGES)
        )
        query = query.where(RecoveryEvent.account_id.in_(listed))
    if account_ids is not None:
        query = query.where(RecoveryEvent.account_id.in_(list(account_ids)))
    latest: dict[tuple[uuid.UUID, int], RecoveryEvent] = {}
    for event in uow.session.scalars(query.order_by(RecoveryEvent.event_date, RecoveryEvent.created_at, RecoveryEvent.id)):
        latest[(event.account_id, event.financial_year)] = event
    return latest


def court_standing(uow: UnitOfWork, account_id: uuid.UUID) -> dict[str, dict[str, str | None]]:
    """Where each year of the account stands at court, by its latest court event: what the
    offline court journal records as read, and sync compares with the office's (by content,
    not id: an outcome applied from court gets a new id in the office)."""
    return {
        str(year): {"stage": str(event.stage), "hearing_date": event.hearing_date.isoformat() if event.hearing_date else None,
                    "event_date": event.event_date.isoformat()}
        for (_, year), event in sorted(_latest_court_events(uow, account_ids=[account_id]).items(), key=lambda i: i[0][1])
    }


def _listed(events: dict[tuple[uuid.UUID, int], RecoveryEvent], hearing_date: date) -> dict[tuple[uuid.UUID, int], RecoveryEvent]:
    return {k: e for k, e in events.items() if e.stage in LISTING_STAGES and e.hearing_date == hearing_date}


def _summons_for(uow: UnitOfWork, account_id: uuid.UUID, year: int, before: RecoveryEvent) -> RecoveryEvent:
    """The summons behind a listing (the listing itself, or the summons before an adjournment)."""
    if before.stage == RecoveryStage.SUMMONS:
        return before
    summons = uow.session.scalars(
        select(RecoveryEvent).where(
            RecoveryEvent.account_id == account_id, RecoveryEvent.financial_year == year,
            RecoveryEvent.stage == RecoveryStage.SUMMONS,
        ).order_by(RecoveryEvent.event_date.desc(), RecoveryEvent.created_at.desc()).limit(1)
    ).first()
    return summons or before


def listed_account_ids(uow: UnitOfWork, hearing_date: date) -> list[uuid.UUID]:
    """The accounts on the list for `hearing_date` (who `hearing_list` shows, without its figures)."""
    return sorted({a for a, _ in _listed(_latest_court_events(uow, hearing_date=hearing_date), hearing_date)}, key=str)


def hearing_list(
    uow: UnitOfWork, hearing_date: date, as_of: date, safeguards: Sequence[str] = SAFEGUARD_KINDS,
    venue: CourtVenue | None = None,
) -> HearingList:
    """Every account and year listed for `hearing_date`, with what is owed now, by account
    reference; with the holds and the open casework (`safeguards`, the settings' `[recovery]
    safeguards`) that would stop a liability order being sought, and the venue
    (`settings.court.venue_for(hearing_date)`) it is heard at."""
    listed = _listed(_latest_court_events(uow, hearing_date=hearing_date), hearing_date)
    account_ids = sorted({a for a, _ in listed}, key=str)
    people = debtors(uow, account_ids, as_of)
    holds = holds_in_force(uow, account_ids, as_of)
    raw = {(a.bytes if uow.dialect == "sqlite" else a): a for a in account_ids}
    guarded = {raw[k]: [s.describe() for s in v] for k, v in safeguards_holding(uow, list(raw), safeguards).items()}
    ledger: dict[tuple[uuid.UUID, int], list[LedgerTransaction]] = defaultdict(list)
    for batch in in_batches(account_ids):
        for txn in uow.session.scalars(
            select(LedgerTransaction).where(
                LedgerTransaction.account_id.in_(batch), LedgerTransaction.posted_on <= as_of,
            )
        ):
            ledger[(txn.account_id, txn.financial_year)].append(txn)
    entries: list[HearingEntry] = []
    for (account_id, year), event in listed.items():
        summons = _summons_for(uow, account_id, year, event)
        rows = ledger[(account_id, year)]
        person = people[account_id]
        entries.append(HearingEntry(
            account_id=account_id, account_ref=person.account_ref, name=person.name, joint_names=person.joint_names,
            address=person.address, postcode=person.postcode, year=year, summons_date=summons.event_date,
            summons_amount_pence=summons.amount_pence,
            costs_pence=sum(t.amount_pence for t in rows if t.kind == LedgerKind.COSTS),
            paid_since_summons_pence=-sum(
                t.amount_pence for t in rows if t.kind in CASH_KINDS and t.posted_on >= summons.event_date
            ),
            balance_pence=sum(t.amount_pence for t in rows),
            adjourned_from=_date(event.details.get("adjourned_from")) if event.stage == RecoveryStage.ADJOURNED else None,
            holds=holds.get(account_id, []), held_back=guarded.get(account_id, []),
        ))
    entries.sort(key=lambda e: (e.account_ref, e.year))
    return HearingList(
        hearing_date=hearing_date, as_of=as_of, entries=entries, accounts=len({e.account_ref for e in entries}),
        total_balance_pence=sum(e.balance_pence for e in entries),
        court=venue.name if venue else "", court_address=list(venue.address) if venue else [],
        hearing_time=venue.time_text if venue else "",
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


# --- outcomes ------------------------------------------------------------------------------

@handles(RecordOutcome, role=Role.OFFICER, action="record court outcomes")
def record_outcome(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, hearing_date: date, outcome: str,
    adjourned_to: date | None = None, note: str = "", withdraw_costs: bool = False, as_of: date,
) -> OutcomeResult:
    """Record the court's decision for one account on the list (see the module docstring). Commits."""
    result = _record(uow, actor, settings, account_ref=account_ref, hearing_date=hearing_date, outcome=outcome,
                     adjourned_to=adjourned_to, note=note, withdraw_costs=withdraw_costs, as_of=as_of)
    with saving(uow, f"The outcome for {account_ref.strip()}"):
        uow.commit()
    return result


@handles(RecordOutcomes, role=Role.OFFICER, action="record court outcomes")
def record_outcomes(
    db: Database, actor: Actor, settings: AuthoritySettings, *, hearing_date: date, outcome: str, as_of: date,
    account_refs: Sequence[str] | None = None, adjourned_to: date | None = None, note: str = "",
    progress: Progress | None = None, cancelled: Cancelled | None = None, chunk: int | None = None,
) -> BulkOutcome:
    """One outcome for many accounts on a hearing's list (None = everyone listed), committed
    `chunk` accounts at a time, so the desktop shows progress and can stop between chunks
    (what was recorded is kept; asking again skips it).

    An account that cannot take the outcome (not listed, on hold, nothing owed...) is reported
    in `errors` and the rest are recorded; one already recorded is counted as `skipped`.
    """
    _check_outcome(outcome, hearing_date, adjourned_to)
    if account_refs is None:
        with db.uow() as uow:
            refs = list(dict.fromkeys(e.account_ref for e in hearing_list(uow, hearing_date, as_of).entries))
    else:
        refs = list(dict.fromkeys(r.strip() for r in account_refs if r.strip()))
    size = chunk or OUTCOME_CHUNK
    recorded = skipped = 0
    errors: list[BulkError] = []
    results: list[OutcomeResult] = []
    for start in range(0, len(refs), size):
        if cancelled is not None and cancelled():
            break
        with db.uow() as uow:
            for ref in refs[start : start + size]:
                try:
                    with uow.session.begin_nested():
                        result = _record(uow, actor, settings, account_ref=ref, hearing_date=hearing_date,
                                         outcome=outcome, adjourned_to=adjourned_to, note=note, withdraw_costs=False,
                                         as_of=as_of)
                except (ValidationError, Conflict, NotFound) as exc:
                    errors.append(BulkError(ref, str(exc)))
                    continue
                results.append(result)
                if result.recorded:
                    recorded += 1
                else:
                    skipped += 1
            with saving(uow, f"The outcomes for the hearing on {hearing_date:%d/%m/%Y}"):
                uow.commit()
        if progress is not None:
            progress(min(start + size, len(refs)), len(refs))
    return BulkOutcome(hearing_date=hearing_date, outcome=outcome, recorded=recorded, skipped=skipped, errors=errors,
                       results=results)


def _check_outcome(outcome: str, hearing_date: date, adjourned_to: date | None) -> None:
    if outcome not in OUTCOMES:
        raise ValidationError(f"'{outcome}' is not a court outcome (use {', '.join(OUTCOMES)}).", field="outcome")
    if outcome == RecoveryStage.ADJOURNED:
        if adjourned_to is None:
            raise ValidationError("An adjournment needs the new hearing date.", field="adjourned_to")
        if adjourned_to <= hearing_date:
            raise ValidationError(
                f"The new hearing date {adjourned_to:%d/%m/%Y} must be after {hearing_date:%d/%m/%Y}.", field="adjourned_to"
            )
    elif adjourned_to is not None:
        raise ValidationError("A new hearing date is only given when the hearing is adjourned.", field="adjourned_to")


def _already(event: RecoveryEvent, hearing_date: date, outcome: str, adjourned_to: date | None) -> str | None:
    """The outcome already recorded for `hearing_date` on this listing's latest event, if any."""
    if event.stage == RecoveryStage.ADJOURNED and _date(event.details.get("adjourned_from")) == hearing_date:
        return "adjourned"
    if event.stage in DECIDED_STAGES and event.hearing_date == hearing_date:
        return next(k for k, v in OUTCOMES.items() if v == event.stage)
    return None


def _record(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, *, account_ref: str, hearing_date: date, outcome: str,
    adjourned_to: date | None, note: str, withdraw_costs: bool, as_of: date,
) -> OutcomeResult:
    _check_outcome(outcome, hearing_date, adjourned_to)
    if len(note) > 500:
        raise ValidationError("The note is longer than 500 characters.", field="note")
    ref = account_ref.strip()
    account_id = uow.session.scalar(select(Account.id).where(Account.account_ref == ref))
    if account_id is None:
        raise ValidationError(f"There is no account {ref}, so it is not on the list for {hearing_date:%d/%m/%Y}.",
                              field="account_ref")
    events = _latest_court_events(uow, account_ids=[account_id])
    listed = _listed(events, hearing_date)
    if not listed:
        found = {y: _already(e, hearing_date, outcome, adjourned_to) for (_, y), e in events.items()}
        done = {y: o for y, o in found.items() if o}
        if done and set(done.values()) == {outcome}:
            years = sorted(done)
            return OutcomeResult(
                account_ref=ref, hearing_date=hearing_date, outcome=outcome, recorded=False,
                message=f"The outcome '{outcome}' was already recorded for {ref} at the hearing on "
                        f"{hearing_date:%d/%m/%Y}; nothing was changed.",
                years=years, amount_pence=0, costs_posted_pence=0,
                adjourned_to=events[(account_id, years[0])].hearing_date if outcome == RecoveryStage.ADJOURNED else None,
            )
        if done:
            raise Conflict(
                f"Account {ref} already has the outcome '{sorted(set(done.values()))[0]}' for the hearing on "
                f"{hearing_date:%d/%m/%Y}; it cannot also be '{outcome}'."
            )
        raise ValidationError(f"Account {ref} is not on the list for the hearing on {hearing_date:%d/%m/%Y}.",
                              field="account_ref")
    years = sorted(y for _, y in listed)
    balances = {y: year_balance_pence(uow, account_id, y, as_of) for y in years}
    if outcome == "granted":
        holds = holds_in_force(uow, [account_id], max(as_of, hearing_date)).get(account_id, [])
        if holds:
            raise Conflict(
                f"Account {ref} is on hold ({holds[0].describe()}), so no liability order may be sought: "
                "record 'adjourned' or 'withdrawn'."
            )
        refuse_if_held_back(uow, settings, account_id, ref, "liability_order")  # open trace, review, escalation
        unpaid = [y for y in years if balances[y] <= 0]
        if unpaid:
            raise ValidationError(
                f"Account {ref} owes nothing for {year_label(unpaid[0])}: record 'paid' or 'withdrawn', not 'granted'.",
                field="outcome",
            )
    if outcome == "paid":
        owed = [y for y in years if balances[y] > 0]
        if owed:
            raise ValidationError(
                f"Account {ref} still owes {fmt(balances[owed[0]])} for {year_label(owed[0])}: "
                "record 'withdrawn' or 'adjourned', not 'paid'.", field="outcome",
            )
    stage = OUTCOMES[outcome]
    costs_posted = 0
    amount_total = 0
    event_ids: list[uuid.UUID] = []
    lo_costs = settings.costs.liability_order_pence
    for year in years:
        details: dict[str, Any] = {"outcome": outcome, "note": note}
        amount = balances[year]
        event_hearing = hearing_date
        if outcome == "granted":
            if lo_costs > 0:
                _post_costs(uow, actor, account_id, year, lo_costs, hearing_date, f"LO-{year}", "Liability order costs")
                costs_posted += lo_costs
                amount += lo_costs
            details["costs_pence"] = lo_costs
        elif outcome == RecoveryStage.WITHDRAWN and withdraw_costs:
            summons_costs = _costs_by_reference(uow, account_id, year, f"SUMMONS-{year}")
            if summons_costs > 0:
                _post_costs(uow, actor, account_id, year, -summons_costs, as_of, f"SUMMONS-{year}-WD",
                            "Summons costs withdrawn")
                costs_posted -= summons_costs
                amount -= summons_costs
            details["costs_withdrawn_pence"] = summons_costs
        elif outcome == RecoveryStage.ADJOURNED:
            assert adjourned_to is not None
            details["adjourned_from"] = hearing_date.isoformat()
            event_hearing = adjourned_to
        event = RecoveryEvent(
            account_id=account_id, financial_year=year, stage=stage, event_date=hearing_date,
            amount_pence=amount, hearing_date=event_hearing, details=details, created_by=actor.username,
        )
        uow.session.add(event)
        uow.session.flush()
        event_ids.append(event.id)
        amount_total += amount
        audit(uow, actor.username, f"court.{outcome}", "recovery_event", event.id, account_id=account_id, after={
            "account_ref": ref, "year": year, "hearing_date": hearing_date.isoformat(), "stage": stage,
            "amount_pence": amount, "adjourned_to": adjourned_to.isoformat() if adjourned_to else None,
            "costs_pence": details.get("costs_pence", 0) or -details.get("costs_withdrawn_pence", 0),
            "note": note, "as_of": as_of.isoformat(),
        })
    message = {
        "granted": f"Liability order granted for {ref} ({', '.join(map(year_label, years))}): {fmt(amount_total)} "
                   f"including {fmt(costs_posted)} liability order costs.",
        "withdrawn": f"Summons withdrawn for {ref}" + (f"; {fmt(-costs_posted)} costs withdrawn." if costs_posted else "."),
        "adjourned": f"Hearing for {ref} adjourned to {adjourned_to:%d/%m/%Y}." if adjourned_to else "",
        "paid": f"{ref} paid before the hearing; the application is not pursued.",
    }[outcome]
    return OutcomeResult(
        account_ref=ref, hearing_date=hearing_date, outcome=outcome, recorded=True, message=message, years=years,
        amount_pence=amount_total, costs_posted_pence=costs_posted, adjourned_to=adjourned_to, event_ids=event_ids,
    )


def _costs_by_reference(uow: UnitOfWork, account_id: uuid.UUID, year: int, reference: str) -> int:
    rows = uow.session.scalars(
        select(LedgerTransaction.amount_pence).where(
            LedgerTransaction.account_id == account_id, LedgerTransaction.financial_year == year,
            LedgerTransaction.kind == LedgerKind.COSTS, LedgerTransaction.reference.in_((reference, f"{reference}-WD")),
        )
    ).all()
    return int(sum(rows))


def _post_costs(
    uow: UnitOfWork, actor: Actor, account_id: uuid.UUID, year: int, pence: int, posted_on: date, reference: str,
    description: str,
) -> None:
    post(uow, [LedgerEntry(
        account_id=account_id, financial_year=year, kind=LedgerKind.COSTS, amount_pence=pence, posted_on=posted_on,
        reference=reference, description=description,
    )], created_by=actor.username)

