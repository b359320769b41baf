"""The `revdesk` command line: parse, ask the application (`app.application.Application`),
print. Thin by design: changes are typed requests given to `Application.execute`, reads go
through its typed methods or `Application.read`; no command opens a transaction itself.

Exit codes (the public contract): 0 success; 1 runtime failure; 2 bad usage or bad input
(message on stderr naming the file, line and field). User errors never print a traceback.
`--json` prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app import __version__, clock
from app.adapters.csv_files import CsvFileError
from app.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_OK,
    Handler,
    Parser,
    UsageError,
    date_arg,
    int_arg,
    pounds_arg,
    print_json,
    progress_printer,
)
from app.config import SettingsError
from app.errors import DatabaseUnavailable, NotAllowed, NotFound, ServiceError, ValidationError
from app.money import fmt
from app.rules.apportionment import year_label

if TYPE_CHECKING:
    from app.application import Application


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="revdesk", description="Revenues Desk: council tax billing and recovery.")
    parser.add_argument("--version", action="version", version=f"Revenues Desk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (a scratch database, a letter, a workbook, the window, the keyring "
                        "and the server given by --db or configured) and exit: 0 if all is well")
    parser.add_argument("--db", help="database URL (default: REVDESK_DATABASE_URL, settings, or the embedded SQLite file)")
    parser.add_argument("--settings", help="authority settings TOML (default: REVDESK_SETTINGS or the built-in file)")
    parser.add_argument("--user", help="acting user on the embedded database (default: your computer login); "
                        "on a server you act as your database login")
    parser.add_argument("--pack", metavar="FILE", help="court mode: run the command on an offline court pack "
                        "(made by `court pack`); every change is journaled for `court sync`")
    parser.add_argument("--confirm-at-court", action="store_true", help="change an account that is at court "
                        "(in an open court pack) all the same")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("gui", help="start the desktop application (the default)")

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db.add_parser("upgrade", help="create or upgrade the schema")
    db.add_parser("status", help="show the schema revision")

    demo = sub.add_parser("demo", help="fill the database with realistic synthetic data")
    demo.add_argument("--accounts", type=int_arg, required=True)
    demo.add_argument("--seed", type=int_arg, default=1)
    demo.add_argument("--as-of", type=date_arg, default=None)
    demo.add_argument("--if-empty", action="store_true", help="do nothing if the database already has accounts")
    demo.add_argument("--json", action="store_true")

    imp = sub.add_parser("import", help="import a CSV file").add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind in ("properties", "accounts", "payments"):
        p = imp.add_parser(kind, help=f"import {kind}")
        p.add_argument("file")
        p.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row is rejected")
        p.add_argument("--json", action="store_true")

    search = sub.add_parser("search", help="find accounts by reference, name, address or postcode")
    search.add_argument("text", nargs="+")
    search.add_argument("--limit", type=int_arg, default=20)
    search.add_argument("--as-of", type=date_arg, default=None, help="the day balances and stages are read for (default today)")
    search.add_argument("--json", action="store_true")

    account = sub.add_parser("account", help="accounts").add_subparsers(dest="account_command", metavar="ACTION", required=True)
    show = account.add_parser("show", help="show an account")
    show.add_argument("ref")
    show.add_argument("--as-of", type=date_arg, default=None)
    show.add_argument("--json", action="store_true")
    timeline = account.add_parser("timeline", help="everything recorded on an account, oldest first")
    timeline.add_argument("ref")
    timeline.add_argument("--from", dest="from_", type=date_arg, default=None, help="only what happened on or after DATE")
    timeline.add_argument("--json", action="store_true")

    rules = sub.add_parser("rules", help="statutory calculators").add_subparsers(dest="rule", metavar="RULE", required=True)
    inst = rules.add_parser("instalments", help="statutory instalment plan (AER 1992 Sch 1)")
    inst.add_argument("--amount", type=pounds_arg, required=True, help="aggregate amount in pounds")
    inst.add_argument("--count", type=int_arg, required=True)
    inst.add_argument("--first", type=date_arg, required=True)
    inst.add_argument("--interval", choices=["monthly"], default="monthly")
    inst.add_argument("--json", action="store_true")
    aoe = rules.add_parser("aoe", help="council tax attachment of earnings deduction (AER 1992 reg 38, Sch 4)")
    aoe.add_argument("--net", type=pounds_arg, required=True, help="net earnings for the pay period, in pounds")
    aoe.add_argument("--period", required=True, metavar="weekly|monthly|daily", help="the table: weekly, monthly or daily")
    aoe.add_argument("--periods", type=int_arg, default=1,
                     help="pay period length in weeks, months or days (e.g. 2 = fortnightly)")
    aoe.add_argument("--country", default="england", metavar="england|wales")
    aoe.add_argument("--order-date", type=date_arg, default=None, help="the date the order was made (default 1 April 2007)")
    aoe.add_argument("--json", action="store_true")
    eaf = rules.add_parser("ea-fees", help="enforcement agent fees, cumulative to a stage (SI 2014/1)")
    eaf.add_argument("--debt", type=pounds_arg, required=True, action="append",
                     help="the sum to be recovered, in pounds; once per liability order enforced together (reg 11)")
    eaf.add_argument("--stage", required=True, metavar="compliance|enforcement|sale")
    eaf.add_argument("--vulnerable-without-advice", action="store_true", help="reg 12: no enforcement stage fee")
    eaf.add_argument("--json", action="store_true")

    from app.cli import (
        arrangements,
        billing,
        casework,
        court,
        enforcement,
        letters,
        payments,
        recovery,
        runs,
        users,
        writeoffs,
    )

    for module in (letters, billing, payments, recovery, runs, court, enforcement, casework, arrangements, users,
                   writeoffs):
        module.register(sub, HANDLERS)
    return parser


def _prompt_password(account: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {account} (not stored): ")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    command = args.command or "gui"
    try:
        if args.self_test:
            return _self_test(args)
        if command == "gui":
            from app.ui.main_window import run_gui

            if args.pack is not None and args.db is not None:
                raise UsageError("--pack and --db name two databases: court mode works on the pack alone")
            return run_gui(db_url=args.db, settings_path=args.settings, username=args.user, pack=args.pack)
        if command == "rules":
            return _rules(args)
        return _with_context(args, command)
    except (CsvFileError, ValidationError, SettingsError, UsageError) as exc:
        print(f"revdesk: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (DatabaseUnavailable, NotAllowed, NotFound, ServiceError) as exc:
        print(f"revdesk: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("revdesk: interrupted", file=sys.stderr)
        return EXIT_FAILURE


def _self_test(args: argparse.Namespace) -> int:
    from app.cli.selftest import self_test
    from app.config import machine_database_url

    server = args.db or os.environ.get("REVDESK_DATABASE_URL") or machine_database_url()
    return self_test(args.settings, server, args.user, prompt=_prompt_password)


def _with_context(args: argparse.Namespace, command: str) -> int:
    from app.application import Application
    from app.bootstrap import bootstrap
    from app.court.at_court import AtCourt, confirmed_at_court

    if args.pack is not None:
        app = _court_mode(args, command)
    else:
        app = Application(bootstrap(args.db, args.settings, args.user, prompt=_prompt_password))
    try:
        handler = HANDLERS[command]
        with confirmed_at_court(args.confirm_at_court):
            return handler(app, args)
    except AtCourt as exc:
        raise AtCourt(exc.what, exc.until, exc.packed_by, hint="run it again with --confirm-at-court") from None
    finally:
        app.close()


# What court mode offers: the ordinary commands an officer needs at court (changes journaled).
COURT_MODE_COMMANDS = ("account", "search", "court", "payment", "arrangement", "note", "diary", "recovery")


def _court_mode(args: argparse.Namespace, command: str) -> Application:
    """The application on the court pack `--pack FILE`, its changes journaled."""
    from app.application import Application
    from app.config import load_settings

    if args.db is not None:
        raise UsageError("--pack and --db name two databases: court mode works on the pack alone")
    if command not in COURT_MODE_COMMANDS or (command == "court" and args.court_command in ("pack", "sync", "conflicts",
                                                                                          "resolve", "wipe")):
        raise UsageError(f"'{command}' is not done in court mode; run it without --pack, against the office's database")
    return Application.court_mode(args.pack, load_settings(args.settings), args.user)


def _db(app: Application, args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        app.upgrade_schema()  # bootstrap has already upgraded; this reports where the schema is
    print(f"{app.database_description}: schema at revision {app.schema_revision()}")
    return EXIT_OK


def _demo(app: Application, args: argparse.Namespace) -> int:
    from app.demo.requests import GenerateDemo

    if args.accounts < 1:
        raise UsageError("--accounts must be at least 1")
    if args.if_empty and app.has_accounts():
        if args.json:
            print_json({"accounts": 0, "skipped": "the database already has accounts"})
        return EXIT_OK
    as_of = args.as_of or clock.today()
    result = app.execute(GenerateDemo(accounts=args.accounts, seed=args.seed, as_of=as_of),
                         progress=progress_printer(quiet=args.json))
    if args.json:
        print_json(result.to_json())
    else:
        print(f"\rDemo data: {result.accounts:,} accounts, {result.transactions:,} transactions in {result.seconds} s.",
              file=sys.stderr)
    return EXIT_OK


def _import(app: Application, args: argparse.Namespace) -> int:
    from app.accounts.requests import ImportAccounts, ImportProperties
    from app.payments.requests import ImportPayments

    kinds = {"properties": ImportProperties, "accounts": ImportAccounts, "payments": ImportPayments}
    summary = app.execute(kinds[args.kind](path=args.file, all_or_nothing=args.all_or_nothing))
    for err in summary.errors:
        print(f"revdesk: {args.file}, line {err.line}, field '{err.field}': {err.message}", file=sys.stderr)
    if args.json:
        print_json(summary.to_json())
    else:
        extra = f" ({summary.suspense} to suspense)" if summary.suspense else ""
        print(f"Imported {summary.imported}{extra}, skipped {summary.skipped}, rejected {summary.rejected}.")
    return EXIT_BAD_INPUT if summary.rejected else EXIT_OK


def _search(app: Application, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    results = app.search(" ".join(args.text), limit=args.limit, as_of=args.as_of or clock.today())
    if args.json:
        print_json({"results": [r.to_json() for r in results]})
    else:
        for r in results:
            standing = r.recovery_stage.replace("_", " ") + (f", on hold ({r.hold.replace('_', ' ')})" if r.hold else "")
            print(f"{r.account_ref:<12} {r.name:<30} {r.address}, {r.postcode:<9} {fmt(r.balance_pence):>12}  {standing}")
        if not results:
            print("No accounts found.")
    return EXIT_OK


def _account(app: Application, args: argparse.Namespace) -> int:
    if args.account_command == "timeline":
        return _timeline(app, args)
    summary = app.account(args.ref, args.as_of or clock.today())
    if args.json:
        print_json(summary.to_json())
        return EXIT_OK
    print(f"{summary.account_ref}  {summary.name}" + (f" (with {', '.join(summary.joint_names)})" if summary.joint_names else ""))
    print(f"{summary.address}, {summary.postcode}  band {summary.band}" + (f", {summary.parish}" if summary.parish else ""))
    print(f"Owed now {fmt(summary.balance_pence)}; recovery stage {summary.recovery.stage}")
    for bill in summary.later_bills:
        print(f"  {bill.describe()} (not yet due)")
    for y in summary.years:
        print(f"  {year_label(y.year)}: charge {fmt(y.charge_pence)}, paid {fmt(y.paid_pence)}, balance {fmt(y.balance_pence)}")
    return EXIT_OK


def _timeline(app: Application, args: argparse.Namespace) -> int:
    """`{"account_ref", "from", "entries": [{"on", "kind", "title", "detail", "amount_pence", "by", "opens",
    "ref_id"}]}`: the list the account view's Timeline tab shows."""
    entries = app.account_timeline(args.ref, args.from_)
    if args.json:
        print_json({"account_ref": args.ref.strip(), "from": args.from_.isoformat() if args.from_ else None,
                    "entries": [e.to_json() for e in entries]})
        return EXIT_OK
    for e in entries:
        amount = fmt(e.amount_pence) if e.amount_pence is not None else ""
        detail = f"  {e.detail}" if e.detail else ""
        print(f"{e.on:%d/%m/%Y}  {e.kind:<11} {e.title:<44} {amount:>12}  {e.by}{detail}")
    if not entries:
        print("Nothing recorded" + (f" since {args.from_:%d/%m/%Y}." if args.from_ else "."))
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from app.rules.instalments import InstalmentError, schedule

    if args.rule in ("aoe", "ea-fees"):
        return _recovery_rules(args)
    if args.rule == "instalments":
        if not 1 <= args.count <= 12:
            print("revdesk: --count must be from 1 to 12 monthly instalments", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            plan = schedule(args.amount, args.count, args.first)
        except InstalmentError as exc:
            print(f"revdesk: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.json:
            print_json({"instalments": [{"due": i.due.isoformat(), "amount_pence": i.amount_pence} for i in plan]})
        else:
            for i in plan:
                print(f"{i.due:%d/%m/%Y}  {fmt(i.amount_pence):>12}")
    return EXIT_OK


def _recovery_rules(args: argparse.Namespace) -> int:
    from datetime import date

    from app.rules.attachment_of_earnings import AttachmentError, explain
    from app.rules.enforcement_fees import FeeError, breakdown

    data: dict[str, Any]
    try:
        if args.rule == "aoe":
            made = args.order_date or date(2007, 4, 1)
            d = explain(args.net, args.period, country=args.country, order_made=made, periods=args.periods)
            data = {"deduction_pence": d.deduction_pence, "band": d.band_description, "source": d.source, "table": d.table}
            text = f"{fmt(d.deduction_pence)}  ({d.explanation()})"
        else:
            lines = breakdown(args.debt, args.stage, vulnerable_without_advice=args.vulnerable_without_advice)
            total = sum(line.total_pence for line in lines)
            data = {"fees_pence": total, "stages": [{"stage": l.stage, "fee_pence": l.total_pence} for l in lines]}
            text = "\n".join(f"{l.stage:<12} {fmt(l.total_pence):>12}" for l in lines) + f"\n{'total':<12} {fmt(total):>12}"
    except (AttachmentError, FeeError) as exc:
        print(f"revdesk: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print_json(data)
    else:
        print(text)
    return EXIT_OK


HANDLERS: dict[str, Handler] = {
    "db": _db, "demo": _demo, "import": _import, "search": _search, "account": _account,
}


def entry_point() -> None:
    """The `revdesk` command. A reader that stops early (`revdesk search smith | head`) ends
    it quietly, as other command-line tools end: no BrokenPipeError traceback. Python's own
    recipe: point stdout at devnull so the interpreter's final flush cannot fail again.
    An unexpected error is one sentence naming the log file that has its traceback."""
    try:
        code = main()
        if sys.stdout is not None:  # None in the windowed build (no console)
            sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_FAILURE
    except Exception:
        from app.crashlog import crash_sentence, log_crash

        print(f"revdesk: {crash_sentence(log_crash(*sys.exc_info()))}", file=sys.stderr)
        code = EXIT_FAILURE
    sys.exit(code)
