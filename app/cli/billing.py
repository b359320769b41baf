"""`revdesk bill` (annual billing) and `revdesk liability ...` (changes that rebill an account).

Scripts name an account by reference and a date; the period meant is the one in force on
that date (or the latest), as an officer would say "the Station Road liability".
"""

from __future__ import annotations

import argparse
import re
import uuid
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_OK, Handler, UsageError, date_arg, int_arg, print_json, progress_printer
from app.enums import AccountPaymentMethod, ReductionKind
from app.money import fmt
from app.rules.apportionment import year_label

if TYPE_CHECKING:
    from app.application import Application
    from app.billing.requests import LiabilityRequest


def percent_bp(text: str) -> int:
    """'25' or '12.5' (per cent, 0 to 100) -> basis points, exactly (no floats). Plain
    decimals only: Decimal alone would take '1e3', 'inf' and 'NaN'."""
    raw = text.strip().removesuffix("%").strip()
    if not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", raw):
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage (use a plain number such as 25 or 12.5).")
    value = Decimal(raw)
    if value > 100:
        raise argparse.ArgumentTypeError(f"'{text}' is more than 100 per cent.")
    bp = value * 100
    if bp != bp.to_integral_value():
        raise argparse.ArgumentTypeError(f"'{text}': at most two decimal places")
    return int(bp)


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    bill = sub.add_parser("bill", help="annual billing for financial year YYYY/YY+1: charges, instalments, demand notices")
    bill.add_argument("--year", type=int_arg, required=True)
    bill.add_argument("--as-of", type=date_arg, default=None, help="issue date of the notices (default today)")
    bill.add_argument("--json", action="store_true")
    handlers["bill"] = _bill

    liability = sub.add_parser("liability", help="change liability (each change rebills the account)")
    actions = liability.add_subparsers(dest="liability_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, ref: bool = True) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        if ref:
            p.add_argument("ref", help="account reference")
        p.add_argument("--as-of", type=date_arg, default=None, help="today's date for the change (default today)")
        p.add_argument("--preview", action="store_true", help="show what would change, save nothing")
        p.add_argument("--json", action="store_true")
        return p

    p = action("move-in", "a new taxpayer becomes liable for a property (new account)", ref=False)
    p.add_argument("--uprn", required=True)
    p.add_argument("--surname", required=True)
    p.add_argument("--forenames", default="")
    p.add_argument("--title", default="")
    p.add_argument("--date", type=date_arg, required=True, help="first day liable")
    p.add_argument("--method", choices=[m.value for m in AccountPaymentMethod], default=AccountPaymentMethod.CASH.value)
    p.add_argument("--instalments", type=int_arg, choices=[10, 12], default=None)
    p.add_argument("--day", type=int_arg, default=None, help="instalment day 1-28")
    p = action("move-out", "end the account's liability (last day liable)")
    p.add_argument("--date", type=date_arg, required=True)
    p.add_argument("--forwarding-address", default="", help="where letters go now, e.g. \"4 New Road, Otherton, OT1 2AB\"")
    p = action("discount", "add a discount or premium from a date")
    p.add_argument("--kind", required=True, help="SPD, ALL_DISREGARDED, LONG_TERM_EMPTY or SECOND_HOME")
    p.add_argument("--from", dest="start", type=date_arg, required=True)
    p.add_argument("--to", dest="end", type=date_arg, default=None)
    p.add_argument("--empty-since", type=date_arg, default=None, help="LONG_TERM_EMPTY: when last occupied")
    p = action("end-discount", "end a discount or premium (last day it applies)")
    p.add_argument("--kind", required=True)
    p.add_argument("--date", type=date_arg, required=True)
    p = action("exemption", "exempt days under a class of SI 1992/558")
    p.add_argument("--class", dest="exemption_class", required=True)
    p.add_argument("--from", dest="start", type=date_arg, required=True)
    p.add_argument("--to", dest="end", type=date_arg, default=None)
    p = action("joint", "name a jointly and severally liable person from a date")
    p.add_argument("--surname", required=True)
    p.add_argument("--forenames", default="")
    p.add_argument("--title", default="")
    p.add_argument("--from", dest="start", type=date_arg, required=True)
    p = action("reduction", "council tax reduction (or s13A) as a percentage of the charge")
    p.add_argument("--percent", type=percent_bp, required=True)
    p.add_argument("--kind", choices=[k.value for k in ReductionKind], default=ReductionKind.CTR.value)
    p.add_argument("--from", dest="start", type=date_arg, required=True)
    p.add_argument("--to", dest="end", type=date_arg, default=None)
    p = action("rebill", "recalculate an account from a date with no change to its liability")
    p.add_argument("--from", dest="start", type=date_arg, required=True)
    handlers["liability"] = _liability


def _bill(app: Application, args: argparse.Namespace) -> int:
    from app.billing.requests import RunAnnualBilling

    summary = app.execute(RunAnnualBilling(year=args.year, as_of=args.as_of or clock.today()),
                          progress=progress_printer(quiet=args.json))
    if args.json:
        print_json(summary.to_json())
    else:
        label = year_label(summary.year)
        print(f"Billing {label} ({summary.status}): {summary.accounts_examined:,} accounts, {summary.charges:,} charged, "
              f"{summary.notices:,} notices, {fmt(summary.charged_pence)} charged.")
    return EXIT_OK


def _period_id(summary: Any, on: date | None) -> uuid.UUID:
    if not summary.periods:
        raise UsageError(f"Account {summary.account_ref} has no liability periods.")
    if on is not None:
        for period in summary.periods:
            if period.start_date <= on and (period.end_date is None or on <= period.end_date):
                return period.period_id  # type: ignore[no-any-return]
    return summary.periods[-1].period_id  # type: ignore[no-any-return]


def _change_request(app: Application, args: argparse.Namespace, as_of: date) -> LiabilityRequest:
    """The liability change the command asks for; a period is found from the account as it is on `as_of`."""
    from app.billing import requests as rq

    command = args.liability_command
    if command == "move-in":
        taxpayer = rq.NewTaxpayer(surname=args.surname, forenames=args.forenames, title=args.title)
        return rq.MoveIn(uprn=args.uprn, taxpayer=taxpayer, start_date=args.date, payment_method=args.method,
                         instalment_count=args.instalments, instalment_day=args.day, as_of=as_of)
    if command == "reduction":
        return rq.SetReduction(account_ref=args.ref, kind=args.kind, percent_bp=args.percent, start_date=args.start,
                               end_date=args.end, as_of=as_of)
    if command == "rebill":
        return rq.Rebill(account_ref=args.ref, from_day=args.start, as_of=as_of)
    on = getattr(args, "start", None) or getattr(args, "date", None)
    summary = app.account(args.ref, as_of)
    period_id = _period_id(summary, on)
    if command == "move-out":
        return rq.MoveOut(period_id=period_id, end_date=args.date, as_of=as_of, forwarding_address=args.forwarding_address)
    if command == "discount":
        return rq.SetDiscount(period_id=period_id, kind=args.kind, start_date=args.start, end_date=args.end,
                              empty_since=args.empty_since, as_of=as_of)
    if command == "end-discount":
        return rq.EndDiscount(discount_id=_discount_id(summary, period_id, args.kind, args.date), end_date=args.date,
                              as_of=as_of)
    if command == "exemption":
        return rq.SetExemption(period_id=period_id, exemption_class=args.exemption_class, start_date=args.start,
                               end_date=args.end, as_of=as_of)
    person = rq.NewTaxpayer(surname=args.surname, forenames=args.forenames, title=args.title)
    return rq.AddJointParty(period_id=period_id, person=person, start_date=args.start, as_of=as_of)


def _liability(app: Application, args: argparse.Namespace) -> int:
    request = _change_request(app, args, args.as_of or clock.today())
    change = app.preview(request) if args.preview else app.execute(request)
    if args.json:
        print_json(change_json(change))
        return EXIT_OK
    verb = "Would change" if change.preview else "Changed"
    print(f"{verb} account {change.account_ref}:")
    for r in change.results:
        print(f"  {year_label(r.year)}: charge {fmt(r.net_pence)} (difference {fmt(r.difference_pence)}), "
              f"balance {fmt(r.balance_pence)}" + (f"; {r.notice.replace('_', ' ')}" if r.notice else ""))
    for warning in change.warnings:
        print(f"  Note: {warning}")
    return EXIT_OK


def _discount_id(summary: Any, period_id: uuid.UUID, kind: str, on: date) -> uuid.UUID:
    period = next(p for p in summary.periods if p.period_id == period_id)
    code = kind.strip().upper()
    for d in reversed(period.discounts):
        if d.kind == code and d.from_ <= on + timedelta(days=1) and (d.to is None or d.to >= on):
            return d.id  # type: ignore[no-any-return]
    raise UsageError(f"Account {summary.account_ref} has no {code} in force on {on:%d/%m/%Y}.")


def change_json(change: Any) -> dict[str, Any]:
    """A LiabilityChange as the JSON scripts read (money in *_pence, dates ISO)."""
    from app.dto import jsonable

    return {
        "account_ref": change.account_ref,
        "preview": change.preview,
        "years": [jsonable(asdict(r)) for r in change.results],
        "warnings": list(change.warnings),
    }
