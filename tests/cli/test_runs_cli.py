"""`revdesk runs list`, `recovery run --dry-run --accounts`, `recovery safeguards` and
`recovery release` end to end on SQLite and PostgreSQL (issue 16 parts 5 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.harness import with_examples


def test_runs_list_and_the_preview_accounts_and_a_release(
    capsys: pytest.CaptureFixture[str], db_url: str, examples: Path,
) -> None:
    cli = with_examples(capsys, db_url, examples)
    assert cli("bill", "--year", "2025", "--as-of", "2025-03-10")[0] == 0
    assert cli("recovery", "run", "--as-of", "2025-05-08")[0] == 0
    code, out, err = cli("trace", "gone-away", "70000005", "--as-of", "2025-05-10", "--note", "Post returned")
    assert code == 0, err

    preview = cli.json("recovery", "run", "--as-of", "2025-05-22", "--dry-run", "--accounts")
    assert preview["actions"]["summons"] == 1 and preview["held_back"] == 1
    rows = {(a["account_ref"], a["action"]) for a in preview["accounts"]}
    assert rows == {("70000002", "summons"), ("70000005", "held_back")}
    held = next(a for a in preview["accounts"] if a["action"] == "held_back")
    assert "open gone-away trace" in held["why"] and held["amount_pence"] > 0
    assert "accounts" not in cli.json("recovery", "run", "--as-of", "2025-05-22", "--dry-run")  # only when asked

    shown = cli.json("recovery", "safeguards", "70000005")
    assert [(s["kind"], s["holding"]) for s in shown["safeguards"]] == [("gone_away", True)]
    cli.add_user("olivia", "officer", "Recovery")
    code, _, err = cli("recovery", "release", "70000005", "--safeguard", "gone_away", "--reason", "x", user="olivia")
    assert code == 1 and "team leader" in err.lower() and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:  # argparse's own refusal of a choice: exit 2 with a sentence
        cli("recovery", "release", "70000005", "--safeguard", "nonsense", "--reason", "x")
    assert usage.value.code == 2 and "invalid choice: 'nonsense'" in capsys.readouterr().err
    released = cli.json("recovery", "release", "70000005", "--safeguard", "gone_away", "--reason", "Phoned: still lives there",
                        "--as-of", "2025-05-22")
    assert released["kind"] == "gone_away" and released["released_by"] == cli.login("clerk")

    run = cli.json("recovery", "run", "--as-of", "2025-05-22")
    assert run["actions"]["summons"] == 2 and run["held_back"] == 0

    listed = cli.json("runs", "list")["runs"]
    assert [r["kind"] for r in listed] == ["recovery", "recovery", "billing"]  # newest first
    latest = listed[0]
    assert latest["run_id"] == run["run_id"] and latest["as_of"] == "2025-05-22" and latest["status"] == "completed"
    assert latest["created_by"] == cli.login("clerk") and latest["costs_pence"] == run["costs_pence"] == 16000
    assert latest["actions"]["summons"] == 2 and latest["started_at"]
    assert listed[2]["charges"] == 5 and listed[2]["year"] == 2025
    assert [r["kind"] for r in cli.json("runs", "list", "--kind", "billing")["runs"]] == ["billing"]
    code, out, _ = cli("runs", "list")
    assert code == 0 and run["run_id"] in out and "2 summons" in out
