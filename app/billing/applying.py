"""Writing billing decisions, in bulk: ledger differences, superseded and new instalment
plans, demand notices and audit events.

Old transactions are never edited: a changed charge posts an adjustment for the difference.
A plan someone re-planned since it was loaded is a Conflict (its version is checked), so
the whole unit of work rolls back. Notices are stored as merge data with the exact template
version, to be rendered on demand.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import update

from app.adapters.bulk import AUDIT_COLUMNS, DOCUMENT_COLUMNS, BulkWriter, NativeValues
from app.billing.decisions import BillingDecision
from app.clock import now
from app.db import UnitOfWork
from app.enums import DocumentKind, InstalmentPlanStatus
from app.errors import Conflict
from app.ledger.kinds import LedgerKind
from app.ledger.posting import LedgerRows
from app.models import AuditEvent, Document, Instalment, InstalmentPlan
from app.rules.apportionment import year_label
from app.users.roles import Actor

NOTICE_TEMPLATES = {"demand_notice": "demand_notice", "amended_demand_notice": "amended_demand_notice"}


PLAN_COLUMNS = (
    "id", "account_id", "financial_year", "status", "issued_on", "net_charge_pence", "paid_at_issue_pence",
    "created_at", "version",
)
INSTALMENT_COLUMNS = ("id", "plan_id", "seq", "due_on", "amount_pence")


@dataclass
class Applied:
    """Counts of what `apply` wrote, and the notices it recorded (document id per decision)."""

    charges: int = 0
    adjustments: int = 0
    plans: int = 0
    notices: int = 0
    documents: dict[tuple[uuid.UUID, int], uuid.UUID] = field(default_factory=dict)


def apply(
    uow: UnitOfWork, actor: Actor, decisions: Sequence[BillingDecision], issued_on: date, template_versions: dict[str, str],
    *, batch_run_id: uuid.UUID | None = None, reason: str = "",
) -> Applied:
    """Write decisions in bulk: ledger differences, superseded and new plans, notices, audit.

    A stale plan (someone re-planned the account since it was loaded) raises Conflict via
    the version check, and the whole unit of work rolls back.
    """
    session = uow.session
    v = NativeValues(uow.dialect)
    at = now()
    stamp = v.timestamp(at)
    run = v.id(batch_run_id) if batch_run_id else None
    posted = v.date(issued_on)
    ledger = LedgerRows(v, created_by=actor.username, created_at=at, batch_run_id=batch_run_id)
    plans: list[tuple[Any, ...]] = []
    instalments: list[tuple[Any, ...]] = []
    documents: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    native_dates: dict[date, Any] = {}  # a run's 2 million instalments fall on a few dozen dates
    fragments: dict[int, str] = {}  # shared lists of the notices, encoded once (see notice_data)
    applied = Applied()
    for d in decisions:
        if not d.changed:
            continue
        account = v.id(d.account_id)
        label = year_label(d.year)
        if d.charge_delta_pence:
            first = d.notice == DocumentKind.DEMAND_NOTICE
            kind = LedgerKind.CHARGE if first else LedgerKind.ADJUSTMENT
            text = f"Council tax {label}" if first else f"Rebill {label}" + (f": {reason}" if reason else "")
            ledger.add(account, d.year, kind, d.charge_delta_pence, posted, f"BILL-{d.year}", text)
            applied.charges += first
            applied.adjustments += not first
        if d.reduction_delta_pence:
            ledger.add(account, d.year, LedgerKind.REDUCTION, -d.reduction_delta_pence, posted, f"CTR-{d.year}",
                       f"Council tax reduction {label}")
        if d.superseded_plan is not None:
            result = session.execute(
                update(InstalmentPlan)
                .where(InstalmentPlan.id == d.superseded_plan.plan_id, InstalmentPlan.version == d.superseded_plan.version)
                .values(status=InstalmentPlanStatus.SUPERSEDED, version=d.superseded_plan.version + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(f"Account {d.account_ref}'s instalments were changed by someone else since you opened it.")
        plan_id = v.new_id()
        if d.plan is not None:
            plans.append((plan_id, account, d.year, "active", posted, d.net_pence, d.paid_pence, stamp, 1))
            instalments.extend(
                (v.new_id(), plan_id, seq, native_dates.get(i.due) or native_dates.setdefault(i.due, v.date(i.due)),
                 i.amount_pence)
                for seq, i in enumerate(d.plan, start=1)
            )
            applied.plans += 1
        if d.notice is not None:
            doc_id = v.new_id()
            template = NOTICE_TEMPLATES[d.notice]
            documents.append((
                doc_id, account, d.notice, template, template_versions.get(template, ""),
                f"{d.notice}-{d.account_ref}-{d.year}-{issued_on.isoformat()}.docx",
                v.json_text(_encode_notice(d.notice_data or {}, fragments)), d.year,
                posted, run, actor.username, stamp,
            ))
            applied.documents[(d.account_id, d.year)] = _asto_uuid(doc_id)
            applied.notices += 1
        audits.append((
            v.new_id(), stamp, actor.username, "billing.billed" if d.notice == DocumentKind.DEMAND_NOTICE else "billing.rebilled",
            "account", account, account,
            # The plans themselves are kept (a superseded plan is never deleted): the audit names them.
            v.json({"year": d.year, "charge_pence": d.charged_before_pence, "reduction_pence": d.reduced_before_pence,
                    "plan_id": str(d.superseded_plan.plan_id) if d.superseded_plan else None}),
            v.json({"year": d.year, "charge_pence": d.charge.charge_pence, "reduction_pence": d.charge.reduction_pence,
                    "plan_id": str(_asto_uuid(plan_id)) if d.plan is not None else None, "reason": reason}),
        ))
    writer = BulkWriter(session.connection())
    ledger.write(writer)
    writer.write(InstalmentPlan.__table__, PLAN_COLUMNS, plans)
    writer.write(Instalment.__table__, INSTALMENT_COLUMNS, instalments)
    writer.write(Document.__table__, DOCUMENT_COLUMNS, documents)
    writer.write(AuditEvent.__table__, AUDIT_COLUMNS, audits)
    if any(d.superseded_plan for d in decisions if d.changed):
        session.expire_all()
    return applied


def _encode_notice(data: dict[str, Any], fragments: dict[int, str]) -> str:
    """JSON text of a notice's data, encoding each shared list once (keyed by identity: the
    decisions hold the lists alive for the whole `apply`)."""
    head = {k: v for k, v in data.items() if k not in ("lines", "instalments")}
    parts = [json.dumps(head)[:-1]]
    for key in ("lines", "instalments"):
        value = data.get(key, [])
        text = fragments.get(id(value))
        if text is None:
            text = fragments[id(value)] = json.dumps(value)
        parts.append(f', "{key}": {text}')
    return "".join(parts) + "}"


def _asto_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


def template_versions(uow: UnitOfWork, folder: Path | None = None) -> dict[str, str]:
    """Store the current notice templates (once; the council's `folder` first) and return their versions."""
    from app.letters import templates

    return {name: templates.ensure_template_stored(uow, name, folder) for name in NOTICE_TEMPLATES.values()}
