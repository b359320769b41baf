"""Payments: what `payment`, `refund_request`, `dd_mandate` and `dd_collection` rows may say."""

from __future__ import annotations

from enum import StrEnum


class PaymentMethod(StrEnum):
    """`payment.method`: how the money came in."""

    DD = "dd"  # Direct Debit collection
    CARD = "card"
    BANK = "bank"
    CASH = "cash"
    CHEQUE = "cheque"
    BENEFIT_DEDUCTION = "benefit_deduction"  # deducted from benefit by the DWP
    AOE = "aoe"  # attachment of earnings, from the employer
    EA = "ea"  # collected by an enforcement agent


class PaymentStatus(StrEnum):
    """`payment.status`: posted to an account's ledger, waiting in suspense for an
    officer (account unknown), or reversed (recalled or returned)."""

    ALLOCATED = "allocated"
    SUSPENSE = "suspense"
    REVERSED = "reversed"


class RefundMethod(StrEnum):
    """`refund_request.method`: how the credit is paid back."""

    BANK = "bank"
    CHEQUE = "cheque"
    CARD = "card"


class RefundStatus(StrEnum):
    """`refund_request.status`: requested by one officer, approved (the refund posted to the
    ledger) or rejected by another."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class MandateStatus(StrEnum):
    """`dd_mandate.status`."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


class CollectionStatus(StrEnum):
    """`dd_collection.status`: in a collection file, then its payment posted on the due
    date, or returned by the bank (ARUDD) and the payment reversed."""

    SUBMITTED = "submitted"
    COLLECTED = "collected"
    RETURNED = "returned"
