"""Recovery statistics: the steps taken per day and stage, with the amounts demanded, for team
leaders' dashboards and `revdesk recovery stats`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.db import UnitOfWork
from app.models import RecoveryEvent


@dataclass(frozen=True)
class StageDay:
    day: date
    stage: str
    count: int
    amount_pence: int


def recovery_stats(uow: UnitOfWork, *, from_date: date, to_date: date) -> list[StageDay]:
    """Recovery steps taken per day and stage, with the amounts demanded (team leader dashboards)."""
    rows = uow.session.execute(
        select(RecoveryEvent.event_date, RecoveryEvent.stage, func.count(), func.sum(RecoveryEvent.amount_pence))
        .where(RecoveryEvent.event_date >= from_date, RecoveryEvent.event_date <= to_date)
        .group_by(RecoveryEvent.event_date, RecoveryEvent.stage)
        .order_by(RecoveryEvent.event_date, RecoveryEvent.stage)
    ).all()
    return [StageDay(d, st, int(c), int(a or 0)) for d, st, c, a in rows]


def stats_json(days: Iterable[StageDay]) -> dict[str, Any]:
    by_stage: dict[str, dict[str, int]] = {}
    per_day: list[dict[str, Any]] = []
    for row in days:
        totals = by_stage.setdefault(row.stage, {"count": 0, "amount_pence": 0})
        totals["count"] += row.count
        totals["amount_pence"] += row.amount_pence
        per_day.append({"date": row.day.isoformat(), "stage": row.stage, "count": row.count,
                        "amount_pence": row.amount_pence})
    return {"by_stage": by_stage, "per_day": per_day}
