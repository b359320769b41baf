"""The `rules aoe` and `rules ea-fees` commands (../shared/formats/README.md): worked
figures from ../shared/domain/README.md §4 (AER 1992 Sch 4; SI 2014/1). No database."""

from __future__ import annotations

import json

import pytest

from app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_aoe_monthly_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "aoe", "--net", "1000", "--period", "monthly", "--json")
    data = json.loads(out)
    assert code == 0 and data["deduction_pence"] == 12_000
    assert data["band"] == "over £900 and not over £1,420: 12% of the whole"


def test_aoe_weekly_top_band_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "aoe", "--net", "£600.00", "--period", "weekly", "--json")
    assert code == 0 and json.loads(out)["deduction_pence"] == 13_335
    code, out, _ = run(capsys, "rules", "aoe", "--net", "600", "--period", "weekly")
    assert code == 0 and out.startswith("£133.35")


def test_aoe_wales_order_date_and_periods(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["rules", "aoe", "--net", "105.01", "--period", "weekly", "--country", "wales", "--order-date", "2022-04-01", "--json"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and json.loads(out)["deduction_pence"] == 315
    code, out, _ = run(capsys, "rules", "aoe", "--net", "300", "--period", "daily", "--periods", "10", "--json")
    assert code == 0 and json.loads(out)["deduction_pence"] == 2_100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--net", "-5", "--period", "weekly"], "Net earnings cannot be negative."),
        (["--net", "100", "--period", "fortnightly"], "The pay period must be weekly, monthly or daily, not 'fortnightly'."),
        (["--net", "100", "--period", "weekly", "--country", "scotland"],
         "The country must be England or Wales, not 'scotland'."),
    ],
)
def test_aoe_bad_input_is_one_sentence(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, "rules", "aoe", *args, "--json")
    assert code == 2 and out == ""
    assert err.strip() == f"revdesk: {message}"
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("debt", "stage", "expected"),
    [("1000", "compliance", 7_500), ("1500", "enforcement", 31_000), ("2000", "enforcement", 34_750), ("2000", "sale", 49_500)],
)
def test_ea_fees(capsys: pytest.CaptureFixture[str], debt: str, stage: str, expected: int) -> None:
    code, out, _ = run(capsys, "rules", "ea-fees", "--debt", debt, "--stage", stage, "--json")
    data = json.loads(out)
    assert code == 0 and data["fees_pence"] == expected
    assert sum(s["fee_pence"] for s in data["stages"]) == expected


def test_ea_fees_for_two_orders_enforced_together(capsys: pytest.CaptureFixture[str]) -> None:
    """SI 2014/1 reg 11: a compliance fee per order, one enforcement fee, 7.5% of the total over £1,500."""
    code, out, _ = run(capsys, "rules", "ea-fees", "--debt", "1000", "--debt", "1000", "--stage", "enforcement", "--json")
    assert code == 0 and json.loads(out) == {
        "fees_pence": 42_250,
        "stages": [{"stage": "compliance", "fee_pence": 15_000}, {"stage": "enforcement", "fee_pence": 27_250}],
    }


def test_ea_fees_vulnerable_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "ea-fees", "--debt", "2000", "--stage", "enforcement", "--vulnerable-without-advice",
                       "--json")
    assert code == 0 and json.loads(out)["fees_pence"] == 7_500
    code, out, _ = run(capsys, "rules", "ea-fees", "--debt", "2000", "--stage", "sale")
    assert code == 0 and "total" in out and "£495.00" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--debt", "-1", "--stage", "compliance"], "The sum to be recovered cannot be negative."),
        (["--debt", "100", "--stage", "removal"], "The stage must be compliance, enforcement or sale, not 'removal'."),
    ],
)
def test_ea_fees_bad_input(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run(capsys, "rules", "ea-fees", *args, "--json")
    assert code == 2 and out == "" and err.strip() == f"revdesk: {message}"
