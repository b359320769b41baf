"""What a ledger row may be, the sign of its amount, and the kind groups the services use.

`amount_pence` is positive when it adds to what the taxpayer owes and negative when it
takes from it (design.md rule 4). Each kind allows only the signs the writers really post:

- `charge` >= 0: the year's bill. A nil charge (an exempt year: the demo data posts one)
  records that the year was billed (`billing.facts.load_facts`' `billed_years`); a rebill's
  difference is an `adjustment`, never a negative charge.
- `adjustment` != 0: a rebill's difference, up or down (`billing.applying.apply`).
- `reduction` != 0: council tax reduction credited (negative) or taken back after a
  rebill lowers it (positive) (`billing.applying.apply` posts minus the reduction's change).
- `payment` < 0: money received, one row per year it pays (`payments.post_to_ledger`,
  the payment import, the demo data).
- `refund` > 0: credit paid back to the taxpayer (`refunds.decide_refund`).
- `costs` != 0: summons and liability order costs (positive), and summons costs withdrawn
  by the court (negative, reference `SUMMONS-<year>-WD`, `court._record`).
- `write_off` < 0: debt written off, posted when a write-off is approved
  (`writeoffs.deciding.decide_write_off`).
- `transfer` != 0: money moved between accounts or years, out of one (positive) and
  into the other (negative) (no writer yet).
- `reversal` != 0: undoes an earlier row (`reverses_id`) with the opposite sign: a
  returned payment is positive (`payments.reverse_payment`), and so is a write-back of a
  write-off (`writeoffs.writing_back.write_back`); reversing a refund or a charge would be
  negative.

A zero amount is refused for every kind but `charge`: such a row would change nothing.
The same rules are the database's CHECK constraints (`KIND_CHECK`, `SIGN_CHECK`, used by
`app.models.ledger` and frozen in migration 0011), so a row that breaks them is refused
whoever writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum

from app.enums import one_of


class LedgerKind(StrEnum):
    CHARGE = "charge"
    ADJUSTMENT = "adjustment"
    REDUCTION = "reduction"
    PAYMENT = "payment"
    REFUND = "refund"
    COSTS = "costs"
    WRITE_OFF = "write_off"
    TRANSFER = "transfer"
    REVERSAL = "reversal"


class Sign(Enum):
    """The amounts a kind allows, as (negative, zero, positive) allowed."""

    POSITIVE = (False, False, True)
    NEGATIVE = (True, False, False)
    NOT_NEGATIVE = (False, True, True)
    NOT_ZERO = (True, False, True)

    @property
    def sql(self) -> str:
        """The test on `amount_pence` as SQL (both databases)."""
        return {
            Sign.POSITIVE: "amount_pence > 0", Sign.NEGATIVE: "amount_pence < 0",
            Sign.NOT_NEGATIVE: "amount_pence >= 0", Sign.NOT_ZERO: "amount_pence <> 0",
        }[self]

    @property
    def words(self) -> str:
        return {
            Sign.POSITIVE: "more than 0", Sign.NEGATIVE: "less than 0",
            Sign.NOT_NEGATIVE: "0 or more", Sign.NOT_ZERO: "more or less than 0, not 0",
        }[self]


SIGNS: Mapping[LedgerKind, Sign] = {
    LedgerKind.CHARGE: Sign.NOT_NEGATIVE,
    LedgerKind.ADJUSTMENT: Sign.NOT_ZERO,
    LedgerKind.REDUCTION: Sign.NOT_ZERO,
    LedgerKind.PAYMENT: Sign.NEGATIVE,
    LedgerKind.REFUND: Sign.POSITIVE,
    LedgerKind.COSTS: Sign.NOT_ZERO,
    LedgerKind.WRITE_OFF: Sign.NEGATIVE,
    LedgerKind.TRANSFER: Sign.NOT_ZERO,
    LedgerKind.REVERSAL: Sign.NOT_ZERO,
}
assert set(SIGNS) == set(LedgerKind), "every kind has its sign"

# Cash movements (money in or out), not changes to what is charged: what "paid" means in
# billing, recovery, arrangements, the account view, Direct Debit and the hearing list.
CASH_KINDS: tuple[LedgerKind, ...] = (LedgerKind.PAYMENT, LedgerKind.REFUND, LedgerKind.REVERSAL, LedgerKind.TRANSFER)
# What the year is charged (a bill and its rebill differences), before reductions.
CHARGE_KINDS: tuple[LedgerKind, ...] = (LedgerKind.CHARGE, LedgerKind.ADJUSTMENT)
# Rows that mean a year has been billed (even at nil).
BILLED_KINDS: tuple[LedgerKind, ...] = (*CHARGE_KINDS, LedgerKind.REDUCTION)


class InvalidLedgerEntry(ValueError):
    """A ledger row that breaks the kind or sign rules: a programming error in its writer,
    refused before the database would refuse it."""


def check_amount(kind: str, amount_pence: int) -> str:
    """The kind's text, if it is a kind and `amount_pence` is an int (not a bool) of the sign
    the kind allows; else InvalidLedgerEntry saying which rule it breaks. Cheap (a dict
    look-up and a comparison): the bulk writers call it for every row."""
    rule = _RULES.get(kind)
    if rule is not None and type(amount_pence) is int and rule[1][(amount_pence > 0) - (amount_pence < 0) + 1]:
        return rule[0]
    if rule is None:
        raise InvalidLedgerEntry(f"'{kind}' is not a ledger kind (use one of {', '.join(LedgerKind)}).")
    if type(amount_pence) is not int:
        raise InvalidLedgerEntry(f"A ledger amount is whole pence (int), not {type(amount_pence).__name__} {amount_pence!r}.")
    raise InvalidLedgerEntry(
        f"A '{rule[0]}' of {amount_pence} pence has the wrong sign: it must be {SIGNS[LedgerKind(rule[0])].words} "
        "(design.md rule 4)."
    )


# kind text -> (the same text as a plain str, the signs allowed): plain str because the
# drivers bind it fastest and an enum member's `.value` costs as much as the whole check.
_RULES: dict[str, tuple[str, tuple[bool, bool, bool]]] = {k.value: (k.value, s.value) for k, s in SIGNS.items()}


# The rules as CHECK constraint conditions (`ck_ledger_transaction_kind`, `..._sign`), for
# both databases, as every status and kind column's (app.enums.one_of, migration 0012).
# Written as equalities and a CASE, not `kind IN (...)`: SQLite evaluates a
# constant IN list in a CHECK by building a small table for every row inserted, which cost
# ~4 us a row (half as much again as the insert itself, a minute of a million-account demo
# load); these cost ~0.2 us.
KIND_CHECK = one_of("kind", (k.value for k in LedgerKind))
SIGN_CHECK = "CASE kind " + " ".join(f"WHEN '{k.value}' THEN {SIGNS[k].sql}" for k in LedgerKind) + " ELSE FALSE END"
