"""Issue 16 part 2, end to end: one balance everywhere. After the README's own
`bill --year 2027 --as-of 2027-03-10`, search and `account show` had disagreed (£1,448.55
against £128.00 for the same account) because search added next year's bill, not yet due,
to what was owed. Now both give what is owed now, with next year's bill shown apart."""

from __future__ import annotations

import pytest

from app.money import fmt
from app.paths import DEFAULT_SETTINGS
from tests.cli.harness import Revdesk

BILLED = "2027-03-10"


def owed(cli: Revdesk, *as_of: str) -> dict[str, int]:
    found = cli.json("search", "a", "--limit", "200", *as_of)["results"]
    return {r["account_ref"]: r["balance_pence"] for r in found}


def test_next_years_bill_is_shown_apart_from_what_is_owed_now(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    cli = Revdesk(capsys, db_url, DEFAULT_SETTINGS)  # the built-in settings bill 2027/28, as the README does
    assert cli("demo", "--accounts", "40", "--seed", "1", "--as-of", "2027-03-01")[0] == 0
    before = owed(cli, "--as-of", BILLED)
    assert any(before.values())
    assert cli("bill", "--year", "2027", "--as-of", BILLED)[0] == 0

    after = owed(cli, "--as-of", BILLED)
    assert after == before  # next year's bill is not owed yet, so search does not add it
    billed = []
    for ref in sorted(after)[:12]:
        shown = cli.json("account", "show", ref, "--as-of", BILLED)
        assert shown["balance_pence"] == after[ref]  # the header's figure is search's figure
        if not shown["later_bills"]:  # no longer liable on 1 April 2027: not billed
            continue
        billed.append(ref)
        (bill,) = shown["later_bills"]
        assert bill["year"] == 2027 and bill["bill_pence"] > 0 and bill["first_due"] >= "2027-04-01"
        assert bill["balance_pence"] == bill["bill_pence"]
        assert sum(y["balance_pence"] for y in shown["years"]) == after[ref] + bill["balance_pence"]
    assert len(billed) >= 3
    ref = billed[-1]
    (bill,) = cli.json("account", "show", ref, "--as-of", BILLED)["later_bills"]
    code, text, _ = cli("account", "show", ref, "--as-of", BILLED)
    due = bill["first_due"]
    assert code == 0 and f"2027/28 bill: {fmt(bill['bill_pence'])}, first instalment {due[8:]}/{due[5:7]}/{due[:4]}" in text
    # Before the run's date the bill does not exist yet: nothing is shown apart.
    assert cli.json("account", "show", ref, "--as-of", "2027-03-09")["later_bills"] == []
    # From 1 April the year is this year, and what it owes is owed now.
    april = cli.json("account", "show", ref, "--as-of", "2027-04-01")
    assert april["later_bills"] == [] and april["balance_pence"] == after[ref] + bill["balance_pence"]
    assert owed(cli, "--as-of", "2027-04-01")[ref] == april["balance_pence"]
