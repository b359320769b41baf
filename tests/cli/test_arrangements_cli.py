"""End to end through `revdesk arrangement ...`: plan (the contract's JSON shape), create with
--confirm, show, monitor, cancel; exit codes per the contract (2 = bad input naming the field,
1 = refused), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.harness import Revdesk, with_examples

PLAN = ("arrangement", "plan", "70000005", "--frequency", "monthly", "--start", "2025-06-01", "--end", "2026-03-01",
        "--as-of", "2025-05-20")


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    code, _, err = cli("bill", "--year", "2025", "--as-of", "2025-03-10")
    assert code == 0, err
    return cli


def test_plan_create_show_monitor_cancel(revdesk: Revdesk, tmp_path: Path) -> None:
    plan = revdesk.json(*PLAN)
    assert set(plan) >= {"balance_pence", "instalments", "clears_by", "warnings"}
    assert plan["clears_by"] == "2026-03-01" and plan["warnings"] == []
    assert len(plan["instalments"]) == 10 and sum(i["amount_pence"] for i in plan["instalments"]) == plan["balance_pence"]
    assert set(plan["instalments"][0]) == {"due", "amount_pence"}

    # £20 a month does not clear the debt by the end of the year: refused (exit 2) until confirmed
    slow = ("arrangement", "create", "70000005", "--frequency", "monthly", "--start", "2025-06-01", "--amount", "20",
            "--as-of", "2025-05-20")
    code, out, err = revdesk(*slow, "--json")
    assert (code, out) == (2, "") and "31/03/2026" in err and "Traceback" not in err
    created = revdesk.json(*slow, "--confirm")
    assert created["arrangement_id"] and created["status"] == "live" and created["hold_id"]
    assert created["warnings"][0]["code"] == "not_cleared_by_year_end"

    code, _, err = revdesk(*slow, "--confirm", "--json")  # overlaps the live one
    assert code == 1 and "already has a live arrangement" in err

    shown = revdesk.json("arrangement", "show", "70000005", "--as-of", "2025-06-02")
    assert shown["arrangement_id"] == created["arrangement_id"] and shown["arrears_pence"] == 2000
    account = revdesk.json("account", "show", "70000005", "--as-of", "2025-06-02")
    assert account["arrangement"]["arrangement_id"] == created["arrangement_id"]

    run = revdesk.json("arrangement", "monitor", "--as-of", "2025-06-10")
    assert (run["checked"], run["broken"]) == (1, 1)
    assert revdesk.json("arrangement", "monitor", "--as-of", "2025-06-10")["checked"] == 0
    code, _, err = revdesk("arrangement", "cancel", "70000005", "--reason", "x", "--as-of", "2025-06-10")
    assert code == 1 and "no live arrangement" in err


def test_bad_input_exits_2(revdesk: Revdesk, tmp_path: Path) -> None:
    code, _, err = revdesk("arrangement", "plan", "70000005", "--frequency", "monthly", "--start", "2025-06-01",
                           "--json")
    assert code == 2 and "--end" in err
    code, _, err = revdesk("arrangement", "create", "70000005", "--frequency", "monthly", "--start", "2025-05-01",
                           "--end", "2026-03-01", "--as-of", "2025-05-20", "--confirm", "--json")
    assert code == 2 and "in the past" in err
    with pytest.raises(SystemExit) as stopped:  # argparse: exit 2 with the choices
        revdesk(*PLAN, "--frequency", "daily")
    assert stopped.value.code == 2
    statement = tmp_path / "ie.json"
    statement.write_text(json.dumps({"income": {"earnings": 120000}, "fixed_costs": {"housing": 118000}}))
    plan = revdesk.json(*PLAN, "--income-expenditure", str(statement))
    assert plan["affordability"]["surplus_monthly_pence"] == 2000
    assert [w["code"] for w in plan["warnings"]] == ["exceeds_surplus"]
    statement.write_text(json.dumps({"income": {"wages": 1}}))
    code, _, err = revdesk(*PLAN, "--income-expenditure", str(statement), "--json")
    assert code == 2 and "wages" in err


def test_cancel_and_roles(revdesk: Revdesk) -> None:
    revdesk.json("arrangement", "create", "70000005", "--frequency", "monthly", "--start", "2025-06-01",
                 "--end", "2026-03-01", "--as-of", "2025-05-20")
    code, out, err = revdesk("arrangement", "cancel", "70000005", "--reason", "Paid by relative", "--as-of",
                             "2025-06-15")
    assert code == 0, err
    assert "cancelled" in out
    revdesk.add_user("olivia", "officer")
    code, _, err = revdesk("arrangement", "monitor", "--as-of", "2025-06-15", "--json", user="olivia")
    assert code == 1 and "team leader" in err
