"""CSV imports (../shared/formats/README.md): good rows kept, bad rows reported with line and
field, re-imports add nothing, whole-file problems refuse the file."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts import imports
from app.accounts.summary import account_summary
from app.adapters.csv_files import CsvFileError
from app.bootstrap import AppContext
from app.models import Account, AuditEvent, LedgerTransaction, Payment, Property
from app.payments import imports as payment_imports
from tests.services.helpers import load_examples, write_csv

PROPS_HEADER = "uprn,address_line1,address_line2,town,postcode,band,parish\n"
ACCTS_HEADER = (
    "account_ref,uprn,title,forenames,surname,joint_names,email,phone,liable_from,liable_to,discount,"
    "exemption_class,disabled_band_reduction,payment_method,instalments,instalment_day\n"
)


def count(ctx: AppContext, model: type) -> int:
    with ctx.db.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_examples_import_cleanly(ctx: AppContext, examples: Path) -> None:
    result = load_examples(ctx, examples)
    assert (result["properties"].imported, result["properties"].rejected) == (5, 0)
    assert (result["accounts"].imported, result["accounts"].rejected) == (5, 0)
    pays = result["payments"]
    assert (pays.imported, pays.suspense, pays.rejected, pays.skipped) == (5, 1, 0, 0)
    with ctx.db.uow() as uow:
        bennett = account_summary(uow, "70000002", date(2025, 5, 20))
        suspense = uow.session.scalars(select(Payment).where(Payment.status == "suspense")).one()
    assert bennett.joint_names == ["Marcus Reid"]
    assert bennett.liable_to == date(2025, 9, 30)
    assert bennett.balance_pence == -9000  # a £90 payment, nothing billed yet
    assert suspense.account_ref_given == "70000009" and suspense.amount_pence == 5000


def test_reimport_adds_nothing(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    before = (count(ctx, Property), count(ctx, Account), count(ctx, Payment), count(ctx, LedgerTransaction))
    again = load_examples(ctx, examples)
    assert [again[k].imported for k in ("properties", "accounts", "payments")] == [0, 0, 0]
    assert [again[k].skipped for k in ("properties", "accounts", "payments")] == [5, 5, 5]
    assert (count(ctx, Property), count(ctx, Account), count(ctx, Payment), count(ctx, LedgerTransaction)) == before


def test_every_payment_is_audited(ctx: AppContext, examples: Path) -> None:
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.entity == "payment")).all()
    assert len(events) == 5
    assert {e.username for e in events} == {ctx.actor.username}
    posted = next(e for e in events if e.after and e.after["payment_ref"] == "BK-20250403-0011")
    assert posted.after["amount_pence"] == 100000 and posted.account_id is not None


def test_bad_property_rows_are_reported_and_good_rows_kept(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PROPS_HEADER + (
        "1001,1 Good Street,,Town,EX1 1AA,C,\n"
        "1002,2 Bad Band,,Town,EX1 1AB,Z,\n"
        "1003,3 Bad Parish,,Town,EX1 1AC,A,Nowhere\n"
        "1001,1 Good Street again,,Town,EX1 1AA,C,\n"
        "abc,4 Bad Uprn,,Town,EX1 1AD,A,\n"
        "1004,5 Good Lane,,Fenby,ex91pu,b,Fenby\n"
    ))
    with ctx.db.uow() as uow:
        summary = imports.import_properties(uow, ctx.actor, ctx.settings, path)
    assert (summary.imported, summary.rejected) == (2, 4)
    assert [(e.line, e.field) for e in summary.errors] == [(3, "band"), (4, "parish"), (5, "uprn"), (6, "uprn")]
    assert "first on line 2" in summary.errors[2].message
    with ctx.db.uow() as uow:
        fenby = uow.session.scalars(select(Property).where(Property.uprn == "1004")).one()
        assert (fenby.postcode, fenby.band, fenby.parish.name if fenby.parish else None) == ("EX9 1PU", "B", "Fenby")


def test_all_or_nothing_writes_nothing_when_a_row_fails(ctx: AppContext, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PROPS_HEADER + "1001,1 Good Street,,Town,EX1 1AA,C,\n1002,2 Bad,,Town,EX1 1AB,Z,\n")
    with ctx.db.uow() as uow:
        summary = imports.import_properties(uow, ctx.actor, ctx.settings, path, all_or_nothing=True)
    assert (summary.imported, summary.rejected) == (0, 1)
    assert count(ctx, Property) == 0


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("uprn,address_line1,postcode,band,colour\n1,a,EX1 1AA,A,red\n", 1, "colour", "unknown column"),
        ("uprn,address_line1,band\n1,a,A\n", 1, "postcode", "missing"),
        ("", 1, None, "empty"),
        ("uprn,uprn,address_line1,postcode,band\n", 1, "uprn", "twice"),
    ],
)
def test_wrong_header_refuses_the_file(
    ctx: AppContext, tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", text) if text else tmp_path / "bad.csv"
    if not text:
        path.write_bytes(b"")
    with ctx.db.uow() as uow, pytest.raises(CsvFileError) as caught:
        imports.import_properties(uow, ctx.actor, ctx.settings, path)
    err = caught.value
    assert (err.line, err.field) == (line, field)
    assert words in str(err) and str(path) in str(err)
    assert count(ctx, Property) == 0


def test_not_utf8_refuses_the_file(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(PROPS_HEADER.encode() + "1,Caf\xe9 Row,,Town,EX1 1AA,A,\n".encode("latin-1"))
    with ctx.db.uow() as uow, pytest.raises(CsvFileError, match=r"line 2.*UTF-8"):
        imports.import_properties(uow, ctx.actor, ctx.settings, path)


def test_bom_and_uk_dates_are_accepted(ctx: AppContext, examples: Path, tmp_path: Path) -> None:
    with ctx.db.uow() as uow:
        imports.import_properties(uow, ctx.actor, ctx.settings, examples / "properties.csv")
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (ACCTS_HEADER + "80000001,200001000005,,Ann,Lee,,,,01/04/2025,,,,N,cash,10,1\n").encode())
    with ctx.db.uow() as uow:
        summary = imports.import_accounts(uow, ctx.actor, ctx.settings, path)
    assert (summary.imported, summary.rejected) == (1, 0)
    with ctx.db.uow() as uow:
        assert account_summary(uow, "80000001", date(2025, 6, 1)).liable_from == date(2025, 4, 1)


def test_bad_account_rows(ctx: AppContext, examples: Path, tmp_path: Path) -> None:
    load_examples(ctx, examples)
    path = write_csv(tmp_path / "a.csv", ACCTS_HEADER + (
        "80000001,200001000005,,Ann,Lee,,,,2025-04-01,,,,N,cash,10,31\n"          # 2 instalment_day
        "80000002,200001000005,,Bo,Lee,,,,2025-13-01,,,,N,cash,10,1\n"            # 3 bad date
        "80000003,200001000005,,Cy,Lee,,,,2025-06-01,2025-05-01,,,N,cash,10,1\n"  # 4 move-out before move-in
        "80000004,200001000001,,Di,Lee,,,,2025-06-01,,,,N,cash,10,1\n"            # 5 overlaps 70000001
        "80000005,999999,,Ed,Lee,,,,2025-06-01,,,,N,cash,10,1\n"                  # 6 unknown uprn
        "70000001,200001000001,Mr,Daniel,Hughes,,,,2025-04-01,,SPD,,N,dd,10,1\n"  # 7 duplicate ref: same period, skipped
        "70000004,200001000003,,Margaret,Doyle,,,,2024-04-01,2025-03-31,,,N,cash,10,1\n"  # 8 existing ref, new period
        "80000006,200001000005,,Fay,Lee,,,,2025-04-01,,XYZ,,N,cash,10,1\n"        # 9 bad discount
        "80000007,200001000005,,Gus,Lee,,,,2025-04-01,,,A,N,cash,10,1\n"          # 10 class A abolished in England
        "80000008,200001000005,,Hal,Lee,,,,2025-04-01,,,,N,cash,11,1\n"           # 11 bad instalments
        "80000009,200001000005,,Ivy,Lee,,,,2025-04-01,2025-09-30,,,N,cash,10,1\n" # 12 good
        "80000010,200001000005,,Jo,Lee,,,,2025-09-01,,,,N,cash,10,1\n"            # 13 overlaps line 12
    ))
    with ctx.db.uow() as uow:
        summary = imports.import_accounts(uow, ctx.actor, ctx.settings, path)
    errors = {(e.line, e.field) for e in summary.errors}
    assert errors == {
        (2, "instalment_day"), (3, "liable_from"), (4, "liable_to"), (5, "liable_from"), (6, "uprn"),
        (8, "account_ref"), (9, "discount"), (10, "exemption_class"), (11, "instalments"), (13, "liable_from"),
    }
    assert (summary.imported, summary.skipped, summary.rejected) == (1, 1, 10)
    overlap = next(e for e in summary.errors if e.line == 5)
    assert "70000001" in overlap.message and "200001000001" in overlap.message


def test_consecutive_periods_share_a_reference(ctx: AppContext, examples: Path, tmp_path: Path) -> None:
    with ctx.db.uow() as uow:
        imports.import_properties(uow, ctx.actor, ctx.settings, examples / "properties.csv")
    path = write_csv(tmp_path / "a.csv", ACCTS_HEADER + (
        "80000001,200001000005,,Ann,Lee,Bob Lee,,,2025-04-01,2025-06-30,SPD,,N,cash,10,1\n"
        "80000001,200001000005,,Ann,Lee,,,,2025-07-01,,,,N,dd,12,15\n"
        "80000002,200001000004,,Cat,Moss,,,,2025-04-01,2025-06-30,,,N,cash,10,1\n"
        "80000002,200001000004,,Cat,Moss,,,,2025-08-01,,,,N,cash,10,1\n"
    ))
    with ctx.db.uow() as uow:
        summary = imports.import_accounts(uow, ctx.actor, ctx.settings, path)
    assert (summary.imported, summary.rejected) == (2, 2)
    assert {(e.line, e.field) for e in summary.errors} == {(4, "account_ref"), (5, "liable_from")}
    with ctx.db.uow() as uow:
        lee = account_summary(uow, "80000001", date(2025, 8, 1))
    assert len(lee.periods) == 2 and lee.periods[0].discounts[0].kind == "SPD"
    assert lee.payment_method == "dd" and lee.joint_names == ["Bob Lee"]


def test_bad_payment_rows(ctx: AppContext, examples: Path, tmp_path: Path) -> None:
    load_examples(ctx, examples)
    path = write_csv(tmp_path / "pay.csv", "payment_ref,account_ref,date,amount,method\n" + (
        "N1,70000001,2025-06-01,10.00,card\n"
        "N2,70000001,2025-06-31,10.00,card\n"
        "N3,70000001,2025-06-01,ten,card\n"
        "N4,70000001,2025-06-01,1.005,card\n"
        "N5,70000001,2025-06-01,-3.00,card\n"
        "N6,70000001,2025-06-01,3.00,bitcoin\n"
        "N1,70000001,2025-06-02,10.00,card\n"
        "BK-20250401-0001,70000001,2025-04-01,123.00,dd\n"
    ))
    with ctx.db.uow() as uow:
        summary = payment_imports.import_payments(uow, ctx.actor, path)
    assert [(e.line, e.field) for e in summary.errors] == [
        (3, "date"), (4, "amount"), (5, "amount"), (6, "amount"), (7, "method"), (8, "payment_ref"),
    ]
    assert (summary.imported, summary.skipped, summary.rejected) == (1, 1, 6)


def _examples_with_two_years_owed(ctx: AppContext, examples: Path) -> None:
    """The examples, with account 70000003 owing £30.00 for 2024/25 and £100.00 for 2025/26."""
    load_examples(ctx, examples)
    with ctx.db.uow() as uow:
        account_id = uow.session.scalar(select(Account.id).where(Account.account_ref == "70000003"))
        for year, pence in ((2024, 3000), (2025, 10000)):
            uow.session.add(LedgerTransaction(
                account_id=account_id, financial_year=year, kind="charge", amount_pence=pence,
                posted_on=date(2025, 10, 1), created_by="test",
            ))
        uow.commit()


def test_payment_pays_oldest_year_first(ctx: AppContext, examples: Path, tmp_path: Path) -> None:
    _examples_with_two_years_owed(ctx, examples)
    csv_path = write_csv(tmp_path / "p.csv", "payment_ref,account_ref,date,amount,method\nX1,70000003,2025-10-20,50.00,bank\n")
    with ctx.db.uow() as uow:
        payment_imports.import_payments(uow, ctx.actor, csv_path)
    with ctx.db.uow() as uow:
        summary = account_summary(uow, "70000003", date(2025, 11, 1))
    by_year = {y.year: y for y in summary.years}
    assert by_year[2024].balance_pence == 0
    assert by_year[2025].paid_pence == 2000 and by_year[2025].balance_pence == 8000
    assert summary.balance_pence == 8000


def test_payments_allocate_in_date_order_across_chunks(
    ctx: AppContext, examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import writes in account order, chunk by chunk, carrying each account's
    outstanding years from chunk to chunk: an account's payments are allocated in date
    order wherever they sit in the file, each seeing what the earlier ones paid."""
    _examples_with_two_years_owed(ctx, examples)
    monkeypatch.setattr(payment_imports, "CHUNK", 2)
    csv_path = write_csv(tmp_path / "p.csv", "payment_ref,account_ref,date,amount,method\n" + (
        "X3,70000003,2025-10-22,20.00,bank\n"
        "Y1,70000001,2025-10-20,5.00,card\n"
        "X1,70000003,2025-10-20,20.00,bank\n"
        "Z1,79999999,2025-10-20,7.00,cash\n"
        "X2,70000003,2025-10-21,20.00,bank\n"
    ))
    with ctx.db.uow() as uow:
        summary = payment_imports.import_payments(uow, ctx.actor, csv_path)
    assert (summary.imported, summary.suspense, summary.rejected) == (5, 1, 0)
    with ctx.db.uow() as uow:
        parts = uow.session.execute(
            select(LedgerTransaction.reference, LedgerTransaction.financial_year, LedgerTransaction.amount_pence)
            .where(LedgerTransaction.kind == "payment", LedgerTransaction.reference.in_(["X1", "X2", "X3", "Y1", "Z1"]))
        ).all()
    allocated: dict[str, dict[int, int]] = {}
    for ref, year, pence in parts:
        allocated.setdefault(ref, {})[year] = -pence
    assert allocated["X1"] == {2024: 2000}
    assert allocated["X2"] == {2024: 1000, 2025: 1000}
    assert allocated["X3"] == {2025: 2000}
    assert sum(allocated["Y1"].values()) == 500
    assert "Z1" not in allocated  # suspense: no ledger rows
    with ctx.db.uow() as uow:
        again = payment_imports.import_payments(uow, ctx.actor, csv_path)
    assert (again.imported, again.skipped, again.suspense) == (0, 5, 0)


def test_payment_import_reports_progress_over_the_files_rows(
    ctx: AppContext, examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress counts the file's good rows, from 0 before anything is read to all of them;
    rows already imported count as done, so a re-import still ends at (total, total)."""
    load_examples(ctx, examples)
    monkeypatch.setattr(payment_imports, "CHUNK", 2)
    csv_path = write_csv(tmp_path / "p.csv", "payment_ref,account_ref,date,amount,method\n" + "".join(
        f"P{i},7000000{i % 5 + 1},2025-10-2{i},1.00,card\n" for i in range(5)
    ) + "BAD,70000001,2025-10-20,ten,card\n")
    for expected in ([(0, 5), (0, 5), (2, 5), (4, 5), (5, 5)], [(0, 5), (5, 5)]):
        calls: list[tuple[int, int]] = []
        with ctx.db.uow() as uow:
            payment_imports.import_payments(uow, ctx.actor, csv_path,
                                            progress=lambda done, total, calls=calls: calls.append((done, total)))
        assert calls == expected


def test_a_payment_import_gives_back_the_everyday_page_cache(
    sqlite_url: str, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import raises SQLite's page cache for its one transaction (db.bulk_writing) and
    restores it on the same driver connection, after the commit inside the import."""
    from app.bootstrap import bootstrap
    from app.db import SQLITE_CACHE_KIB

    ctx = bootstrap(sqlite_url, str(examples / "settings.toml"), "admin")
    with ctx.db.uow() as uow:
        driver = uow.session.connection().connection.dbapi_connection
        assert driver is not None
        assert driver.execute("PRAGMA cache_size").fetchone()[0] == -SQLITE_CACHE_KIB
        seen: list[int] = []
        real = payment_imports._post_payments

        def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(driver.execute("PRAGMA cache_size").fetchone()[0])
            return real(*args, **kwargs)

        monkeypatch.setattr(payment_imports, "_post_payments", spy)
        payment_imports.import_payments(uow, ctx.actor, examples / "payments.csv")
        assert seen and all(value < -SQLITE_CACHE_KIB for value in seen)
        assert driver.execute("PRAGMA cache_size").fetchone()[0] == -SQLITE_CACHE_KIB
    ctx.db.dispose()
