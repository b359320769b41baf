"""`revdesk writeoffs ...`: propose, decide, write back, list, and the committee's schedule.
Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import uuid
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_OK, Handler, as_of_and_json, date_arg, int_arg, pounds_arg, print_json, record_id
from app.enums import WriteOffStatus
from app.money import fmt
from app.rules.apportionment import year_label

if TYPE_CHECKING:
    from app.application import Application
    from app.writeoffs.views import WriteOffView

STATUSES = [s.value for s in WriteOffStatus]


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    writeoffs = sub.add_parser("writeoffs", help="write-offs: propose, approve, write back, schedule").add_subparsers(
        dest="writeoffs_command", metavar="ACTION", required=True
    )
    propose = writeoffs.add_parser("propose", help="propose writing off (part of) a year's debt")
    propose.add_argument("ref", help="account reference")
    propose.add_argument("--year", type=int_arg, required=True, help="financial year (2025 = 2025/26)")
    propose.add_argument("--amount", type=pounds_arg, required=True, help="amount in pounds")
    propose.add_argument("--reason", required=True, help="reason code from the settings (e.g. uneconomical)")
    propose.add_argument("--note", default="", help="why (required for some reasons, e.g. other)")
    propose.add_argument("--evidence", default="", help="the evidence the reason needs (e.g. the DRO reference)")
    as_of_and_json(propose)
    decide = writeoffs.add_parser("decide", help="approve or reject a proposal (within your limit; not your own)")
    decide.add_argument("writeoff_id")
    decide.add_argument("--decision", choices=["approve", "reject"], required=True)
    decide.add_argument("--note", default="", help="required to reject")
    as_of_and_json(decide)
    writeback = writeoffs.add_parser("writeback", help="reverse an approved write-off (team leader or above)")
    writeback.add_argument("writeoff_id")
    writeback.add_argument("--reason", required=True)
    as_of_and_json(writeback)
    listing = writeoffs.add_parser("list", help="list write-offs, oldest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--account", help="account reference")
    listing.add_argument("--json", action="store_true")
    export = writeoffs.add_parser("export", help="write the schedule workbook for committee (and a CSV twin)")
    export.add_argument("--out", required=True, help="the workbook to write (.xlsx); the CSV twin goes beside it")
    export.add_argument("--from", dest="from_", type=date_arg, default=None, help="first day of the period")
    export.add_argument("--to", type=date_arg, default=None, help="last day of the period")
    export.add_argument("--status", choices=STATUSES, default=WriteOffStatus.APPROVED.value,
                        help="which write-offs (default approved: what was written off in the period)")
    export.add_argument("--public", action="store_true", help="leave out names and addresses (a public appendix)")
    export.add_argument("--force", action="store_true", help="replace the files if they exist")
    export.add_argument("--json", action="store_true")
    handlers["writeoffs"] = _writeoffs




def _writeoff_id(args: argparse.Namespace) -> uuid.UUID:
    return record_id(args.writeoff_id, "write-off", "revdesk writeoffs list")


def _line(v: WriteOffView) -> str:
    return (f"{v.writeoff_id}  {v.account_ref:<10} {year_label(v.financial_year)} {fmt(v.amount_pence):>12}  "
            f"{v.status:<12} {v.reason_label} (proposed by {v.proposed_by} on {v.proposed_on:%d/%m/%Y})")


def _writeoffs(app: Application, args: argparse.Namespace) -> int:
    from app.writeoffs.requests import DecideWriteOff, ProposeWriteOff, WriteBack

    command = args.writeoffs_command
    if command == "list":
        views = app.writeoffs(status=args.status, account_ref=args.account)
        return _print(args, {"writeoffs": [v.to_json() for v in views]},
                      "\n".join(_line(v) for v in views) or "No write-offs.")
    if command == "export":
        result = app.writeoff_schedule(args.out, from_=args.from_, to=args.to, status=args.status, public=args.public,
                                       force=args.force)
        return _print(args, result.to_json(), f"Wrote {result.rows:,} write-offs ({fmt(result.total_pence)}) to "
                      f"{result.file} and {result.csv_file}.")
    as_of = args.as_of or clock.today()
    if command == "propose":
        view = app.execute(ProposeWriteOff(
            account_ref=args.ref, financial_year=args.year, amount_pence=args.amount, reason=args.reason,
            note=args.note, evidence=args.evidence, as_of=as_of,
        ))
    elif command == "decide":
        view = app.execute(DecideWriteOff(writeoff_id=_writeoff_id(args), approve=args.decision == "approve",
                                          note=args.note, as_of=as_of))
    else:
        view = app.execute(WriteBack(writeoff_id=_writeoff_id(args), reason=args.reason, as_of=as_of))
    return _print(args, view.to_json(), _line(view))


def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> int:
    if args.json:
        print_json(data)
    else:
        print(text)
    return EXIT_OK
