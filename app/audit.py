"""The audit trail: who did what, when, with the values before and after.

Every change to money or recovery status appends an event in the same unit of work as
the change itself, so the two are committed (or rolled back) together. Audit events are
append-only: the database refuses edits and deletions.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.db import UnitOfWork
from app.models import AuditEvent


def audit(
    uow: UnitOfWork,
    username: str,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    *,
    account_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit event to the current unit of work (committed with the change itself)."""
    uow.session.add(
        AuditEvent(
            username=username, action=action, entity=entity, entity_id=entity_id,
            account_id=account_id, before=before, after=after,
        )
    )
