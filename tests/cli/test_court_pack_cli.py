"""End to end through `revdesk court pack`, `revdesk --pack FILE ...`, `court journal`,
`court sync`, `court conflicts` and `court resolve`: JSON and exit codes per the contract
(formats/README.md), one sentence and no traceback when a pack cannot be used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import bootstrap
from app.cli import main
from tests.cli.harness import Revdesk, with_examples
from tests.services.court_helpers import summons

HEARING = "2025-07-15"
LISTED = ("70000001", "70000002", "70000003", "70000004", "70000005")


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    ctx = bootstrap(db_url, str(cli.settings), Revdesk.ADMIN if cli.embedded else None)
    try:
        for ref in LISTED:
            summons(ctx, ref, 2025, 100000)
    finally:
        ctx.db.dispose()
    cli.add_user("lead", "team_leader")
    return cli


def at_court(cli: Revdesk, pack: Path, *args: str) -> tuple[int, str, str]:
    """`revdesk --pack FILE ...` as the officer who packed it (the clerk)."""
    code = main(["--pack", str(pack), "--settings", str(cli.settings), "--user", cli.login(Revdesk.ADMIN), *args])
    out, err = cli.capsys.readouterr()
    return code, out, err


def at_court_json(cli: Revdesk, pack: Path, *args: str) -> dict[str, Any]:
    code, out, err = at_court(cli, pack, *args, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_pack_work_at_court_journal_and_sync(revdesk: Revdesk, tmp_path: Path) -> None:
    pack = tmp_path / "hearing.pack"
    made = revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    assert made["accounts"] == 5 and made["file"] == str(pack) and made["pack_id"]
    code, _, err = revdesk("court", "pack", "--hearing", HEARING, "--out", str(pack))
    assert code == 2 and "already exists" in err and "--force" in err

    code, out, _ = revdesk("court", "list", "--hearing", HEARING, "--as-of", HEARING)
    assert code == 0 and "Packed for court: at court until 22/07/2025" in out  # the office sees the lease
    listing = at_court_json(revdesk, pack, "court", "list", "--hearing", HEARING, "--as-of", HEARING)
    assert listing["accounts"] == 5
    assert at_court_json(revdesk, pack, "account", "show", "70000003", "--as-of", HEARING)["account_ref"] == "70000003"
    at_court_json(revdesk, pack, "court", "outcome", "70000001", "--hearing", HEARING, "--outcome", "granted",
                  "--as-of", HEARING)
    at_court_json(revdesk, pack, "payment", "post", "70000002", "--amount", "25.00", "--date", HEARING, "--method", "cash",
                  "--reference", "COURT-1", "--as-of", HEARING)
    at_court_json(revdesk, pack, "arrangement", "create", "70000003", "--frequency", "monthly", "--start", "2025-08-01",
                  "--end", "2026-03-01", "--as-of", HEARING, "--confirm")
    at_court_json(revdesk, pack, "note", "add", "70000002", "--text", "Paid £25 at court, receipt 77")
    journal = at_court_json(revdesk, pack, "court", "journal")
    assert [(e["seq"], e["command"], e["account_ref"]) for e in journal["entries"]] == [
        (1, "court.record_outcome", "70000001"), (2, "payments.post_payment", "70000002"),
        (3, "arrangements.create", "70000003"), (4, "casework.add_note", "70000002"),
    ]
    code, _, err = at_court(revdesk, pack, "court", "outcomes", "--hearing", HEARING, "--outcome", "granted")
    assert code == 1 and "journaled" in err  # a chunked run cannot be one journal entry

    receipt = revdesk.json("court", "sync", str(pack))
    assert {k: receipt[k] for k in ("sent", "applied", "already_applied", "conflicts", "payments_pence")} == {
        "sent": 4, "applied": 4, "already_applied": 0, "conflicts": 0, "payments_pence": 2500}
    shown = revdesk.json("account", "show", "70000001", "--as-of", HEARING)
    assert shown["recovery"]["stage"] == "liability_order"
    assert revdesk.json("court", "sync", str(pack))["sent"] == 0
    code, out, _ = revdesk("court", "list", "--hearing", HEARING, "--as-of", HEARING)
    assert code == 0 and "Packed for court" not in out  # released by the sync
    code, _, err = at_court(revdesk, pack, "note", "add", "70000002", "--text", "Too late")
    assert code == 1 and "read-only" in err


def test_conflicts_listed_and_resolved_by_a_team_leader(revdesk: Revdesk, tmp_path: Path) -> None:
    pack = tmp_path / "hearing.pack"
    revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    at_court_json(revdesk, pack, "court", "outcome", "70000004", "--hearing", HEARING, "--outcome", "granted",
                  "--as-of", HEARING)
    revdesk.json("--confirm-at-court", "court", "outcome", "70000004", "--hearing", HEARING, "--outcome", "withdrawn",
                 "--as-of", HEARING)
    assert revdesk.json("court", "sync", str(pack))["conflicts"] == 1
    [conflict] = revdesk.json("court", "conflicts")["conflicts"]
    assert conflict["account_ref"] == "70000004" and conflict["court"]["request"]["fields"]["outcome"] == "granted"
    code, _, err = revdesk("court", "resolve", conflict["id"], "--keep", "office", "--note", "Withdrawn: paid")
    assert code == 0, err  # the clerk is an admin
    assert revdesk.json("court", "conflicts")["conflicts"] == []
    code, _, err = revdesk("court", "resolve", "not-an-id", "--keep", "office", "--note", "x")
    assert code == 2 and "sync conflict id" in err


def test_edit_and_apply_from_the_command_line(revdesk: Revdesk, tmp_path: Path) -> None:
    """`court resolve --keep court --set FIELD=VALUE`: the court's arrangement, corrected, applied."""
    pack = tmp_path / "hearing.pack"
    revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    at_court_json(revdesk, pack, "arrangement", "create", "70000001", "--frequency", "monthly", "--start", "2025-08-01",
                  "--end", "2026-03-01", "--as-of", HEARING, "--confirm")
    revdesk.json("payment", "post", "70000001", "--amount", "300.00", "--date", HEARING, "--method", "cash",
                 "--reference", "OFFICE-1", "--as-of", HEARING)
    assert revdesk.json("court", "sync", str(pack))["conflicts"] == 1
    [conflict] = revdesk.json("court", "conflicts")["conflicts"]
    code, _, err = revdesk("court", "resolve", conflict["id"], "--keep", "court", "--note", "x", "--set", "colour=red")
    assert code == 2 and "no field 'colour'" in err
    code, _, err = revdesk("court", "resolve", conflict["id"], "--keep", "court", "--note", "x", "--set", "start=soon")
    assert code == 2 and "start" in err
    code, _, err = revdesk("court", "resolve", conflict["id"], "--keep", "office", "--note", "x", "--set",
                           "start=2025-09-01")
    assert code == 2 and "keep 'court'" in err
    assert len(revdesk.json("court", "conflicts")["conflicts"]) == 1  # nothing resolved by a refused edit
    done = revdesk.json("court", "resolve", conflict["id"], "--keep", "court", "--note", "Started in September",
                        "--set", "start=2025-09-01")
    assert (done["status"], done["resolution"]) == ("resolved", "court")
    assert revdesk.json("court", "conflicts")["conflicts"] == []
    shown = revdesk.json("arrangement", "show", "70000001", "--as-of", HEARING)
    assert shown["start"] == "2025-09-01"


def test_a_pack_that_cannot_be_used_is_one_sentence(revdesk: Revdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "hearing.pack"
    revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    before = pack.read_bytes()
    monkeypatch.setenv("REVDESK_PACK_KEY", "1" * 64)
    code, _, err = at_court(revdesk, pack, "court", "list", "--hearing", HEARING)
    assert code == 1 and "cannot be opened as a court pack" in err and "Traceback" not in err and err.count("\n") == 1
    monkeypatch.setenv("REVDESK_PACK_KEY", "not hex")
    code, _, err = revdesk("court", "sync", str(pack))
    assert code == 1 and "64 hex digits" in err
    monkeypatch.delenv("REVDESK_PACK_KEY")
    code, _, err = at_court(revdesk, tmp_path / "missing.pack", "court", "list", "--hearing", HEARING)
    assert code == 2 and "no court pack" in err
    code, _, err = at_court(revdesk, pack, "--db", revdesk.db, "court", "list", "--hearing", HEARING)
    assert code == 2 and "court mode works on the pack alone" in err
    code, _, err = at_court(revdesk, pack, "bill", "--year", "2025")
    assert code == 2 and "not done in court mode" in err
    assert pack.read_bytes() == before


def test_without_a_keyring_a_pack_gets_a_key_of_its_own_shown_once(
    revdesk: Revdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server or CI has no keyring and may not have REVDESK_PACK_KEY set: the pack is still
    made, with a random key for it alone that is stored nowhere and shown once (stdout JSON
    and a sentence on stderr); that key, given as REVDESK_PACK_KEY, opens it."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    monkeypatch.delenv("REVDESK_PACK_KEY", raising=False)
    keyring.set_keyring(NoKeyring())
    pack = tmp_path / "hearing.pack"
    code, out, err = revdesk("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14", "--json")
    assert code == 0, err
    made = json.loads(out)
    key = made["key"]
    assert len(bytes.fromhex(key)) == 32 and f"REVDESK_PACK_KEY={key}" in err
    assert key.encode() not in pack.read_bytes()  # not in the file it protects
    code, _, err = at_court(revdesk, pack, "court", "list", "--hearing", HEARING)
    assert code == 1 and "REVDESK_PACK_KEY" in err  # without it, nothing opens the pack
    monkeypatch.setenv("REVDESK_PACK_KEY", key)
    listed = at_court_json(revdesk, pack, "court", "list", "--hearing", HEARING)
    assert {e["account_ref"] for e in listed["entries"]} == set(LISTED)


def test_the_office_confirms_a_change_to_a_case_at_court(revdesk: Revdesk, tmp_path: Path) -> None:
    pack = tmp_path / "hearing.pack"
    revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    withdraw = ("court", "outcome", "70000002", "--hearing", HEARING, "--outcome", "withdrawn", "--as-of", HEARING)
    code, out, err = revdesk(*withdraw)
    assert code == 1 and out == ""
    assert "Account 70000002 is at court until 22/07/2025 (pack made by " in err and "--confirm-at-court" in err
    assert "Traceback" not in err
    assert revdesk.json("--confirm-at-court", *withdraw)["account_ref"] == "70000002"


def test_journal_exported_for_a_colleague_then_the_pack_synced(revdesk: Revdesk, tmp_path: Path) -> None:
    pack, export = tmp_path / "hearing.pack", tmp_path / "journal.export"
    revdesk.json("court", "pack", "--hearing", HEARING, "--out", str(pack), "--as-of", "2025-07-14")
    at_court_json(revdesk, pack, "payment", "post", "70000002", "--amount", "25.00", "--date", HEARING, "--method", "cash",
                  "--reference", "COURT-1", "--as-of", HEARING)
    code, _, err = revdesk("court", "wipe", str(pack))
    assert code == 1 and "1 journal entry not yet synced" in err and pack.is_file()
    done = at_court_json(revdesk, pack, "court", "journal", "--export", str(export))
    assert (done["entries"], done["file"]) == (1, str(export)) and done["pack_id"] and done["device_id"] and done["source"]
    code, out, err = revdesk("court", "sync", str(export))
    assert code == 0 and "This was a journal export" in out and "pack itself" in out, err
    code, _, err = at_court(revdesk, export, "court", "journal")
    assert code == 2 and "not a pack" in err
    receipt = revdesk.json("court", "sync", str(pack))
    assert (receipt["sent"], receipt["applied"], receipt["already_applied"], receipt["export"]) == (1, 0, 1, False)
    wiped = revdesk.json("court", "wipe", str(pack))
    assert (wiped["entries"], wiped["file"]) == (1, str(pack)) and not pack.exists()
    assert revdesk.json("court", "wipe", str(export))["entries"] == 1 and not export.exists()
