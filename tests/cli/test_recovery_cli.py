"""End to end through `revdesk`: court list and outcomes, holds, attachment of earnings,
enforcement agents (export, returns, reconciliation), candidates and routes. Exit codes and
JSON per the contract; bad input exits 2 with one sentence naming the file, line or field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from tests.cli.harness import Revdesk, with_examples
from tests.conftest import embedded_user
from tests.services.court_helpers import summons


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    ctx = bootstrap(db_url, str(examples / "settings.toml"), embedded_user(db_url, "clerk"))
    try:
        summons(ctx, "70000003", 2025, 100000)
        summons(ctx, "70000004", 2024, 50000)
    finally:
        ctx.db.dispose()
    return cli


def test_court_hold_aoe_agent_and_candidates(revdesk: Revdesk, tmp_path: Path) -> None:
    assert revdesk.json("court", "hearings", "--as-of", "2025-07-01") == {"hearings": ["2025-07-15", "2025-08-19", "2025-09-23"]}
    listing = revdesk.json("court", "list", "--hearing", "2025-07-15", "--as-of", "2025-07-15")
    assert [(e["account_ref"], e["year"], e["balance_pence"]) for e in listing["entries"]] == [
        ("70000003", 2025, 108000), ("70000004", 2024, 58000)]
    assert (listing["court"], listing["hearing_time"]) == ("", "")  # the example settings set up no [court] venue
    code, out, err = revdesk("court", "outcome", "70000001", "--hearing", "2025-07-15", "--outcome", "granted", "--json")
    assert (code, out) == (2, "") and "70000001 is not on the list for the hearing on 15/07/2025" in err
    assert "Traceback" not in err
    code, _, err = revdesk("court", "outcome", "70000003", "--hearing", "2025-07-15", "--outcome", "adjourned")
    assert code == 2 and "new hearing date" in err

    bulk = revdesk.json("court", "outcomes", "--hearing", "2025-07-15", "--outcome", "granted", "--as-of", "2025-07-15")
    assert (bulk["recorded"], bulk["skipped"], bulk["errors"]) == (2, 0, [])
    again = revdesk.json("court", "outcome", "70000003", "--hearing", "2025-07-15", "--outcome", "granted",
                         "--as-of", "2025-07-15")
    assert again["recorded"] is False and "already recorded" in again["message"]

    hold = revdesk.json("hold", "add", "70000004", "--kind", "breathing_space", "--reason", "Adviser notice",
                        "--from", "2025-07-20", "--as-of", "2025-07-20")
    assert hold["end_date"] == "2025-09-17"
    code, _, err = revdesk("hold", "add", "70000004", "--kind", "holiday", "--reason", "x")
    assert code == 2 and "'holiday' is not a kind of hold" in err
    assert [h["account_ref"] for h in revdesk.json("hold", "list", "--active-on", "2025-08-01")["holds"]] == ["70000004"]
    code, _, err = revdesk("agent", "refer", "70000004", "--agent", "Marston", "--as-of", "2025-08-01")
    assert code == 1 and "on hold" in err
    routes = revdesk.json("routes", "70000004", "--as-of", "2025-08-01")
    assert {r["status"] for r in routes["routes"]} == {"not_available"}
    lifted = revdesk.json("hold", "lift", hold["hold_id"], "--date", "2025-08-01", "--reason", "Cancelled",
                          "--as-of", "2025-08-01")
    assert lifted["end_date"] == "2025-08-01"

    order = revdesk.json("aoe", "order", "70000003", "--employer", "Exampleton Foods Ltd", "--employer-address",
                         "Dock Road, Exampleton", "--pay-period", "monthly", "--net", "1000", "--as-of", "2025-08-02")
    assert order["schedule"]["deduction_pence"] == 12000 and order["case"]["case_ref"] == "AOE-70000003-2025-1"
    deduction = revdesk.json("aoe", "deduction", "AOE-70000003-2025-1", "--amount", "120", "--date", "2025-08-02",
                             "--reference", "EMP-1", "--as-of", "2025-08-02")
    assert deduction["case"]["collected_pence"] == 12000

    referred = revdesk.json("agent", "refer", "70000004", "--agent", "Marston", "--as-of", "2025-08-02")
    assert referred["case_ref"] == "EA-70000004-2024-1"
    out_dir = tmp_path / "agents"
    out_dir.mkdir()
    export = revdesk.json("agent", "export", "--out", str(out_dir), "--as-of", "2025-08-02")
    assert [(f["agent"], f["cases"]) for f in export["files"]] == [("Marston", 1)]
    assert revdesk.json("agent", "export", "--out", str(out_dir), "--as-of", "2025-08-02")["files"] == []
    returns = tmp_path / "returns.csv"
    returns.write_text(
        "case_ref,date,type,amount,fees,reference,invoice_ref,reason\n"
        "EA-70000004-2024-1,2025-08-03,payment,100.00,75.00,R1,INV-1,\n"
        "EA-70000004-2024-1,2025-08-03,payment,abc,,R2,INV-1,\n"
        "EA-70000004-2024-1,2025-08-04,return,,,,INV-1,nulla_bona\n", encoding="utf-8")
    code, out, err = revdesk("agent", "returns", str(returns), "--as-of", "2025-08-05", "--json")
    assert code == 2 and f"{returns}, line 3, field 'amount'" in err
    assert json.loads(out)["imported"] == 2
    code, out, _ = revdesk("agent", "returns", str(returns), "--as-of", "2025-08-05", "--json")
    assert json.loads(out)["skipped"] == 2 and json.loads(out)["imported"] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("case_ref,date,kind\n", encoding="utf-8")
    code, _, err = revdesk("agent", "returns", str(bad))
    assert code == 2 and "line 1, field 'kind'" in err
    rec = revdesk.json("agent", "reconcile", "--agent", "Marston", "--from", "2025-08-01", "--to", "2025-08-31")
    assert (rec["collected_pence"], rec["fees_claimed_pence"], rec["net_due_pence"]) == (10000, 7500, 2500)

    committal = revdesk.json("candidates", "--route", "committal", "--as-of", "2025-08-05")
    assert [c["account_ref"] for c in committal["candidates"]] == ["70000004"]
    assert revdesk.json("candidates", "--route", "bankruptcy", "--as-of", "2025-08-05")["candidates"] == []
    cases = revdesk.json("cases", "--account", "70000004")
    assert [(c["case_ref"], c["status"]) for c in cases["cases"]] == [("EA-70000004-2024-1", "closed")]
    assert date.fromisoformat(cases["cases"][0]["closed_on"]) == date(2025, 8, 4)
