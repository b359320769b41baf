"""Recovery: what `recovery_event`, `hold` and `enforcement_case` rows may say."""

from __future__ import annotations

from enum import StrEnum


class RecoveryStage(StrEnum):
    """`recovery_event.stage`: a step taken for one year of an account."""

    # the statutory path (the recovery run's letters, then the court's order)
    REMINDER_1 = "reminder_1"
    REMINDER_2 = "reminder_2"
    FINAL_NOTICE = "final_notice"
    SUMMONS = "summons"
    LIABILITY_ORDER = "liability_order"
    # court outcomes other than an order
    WITHDRAWN = "withdrawn"
    ADJOURNED = "adjourned"
    PAID_BEFORE_HEARING = "paid_before_hearing"
    # a Direct Debit came back: the instalments are unpaid again
    DD_RETURNED = "dd_returned"


class HoldKind(StrEnum):
    """`hold.kind`: why recovery stops."""

    BREATHING_SPACE = "breathing_space"  # Debt Respite Scheme, standard (60 days)
    BREATHING_SPACE_MENTAL_HEALTH = "breathing_space_mental_health"  # until lifted
    BANKRUPTCY = "bankruptcy"
    DRO = "dro"  # debt relief order
    IVA = "iva"  # individual voluntary arrangement
    DECEASED = "deceased"
    DISPUTE = "dispute"
    VULNERABILITY_REVIEW = "vulnerability_review"
    ARRANGEMENT = "arrangement"  # a payment arrangement is in force


class EnforcementKind(StrEnum):
    """`enforcement_case.kind`: the recovery routes a case is opened for after a liability
    order. (Charging orders, bankruptcy and committal are advised on, from candidate
    lists, but no case is opened for them.)"""

    ATTACHMENT_OF_EARNINGS = "attachment_of_earnings"
    BENEFIT_DEDUCTION = "benefit_deduction"
    ENFORCEMENT_AGENT = "enforcement_agent"


class EnforcementStatus(StrEnum):
    """`enforcement_case.status`."""

    OPEN = "open"
    CLOSED = "closed"


class SafeguardKind(StrEnum):
    """`safeguard_release.kind`: open casework that holds an account back from the next
    statutory step (`app.rules.safeguards`)."""

    GONE_AWAY = "gone_away"  # an open trace (diary code TRACE)
    VULNERABILITY = "vulnerability"  # an open vulnerability review (diary code VULN)
    ESCALATION = "escalation"  # an escalation not yet decided
