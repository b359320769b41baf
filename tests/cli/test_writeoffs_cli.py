"""End to end through `revdesk writeoffs`: propose, decide (two people, within limits),
write back, list and the committee's schedule workbook with its CSV twin. Exit codes and
JSON per the contract (formats/README.md)."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.harness import Revdesk, with_examples

REF = "70000005"  # Jordan Price, all residents disregarded: 2025/26 billed at half of Band D


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    return _billed(with_examples(capsys, db_url, examples))


@pytest.fixture
def sqlite_revdesk(capsys: pytest.CaptureFixture[str], sqlite_url: str, examples: Path) -> Revdesk:
    return _billed(with_examples(capsys, sqlite_url, examples))


def _billed(cli: Revdesk) -> Revdesk:
    code, _, err = cli("bill", "--year", "2025", "--as-of", "2025-03-01")
    assert code == 0, err
    for user, role in (("olly", "officer"), ("lead", "team_leader"), ("boss", "manager")):
        cli.add_user(user, role)
    return cli


def propose(cli: Revdesk, amount: str, *extra: str, user: str = "olly") -> dict[str, object]:
    return cli.json("writeoffs", "propose", REF, "--year", "2025", "--amount", amount, "--reason", "uneconomical",
                    "--note", "Small balance", "--as-of", "2025-06-30", *extra, user=user)


def test_propose_decide_write_back_and_list(revdesk: Revdesk) -> None:
    proposed = propose(revdesk, "120.50")
    assert (proposed["status"], proposed["amount_pence"]) == ("proposed", 12050) and proposed["writeoff_id"]
    wid = str(proposed["writeoff_id"])
    code, out, err = revdesk("writeoffs", "decide", wid, "--decision", "approve", "--note", "ok", "--json", user="olly")
    assert (code, out) == (1, "") and f"{revdesk.login('olly')} proposed this write-off and so cannot decide it" in err
    code, _, err = revdesk("writeoffs", "decide", wid, "--decision", "reject", "--json", user="lead")
    assert code == 2 and "note saying why the write-off is rejected is required" in err
    approved = revdesk.json("writeoffs", "decide", wid, "--decision", "approve", "--note", "Agreed", "--as-of",
                            "2025-07-01", user="lead")
    assert (approved["writeoff_id"], approved["status"], approved["approved_by"]) == (wid, "approved", revdesk.login("lead"))
    shown = revdesk.json("account", "show", REF, "--as-of", "2025-07-02")
    assert any(t["kind"] == "write_off" and t["amount_pence"] == -12050 for t in shown["transactions"])
    back = revdesk.json("writeoffs", "writeback", wid, "--reason", "Debtor traced", "--as-of", "2025-08-01", user="lead")
    assert back["status"] == "written_back"
    assert [w["writeoff_id"] for w in revdesk.json("writeoffs", "list", "--status", "written_back")["writeoffs"]] == [wid]
    assert revdesk.json("writeoffs", "list", "--status", "proposed") == {"writeoffs": []}


def test_above_the_limit_is_refused_in_one_sentence(revdesk: Revdesk, tmp_path: Path) -> None:
    """The limits are the settings' scheme of delegation: here a council whose team leaders
    approve up to £500."""
    settings = tmp_path / "council.toml"
    settings.write_text(revdesk.settings.read_text(encoding="utf-8")
                        + "\n[writeoffs]\napproval_limits_pence = { team_leader = 50000 }\n", encoding="utf-8")
    council = Revdesk(revdesk.capsys, revdesk.db, settings)
    wid = str(propose(council, "500.01")["writeoff_id"])
    code, out, err = council("writeoffs", "decide", wid, "--decision", "approve", "--note", "ok", "--json", user="lead")
    assert (code, out) == (1, "")
    lead, olly = council.login("lead"), council.login("olly")
    assert err.strip() == (f"revdesk: The write-off of £500.01 is above {lead}'s limit as a team leader (£500.00): "
                           "it needs someone with a higher limit in the scheme of delegation.")
    code, _, err = council("writeoffs", "decide", wid, "--decision", "approve", "--json", user="olly")
    assert code == 1 and err.strip() == f"revdesk: {olly} proposed this write-off and so cannot decide it: a write-off " \
        "needs a second person, within their limit, to approve or reject it."
    assert council.json("writeoffs", "decide", wid, "--decision", "approve", user="boss")["status"] == "approved"


@pytest.mark.parametrize(("args", "message"), [
    (("--amount", "944.36"), "more than account 70000005 has outstanding for 2025/26, £944.35"),
    (("--amount", "1", "--year", "2024"), "owes nothing for 2024/25"),
    (("--amount", "1", "--reason", "bored"), "'bored' is not a write-off reason"),
    (("--amount", "1", "--reason", "other", "--note", ""), "A note saying why the debt is written off is required"),
    (("--amount", "1", "--reason", "insolvency"), "The evidence (the bankruptcy order"),
])
def test_bad_input_exits_2_naming_what_is_wrong(sqlite_revdesk: Revdesk, args: tuple[str, ...], message: str) -> None:
    base = {"--year": "2025", "--reason": "uneconomical", "--note": "x"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    options = [item for key, value in {**base, **given}.items() for item in (key, value)]
    code, out, err = sqlite_revdesk("writeoffs", "propose", REF, *options, "--as-of", "2025-06-30", "--json", user="olly")
    assert (code, out) == (2, "") and message in err and "Traceback" not in err
    assert err.count("\n") == 1  # one sentence
    assert sqlite_revdesk.json("writeoffs", "list")["writeoffs"] == []


def test_the_schedule_workbook_and_its_csv_twin(sqlite_revdesk: Revdesk, tmp_path: Path) -> None:
    cli = sqlite_revdesk
    for amount, user in (("120.50", "lead"), ("10", None), ("800", "boss")):
        if user is None:  # a proposal left waiting: not on the schedule of approved write-offs
            propose(cli, "10")
            continue
        wid = str(propose(cli, amount)["writeoff_id"])
        cli.json("writeoffs", "decide", wid, "--decision", "approve", "--as-of", "2025-07-01", user=user)
    out = tmp_path / "schedule.xlsx"
    result = cli.json("writeoffs", "export", "--out", str(out), "--from", "2025-07-01", "--to", "2025-07-31")
    assert result == {"rows": 2, "total_pence": 92050, "file": str(out), "csv_file": str(tmp_path / "schedule.csv"),
                      "public": False}
    book = load_workbook(out)
    assert book.sheetnames == ["Schedule", "Summary"]
    sheet = book["Schedule"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Account ref", "Name", "Property address", "Financial year", "Amount (£)", "Reason",
                       "Proposed by", "Proposed on", "Approved by", "Approved on"]
    assert rows[1][:5] == [REF, "Jordan Price", rows[1][2], "2025/26", 120.5] and rows[1][2]
    assert rows[1][6:] == ["olly", datetime(2025, 6, 30), "lead", datetime(2025, 7, 1)]
    assert rows[3][0] == "Total" and rows[3][4] == 920.5
    assert sheet["E2"].number_format == '"£"#,##0.00;-"£"#,##0.00' and sheet["H2"].is_date
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J3"
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    assert ["Uneconomical to pursue", 2, 920.5] in summary and ["2025/26", 2, 920.5] in summary
    assert summary[-1] == ["Total", 2, 920.5]
    with open(tmp_path / "schedule.csv", encoding="utf-8-sig", newline="") as handle:
        twin = list(csv.reader(handle))
    assert twin[0] == rows[0] and twin[1][4] == "120.50" and twin[1][7] == "2025-06-30" and len(twin) == 3
    # the path exists now: refused unless --force, and nothing changed
    code, out_text, err = cli("writeoffs", "export", "--out", str(out), "--json")
    assert (code, out_text) == (2, "") and "already exists" in err and "--force" in err
    public = cli.json("writeoffs", "export", "--out", str(out), "--public", "--force")
    assert public["public"] is True
    names = [[c.value for c in row][1:3] for row in load_workbook(out)["Schedule"].iter_rows(min_row=2, max_row=3)]
    assert names == [[None, None], [None, None]]
    assert Decimal("920.50") == Decimal(str(load_workbook(out)["Schedule"]["E4"].value))


def test_an_empty_schedule_is_still_a_workbook(sqlite_revdesk: Revdesk, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    assert sqlite_revdesk.json("writeoffs", "export", "--out", str(out)) == {
        "rows": 0, "total_pence": 0, "file": str(out), "csv_file": str(tmp_path / "empty.csv"), "public": False}
    assert load_workbook(out)["Schedule"]["A2"].value == "Total"
    code, _, err = sqlite_revdesk("writeoffs", "export", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "ending .xlsx" in err
