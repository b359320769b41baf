"""`revdesk account timeline REF [--from DATE] --json`: the Timeline tab's list, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.harness import with_examples


def test_timeline_lists_bills_letters_and_payments_from_a_date(
    capsys: pytest.CaptureFixture[str], db_url: str, examples: Path,
) -> None:
    cli = with_examples(capsys, db_url, examples)
    assert cli("bill", "--year", "2025", "--as-of", "2025-03-10")[0] == 0
    cli.json("payment", "post", "70000001", "--amount", "50.00", "--date", "2025-06-02", "--method", "card",
             "--reference", "CARD-TL", "--as-of", "2025-06-20")
    everything = cli.json("account", "timeline", "70000001")
    assert everything["account_ref"] == "70000001" and everything["from"] is None
    entries = everything["entries"]
    assert set(entries[0]) == {"on", "kind", "title", "detail", "amount_pence", "by", "opens", "ref_id"}
    assert [e["on"] for e in entries] == sorted(e["on"] for e in entries)
    assert {"bill", "letter", "payment"} <= {e["kind"] for e in entries}
    (card,) = [e for e in entries if "CARD-TL" in e["title"]]
    assert (card["on"], card["amount_pence"], card["opens"]) == ("2025-06-02", -5000, "transactions")
    since = cli.json("account", "timeline", "70000001", "--from", "2025-06-01")
    assert since["from"] == "2025-06-01" and since["entries"] == [e for e in entries if e["on"] >= "2025-06-01"]
    code, text, _ = cli("account", "timeline", "70000001", "--from", "2025-06-01")
    assert code == 0 and "02/06/2025" in text and "Payment CARD-TL" in text and "-£50.00" in text
    code, out, err = cli("account", "timeline", "99999999", "--json")
    assert (code, out) == (1, "") and err == "revdesk: There is no account with reference 99999999.\n"
