"""Out-of-range input at the edge (issue 14 part 5), end to end through `revdesk`: each is
exit 2 with one sentence on stderr naming the field, no traceback, and nothing written;
an import keeps its good rows and rejects the others with line and reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bootstrap import AppContext, bootstrap
from app.models import BatchRun, LedgerTransaction, Payment, Person
from tests.cli.harness import Revdesk, with_examples
from tests.conftest import embedded_user
from tests.services.money_helpers import count_rows


@pytest.fixture
def revdesk(capsys: pytest.CaptureFixture[str], db_url: str, examples: Path) -> Revdesk:
    cli = with_examples(capsys, db_url, examples)
    return cli


@pytest.fixture
def ctx(revdesk: Revdesk) -> Iterator[AppContext]:
    context = bootstrap(revdesk.db, str(revdesk.settings), embedded_user(revdesk.db, "clerk"))
    yield context
    context.db.dispose()


def written(ctx: AppContext) -> tuple[int, int, int]:
    return count_rows(ctx, Payment), count_rows(ctx, LedgerTransaction), count_rows(ctx, BatchRun)


def refused(revdesk: Revdesk, *args: str) -> str:
    """Run a command that must be refused; its stderr, checked to be one line and no traceback."""
    try:
        code, out, err = revdesk(*args, "--json")
    except SystemExit as stopped:  # argparse refuses a bad option value before anything runs
        code = int(stopped.code or 0)
        out, err = revdesk.capsys.readouterr()
    assert code == 2 and out == ""
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("revdesk: ") and err.strip().endswith(".")
    return err.strip()


POST = ("payment", "post", "70000003", "--method", "cash", "--as-of", "2025-06-30")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--amount", "1e3", "--date", "2025-06-01", "--reference", "R-1"),
         "revdesk: --amount: '1e3' is not an amount in pounds: write plain figures, such as 1234.56 or £1,234.56."),
        (("--amount", "99999999999", "--date", "2025-06-01", "--reference", "R-1"),
         "revdesk: --amount: '99999999999' is over £10,000,000.00, the most one amount may be."),
        (("--amount", "10", "--date", "0001-01-01", "--reference", "R-1"),
         "revdesk: --date: 01/01/0001 is before 1 April 1993, when council tax began."),
        (("--amount", "10", "--date", "2025-06-01", "--reference", "R-1\x1b[31m"),
         "revdesk: The reference contains a control character (ESC): type it again without it."),
        (("--amount", "10", "--date", "2025-06-01", "--reference", "R-1\x00"),
         "revdesk: The reference contains a control character (NUL): type it again without it."),
    ],
)
def test_payment_post_out_of_bounds(revdesk: Revdesk, ctx: AppContext, args: tuple[str, ...], message: str) -> None:
    before = written(ctx)
    assert refused(revdesk, *POST, *args) == message
    assert written(ctx) == before


def test_recovery_run_far_in_the_future(revdesk: Revdesk, ctx: AppContext) -> None:
    before = written(ctx)
    err = refused(revdesk, "recovery", "run", "--as-of", "9999-12-31")
    assert err.startswith("revdesk: --as-of: 31/12/9999 is more than 10 years ahead: the latest date accepted is ")
    assert written(ctx) == before


def test_a_good_payment_still_posts(revdesk: Revdesk) -> None:
    """The bounds leave ordinary input alone: the JSON contract is unchanged."""
    posted = revdesk.json(*POST, "--amount", "£10,000,000.00", "--date", "2025-06-01", "--reference", "BIG-1",
                          "--confirm-credit")
    assert posted["amount_pence"] == 1_000_000_000 and posted["received_on"] == "2025-06-01"


def test_payment_import_keeps_good_rows_and_names_the_bad(revdesk: Revdesk, ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "payment_ref,account_ref,date,amount,method\n"
        "GOOD-1,70000003,2025-06-01,10.00,cash\n"
        "BAD-1,70000003,2025-06-01,1e3,cash\n"
        "BAD-2,70000003,2025-06-01,99999999999,cash\n"
        "BAD-3,70000003,0001-01-01,10.00,cash\n"
        "BAD-4,70000003,9999-12-31,10.00,cash\n"
        "BAD-5\x1b[31m,70000003,2025-06-01,10.00,cash\n"
        "GOOD-2,70000003,2025-06-02,\"1,234.56\",cash\n",
        encoding="utf-8",
    )
    payments = count_rows(ctx, Payment)
    code, out, err = revdesk("import", "payments", str(path), "--json")
    summary = json.loads(out)
    assert code == 2 and (summary["imported"], summary["rejected"]) == (2, 5)
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [
        (3, "amount"), (4, "amount"), (5, "date"), (6, "date"), (7, "payment_ref")]
    reasons = [e["message"] for e in summary["errors"]]
    assert "is not an amount in pounds" in reasons[0] and "£10,000,000.00" in reasons[1]
    assert "before 1 April 1993" in reasons[2] and "more than 10 years ahead" in reasons[3]
    assert reasons[4] == "payment_ref contains a control character (ESC)"
    assert f"{path}, line 7, field 'payment_ref'" in err and "Traceback" not in err
    assert count_rows(ctx, Payment) == payments + 2


def test_account_import_rejects_control_characters_and_far_dates(revdesk: Revdesk, ctx: AppContext,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    header = ("account_ref,uprn,title,forenames,surname,joint_names,email,phone,liable_from,liable_to,discount,"
              "exemption_class,disabled_band_reduction,payment_method,instalments,instalment_day\n")
    path.write_text(
        header
        + "80000001,200001000001,Ms,Ann,Smith\x00,,,,2026-04-01,,,,N,cash,10,1\n"
        + "80000002,200001000001,Ms,Ann,Smith,,,,0001-01-01,,,,N,cash,10,1\n",
        encoding="utf-8",
    )
    people = count_rows(ctx, Person)
    code, out, _ = revdesk("import", "accounts", str(path), "--json")
    summary = json.loads(out)
    assert code == 2 and (summary["imported"], summary["rejected"]) == (0, 2)
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [(2, "surname"), (3, "liable_from")]
    assert count_rows(ctx, Person) == people


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("liability", "reduction", "70000005", "--percent", "inf", "--from", "2025-04-01"),
         "revdesk: --percent: 'inf' is not a percentage (use a plain number such as 25 or 12.5)."),
        (("liability", "reduction", "70000005", "--percent", "1e3", "--from", "2025-04-01"),
         "revdesk: --percent: '1e3' is not a percentage (use a plain number such as 25 or 12.5)."),
        (("bill", "--year", "99999999999"), "revdesk: --year: '99999999999' is too large a number."),
        (("bill", "--year", "9999"), "revdesk: The year 9999 is not a year from 1993 to "),
        (("worklist", "list", "--page", "1" + "0" * 20), "revdesk: --page: '100000000000000000000' is too large a number."),
        (("refund", "request", "70000004", "--amount", "1,00", "--payee", "M Doyle", "--reason", "Overpaid"),
         "revdesk: --amount: '1,00' is not an amount in pounds: a comma may only separate thousands (1,250.00); "
         "write pence after a point, such as 12.50."),
    ],
)
def test_other_numbers_out_of_bounds(revdesk: Revdesk, ctx: AppContext, args: tuple[str, ...], message: str) -> None:
    before = written(ctx)
    assert refused(revdesk, *args).startswith(message)
    assert written(ctx) == before


def test_property_import_rejects_a_control_character_in_any_column(revdesk: Revdesk, tmp_path: Path) -> None:
    path = tmp_path / "properties.csv"
    path.write_text(
        "uprn,address_line1,address_line2,town,postcode,band,parish\n"
        "300001000001,1 New Road,,Fenby,EX1 1AA,A,\n"
        "3000010\x1b00002,2 New Road,,Fenby,EX1 1AA,A,\n"
        "300001000003,3 New Road\x07,,Fenby,EX1 1AA,A,\n"
        "3000010\x0000004,4 New Road,,Fenby,EX1 1AA,A,\n",
        encoding="utf-8",
    )
    code, out, err = revdesk("import", "properties", str(path), "--json")
    summary = json.loads(out)
    assert code == 2 and (summary["imported"], summary["rejected"]) == (1, 3) and "Traceback" not in err
    assert [(e["line"], e["field"], e["message"]) for e in summary["errors"]] == [
        (3, "uprn", "uprn contains a control character (ESC)"),
        (4, "address_line1", "address_line1 contains a control character (BEL)"),
        (5, "uprn", "uprn contains a control character (NUL)"),  # and no NUL reaches PostgreSQL, which refuses it
    ]
