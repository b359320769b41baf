"""Case work: what `arrangement`, `diary_entry` and `escalation` rows may say."""

from __future__ import annotations

from enum import StrEnum


class ArrangementStatus(StrEnum):
    """`arrangement.status`: live until broken (a missed payment), completed (paid) or cancelled."""

    LIVE = "live"
    BROKEN = "broken"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ArrangementFrequency(StrEnum):
    """`arrangement.frequency`: how often the taxpayer pays (app.rules.arrangements)."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four-weekly"
    MONTHLY = "monthly"


class DiaryStatus(StrEnum):
    """`diary_entry.status`: a worklist is a query over the open entries."""

    OPEN = "open"
    COMPLETED = "completed"


class EscalationStatus(StrEnum):
    """`escalation.status`: open until a team leader approves, rejects or refers it to a
    manager (referred, then approved or rejected)."""

    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    REFERRED = "referred"


class EscalationReason(StrEnum):
    """`escalation.reason`: why an officer referred the case."""

    VULNERABLE = "vulnerable"
    COMPLEX = "complex"
    WRITE_OFF = "write_off"
    REFUND = "refund"
    OTHER = "other"
