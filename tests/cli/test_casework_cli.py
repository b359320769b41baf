"""End to end through `revdesk`: diary, worklist next/complete/list, notes, tracing and
escalations. Exit codes and JSON per the contract (`worklist next` gives
{"diary_id", "account_ref", "code", "due"} or {}; a second completion is exit 1 naming
who completed it; an officer deciding an escalation is exit 1 with the reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.harness import Revdesk, with_examples


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    cli.add_user("lead", "team_leader", team="Recovery")
    cli.add_user("olivia", "officer", team="Recovery")
    return cli


def test_diary_next_complete_and_list(revdesk: Revdesk) -> None:
    assert revdesk.json("worklist", "next", "--as-of", "2025-06-30") == {}
    added = revdesk.json("diary", "add", "70000001", "--code", "CORR", "--due", "2025-06-30", "--note", "Letter of 20 June",
                         "--as-of", "2025-06-20")
    assert (added["code"], added["due"], added["team"], added["status"]) == ("CORR", "2025-06-30", "Billing", "open")
    later = revdesk.json("diary", "add", "70000002", "--code", "TRACE", "--as-of", "2025-06-01")
    assert later["due"] == "2025-06-29"  # 28 days by default
    code, out, err = revdesk("diary", "add", "70000001", "--code", "NOPE")
    assert (code, out) == (2, "") and "'NOPE' is not a diary code" in err

    got = revdesk.json("worklist", "next", "--as-of", "2025-06-30", user="olivia")
    assert set(got) >= {"diary_id", "account_ref", "code", "due"}
    assert (got["account_ref"], got["code"], got["due"]) == ("70000002", "TRACE", "2025-06-29")
    second = revdesk.json("worklist", "next", "--as-of", "2025-06-30", user="lead")
    assert second["diary_id"] == added["diary_id"] and second["diary_id"] != got["diary_id"]
    assert revdesk.json("worklist", "next", "--as-of", "2025-06-30", user="clerk") == {}

    listing = revdesk.json("worklist", "list", "--as-of", "2025-06-30")
    assert (listing["total"], listing["due"], listing["overdue"]) == (2, 2, 1)
    assert [r["diary_id"] for r in listing["rows"]] == [got["diary_id"], added["diary_id"]]
    mine = revdesk.json("worklist", "list", "--mine", "--as-of", "2025-06-30", user="olivia")
    assert [r["diary_id"] for r in mine["rows"]] == [got["diary_id"]]
    assert revdesk.json("worklist", "list", "--code", "CORR")["total"] == 1

    code, out, err = revdesk("worklist", "complete", got["diary_id"], "--note", " ", "--json", user="olivia")
    assert (code, out) == (2, "") and "note" in err
    done = revdesk.json("worklist", "complete", got["diary_id"], "--note", "Traced via CRA", "--next-date", "2025-07-14",
                        "--as-of", "2025-06-30", user="olivia")
    completed = (done["status"], done["completed_by"], done["follow_up"]["due"])
    assert completed == ("completed", revdesk.login("olivia"), "2025-07-14")
    code, out, err = revdesk("worklist", "complete", got["diary_id"], "--note", "Again", "--json", user="lead")
    assert code == 1 and out == "" and f"already completed by {revdesk.login('olivia')} on" in err and "Traceback" not in err
    code, _, err = revdesk("worklist", "complete", "not-a-uuid", "--note", "x")
    assert code == 2 and "not a diary id" in err

    shown = revdesk.json("account", "show", "70000002", "--as-of", "2025-06-30")
    assert {(d["code"], d["status"], d["completed_by"]) for d in shown["diary"]} == {
        ("TRACE", "completed", revdesk.login("olivia")), ("TRACE", "open", None),
    }


def test_reassign_reschedule_and_codes(revdesk: Revdesk) -> None:
    entry = revdesk.json("diary", "add", "70000003", "--code", "VULN", "--as-of", "2025-06-30")
    code, _, err = revdesk("worklist", "reassign", entry["diary_id"], "--owner", revdesk.login("olivia"), user="olivia")
    assert code == 1 and "team leader role" in err
    moved = revdesk.json("worklist", "reassign", entry["diary_id"], "--owner", revdesk.login("olivia"), user="lead")
    assert moved == {"reassigned": 1, "skipped": []}
    rescheduled = revdesk.json("worklist", "reschedule", entry["diary_id"], "--due", "2025-08-01", "--note", "On holiday",
                               "--as-of", "2025-06-30", user="olivia")
    assert (rescheduled["due"], rescheduled["owner"]) == ("2025-08-01", revdesk.login("olivia"))
    codes = revdesk.json("worklist", "codes")["codes"]
    assert {c["code"] for c in codes} == {"ARRCHK", "TRACE", "TRACED", "AOEEMP", "VULN", "CORR"}


def test_notes_and_tracing(revdesk: Revdesk) -> None:
    added = revdesk.json("note", "add", "70000001", "--text", "Called, will pay Friday")
    assert added["text"] == "Called, will pay Friday" and added["created_by"] == revdesk.login("clerk")
    code, out, err = revdesk("note", "add", "70000001", "--text", "")
    assert (code, out) == (2, "") and "required" in err
    gone = revdesk.json("trace", "gone-away", "70000002", "--note", "Post returned", "--as-of", "2025-06-30")
    assert gone["created"] and gone["trace"]["code"] == "TRACE"
    traced = revdesk.json("trace", "traced", "70000002", "--address", "4 Mill Lane, Fenby", "--as-of", "2025-07-10")
    assert traced["trace"]["status"] == "completed" and traced["follow_up"]["code"] == "TRACED"
    listed = revdesk.json("note", "list", "70000002")["notes"]
    assert listed[0]["text"].startswith("Traced: new address 4 Mill Lane") and len(listed) == 2
    diary = revdesk.json("diary", "list", "70000002", "--open")["diary"]
    assert [d["code"] for d in diary] == ["TRACED"]


def test_escalations_raise_list_decide(revdesk: Revdesk) -> None:
    assert revdesk.json("escalations", "list", user="lead") == {"escalations": [], "total": 0, "by_reason": {}, "by_status": {}}
    raised = revdesk.json("escalations", "raise", "70000001", "--reason", "write_off", "--note", "Deceased, no estate",
                          "--amount", "£123.45", user="olivia")
    assert (raised["reason"], raised["amount_pence"], raised["team"], raised["status"]) == (
        "write_off", 12345, "Recovery", "open",
    )
    listed = revdesk.json("escalations", "list", user="lead")
    assert listed["total"] == 1 and listed["escalations"][0]["escalation_id"] == raised["escalation_id"]
    code, out, err = revdesk("escalations", "decide", raised["escalation_id"], "--decision", "approve", "--note", "ok",
                             user="olivia")
    assert (code, out) == (1, "") and "cannot decide escalations" in err and "team leader role" in err
    with pytest.raises(SystemExit) as bad:  # argparse refuses an unknown reason: exit 2
        revdesk("escalations", "raise", "70000001", "--reason", "bored", "--note", "x")
    assert bad.value.code == 2
    decided = revdesk.json("escalations", "decide", raised["escalation_id"], "--decision", "approve", "--note",
                           "Death certificate seen", user="lead")
    assert (decided["status"], decided["decided_by"]) == ("approved", revdesk.login("lead"))
    code, _, err = revdesk("escalations", "decide", raised["escalation_id"], "--decision", "reject", "--note", "no", user="clerk")
    assert code == 1 and f"already approved by {revdesk.login('lead')}" in err
    assert revdesk.json("escalations", "list", user="lead")["total"] == 0
