"""Ledger entries and the sign each kind must have.

design.md rule 4: "the account balance is the sum of an append-only transaction ledger
(charge, adjustment, payment, refund, costs, write-off, transfer) ... the database refuses
unknown kinds and wrong signs". Positive = owed by the taxpayer. The table below is the
rule as the writers post it (see app/ledger/kinds.py for which writer posts what); it is
written out here, not read from the code, so a change to a sign is a change to this test.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import date, datetime

import pytest

from app.adapters.bulk import NativeValues
from app.ledger.entries import LedgerEntry
from app.ledger.kinds import (
    BILLED_KINDS,
    CASH_KINDS,
    CHARGE_KINDS,
    KIND_CHECK,
    SIGN_CHECK,
    SIGNS,
    InvalidLedgerEntry,
    LedgerKind,
    check_amount,
)
from app.ledger.posting import LEDGER_COLUMNS, LedgerRows

# kind -> (negative allowed, zero allowed, positive allowed)
RULE_4 = {
    "charge": (False, True, True),  # a bill; nil for an exempt year
    "adjustment": (True, False, True),  # a rebill's difference, either way
    "reduction": (True, False, True),  # credited, or taken back when a rebill lowers it
    "payment": (True, False, False),  # money received
    "refund": (False, False, True),  # credit paid back
    "costs": (True, False, True),  # costs charged, or withdrawn by the court
    "write_off": (True, False, False),  # debt written off
    "transfer": (True, False, True),  # out of one account or year, into another
    "reversal": (True, False, True),  # the opposite of the row it reverses
}
ACCOUNT = uuid.UUID(int=1)


def entry(kind: str, pence: object) -> LedgerEntry:
    return LedgerEntry(account_id=ACCOUNT, financial_year=2025, kind=kind, amount_pence=pence,  # type: ignore[arg-type]
                       posted_on=date(2025, 6, 1))


def test_the_kinds_are_the_designs() -> None:
    assert [k.value for k in LedgerKind] == list(RULE_4)
    assert set(SIGNS) == set(LedgerKind)


@pytest.mark.parametrize("kind", list(RULE_4))
@pytest.mark.parametrize(("pence", "which"), [(-1250, 0), (0, 1), (1250, 2)])
def test_each_kind_takes_only_its_signs(kind: str, pence: int, which: int) -> None:
    if RULE_4[kind][which]:
        made = entry(kind, pence)
        assert made.kind is LedgerKind(kind) and made.amount_pence == pence
    else:
        with pytest.raises(InvalidLedgerEntry, match=f"'{kind}' of {pence} pence has the wrong sign"):
            entry(kind, pence)


def test_a_negative_payment_is_the_only_payment() -> None:
    assert entry("payment", -5000).kind is LedgerKind.PAYMENT
    with pytest.raises(ValueError, match="must be less than 0"):  # InvalidLedgerEntry is a ValueError
        entry(LedgerKind.PAYMENT, 5000)


@pytest.mark.parametrize("pence", [12.5, 1250.0, True, False, "1250", None])
def test_an_amount_is_whole_pence(pence: object) -> None:
    with pytest.raises(InvalidLedgerEntry, match="whole pence"):
        entry("charge", pence)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(InvalidLedgerEntry, match="'gift' is not a ledger kind"):
        entry("gift", -100)
    with pytest.raises(InvalidLedgerEntry, match="not a ledger kind"):
        entry("Payment", -100)


def test_an_entry_is_frozen_and_slotted() -> None:
    made = entry("charge", 100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.amount_pence = -100  # type: ignore[misc]
    assert not hasattr(made, "__dict__")
    with pytest.raises(InvalidLedgerEntry, match="financial year"):
        LedgerEntry(ACCOUNT, "2025", LedgerKind.CHARGE, 100, date(2025, 6, 1))  # type: ignore[arg-type]


def test_the_kind_groups() -> None:
    assert set(CASH_KINDS) == {"payment", "refund", "reversal", "transfer"}
    assert set(CHARGE_KINDS) == {"charge", "adjustment"}
    assert set(BILLED_KINDS) == {"charge", "adjustment", "reduction"}
    assert "payment" in CASH_KINDS  # the text read from the database matches the enumeration


def test_bulk_rows_are_checked_like_entries() -> None:
    at = datetime(2025, 6, 1, 9, 30)
    rows = LedgerRows(NativeValues("sqlite"), created_by="billing", created_at=at, batch_run_id=uuid.UUID(int=7))
    rows.add(b"account", 2025, LedgerKind.CHARGE, 120000, "2025-03-10", "BILL-2025", "Council tax 2025/26")
    rows.add(b"account", 2025, "payment", -5000, "2025-04-01", "P1", "Payment (dd)", payment_id=b"pay")
    with pytest.raises(InvalidLedgerEntry, match="wrong sign"):
        rows.add(b"account", 2025, "payment", 5000, "2025-04-01", "P2", "Payment (dd)")
    with pytest.raises(InvalidLedgerEntry, match="whole pence"):
        rows.add(b"account", 2025, "costs", 80.0, "2025-04-01", "S", "Summons costs")  # type: ignore[arg-type]
    assert len(rows.rows) == 2
    first = dict(zip(LEDGER_COLUMNS, rows.rows[0], strict=True))
    assert type(first["kind"]) is str and first["kind"] == "charge"
    assert first["batch_run_id"] == uuid.UUID(int=7).bytes and first["created_by"] == "billing"
    assert first["created_at"] == "2025-06-01 09:30:00.000000"
    assert dict(zip(LEDGER_COLUMNS, rows.rows[1], strict=True))["payment_id"] == b"pay"


def test_the_check_constraints_say_what_the_entries_say() -> None:
    """The same rule twice (Python for the writers, SQL for the database) must agree."""
    db = sqlite3.connect(":memory:")
    for kind in [*RULE_4, "gift"]:
        for pence in (-1, 0, 1):
            in_sql = bool(db.execute(f"SELECT ({KIND_CHECK}) AND ({SIGN_CHECK}) FROM (SELECT ? AS kind, ? AS amount_pence)",
                                     (kind, pence)).fetchone()[0])
            try:
                check_amount(kind, pence)
                in_python = True
            except InvalidLedgerEntry:
                in_python = False
            assert in_sql == in_python, (kind, pence)
