"""The daily arrangement monitoring run: is each live arrangement kept, broken or completed?

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
Every status change is audited. Holds are lifted as `agreements.lift_end` says.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, update

from app.adapters.bulk import AUDIT_COLUMNS, BulkWriter, NativeValues
from app.adapters.sql_keys import raw_key
from app.clock import now
from app.config import AuthoritySettings
from app.db import Database, UnitOfWork, batch_reading, in_batches
from app.dto import JsonView
from app.enums import ArrangementStatus, BatchRunKind, BatchRunStatus, HoldKind
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
)
from app.recovery.arrangements.agreements import lift_end
from app.recovery.arrangements.requests import MonitorArrangements
from app.requests import Cancelled, Progress, handles
from app.rules.arrangements import ArrangementPolicy, check_payments
from app.rules.instalments import DueInstalment
from app.users.roles import Actor, Role

DEFAULT_DIARY = ("Check arrangement", 14, "Recovery")  # used when the code is in neither the database nor settings


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


def _fetch(uow: UnitOfWork, statement: Any) -> Sequence[Row]:
    return uow.session.connection().execute(statement).fetchall()


@handles(MonitorArrangements, role=Role.TEAM_LEADER, action="run arrangement monitoring")
def monitor_arrangements(
    db: Database, actor: Actor, settings: AuthoritySettings, *, as_of: date, progress: Progress | None = None,
    cancelled: Cancelled | None = None, chunk: int | None = None,
) -> MonitoringSummary:
    """The daily monitoring run for `as_of` (see the module docstring), `chunk` arrangements
    (default: the settings' `[batch] arrangement_chunk`) per committed chunk. Team leader."""
    chunk = chunk or settings.batch.arrangement_chunk
    policy = settings.arrangements
    todo = (Arrangement.status == ArrangementStatus.LIVE) & or_(Arrangement.checked_to.is_(None), Arrangement.checked_to < as_of)
    with db.uow() as uow:
        total = int(uow.session.scalar(select(func.count()).select_from(Arrangement).where(todo)) or 0)
        unfinished = uow.session.scalars(
            select(BatchRun).where(BatchRun.kind == BatchRunKind.ARRANGEMENT_MONITOR, BatchRun.as_of == as_of,
                                   BatchRun.status.in_((BatchRunStatus.RUNNING, BatchRunStatus.CANCELLED)))
            .order_by(BatchRun.started_at.desc()).limit(1)
        ).one_or_none()
        resumed = unfinished is not None
        if unfinished is not None:
            run, tally = unfinished, _Tally.from_dict(unfinished.summary)
            total += tally.checked
        else:
            count = uow.session.scalar(select(func.count()).select_from(BatchRun).where(
                BatchRun.kind == BatchRunKind.ARRANGEMENT_MONITOR, BatchRun.as_of == as_of)) or 0
            tally = _Tally()
            run = BatchRun(kind=BatchRunKind.ARRANGEMENT_MONITOR, run_key=f"arrangement_monitor:{as_of.isoformat()}:{count + 1}",
                           as_of=as_of, parameters={}, total=total, created_by=actor.username, summary=tally.to_dict())
            uow.session.add(run)
        run.status, run.total = BatchRunStatus.RUNNING, total
        team, _days = _diary_code(uow, settings, policy.diary_code)
        uow.commit()
        run_id = run.id
    status = BatchRunStatus.COMPLETED
    # Every chunk takes the next live arrangements not yet checked to `as_of`, in key order
    # from the cursor; what a chunk checks it marks, so a rerun or resume finds only the rest.
    cursor: Any = None
    while True:
        if cancelled is not None and cancelled():
            status = BatchRunStatus.CANCELLED
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
        if status == BatchRunStatus.COMPLETED:
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
            .where(raw_key(Hold.account_id).in_(batch), Hold.kind == HoldKind.ARRANGEMENT)
            .where(or_(Hold.end_date.is_(None), Hold.end_date >= as_of))
        )):
            end = lift_end(start, as_of)
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
