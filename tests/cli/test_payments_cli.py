"""End to end through `revdesk`: payments, suspense, refunds with two people, Direct Debit
(mandate, collection file, posting, ARUDD returns). Exit codes and JSON per the contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from tests.cli.harness import Revdesk, with_examples
from tests.conftest import embedded_user
from tests.services.money_helpers import add_plan


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    return cli


def test_payment_post_suspense_and_allocate(revdesk: Revdesk) -> None:
    code, out, err = revdesk("payment", "post", "70000003", "--amount", "£25.50", "--date", "2025-06-01",
                             "--method", "cash", "--reference", "CASH-1", "--as-of", "2025-06-30", "--json")
    assert (code, out) == (2, "") and err == (
        "revdesk: The payment of £25.50 to account 70000003 is £25.50 more than what is owed now (nothing): the "
        "account would be £25.50 in credit; check the amount, and if it is right add --confirm-credit.\n"
    )
    assert revdesk.json("payment", "suspense")["total_pence"] == 5000  # nothing was posted
    posted = revdesk.json("payment", "post", "70000003", "--amount", "£25.50", "--date", "2025-06-01", "--method", "cash",
                          "--reference", "CASH-1", "--as-of", "2025-06-30", "--confirm-credit")
    assert posted == {
        "payment_id": posted["payment_id"], "payment_ref": "CASH-1", "account_ref": "70000003", "amount_pence": 2550,
        "received_on": "2025-06-01", "method": "cash", "status": "allocated",
        "allocation": [{"year": 2025, "amount_pence": 2550}], "balance_pence": -2550, "later_bills_pence": 0,
    }
    code, out, err = revdesk("payment", "post", "70000003", "--amount", "25.50", "--date", "2025-06-01", "--method", "cash",
                             "--reference", "CASH-1", "--as-of", "2025-06-30", "--json")
    assert (code, out) == (2, "") and "CASH-1 is already used" in err
    suspense = revdesk.json("payment", "suspense")
    assert suspense["total_pence"] == 5000 and suspense["suspense"][0]["payment_ref"] == "BK-20250410-0003"
    moved = revdesk.json("payment", "allocate", "BK-20250410-0003", "--account", "70000003", "--as-of", "2025-06-30")
    assert (moved["status"], moved["balance_pence"]) == ("allocated", -7550)
    assert revdesk.json("payment", "suspense") == {"suspense": [], "total_pence": 0}
    code, _, err = revdesk("payment", "allocate", "BK-20250410-0003", "--account", "70000003")
    assert code == 1 and "not in suspense" in err and "Traceback" not in err


def test_refund_needs_two_people(revdesk: Revdesk) -> None:
    code, out, err = revdesk("refund", "request", "70000004", "--amount", "1000.01", "--payee", "M Doyle",
                             "--reason", "Overpaid", "--json")
    assert (code, out) == (2, "") and "£1,000.00" in err and "Traceback" not in err
    requested = revdesk.json("refund", "request", "70000004", "--amount", "400", "--payee", "M Doyle",
                             "--reason", "Overpaid", "--as-of", "2025-06-30")
    assert (requested["status"], requested["amount_pence"], requested["method"]) == ("requested", 40000, "bank")
    # clerk (the first user: admin) asked, so clerk may not approve
    code, _, err = revdesk("refund", "decide", requested["refund_id"], "--decision", "approve", "--note", "ok")
    assert code == 1 and "cannot approve it" in err
    revdesk.add_user("lead", "team_leader")
    revdesk.add_user("bob", "officer")
    code, _, err = revdesk("refund", "decide", requested["refund_id"], "--decision", "approve", "--note", "ok", user="bob")
    assert code == 1 and "team leader role" in err
    approved = revdesk.json("refund", "decide", requested["refund_id"], "--decision", "approve", "--note", "Checked",
                            "--as-of", "2025-07-01", user="lead")
    decided = (approved["status"], approved["decided_by"], approved["decided_on"])
    assert decided == ("approved", revdesk.login("lead"), "2025-07-01")
    listed = revdesk.json("refund", "list", "--status", "approved")
    assert [r["refund_id"] for r in listed["refunds"]] == [requested["refund_id"]]
    shown = revdesk.json("account", "show", "70000004", "--as-of", "2025-07-01")
    assert shown["balance_pence"] == -60000
    assert revdesk("refund", "decide", "not-an-id", "--decision", "reject", "--note", "x")[0] == 2


def test_direct_debit_cycle(revdesk: Revdesk, tmp_path: Path) -> None:
    ctx = bootstrap(revdesk.db, str(revdesk.settings), embedded_user(revdesk.db, "clerk"))
    try:
        add_plan(ctx, "70000001", 2025, 123000, date(2025, 4, 1))
    finally:
        ctx.db.dispose()
    code, _, err = revdesk("dd", "mandate", "70000001", "--holder", "D Hughes", "--sort-code", "12345",
                           "--account-number", "55779911", "--start", "2025-05-15")
    assert code == 2 and "sort code must be 6 digits" in err
    made = revdesk.json("dd", "mandate", "70000001", "--holder", "D Hughes", "--sort-code", "20-00-00",
                        "--account-number", "55779911", "--start", "2025-05-15")
    assert (made["reference"], made["status"]) == ("CT70000001", "active")
    out = tmp_path / "collect.csv"
    first = revdesk.json("dd", "collect", "--date", "2025-06-01", "--out", str(out), "--as-of", "2025-05-20")
    assert (first["collections"], first["total_pence"], first["file_written"]) == (1, 12300, True)
    assert out.read_text(encoding="utf-8").splitlines() == [
        "mandate_reference,sort_code,account_number,account_holder,amount,due_date,account_ref",
        "CT70000001,200000,55779911,D Hughes,123.00,2025-06-01,70000001",
    ]
    again = revdesk.json("dd", "collect", "--date", "2025-06-01", "--out", str(out), "--as-of", "2025-05-20")
    assert (again["collections"], again["file_written"], again["already_submitted"]) == (0, False, 1)
    assert revdesk.json("dd", "post", "--as-of", "2025-06-01")["posted"] == 1
    assert revdesk.json("dd", "post", "--as-of", "2025-06-01")["posted"] == 0
    arudd = tmp_path / "arudd.csv"
    arudd.write_text("mandate_reference,due_date,amount,reason_code,reason\n"
                     "CT70000001,2025-06-01,123.00,1,Instruction cancelled\n"
                     "CT70000002,2025-06-01,10.00,1,\n", encoding="utf-8")
    code, out_text, err = revdesk("dd", "returns", str(arudd), "--as-of", "2025-06-06", "--json")
    assert code == 2 and f"{arudd}, line 3, field 'mandate_reference'" in err
    assert json.loads(out_text) == {
        "imported": 1, "skipped": 0, "rejected": 1, "reversed_pence": 12300, "mandates_cancelled": 1,
        "errors": [{"line": 3, "field": "mandate_reference", "message": "there is no Direct Debit mandate CT70000002"}],
    }
    shown = revdesk.json("account", "show", "70000001", "--as-of", "2025-06-06")
    assert shown["recovery"]["stage"] == "dd_returned"
    assert [i["paid_pence"] for i in shown["years"][0]["instalments"][:3]] == [12300, 12300, 0]
    code, _, err = revdesk("dd", "cancel", "70000001")
    assert code == 1 and "no active Direct Debit mandate" in err


@pytest.mark.parametrize("amount", ["12,50", "1,23", "1.234,56", "1e3"])
def test_payment_post_refuses_an_ambiguous_amount_with_one_sentence(revdesk: Revdesk, amount: str) -> None:
    """Issue 16: `--amount 12,50` had posted £1,250.00; now it is refused, nothing posted."""
    with pytest.raises(SystemExit) as stopped:  # argparse refuses the option before anything runs
        revdesk("payment", "post", "70000003", "--amount", amount, "--date", "2025-06-01",
                "--method", "cash", "--reference", "CASH-9", "--as-of", "2025-06-30", "--json")
    out, err = revdesk.capsys.readouterr()
    assert (stopped.value.code, out) == (2, "")
    assert err.startswith(f"revdesk: --amount: '{amount}' is not an amount in pounds")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert revdesk.json("payment", "suspense")["total_pence"] == 5000
    assert revdesk.json("account", "show", "70000003")["balance_pence"] == 0
