"""`revdesk recovery run|show|stats`: the daily recovery run, one account's recovery view, statistics."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_OK, Handler, date_arg, print_json, progress_printer
from app.money import fmt
from app.rules.apportionment import year_label
from app.rules.safeguards import SAFEGUARD_KINDS

if TYPE_CHECKING:
    from app.application import Application


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    recovery = sub.add_parser("recovery", help="reminders, final notices and summonses")
    actions = recovery.add_subparsers(dest="recovery_command", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="one recovery run for a date")
    run.add_argument("--as-of", type=date_arg, default=None, help="the run's date (default today)")
    run.add_argument("--dry-run", action="store_true", help="the same summary, nothing written")
    run.add_argument("--letters-dir", default=None, help="also write the run's letters as Word files into this folder")
    run.add_argument("--accounts", action="store_true",
                     help="with --dry-run: list each account's action, and each account held back and why")
    run.add_argument("--json", action="store_true")
    show = actions.add_parser("show", help="an account's recovery: history, stage, next action and why")
    show.add_argument("ref")
    show.add_argument("--as-of", type=date_arg, default=None)
    show.add_argument("--json", action="store_true")
    guards = actions.add_parser("safeguards", help="an account's open trace, vulnerability review or escalation")
    guards.add_argument("ref")
    guards.add_argument("--json", action="store_true")
    release = actions.add_parser("release", help="(team leader) release an account from a safeguard, with a reason")
    release.add_argument("ref")
    release.add_argument("--safeguard", required=True, choices=SAFEGUARD_KINDS)
    release.add_argument("--reason", required=True)
    release.add_argument("--as-of", type=date_arg, default=None)
    release.add_argument("--json", action="store_true")
    stats = actions.add_parser("stats", help="recovery steps per day and stage with amounts")
    stats.add_argument("--from", dest="start", type=date_arg, default=None, help="default: 30 days before --to")
    stats.add_argument("--to", dest="end", type=date_arg, default=None, help="default: today")
    stats.add_argument("--json", action="store_true")
    handlers["recovery"] = _recovery


def _recovery(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.account_recovery import account_recovery
    from app.recovery.requests import RunRecovery
    from app.recovery.stats import recovery_stats, stats_json

    if args.recovery_command == "run":
        as_of = args.as_of or clock.today()
        summary = app.execute(RunRecovery(as_of=as_of, dry_run=args.dry_run), progress=progress_printer(quiet=args.json))
        written = None
        if args.letters_dir and summary.run_id is not None:
            written = app.export_letters(summary.run_id, args.letters_dir)
        if args.json:
            print_json({**summary.to_json(accounts=args.accounts),
                        **({"letters_written": written} if written is not None else {})})
        else:
            done = ", ".join(f"{n:,} {stage.replace('_', ' ')}" for stage, n in summary.actions.items() if n) or "no actions"
            what = "Dry run" if summary.dry_run else f"Recovery run ({summary.status})"
            print(f"{what} for {as_of:%d/%m/%Y}: {summary.accounts_examined:,} accounts, {done}; "
                  f"{summary.skipped_on_hold:,} on hold; {summary.held_back:,} held back by a safeguard; "
                  f"{summary.letters:,} letters; costs {fmt(summary.costs_pence)}.")
            if summary.run_id is not None:
                print(f"Run id: {summary.run_id}")
            if written is not None:
                print(f"{written:,} letters written to {args.letters_dir}.")
            if args.accounts:
                for item in summary.items:
                    label = year_label(item.year) if item.year else ""
                    print(f"{item.account_ref}  {label}  {item.action.replace('_', ' '):<14} {fmt(item.amount_pence):>12}  "
                          f"{item.why}")
        return EXIT_OK
    if args.recovery_command == "safeguards":
        rows = app.safeguards(args.ref)
        if args.json:
            print_json({"account_ref": args.ref.strip(), "safeguards": [r.to_json() for r in rows]})
        else:
            for r in rows:
                state = "holds recovery back" if r.holding else r.why_not
                print(f"{r.label} since {r.opened_at:%d/%m/%Y}: {state}")
            if not rows:
                print("No open trace, vulnerability review or escalation.")
        return EXIT_OK
    if args.recovery_command == "release":
        from app.recovery.requests import ReleaseSafeguard

        released = app.execute(ReleaseSafeguard(account_ref=args.ref, kind=args.safeguard, reason=args.reason,
                                                as_of=args.as_of or clock.today()))
        if args.json:
            print_json(released.to_json())
        else:
            print(f"Account {released.account_ref} released from the {released.kind.replace('_', ' ')} safeguard.")
        return EXIT_OK
    if args.recovery_command == "show":
        view = app.read(account_recovery, app.settings, args.ref, args.as_of or clock.today())
        if args.json:
            print_json(view.to_json())
        else:
            for year in view.years:
                print(f"{year_label(year.year)}: {year.stage.replace('_', ' ')} — {year.next_step}")
            if view.on_hold:
                print(f"On hold: {view.on_hold.replace('_', ' ')}")
        return EXIT_OK
    end = args.end or clock.today()
    start = args.start or end - timedelta(days=30)
    data = stats_json(app.read(recovery_stats, from_date=start, to_date=end))
    if args.json:
        print_json({"from": start.isoformat(), "to": end.isoformat(), **data})
    else:
        for stage, totals in data["by_stage"].items():
            print(f"{stage.replace('_', ' '):<20} {totals['count']:>8,} {fmt(totals['amount_pence']):>16}")
    return EXIT_OK
