"""`revdesk court ...`: the hearing list and the outcomes recorded from it.

The group is a table of actions (`ACTIONS`: name -> (add arguments, handler)) so later
actions (`court pack`, `court sync`) are added by one entry each, without touching the rest.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_BAD_INPUT, EXIT_OK, Handler, date_arg, print_json, record_id
from app.court.sync import EXPORT_SYNCED
from app.errors import NotFound, ValidationError
from app.money import fmt
from app.requests import with_changes
from app.rules.apportionment import year_label
from app.secrets import PACK_KEY_ENV

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
    if not app.in_court_mode and (until := app.at_court_until(args.hearing, args.as_of or clock.today())):
        lines.append(f"Packed for court: at court until {until:%d/%m/%Y} (sync the pack before changing these cases).")
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


# --- offline court mode ----------------------------------------------------------------------

def _configure_pack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hearing", type=date_arg, required=True, help="hearing date")
    parser.add_argument("--out", required=True, metavar="FILE", help="the court pack file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _common(parser)


def _pack(app: Application, args: argparse.Namespace) -> int:
    from app.court.requests import MakePack

    result = app.execute(MakePack(hearing_date=args.hearing, out=args.out, force=args.force,
                                  as_of=args.as_of or clock.today()))
    data = {"pack_id": str(result.pack_id), "accounts": result.accounts, "file": result.file,
            "hearing_date": result.hearing_date.isoformat(), "leased_until": result.leased_until.isoformat()}
    if result.key_hex:
        data["key"] = result.key_hex
        print(f"No keyring is usable on this computer, so this pack has a key of its own, kept nowhere: "
              f"{PACK_KEY_ENV}={result.key_hex} opens and syncs it. Keep it as safe as the pack.", file=sys.stderr)
    return _print(args, data, f"Packed {result.accounts} accounts for the hearing on {args.hearing:%d/%m/%Y} into "
                              f"{result.file}; at court until {result.leased_until:%d/%m/%Y}.")


def _configure_journal(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export", metavar="OUT", default=None,
                        help="write the journal to an encrypted file a colleague can `court sync`")
    parser.add_argument("--force", action="store_true", help="with --export: replace OUT if it exists")
    parser.add_argument("--json", action="store_true")


def _journal(app: Application, args: argparse.Namespace) -> int:
    if args.export is not None:
        done = app.export_journal(args.export, force=args.force)
        return _print(args, done.to_json(),
                      f"Exported {done.entries} journal entries ({done.unreceipted} not yet synced) of the pack for the "
                      f"hearing on {done.hearing_date:%d/%m/%Y} to {done.file}: sync it with `revdesk court sync` "
                      "against the database the pack was taken from.")
    entries = app.court_journal()
    lines = [f"{e.seq:>4}  {e.recorded_at:%d/%m/%Y %H:%M}  {e.command:<26} {e.account_ref:<10} {e.officer}"
             + (f"  [{e.receipt}]" if e.receipt else "") for e in entries]
    return _print(args, {"entries": [e.to_json() for e in entries]}, "\n".join(lines) or "Nothing recorded in this pack yet.")


def _configure_sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the court pack whose journal to apply to this database")
    parser.add_argument("--json", action="store_true")


def _sync(app: Application, args: argparse.Namespace) -> int:
    r = app.sync_pack(args.file)
    text = (f"Sent {r.sent}: {r.applied} applied, {r.already_applied} already applied, {r.conflicts} to the conflicts "
            f"queue. Payments: {r.payments} for {fmt(r.payments_pence)} at court; {r.office_payments} for "
            f"{fmt(r.office_payments_pence)} in the office."
            + (f" {EXPORT_SYNCED}" if r.export else
               " Every entry is receipted: the pack may be wiped." if r.receipted else ""))
    return _print(args, r.to_json(), text)


def _configure_conflicts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="resolved ones too")
    parser.add_argument("--json", action="store_true")


def _conflicts(app: Application, args: argparse.Namespace) -> int:
    found = app.sync_conflicts(None if args.all else "open")
    lines = [f"{c.id}  {c.account_ref:<10} {c.command:<24} {c.status:<8} {c.reason}" for c in found]
    return _print(args, {"conflicts": [c.to_json() for c in found]}, "\n".join(lines) or "No sync conflicts.")


def _configure_resolve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the conflict's id (see `court conflicts`)")
    parser.add_argument("--keep", required=True, choices=("court", "office"))
    parser.add_argument("--note", required=True)
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", dest="changes",
                        help="with --keep court: correct a field of the court's request before it is applied "
                             "(edit and apply; repeatable; money fields in pence, dates YYYY-MM-DD; the fields are "
                             "in `court conflicts --json`)")
    parser.add_argument("--json", action="store_true")


def _resolve(app: Application, args: argparse.Namespace) -> int:
    from app.court.requests import ResolveConflict

    conflict_id = record_id(args.id, "sync conflict", "revdesk court conflicts")
    edited = None
    if args.changes:
        changes = dict(_field_value(text) for text in args.changes)
        court = next((c.court for c in app.sync_conflicts(None) if c.id == conflict_id), None)
        if court is None:
            raise NotFound(f"There is no sync conflict {conflict_id}.")
        edited = with_changes(court["request"], changes)
    view = app.execute(ResolveConflict(conflict_id=conflict_id, keep=args.keep, note=args.note, edited=edited))
    done = "applied the court's request as corrected" if edited else f"kept the {args.keep}'s record"
    return _print(args, view.to_json(), f"Resolved: {done} for {view.account_ref}.")


def _field_value(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise ValidationError(f"'{text}' is not FIELD=VALUE.", field="set")
    return name.strip(), value


def _configure_wipe(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the court pack (or journal export) to overwrite and delete")
    parser.add_argument("--json", action="store_true")


def _wipe(app: Application, args: argparse.Namespace) -> int:
    done = app.wipe_pack(args.file)
    return _print(args, done.to_json(), f"Wiped {done.file}: {done.entries} journal entries, all synced; "
                                        f"{done.bytes_overwritten:,} bytes overwritten, then deleted.")


action("hearings", "hearing dates ahead (from the settings)")(_configure_hearings)(_hearings)
action("list", "the accounts listed for a hearing, with what they owe now")(_configure_list)(_list)
action("outcome", "record the court's decision for one account")(_configure_outcome)(_outcome)
action("outcomes", "record one decision for everyone (or the accounts given) on a hearing's list")(_configure_outcomes)(_outcomes)
action("pack", "copy a hearing's list into an encrypted court pack for offline court mode")(_configure_pack)(_pack)
action("journal", "what was recorded in a court pack (with --pack FILE)")(_configure_journal)(_journal)
action("sync", "apply a court pack's journal to this database, each entry once")(_configure_sync)(_sync)
action("conflicts", "journal entries sync could not apply, for a team leader")(_configure_conflicts)(_conflicts)
action("resolve", "keep the court's or the office's record for a sync conflict (team leader)")(_configure_resolve)(_resolve)
action("wipe", "overwrite and delete a court pack once every journal entry is synced")(_configure_wipe)(_wipe)
