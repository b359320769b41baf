"""`revdesk payment ...`, `revdesk refund ...` and `revdesk dd ...`: payments, suspense,
refunds (two-person approval) and Direct Debit. Thin: parse, ask the application, print."""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import TYPE_CHECKING, Any

from app import clock
from app.cli.common import EXIT_BAD_INPUT, EXIT_OK, Handler, UsageError, as_of_and_json, date_arg, pounds_arg, print_json
from app.enums import RefundStatus
from app.money import fmt
from app.rules.apportionment import year_label

if TYPE_CHECKING:
    from app.application import Application


def register(sub: Any, handlers: dict[str, Handler]) -> None:
    payment = sub.add_parser("payment", help="payments and suspense").add_subparsers(
        dest="payment_command", metavar="ACTION", required=True
    )
    post = payment.add_parser("post", help="post a payment to an account (oldest debt first)")
    post.add_argument("ref", help="account reference")
    post.add_argument("--amount", type=pounds_arg, required=True, help="amount in pounds")
    post.add_argument("--date", type=date_arg, required=True, help="date the payment was received")
    post.add_argument("--method", required=True, help="dd, card, bank, cash, cheque, benefit_deduction, aoe or ea")
    post.add_argument("--reference", required=True, help="the payment's own reference (unique)")
    post.add_argument("--confirm-credit", action="store_true",
                      help="post it even though it is more than is owed now (a credit, or towards bills not yet due)")
    as_of_and_json(post)
    suspense = payment.add_parser("suspense", help="list payments in suspense")
    suspense.add_argument("--json", action="store_true")
    allocate = payment.add_parser("allocate", help="allocate a suspense payment to an account")
    allocate.add_argument("payment_ref")
    allocate.add_argument("--account", required=True, help="account reference")
    as_of_and_json(allocate)

    refund = sub.add_parser("refund", help="refunds of credit balances").add_subparsers(
        dest="refund_command", metavar="ACTION", required=True
    )
    request = refund.add_parser("request", help="request a refund of (part of) a credit balance")
    request.add_argument("ref", help="account reference")
    request.add_argument("--amount", type=pounds_arg, required=True, help="amount in pounds")
    request.add_argument("--payee", required=True)
    request.add_argument("--method", default="bank", help="bank, cheque or card (default bank)")
    request.add_argument("--reason", required=True)
    as_of_and_json(request)
    decide = refund.add_parser("decide", help="approve or reject a refund request (team leader; not the requester)")
    decide.add_argument("refund_id")
    decide.add_argument("--decision", choices=["approve", "reject"], required=True)
    decide.add_argument("--note", required=True)
    as_of_and_json(decide)
    listing = refund.add_parser("list", help="list refund requests")
    listing.add_argument("--status", choices=[s.value for s in RefundStatus])
    listing.add_argument("--account", help="account reference")
    listing.add_argument("--json", action="store_true")

    dd = sub.add_parser("dd", help="Direct Debit").add_subparsers(dest="dd_command", metavar="ACTION", required=True)
    mandate = dd.add_parser("mandate", help="set up a Direct Debit mandate on an account")
    mandate.add_argument("ref", help="account reference")
    mandate.add_argument("--holder", required=True, help="bank account holder's name")
    mandate.add_argument("--sort-code", required=True, help="6 digits")
    mandate.add_argument("--account-number", required=True, help="8 digits")
    mandate.add_argument("--start", type=date_arg, required=True, help="first date a collection may be made")
    mandate.add_argument("--json", action="store_true")
    cancel = dd.add_parser("cancel", help="cancel an account's mandate (back to paying by cash)")
    cancel.add_argument("ref", help="account reference")
    cancel.add_argument("--reason", default="")
    as_of_and_json(cancel)
    collect = dd.add_parser("collect", help="write the collection file for instalments due on a date")
    collect.add_argument("--date", type=date_arg, required=True, help="collection (due) date")
    collect.add_argument("--out", required=True, help="CSV file to write (never overwritten)")
    as_of_and_json(collect)
    dd_post = dd.add_parser("post", help="post submitted collections due by a date as payments")
    as_of_and_json(dd_post)
    returns = dd.add_parser("returns", help="import returned Direct Debits (ARUDD CSV)")
    returns.add_argument("file")
    returns.add_argument("--all-or-nothing", action="store_true", help="apply nothing if any row is rejected")
    as_of_and_json(returns)

    handlers.update({"payment": _payment, "refund": _refund, "dd": _dd})



def _allocation_text(result: Any) -> str:
    return ", ".join(f"{year_label(p.year)} {fmt(p.amount_pence)}" for p in result.allocation)


def _payment(app: Application, args: argparse.Namespace) -> int:
    from app.payments import posting
    from app.payments.requests import AllocateSuspense, PostPayment

    if args.payment_command == "suspense":
        items = app.read(posting.list_suspense)
        lines = [
            f"{i.payment_ref:<24} {i.received_on:%d/%m/%Y} {fmt(i.amount_pence):>12}  given: {i.account_ref_given}"
            for i in items
        ]
        data = {"suspense": [i.to_json() for i in items], "total_pence": sum(i.amount_pence for i in items)}
        return _print(args, data, "\n".join(lines) or "Nothing in suspense.")
    as_of = args.as_of or clock.today()
    if args.payment_command == "post":
        try:
            result = app.execute(PostPayment(
                account_ref=args.ref, amount_pence=args.amount, received_on=args.date, method=args.method,
                reference=args.reference, as_of=as_of, confirm_credit=args.confirm_credit,
            ))
        except posting.CreditNotConfirmed as exc:
            raise UsageError(exc.asking("add --confirm-credit")) from None
    else:
        result = app.execute(AllocateSuspense(payment_ref=args.payment_ref, account_ref=args.account, as_of=as_of))
    later = f" ({fmt(result.later_bills_pence)} of bills not yet due)" if result.later_bills_pence else ""
    return _print(args, result.to_json(), f"Payment {result.payment_ref} of {fmt(result.amount_pence)} to "
                  f"{result.account_ref}: {_allocation_text(result)}. Owed now {fmt(result.balance_pence)}{later}.")


def _refund(app: Application, args: argparse.Namespace) -> int:
    from app.payments.requests import DecideRefund, RequestRefund

    if args.refund_command == "list":
        views = app.refunds(status=args.status, account_ref=args.account)
        lines = [
            f"{v.refund_id}  {v.account_ref:<10} {fmt(v.amount_pence):>12}  {v.status:<9} {v.payee} (by {v.requested_by})"
            for v in views
        ]
        return _print(args, {"refunds": [v.to_json() for v in views]}, "\n".join(lines) or "No refund requests.")
    as_of = args.as_of or clock.today()
    if args.refund_command == "request":
        view = app.execute(RequestRefund(
            account_ref=args.ref, amount_pence=args.amount, payee=args.payee, method=args.method, reason=args.reason,
            as_of=as_of,
        ))
    else:
        try:
            refund_id = uuid.UUID(args.refund_id)
        except ValueError:
            raise UsageError(f"'{args.refund_id}' is not a refund id (see `revdesk refund list`)") from None
        view = app.execute(DecideRefund(refund_id=refund_id, approve=args.decision == "approve", note=args.note,
                                        as_of=as_of))
    return _print(args, view.to_json(),
                  f"Refund {view.refund_id} of {fmt(view.amount_pence)} to {view.payee} on {view.account_ref}: {view.status}.")


def _dd(app: Application, args: argparse.Namespace) -> int:
    from app.payments import requests as rq

    if args.dd_command == "mandate":
        view = app.execute(rq.SetUpMandate(
            account_ref=args.ref, account_holder=args.holder, sort_code=args.sort_code,
            bank_account_number=args.account_number, start_date=args.start,
        ))
        return _print(args, view.to_json(),
                      f"Mandate {view.reference} set up on {view.account_ref} from {view.start_date:%d/%m/%Y}.")
    as_of = args.as_of or clock.today()
    if args.dd_command == "cancel":
        view = app.execute(rq.CancelMandate(account_ref=args.ref, as_of=as_of, reason=args.reason))
        return _print(args, view.to_json(), f"Mandate {view.reference} cancelled; {view.account_ref} now pays by cash.")
    if args.dd_command == "collect":
        result = app.execute(rq.GenerateCollectionFile(collection_date=args.date, out_path=args.out, as_of=as_of))
        text = (f"{result.collections} collections, {fmt(result.total_pence)}, written to {result.out_path}."
                if result.file_written else "Nothing new to collect on that date; no file written.")
        return _print(args, result.to_json(), text)
    if args.dd_command == "post":
        posted = app.execute(rq.PostCollections(as_of=as_of))
        return _print(args, {"posted": posted, "as_of": as_of.isoformat()}, f"Posted {posted} Direct Debit collections.")
    summary = app.execute(rq.ImportDirectDebitReturns(path=args.file, as_of=as_of, all_or_nothing=args.all_or_nothing))
    for err in summary.errors:
        print(f"revdesk: {args.file}, line {err.line}, field '{err.field}': {err.message}", file=sys.stderr)
    _print(args, summary.to_json(), f"Returns applied {summary.imported} ({fmt(summary.reversed_pence)} reversed, "
           f"{summary.mandates_cancelled} mandates cancelled), skipped {summary.skipped}, rejected {summary.rejected}.")
    return EXIT_BAD_INPUT if summary.rejected else EXIT_OK


def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> int:
    if args.json:
        print_json(data)
    else:
        print(text)
    return EXIT_OK
