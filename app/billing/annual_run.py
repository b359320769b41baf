"""Annual billing: the year's charge, instalment plan and demand notice for every liable
account, as one batch run.

The same decision as rebilling, for every account liable in the year, in committed chunks
with a run record: a year with nothing charged gets its charge, plan and notice; a year
already billed gets nothing, so a rerun, or a run resumed after a crash or a cancel, never
charges or notifies twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from app.billing.applying import apply, template_versions
from app.billing.decisions import BillingDecision, InstalmentsNotLoaded, Memo, decide, precept_table, year_policy
from app.billing.facts import load_facts, load_facts_range
from app.billing.requests import RunAnnualBilling
from app.billing.settings_snapshots import capture_year_settings
from app.clock import now
from app.config import AuthoritySettings
from app.db import Database, UnitOfWork, batch_reading
from app.enums import BatchRunKind, BatchRunStatus
from app.letters.council import council_fields
from app.models import BatchRun, LiabilityPeriod
from app.requests import Cancelled, Progress, handles
from app.rules.apportionment import year_end, year_start
from app.users.roles import Actor, Role


@dataclass(frozen=True)
class BillingRunSummary:
    run_id: uuid.UUID
    year: int
    as_of: date
    status: str
    accounts_examined: int
    charges: int
    adjustments: int
    notices: int
    charged_pence: int
    resumed: bool
    created_by: str = ""
    started_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": str(self.run_id), "year": self.year, "as_of": self.as_of.isoformat(), "status": self.status,
            "accounts_examined": self.accounts_examined, "charges": self.charges, "adjustments": self.adjustments,
            "notices": self.notices, "charged_pence": self.charged_pence, "resumed": self.resumed,
            "created_by": self.created_by or None, "started_at": self.started_at.isoformat() if self.started_at else None,
        }


def billing_run_key(year: int, as_of: date) -> str:
    return f"billing:{year}:{as_of.isoformat()}"


@handles(RunAnnualBilling, role=Role.TEAM_LEADER, action="run annual billing")
def run_annual_billing(
    db: Database, actor: Actor, settings: AuthoritySettings, *, year: int, as_of: date,
    progress: Progress | None = None, cancelled: Cancelled | None = None, chunk: int | None = None,
) -> BillingRunSummary:
    """Charge, plan and notify every account liable in `year`, in committed chunks of `chunk`
    accounts (default: the settings' `[batch] billing_chunk`).

    Idempotent: a year already billed for an account is left alone, so running again (or
    resuming after a crash or a cancel) adds nothing for accounts done. The run record
    keeps a cursor so a resumed run starts where the last committed chunk ended.
    """
    with db.uow() as uow:
        policy = year_policy(settings, year)
        precepts = precept_table(settings, year)
        capture_year_settings(uow, settings, [year])
        versions = template_versions(uow, settings.letters.folder)
        key = billing_run_key(year, as_of)
        run = uow.session.scalars(select(BatchRun).where(BatchRun.run_key == key)).one_or_none()
        resumed = run is not None
        first, last = year_start(year), year_end(year)
        liable = (
            select(LiabilityPeriod.account_id)
            .where(LiabilityPeriod.start_date <= last,
                   or_(LiabilityPeriod.end_date.is_(None), LiabilityPeriod.end_date >= first))
            .distinct()
        )
        total = uow.session.scalar(select(func.count()).select_from(liable.subquery())) or 0
        if run is None:
            run = BatchRun(kind=BatchRunKind.BILLING, run_key=key, as_of=as_of, parameters={"year": year}, total=total,
                           created_by=actor.username, summary={"charges": 0, "adjustments": 0, "notices": 0,
                                                               "charged_pence": 0, "cursor": None})
            uow.session.add(run)
        elif run.status == BatchRunStatus.COMPLETED:
            uow.commit()
            return _summary(run, year, as_of, resumed=True)
        run.status, run.total = BatchRunStatus.RUNNING, total
        uow.commit()
        run_id = run.id
        summary = dict(run.summary)
        done = run.done
    instalments = settings.instalment_policy()
    chunk = chunk or settings.batch.billing_chunk
    memo = Memo()
    letterhead = council_fields(settings)
    cursor = uuid.UUID(summary["cursor"]) if summary.get("cursor") else None
    status = BatchRunStatus.COMPLETED
    while True:
        if cancelled is not None and cancelled():
            status = BatchRunStatus.CANCELLED
            break
        with db.uow() as uow:
            query = liable.order_by(LiabilityPeriod.account_id).limit(chunk)
            if cursor is not None:
                query = query.where(LiabilityPeriod.account_id > cursor)
            ids = list(uow.session.scalars(query))
            if not ids:
                break
            wanted = set(ids)
            with batch_reading(uow):
                facts = [f for f in load_facts_range(uow, ids[0], ids[-1], [year]) if f.account_id in wanted]
            decisions: list[BillingDecision] = []
            reload: list[uuid.UUID] = []
            for f in facts:
                try:
                    decisions.append(decide(f, year, policy, instalments, as_of, letterhead, memo=memo, precepts=precepts))
                except InstalmentsNotLoaded:
                    reload.append(f.account_id)
            decisions += [decide(f, year, policy, instalments, as_of, letterhead, memo=memo, precepts=precepts)
                          for f in load_facts(uow, reload, [year])]
            applied = apply(uow, actor, decisions, as_of, versions, batch_run_id=run_id)
            cursor = ids[-1]
            done += len(ids)
            summary["charges"] += applied.charges
            summary["adjustments"] += applied.adjustments
            summary["notices"] += applied.notices
            summary["charged_pence"] += sum(d.charge_delta_pence for d in decisions if d.changed)
            summary["cursor"] = str(cursor)
            uow.session.execute(
                update(BatchRun).where(BatchRun.id == run_id).values(done=done, summary=dict(summary))
                .execution_options(synchronize_session=False)
            )
            uow.commit()
        if progress is not None:
            progress(done, total)
    with db.uow() as uow:
        run = uow.session.get_one(BatchRun, run_id)
        run.status = status
        if status == BatchRunStatus.COMPLETED:
            run.finished_at = now()
        uow.commit()
        return _summary(run, year, as_of, resumed=resumed)


def _summary(run: BatchRun, year: int, as_of: date, resumed: bool) -> BillingRunSummary:
    s = run.summary
    return BillingRunSummary(
        run_id=run.id, year=year, as_of=as_of, status=run.status, accounts_examined=run.done,
        charges=int(s.get("charges", 0)), adjustments=int(s.get("adjustments", 0)), notices=int(s.get("notices", 0)),
        charged_pence=int(s.get("charged_pence", 0)), resumed=resumed, created_by=run.created_by,
        started_at=run.started_at,
    )


def billing_runs(uow: UnitOfWork, limit: int = 20) -> list[BillingRunSummary]:
    runs = uow.session.scalars(
        select(BatchRun).where(BatchRun.kind == BatchRunKind.BILLING).order_by(BatchRun.started_at.desc()).limit(limit)
    ).all()
    return [_summary(r, int(r.parameters.get("year", 0)), r.as_of or date.min, resumed=False) for r in runs]
