"""`revdesk bill` and `revdesk liability ...` end to end (../shared/formats/README.md contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture
def billed(capsys: pytest.CaptureFixture[str], sqlite_url: str, examples: Path) -> str:
    settings = examples / "settings.toml"
    for kind in ("properties", "accounts", "payments"):
        assert run(capsys, sqlite_url, "import", kind, str(examples / f"{kind}.csv"), settings=settings)[0] == 0
    code, out, err = run(capsys, sqlite_url, "bill", "--year", "2025", "--as-of", "2025-03-10", "--json", settings=settings)
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["accounts_examined"], summary["charges"], summary["notices"], summary["status"]) == (5, 5, 5, "completed")
    return sqlite_url


def test_bill_twice_adds_nothing_and_account_show_has_the_plan(
    capsys: pytest.CaptureFixture[str], billed: str, examples: Path
) -> None:
    settings = examples / "settings.toml"
    code, out, _ = run(capsys, billed, "bill", "--year", "2025", "--as-of", "2025-03-11", "--json", settings=settings)
    assert code == 0 and json.loads(out)["charges"] == 0 and json.loads(out)["notices"] == 0
    code, out, _ = run(capsys, billed, "account", "show", "70000001", "--as-of", "2025-05-02", "--json", settings=settings)
    year = json.loads(out)["years"][0]
    assert year["charge_pence"] == 122500
    assert year["instalments"][:2] == [
        {"due": "2025-04-01", "amount_pence": 11800, "paid_pence": 11800},
        {"due": "2025-05-01", "amount_pence": 12300, "paid_pence": 12300},
    ]


def test_liability_preview_then_change(capsys: pytest.CaptureFixture[str], billed: str, examples: Path) -> None:
    settings = examples / "settings.toml"
    args = ("liability", "move-out", "70000001", "--date", "2025-06-16", "--as-of", "2025-06-20", "--json")
    code, out, _ = run(capsys, billed, *args, "--preview", settings=settings)
    trial = json.loads(out)
    assert code == 0 and trial["preview"] and trial["years"][0]["charge_pence"] == 25843
    code, out, _ = run(capsys, billed, "account", "show", "70000001", "--as-of", "2025-06-20", "--json", settings=settings)
    assert json.loads(out)["liable_to"] is None
    code, out, _ = run(capsys, billed, *args, settings=settings)
    assert code == 0 and json.loads(out)["years"][0]["notice"] == "amended_demand_notice"
    code, out, _ = run(capsys, billed, "account", "show", "70000001", "--as-of", "2025-06-20", "--json", settings=settings)
    shown = json.loads(out)
    assert shown["liable_to"] == "2025-06-16"
    assert [t["kind"] for t in shown["transactions"]][-1] == "adjustment"


@pytest.mark.parametrize(
    ("args", "field_words"),
    [
        (("liability", "move-out", "70000001", "--date", "2025-03-01"), "before the move-in date"),
        (("liability", "discount", "70000003", "--kind", "SPD", "--from", "2025-09-01"), "outside the liability period"),
        (("liability", "discount", "70000003", "--kind", "STUDENT", "--from", "2025-11-01"), "not a discount"),
        (("liability", "move-in", "--uprn", "200001000004", "--surname", "X", "--date", "2025-11-01", "--day", "31"), "1 to 28"),
        (("bill", "--year", "2030"), "no Band D figures for 2030/31"),
    ],
)
def test_bad_input_exits_2_with_one_clear_sentence(
    capsys: pytest.CaptureFixture[str], billed: str, examples: Path, args: tuple[str, ...], field_words: str
) -> None:
    code, out, err = run(capsys, billed, *args, "--as-of", "2025-11-01", settings=examples / "settings.toml")
    assert code == 2 and field_words in err and "Traceback" not in err and out == ""


def test_reduction_percent_is_exact(capsys: pytest.CaptureFixture[str], billed: str, examples: Path) -> None:
    code, out, err = run(capsys, billed, "liability", "reduction", "70000005", "--percent", "12.5", "--from", "2025-04-01",
                         "--as-of", "2025-07-01", "--json", settings=examples / "settings.toml")
    assert code == 0, err
    year = json.loads(out)["years"][0]
    # all disregarded (50%), band C in Fenby: base 188871, discount 94435.50 -> 94436 (half up), charge 94435
    assert year["charge_pence"] == 94435 and year["reduction_pence"] == 11804  # 12.5% of 944.35 = 118.04375
