"""Letters: what a stored letter (`document`) may be."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    """`document.kind`: the letters the application issues (the file name starts with it)."""

    DEMAND_NOTICE = "demand_notice"  # annual billing
    AMENDED_DEMAND_NOTICE = "amended_demand_notice"  # a rebill
    REMINDER_1 = "reminder_1"  # the recovery run's letters, one per stage it takes
    REMINDER_2 = "reminder_2"
    FINAL_NOTICE = "final_notice"
    SUMMONS = "summons"
    ATTACHMENT_OF_EARNINGS_ORDER = "attachment_of_earnings_order"  # to the employer
    BENEFIT_DEDUCTION_APPLICATION = "benefit_deduction_application"  # to the DWP
    ARRANGEMENT_CONFIRMATION = "arrangement_confirmation"
    LETTER = "letter"  # one an officer writes from the account (`letters generate`); `template` says which
