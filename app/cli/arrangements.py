"""`revdesk arrangement plan|create|show|amend|cancel|monitor`: payment arrangements.
Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_OK, Handler, UsageError, date_arg, pounds_arg, print_json, progress_printer
from app.enums import ArrangementFrequency
from app.money import fmt

if TYPE_CHECKING:
    from app.application import Application

FREQUENCIES = tuple(f.value for f in ArrangementFrequency)


def _schedule_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ref", help="account reference")
    parser.add_argument("--frequency", required=True, choices=FREQUENCIES)
    parser.add_argument("--start", type=date_arg, required=True, help="first payment date")
    parser.add_argument("--end", type=date_arg, default=None,
                        help="last payment date: the balance in equal payments (with --amount: the target date)")
    parser.add_argument("--amount", type=pounds_arg, default=None, help="payment offered, in pounds")
    parser.add_argument("--income-expenditure", dest="statement", default=None, metavar="FILE.json",
                        help="income and expenditure statement (Standard Financial Statement categories, pence)")
    parser.add_argument("--as-of", type=date_arg, default=None, help="today's date (default: today)")
    parser.add_argument("--json", action="store_true")


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    arrangement = sub.add_parser("arrangement", help="payment arrangements: plan, agree, monitor")
    actions = arrangement.add_subparsers(dest="arrangement_command", metavar="ACTION", required=True)
    _schedule_args(actions.add_parser("plan", help="a proposed schedule for what the account owes (nothing saved)"))
    create = actions.add_parser("create", help="agree an arrangement: saved, account on hold, letter sent")
    _schedule_args(create)
    create.add_argument("--confirm", action="store_true", help="agree it despite the warnings")
    amend = actions.add_parser("amend", help="replace the live arrangement's schedule")
    _schedule_args(amend)
    amend.add_argument("--confirm", action="store_true", help="agree it despite the warnings")
    amend.add_argument("--reason", required=True)
    show = actions.add_parser("show", help="the account's arrangement and what has been paid")
    show.add_argument("ref")
    show.add_argument("--as-of", type=date_arg, default=None)
    show.add_argument("--json", action="store_true")
    cancel = actions.add_parser("cancel", help="cancel the live arrangement (recovery resumes)")
    cancel.add_argument("ref")
    cancel.add_argument("--reason", required=True)
    cancel.add_argument("--as-of", type=date_arg, default=None)
    cancel.add_argument("--json", action="store_true")
    monitor = actions.add_parser("monitor", help="the daily monitoring run (team leader)")
    monitor.add_argument("--as-of", type=date_arg, default=None, help="the run's date (default today)")
    monitor.add_argument("--json", action="store_true")
    handlers["arrangement"] = _arrangement


def _statement(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the income and expenditure statement ({exc.strerror}).") from None
    except ValueError as exc:
        raise UsageError(f"{path}: the income and expenditure statement is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the income and expenditure statement must be a JSON object.")
    return data


def _options(args: argparse.Namespace) -> dict[str, Any]:
    if args.end is None and args.amount is None:
        raise UsageError("give --end DATE or --amount POUNDS")
    return {"account_ref": args.ref, "frequency": args.frequency, "start": args.start, "end": args.end,
            "amount_pence": args.amount, "as_of": args.as_of or clock.today(),
            "income_expenditure": _statement(args.statement)}


def _arrangement(app: Application, args: argparse.Namespace) -> int:
    from app.recovery.arrangements import agreements, planning
    from app.recovery.arrangements import requests as rq

    command = args.arrangement_command
    as_of = args.as_of or clock.today()
    if command == "plan":
        plan = app.read(planning.plan_arrangement, app.settings, **_options(args))
        if args.json:
            print_json(plan.to_json())
        else:
            print(f"{args.ref}: {fmt(plan.balance_pence)} in {len(plan.instalments)} {plan.frequency} payments, "
                  f"clears by {plan.clears_by:%d/%m/%Y}." if plan.clears_by else f"{args.ref}: nothing to arrange.")
            for instalment in plan.instalments:
                print(f"  {instalment.due:%d/%m/%Y}  {fmt(instalment.amount_pence):>12}")
            for warning in plan.warnings:
                print(f"Warning: {warning.message}")
        return EXIT_OK
    if command == "create":
        view = app.execute(rq.CreateArrangement(**_options(args), confirm_warnings=args.confirm))
    elif command == "amend":
        view = app.execute(rq.AmendArrangement(**_options(args), confirm_warnings=args.confirm, reason=args.reason))
    elif command == "show":
        view = app.read(agreements.show_arrangement, account_ref=args.ref, as_of=as_of)
    elif command == "cancel":
        view = app.execute(rq.CancelArrangement(account_ref=args.ref, reason=args.reason, as_of=as_of))
    else:
        summary = app.execute(rq.MonitorArrangements(as_of=as_of), progress=progress_printer(quiet=args.json))
        if args.json:
            print_json(summary.to_json())
        else:
            print(f"Arrangement monitoring for {as_of:%d/%m/%Y} ({summary.status}): {summary.checked:,} checked, "
                  f"{summary.kept:,} kept, {summary.broken:,} broken, {summary.completed:,} completed.")
        return EXIT_OK
    _print_view(view, args.json)
    return EXIT_OK


def _print_view(view: Any, as_json: bool) -> None:
    if as_json:
        print_json(view.to_json())
        return
    print(f"{view.account_ref}: arrangement {view.status}, {fmt(view.total_pence)} {view.frequency} from "
          f"{view.start:%d/%m/%Y} to {view.end:%d/%m/%Y}; paid {fmt(view.paid_pence)}, arrears {fmt(view.arrears_pence)}.")
    if view.status_reason:
        print(f"  {view.status_reason}")
