"""Accounts and their liability: what `account`, `liability_period`, `liability_discount`
and `reduction_award` rows may say."""

from __future__ import annotations

from enum import StrEnum


class AccountStatus(StrEnum):
    """`account.status`: closed once no liability period is open (a move out)."""

    OPEN = "open"
    CLOSED = "closed"


class AccountPaymentMethod(StrEnum):
    """`account.payment_method`: how the instalments are paid (a Direct Debit mandate sets `dd`)."""

    CASH = "cash"
    DD = "dd"


class LiabilityBasis(StrEnum):
    """`liability_period.liability_basis`: the LGFA 1992 s6(2) rank the taxpayer is liable
    on. Every period is `resident` today (no writer sets another rank)."""

    RESIDENT = "resident"


class DiscountKind(StrEnum):
    """`liability_discount.kind`: a discount (LGFA 1992 s11) or a premium (s11B, s11C).
    Upper case, as officers and import files write them (app.rules.discounts)."""

    SPD = "SPD"  # single person discount, 25%
    ALL_DISREGARDED = "ALL_DISREGARDED"  # every resident disregarded, 50%
    LONG_TERM_EMPTY = "LONG_TERM_EMPTY"  # premium by whole years empty
    SECOND_HOME = "SECOND_HOME"  # premium


class ReductionKind(StrEnum):
    """`reduction_award.kind`: council tax reduction (the local scheme) or a s13A discretionary reduction."""

    CTR = "ctr"
    S13A = "s13a"
