"""`revdesk court ...`: the hearing list and the outcomes recorded from it.

The group is a table of actions (`ACTIONS`: name -> (add arguments, handler)) so later
actions (`court pack`, `court sync`) are added by one entry each, without touching the rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_BAD_INPUT, EXIT_OK, Handler, date_arg, print_json
from app.money import fmt
from app.rules.apportionment import year_label

if TYPE_CHECKING:
    from app.application import Application

Configure = Callable[[argparse.ArgumentParser], None]
ACTIONS: dict[str, tuple[str, Configure, Handler]] = {}


def action(name: str, help_text: str) -> Callable[[Configure], Callable[[Handler], Handler]]:
    """Register `court NAME`: `@action(...)(configure)(handler)`; see the bottom of this module."""
    def with_configure(configure: Configure) -> Callable[[Handler], Handler]:
        def with_handler(handler: Handler) -> Handler:
            ACTIONS[name] = (help_text, configure, handler)
            return handler
        return with_handler
    return with_configure


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    court = sub.add_parser("court", help="magistrates' court: hearing lists and outcomes").add_subparsers(
        dest="court_command", metavar="ACTION", required=True
    )
    for name, (help_text, configure, _) in ACTIONS.items():
        parser = court.add_parser(name, help=help_text)
        configure(parser)
    handlers["court"] = _court


def _court(app: Application, args: argparse.Namespace) -> int:
    return ACTIONS[args.court_command][2](app, args)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=date_arg, default=None, help="today's date for the action (default: today)")
    parser.add_argument("--json", action="store_true")


def _print(args: argparse.Namespace, data: dict[str, Any], text: str, code: int = EXIT_OK) -> int:
    if args.json:
        print_json(data)
    else:
        print(text)
    return code


# --- court hearings -------------------------------------------------------------------------

def _configure_hearings(parser: argparse.ArgumentParser) -> None:
    _common(parser)


def _hearings(app: Application, args: argparse.Namespace) -> int:
    from app.court.hearings import upcoming_hearings

    dates = upcoming_hearings(app.settings, args.as_of or clock.today())
    return _print(args, {"hearings": [d.isoformat() for d in dates]},
                  "\n".join(f"{d:%d/%m/%Y}  {_venue(app, d)}" for d in dates) or "No hearing dates ahead in the settings.")


def _venue(app: Application, day: date) -> str:
    venue = app.settings.court.venue_for(day)
    return f"{venue.name}, {venue.time_text}" if venue else ""


# --- court list -----------------------------------------------------------------------------

def _configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hearing", type=date_arg, required=True, help="hearing date")
    _common(parser)


def _list(app: Application, args: argparse.Namespace) -> int:
    listing = app.hearing_list(args.hearing, args.as_of or clock.today())
    lines = [
        f"{e.account_ref:<10} {year_label(e.year)} {e.name[:28]:<28} {e.postcode:<9} "
        f"summonsed {fmt(e.summons_amount_pence):>11}  owed now {fmt(e.balance_pence):>11}"
        + (f"  HOLD: {e.holds[0].label}" if e.holds else "")
        for e in listing.entries
    ]
    at = f" at {listing.venue_text}" if listing.venue_text else ""
    lines.append(f"{listing.accounts} accounts, {fmt(listing.total_balance_pence)} owed, hearing {args.hearing:%d/%m/%Y}{at}.")
    return _print(args, listing.to_json(), "\n".join(lines))


# --- court outcome / outcomes ---------------------------------------------------------------

OUTCOME_CHOICES = ("granted", "withdrawn", "adjourned", "paid")


def _configure_outcome(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ref", help="account reference")
    parser.add_argument("--hearing", type=date_arg, required=True, help="hearing date")
    parser.add_argument("--outcome", required=True, choices=OUTCOME_CHOICES)
    parser.add_argument("--adjourned-to", type=date_arg, default=None, help="new hearing date (adjourned)")
    parser.add_argument("--withdraw-costs", action="store_true", help="withdrawn: reverse the summons costs too")
    parser.add_argument("--note", default="")
    _common(parser)


def _outcome(app: Application, args: argparse.Namespace) -> int:
    from app.court.requests import RecordOutcome

    result = app.execute(RecordOutcome(
        account_ref=args.ref, hearing_date=args.hearing, outcome=args.outcome, adjourned_to=args.adjourned_to,
        note=args.note, withdraw_costs=args.withdraw_costs, as_of=args.as_of or clock.today(),
    ))
    return _print(args, result.to_json(), result.message)


def _configure_outcomes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hearing", type=date_arg, required=True, help="hearing date")
    parser.add_argument("--outcome", required=True, choices=OUTCOME_CHOICES)
    parser.add_argument("--accounts", default=None, help="comma-separated account references (default: everyone listed)")
    parser.add_argument("--adjourned-to", type=date_arg, default=None, help="new hearing date (adjourned)")
    parser.add_argument("--note", default="")
    _common(parser)


def _outcomes(app: Application, args: argparse.Namespace) -> int:
    import sys

    from app.court.requests import RecordOutcomes

    refs = tuple(r.strip() for r in args.accounts.split(",") if r.strip()) if args.accounts else None
    result = app.execute(RecordOutcomes(
        hearing_date=args.hearing, outcome=args.outcome, account_refs=refs, adjourned_to=args.adjourned_to,
        note=args.note, as_of=args.as_of or clock.today(),
    ))
    for err in result.errors:
        print(f"revdesk: account {err.account_ref}: {err.message}", file=sys.stderr)
    return _print(args, result.to_json(),
                  f"Recorded '{args.outcome}' for {result.recorded} accounts; {result.skipped} already recorded; "
                  f"{len(result.errors)} refused.", EXIT_BAD_INPUT if result.errors else EXIT_OK)


action("hearings", "hearing dates ahead (from the settings)")(_configure_hearings)(_hearings)
action("list", "the accounts listed for a hearing, with what they owe now")(_configure_list)(_list)
action("outcome", "record the court's decision for one account")(_configure_outcome)(_outcome)
action("outcomes", "record one decision for everyone (or the accounts given) on a hearing's list")(_configure_outcomes)(_outcomes)
