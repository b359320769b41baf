"""The daily recovery run: reminders, final notices and summonses for every account in arrears.

The run walks every account in key order, in committed chunks. Each chunk is screened
with two grouped queries (what had fallen due by today per account and year; what the
ledger holds); only account-years in arrears go on to the engine
(`app.rules.recovery_policy.next_actions`) with their instalments, recovery history and
holds. The actions are written as recovery events, summons costs in the ledger, letters
(merge data with the template version, rendered by `revdesk letters export --run`) and
audit events.

Idempotent for a date: the engine reads the history, so a step taken today is not due
again today; a second run for the same `as_of` examines everything and adds nothing. A
run that was cancelled or killed resumes after its last committed chunk. `dry_run`
computes the same summary and writes nothing, and lists the accounts behind it (each
action, and each account held back with the reason) for the team leader to check and
export before the live run.

A summons is held back from an account whose safeguarding casework is open (a gone-away
trace, a vulnerability review, an escalation: `app.rules.safeguards`) unless a team leader
has released it; the run counts those apart from the accounts on hold.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from app.adapters.bulk import AUDIT_COLUMNS, DOCUMENT_COLUMNS, BulkWriter, NativeValues
from app.adapters.sql_keys import raw_key
from app.clock import now
from app.config import AuthoritySettings
from app.db import Database, UnitOfWork, batch_reading, in_batches
from app.enums import BatchRunKind, BatchRunStatus
from app.ledger.kinds import LedgerKind
from app.ledger.posting import LedgerRows
from app.letters.addressing import postal_address
from app.letters.council import council_fields, court_fields
from app.models import (
    Account,
    AccountParty,
    AuditEvent,
    BatchRun,
    Document,
    LiabilityPeriod,
    Person,
    Property,
    RecoveryEvent,
)
from app.models.person import full_name
from app.models.property import one_line_address
from app.money import fmt
from app.recovery.requests import RunRecovery
from app.recovery.states import account_states, fetch_rows
from app.requests import Cancelled, Progress, handles
from app.rules.apportionment import year_label
from app.rules.recovery_policy import Action, Decision, next_actions, reminder_pay_by
from app.users.roles import Actor, Role, require_role

ACTION_STAGES = ("reminder_1", "reminder_2", "final_notice", "summons")
ON_HOLD, HELD_BACK = "on_hold", "held_back"  # the preview's rows for accounts that take no step
ACTION_NAMES = {"reminder_1": ("first reminder", "first reminders"), "reminder_2": ("second reminder", "second reminders"),
                "final_notice": ("final notice", "final notices"), "summons": ("summons", "summonses")}


@dataclass(frozen=True)
class RunItem:
    """One row of a preview: an account-year's action (a stage in ACTION_STAGES), or an account
    that takes no step today because it is on hold (`on_hold`) or held back by a safeguard
    (`held_back`), with why."""

    account_ref: str
    name: str
    address: str
    year: int | None
    action: str
    amount_pence: int
    costs_pence: int
    hearing_date: date | None
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"account_ref": self.account_ref, "name": self.name, "address": self.address, "year": self.year,
                "action": self.action, "amount_pence": self.amount_pence, "costs_pence": self.costs_pence,
                "hearing_date": self.hearing_date.isoformat() if self.hearing_date else None, "why": self.why}


@dataclass(frozen=True)
class RecoveryRunSummary:
    run_id: uuid.UUID | None
    as_of: date
    dry_run: bool
    status: str
    accounts_examined: int
    actions: dict[str, int]
    skipped_on_hold: int
    letters: int
    costs_pence: int
    resumed: bool = False
    held_back: int = 0  # accounts whose summons a safeguard held back
    created_by: str = ""
    started_at: datetime | None = None
    items: tuple[RunItem, ...] = ()  # a preview's accounts (a live run's are its recovery events)

    def to_json(self, *, accounts: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "run_id": str(self.run_id) if self.run_id else None, "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run, "status": self.status, "accounts_examined": self.accounts_examined,
            "actions": dict(self.actions), "skipped_on_hold": self.skipped_on_hold, "held_back": self.held_back,
            "letters": self.letters, "costs_pence": self.costs_pence, "resumed": self.resumed,
            "created_by": self.created_by or None, "started_at": self.started_at.isoformat() if self.started_at else None,
        }
        if accounts:
            data["accounts"] = [item.to_json() for item in self.items]
        return data

    def plan(self) -> str:
        """What the run takes, in words: "251 summonses, 30 final notices, £20,080.00 costs"."""
        return plan_sentence(self.actions, self.costs_pence)


def plan_sentence(actions: dict[str, int], costs_pence: int) -> str:
    """"251 summonses, 12 first reminders, £20,080.00 costs" (the gravest step first); "no steps" when none."""
    parts = []
    for stage in reversed(ACTION_STAGES):
        n = actions.get(stage, 0)
        if n:
            one, many = ACTION_NAMES[stage]
            parts.append(f"{n:,} {one if n == 1 else many}")
    if costs_pence:
        parts.append(f"{fmt(costs_pence)} costs")
    return ", ".join(parts) or "no steps"


@dataclass
class _Tally:
    examined: int = 0
    actions: dict[str, int] = field(default_factory=lambda: {stage: 0 for stage in ACTION_STAGES})
    on_hold: int = 0
    held_back: int = 0
    letters: int = 0
    costs: int = 0
    cursor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"examined": self.examined, "actions": self.actions, "on_hold": self.on_hold, "held_back": self.held_back,
                "letters": self.letters, "costs": self.costs, "cursor": self.cursor}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Tally:
        tally = cls()
        tally.examined = int(data.get("examined", 0))
        tally.actions.update({k: int(v) for k, v in data.get("actions", {}).items()})
        tally.on_hold, tally.letters = int(data.get("on_hold", 0)), int(data.get("letters", 0))
        tally.held_back = int(data.get("held_back", 0))
        tally.costs, tally.cursor = int(data.get("costs", 0)), data.get("cursor")
        return tally


def _held_back(decision: Decision) -> bool:
    return decision.on_hold is not None and any("on hold" in a.next_step for a in decision.advice)


@handles(RunRecovery, role=Role.OFFICER, action="preview recovery")
def run_recovery(
    db: Database, actor: Actor, settings: AuthoritySettings, *, as_of: date, dry_run: bool = False,
    progress: Progress | None = None, cancelled: Cancelled | None = None, chunk: int | None = None,
) -> RecoveryRunSummary:
    """One recovery run for `as_of` over every account (see the module docstring), `chunk`
    accounts (default: the settings' `[batch] recovery_chunk`) per committed chunk."""
    require_role(actor, Role.OFFICER if dry_run else Role.TEAM_LEADER, "run recovery" if not dry_run else "preview recovery")
    chunk = chunk or settings.batch.recovery_chunk
    policy = settings.recovery_policy()
    started = now()
    with db.uow() as uow:
        total = int(uow.session.scalar(select(func.count()).select_from(Account)) or 0)
        run_id: uuid.UUID | None = None
        tally = _Tally()
        items: list[RunItem] = []
        resumed = False
        if not dry_run:
            unfinished = uow.session.scalars(
                select(BatchRun).where(BatchRun.kind == BatchRunKind.RECOVERY, BatchRun.as_of == as_of,
                                       BatchRun.status.in_((BatchRunStatus.RUNNING, BatchRunStatus.CANCELLED)))
                .order_by(BatchRun.started_at.desc()).limit(1)
            ).one_or_none()
            if unfinished is not None:
                run, resumed = unfinished, True
                tally = _Tally.from_dict(run.summary)
            else:
                count = uow.session.scalar(select(func.count()).select_from(BatchRun)
                                           .where(BatchRun.kind == BatchRunKind.RECOVERY, BatchRun.as_of == as_of)) or 0
                run = BatchRun(kind=BatchRunKind.RECOVERY, run_key=f"recovery:{as_of.isoformat()}:{count + 1}", as_of=as_of,
                               parameters={"dry_run": False}, total=total, created_by=actor.username,
                               summary=tally.to_dict())
                uow.session.add(run)
            run.status, run.total = BatchRunStatus.RUNNING, total
            uow.commit()
            run_id = run.id
    templates = {stage: settings.recovery_letter_template(stage) for stage in ACTION_STAGES}
    versions: dict[str, str] = {}
    if not dry_run:
        from app.letters.templates import ensure_template_stored

        with db.uow() as uow:
            versions = {name: ensure_template_stored(uow, name, settings.letters.folder) for name in set(templates.values())}
            uow.commit()
    cursor: Any = (
        None if tally.cursor is None else bytes.fromhex(tally.cursor) if db.dialect == "sqlite" else uuid.UUID(tally.cursor)
    )
    status = BatchRunStatus.COMPLETED
    while True:
        if cancelled is not None and cancelled():
            status = BatchRunStatus.CANCELLED
            break
        with db.uow() as uow:
            query = select(raw_key(Account.id)).order_by(Account.id).limit(chunk)
            if cursor is not None:
                query = query.where(raw_key(Account.id) > cursor)
            ids = list(uow.session.scalars(query))
            if not ids:
                break
            lo, hi = ids[0], ids[-1]
            with batch_reading(uow):
                states = account_states(uow, _range(lo, hi), as_of, policy, prune=True)
            tally.examined += len(ids)
            decisions = {account: next_actions(state, policy, as_of) for account, state in states.items()}
            for decision in decisions.values():
                for action in decision.actions:
                    tally.actions[action.stage] = tally.actions.get(action.stage, 0) + 1
                    tally.costs += action.costs_pence
                tally.letters += len(_letters(decision.actions, templates))
                tally.on_hold += _held_back(decision)
                tally.held_back += bool(decision.safeguarded)
            if dry_run:
                items.extend(_preview_items(uow, decisions))
            cursor = hi
            tally.cursor = cursor.hex() if isinstance(cursor, bytes) else str(cursor)
            if not dry_run:
                _write(uow, actor, settings, as_of, decisions, templates, versions, run_id)
                uow.session.execute(
                    update(BatchRun).where(BatchRun.id == run_id)
                    .values(done=tally.examined, summary=tally.to_dict())
                    .execution_options(synchronize_session=False)
                )
                uow.commit()
        if progress is not None:
            progress(tally.examined, total)
    if not dry_run:
        with db.uow() as uow:
            run = uow.session.get_one(BatchRun, run_id)
            run.status = status
            if status == BatchRunStatus.COMPLETED:
                run.finished_at = now()
            uow.commit()
    return RecoveryRunSummary(
        run_id=run_id, as_of=as_of, dry_run=dry_run, status=status, accounts_examined=tally.examined,
        actions=dict(tally.actions), skipped_on_hold=tally.on_hold, letters=tally.letters, costs_pence=tally.costs,
        resumed=resumed, held_back=tally.held_back, created_by=actor.username, started_at=started,
        items=tuple(sorted(items, key=lambda r: (r.account_ref, r.year or 0))),
    )


def _preview_items(uow: UnitOfWork, decisions: dict[Any, Decision]) -> list[RunItem]:
    """The preview's rows for one chunk: each action, and each account that takes no step
    because of a hold or a safeguard, with the reason."""
    shown = {a: d for a, d in decisions.items() if d.actions or _held_back(d) or d.safeguarded}
    if not shown:
        return []
    people = _letter_facts(uow, list(shown))
    rows: list[RunItem] = []
    for account, decision in shown.items():
        ref, names, address, postcode, _posted_to = people.get(account, ("", [], "", "", ([], "")))
        name = " and ".join(names[:2]) + (" and others" if len(names) > 2 else "")
        where = f"{address}, {postcode}" if postcode else address
        for action in decision.actions:
            rows.append(RunItem(ref, name, where, action.year, action.stage, action.amount_pence, action.costs_pence,
                                action.hearing_date, action.why))
        for advice in decision.advice:
            if "on hold" in advice.next_step and decision.on_hold is not None:
                rows.append(RunItem(ref, name, where, advice.year, ON_HOLD, advice.due_pence, 0, None, advice.next_step))
            elif "held back" in advice.next_step:
                rows.append(RunItem(ref, name, where, advice.year, HELD_BACK, advice.due_pence, 0, None, advice.next_step))
    return sorted(rows, key=lambda r: (r.account_ref, r.year or 0))


def recovery_runs(uow: UnitOfWork, limit: int = 20) -> list[RecoveryRunSummary]:
    """The latest recovery runs, newest first (dry runs write nothing, so are not among them)."""
    runs = uow.session.scalars(
        select(BatchRun).where(BatchRun.kind == BatchRunKind.RECOVERY).order_by(BatchRun.started_at.desc()).limit(limit)
    ).all()
    result = []
    for run in runs:
        tally = _Tally.from_dict(run.summary)
        result.append(RecoveryRunSummary(
            run_id=run.id, as_of=run.as_of or date.min, dry_run=False, status=run.status,
            accounts_examined=tally.examined, actions=dict(tally.actions), skipped_on_hold=tally.on_hold,
            letters=tally.letters, costs_pence=tally.costs, held_back=tally.held_back, created_by=run.created_by,
            started_at=run.started_at,
        ))
    return result


def _range(lo: Any, hi: Any) -> Callable[[Any], Any]:
    return lambda column: raw_key(column).between(lo, hi)


EVENT_COLUMNS = ("id", "account_id", "financial_year", "stage", "event_date", "amount_pence", "hearing_date", "details",
                 "batch_run_id", "created_by", "created_at")


def _write(
    uow: UnitOfWork, actor: Actor, settings: AuthoritySettings, as_of: date, decisions: dict[Any, Decision],
    templates: dict[str, str], versions: dict[str, str], run_id: uuid.UUID | None,
) -> None:
    acting = {account: d for account, d in decisions.items() if d.actions}
    if not acting:
        return
    people = _letter_facts(uow, list(acting))
    pay_by = reminder_pay_by(as_of, settings.recovery_policy())  # once, not per letter (reg 23(1): issue day + 6)
    letterhead = council_fields(settings)
    v = NativeValues(uow.dialect)
    at = now()
    stamp = v.timestamp(at)
    run = v.id(run_id) if run_id else None
    today = v.date(as_of)
    events: list[tuple[Any, ...]] = []
    ledger = LedgerRows(v, created_by=actor.username, created_at=at, batch_run_id=run_id)
    documents: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    for account, decision in acting.items():
        ref, names, address, postcode, posted_to = people.get(account, ("", [], "", "", ([], "")))
        native = account  # raw keys are what the driver stores (bytes on SQLite, UUID on PostgreSQL)
        for template, actions in _letters(decision.actions, templates).items():
            # one letter per person and template, covering every year in arrears at that step
            kind = max((a.stage for a in actions), key=ACTION_STAGES.index)
            data = _letter_data(letterhead, as_of, pay_by, kind, actions, ref, names, address, postcode, posted_to)
            data.update(court_fields(settings, next((a.hearing_date for a in actions if a.hearing_date), None)))
            years = sorted({a.year for a in actions})
            documents.append((v.new_id(), native, kind, template, versions.get(template, ""),
                              f"{kind}-{ref}-{'-'.join(map(str, years))}-{as_of.isoformat()}.docx",
                              v.json_text(json.dumps(data)), years[0] if len(years) == 1 else None, today, run,
                              actor.username, stamp))
        for action in decision.actions:  # recovery events, costs and audit stay per year
            event_id = v.new_id()
            events.append((event_id, native, action.year, action.stage, today, action.amount_pence,
                           v.date(action.hearing_date), v.json({"why": action.why}), run, actor.username, stamp))
            if action.costs_pence:
                ledger.add(native, action.year, LedgerKind.COSTS, action.costs_pence, today, f"SUMMONS-{action.year}",
                           "Summons costs")
            audits.append((v.new_id(), stamp, actor.username, f"recovery.{action.stage}", "recovery_event", event_id,
                           native, None, v.json({"year": action.year, "stage": action.stage,
                                                 "amount_pence": action.amount_pence, "costs_pence": action.costs_pence,
                                                 "hearing_date": action.hearing_date.isoformat() if action.hearing_date else None,
                                                 "why": action.why})))
    writer = BulkWriter(uow.session.connection())
    writer.write(RecoveryEvent.__table__, EVENT_COLUMNS, events)
    ledger.write(writer)
    writer.write(Document.__table__, DOCUMENT_COLUMNS, documents)
    writer.write(AuditEvent.__table__, AUDIT_COLUMNS, audits)


def _letters(actions: Sequence[Action], templates: Mapping[str, str]) -> dict[str, list[Action]]:
    """The run's actions for one account, by letter template, oldest year first: a person with
    three years in arrears gets one reminder listing the three, not three letters the same day."""
    letters: dict[str, list[Action]] = defaultdict(list)
    for action in sorted(actions, key=lambda a: a.year):
        letters[templates[action.stage]].append(action)
    return letters


def _and_list(items: list[str]) -> str:
    """["2024/25", "2025/26", "2026/27"] -> "2024/25, 2025/26 and 2026/27"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _letter_data(letterhead: Mapping[str, Any], as_of: date, pay_by: date, kind: str, actions: Sequence[Action], ref: str,
                 names: list[str], address: str, postcode: str, posted_to: tuple[list[str], str]) -> dict[str, Any]:
    """One letter's merge data: the totals, and `years` (a row per year: what is due, costs,
    stage) for the template's table. `year`/`year_label` name the year, or list them all."""
    hearing = next((a.hearing_date for a in actions if a.hearing_date), None)
    return {
        **letterhead, "issued_on": as_of.isoformat(), "account_ref": ref, "names": names,
        "address_lines": posted_to[0], "postcode": posted_to[1],
        "property_address": f"{address}, {postcode}" if postcode else address,
        "year": actions[0].year, "year_label": _and_list([year_label(a.year) for a in actions]), "stage": kind,
        "years": [{"year": a.year, "year_label": year_label(a.year), "stage": a.stage, "amount_pence": a.amount_pence,
                   "costs_pence": a.costs_pence, "tax_pence": a.amount_pence - a.costs_pence} for a in actions],
        "amount_pence": sum(a.amount_pence for a in actions), "costs_pence": sum(a.costs_pence for a in actions),
        "pay_by": pay_by.isoformat(),
        "hearing_date": hearing.isoformat() if hearing else None, "why": "; ".join(a.why for a in actions),
    }


def _letter_facts(
    uow: UnitOfWork, raw_ids: Sequence[Any],
) -> dict[Any, tuple[str, list[str], str, str, tuple[list[str], str]]]:
    """Reference, names, latest property address and postcode of each account, and where its
    letters are posted (`app.letters.addressing`: the forwarding address once moved out)."""
    s = uow.session.connection()  # Core rows: no ORM result machinery for hundreds of thousands of rows
    refs: dict[Any, str] = {}
    names: dict[Any, list[str]] = defaultdict(list)
    places: dict[Any, tuple[str, str, bool]] = {}
    forwarded: dict[Any, str] = {}
    for ids in in_batches(raw_ids):
        for account, ref, forwarding in s.execute(
            select(raw_key(Account.id), Account.account_ref, Account.forwarding_address).where(raw_key(Account.id).in_(ids))
        ):
            refs[account], forwarded[account] = ref, forwarding or ""
        for account, title, forenames, surname in fetch_rows(s,
            select(raw_key(AccountParty.account_id), Person.title, Person.forenames, Person.surname)
            .join(Person, Person.id == AccountParty.person_id)
            .where(raw_key(AccountParty.account_id).in_(ids)).order_by(AccountParty.account_id, AccountParty.ordinal)
        ):
            names[account].append(full_name(title, forenames, surname))
        for account, line1, line2, town, postcode, ended in fetch_rows(s,
            select(raw_key(LiabilityPeriod.account_id), Property.address_line1, Property.address_line2, Property.town,
                   Property.postcode, LiabilityPeriod.end_date.is_not(None))
            .join(Property, Property.id == LiabilityPeriod.property_id)
            .where(raw_key(LiabilityPeriod.account_id).in_(ids)).order_by(LiabilityPeriod.start_date)
        ):
            places[account] = (one_line_address(line1, line2, town), postcode, bool(ended))
    facts = {}
    for a in raw_ids:
        address, postcode, moved_out = places.get(a, ("", "", False))
        facts[a] = (refs.get(a, ""), names[a], address, postcode,
                    postal_address(address, postcode, forwarded.get(a, ""), moved_out))
    return facts
